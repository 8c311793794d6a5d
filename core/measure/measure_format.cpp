// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/measure_format.h"

#include <cmath>
#include <cstdio>
#include <iterator>

namespace spillway::core::measure {

std::string formatByteSize(std::int64_t bytes)
{
    static constexpr const char *kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    const bool negative = bytes < 0;
    const double magnitude = std::abs(static_cast<double>(bytes));
    if (magnitude < 1024.0)
        return std::to_string(bytes) + " B";
    double value = magnitude / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
        value /= 1024.0;
        ++unit;
    }
    char buf[40];
    std::snprintf(buf, sizeof buf, value < 10.0 ? "%s%.1f %s" : "%s%.0f %s", negative ? "-" : "", value, kUnits[unit]);
    return buf;
}

std::string formatDuration(double seconds)
{
    if (!std::isfinite(seconds))
        return "never";
    const auto total = static_cast<std::int64_t>(std::max(0.0, std::round(seconds)));
    const std::int64_t days = total / 86400;
    const std::int64_t hours = (total % 86400) / 3600;
    const std::int64_t minutes = (total % 3600) / 60;
    if (days > 0)
        return std::to_string(days) + " d" + (hours > 0 ? " " + std::to_string(hours) + " h" : std::string());
    if (hours > 0)
        return std::to_string(hours) + " h" + (minutes > 0 ? " " + std::to_string(minutes) + " min" : std::string());
    if (minutes > 0)
        return std::to_string(minutes) + " min";
    return std::to_string(total) + " s";
}

std::string formatByteRatePerHour(double bytesPerSecond)
{
    const double perHour = bytesPerSecond * 3600.0;
    const std::string size = formatByteSize(static_cast<std::int64_t>(std::llround(std::abs(perHour))));
    return (perHour < 0 ? "-" : "+") + size + "/h";
}

std::string formatPercent(double percent)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %%", percent);
    return buf;
}

} // namespace spillway::core::measure
