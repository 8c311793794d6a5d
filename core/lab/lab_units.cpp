// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/lab_units.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace spillway::lab {
namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char &c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

/// Multiplier for a unit suffix (already lower case), 0 when unknown.
std::uint64_t unitFactor(std::string_view unit)
{
    struct Unit {
        std::string_view name;
        std::uint64_t factor;
    };
    static constexpr std::array<Unit, 17> units{{
        {"", 1},
        {"b", 1},
        {"k", 1ULL << 10},
        {"kib", 1ULL << 10},
        {"kb", 1000ULL},
        {"m", 1ULL << 20},
        {"mib", 1ULL << 20},
        {"mb", 1000ULL * 1000},
        {"g", 1ULL << 30},
        {"gib", 1ULL << 30},
        {"gb", 1000ULL * 1000 * 1000},
        {"t", 1ULL << 40},
        {"tib", 1ULL << 40},
        {"tb", 1000ULL * 1000 * 1000 * 1000},
        {"ki", 1ULL << 10},
        {"mi", 1ULL << 20},
        {"gi", 1ULL << 30},
    }};
    for (const auto &u : units)
        if (u.name == unit)
            return u.factor;
    return 0;
}

} // namespace

Result<std::uint64_t> parseSize(std::string_view text)
{
    const std::string_view t = trim(text);
    std::size_t numberEnd = 0;
    while (numberEnd < t.size() && (std::isdigit(static_cast<unsigned char>(t[numberEnd])) || t[numberEnd] == '.'))
        ++numberEnd;
    const std::string number(t.substr(0, numberEnd));
    const std::string unit = lower(trim(t.substr(numberEnd)));
    const std::uint64_t factor = unitFactor(unit);
    double value = 0;
    const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || ec != std::errc{} || ptr != number.data() + number.size() || factor == 0)
        return makeError(Errc::InvalidArgument,
                         "'" + std::string(text) + "' is not a size (e.g. 256MiB, 32M, 1GiB, 4096)");
    const double bytes = std::round(value * static_cast<double>(factor));
    if (bytes > 9.0e18)
        return makeError(Errc::InvalidArgument, "'" + std::string(text) + "' is too large");
    return static_cast<std::uint64_t>(bytes);
}

Result<std::uint64_t> parseRate(std::string_view text, std::uint64_t messageBytes)
{
    const std::string t = lower(trim(text));
    if (t == "unlimited" || t == "max")
        return kUnlimitedRate;
    std::string_view body = t;
    bool perSecond = false;
    if (body.ends_with("/s")) {
        body.remove_suffix(2);
        perSecond = true;
    }
    for (std::string_view msgUnit : {"msgs", "msg"}) {
        if (body.ends_with(msgUnit)) {
            if (!perSecond)
                break;
            auto n = parseSize(body.substr(0, body.size() - msgUnit.size()));
            if (!n)
                break;
            return *n * messageBytes;
        }
    }
    auto bytes = parseSize(body);
    if (!bytes)
        return makeError(Errc::InvalidArgument, "'" + std::string(text) +
                                                    "' is not a rate (e.g. 256KiB/s, 2MiB/s, 1000msg/s, 0 to "
                                                    "pause, unlimited)");
    return *bytes;
}

std::string formatBytes(std::uint64_t bytes)
{
    static constexpr std::array<const char *, 5> units{"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < units.size()) {
        value /= 1024.0;
        ++unit;
    }
    char buf[32];
    if (unit == 0)
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    else if (value == std::floor(value))
        std::snprintf(buf, sizeof buf, "%.0f %s", value, units[unit]);
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", value, units[unit]);
    return buf;
}

std::string formatRate(std::uint64_t bytesPerSecond)
{
    if (bytesPerSecond == 0)
        return "paused";
    if (bytesPerSecond == kUnlimitedRate)
        return "unlimited";
    return formatBytes(bytesPerSecond) + "/s";
}

std::string labfsSize(std::uint64_t bytes)
{
    if (bytes % (1ULL << 30) == 0)
        return std::to_string(bytes >> 30) + "GiB";
    if (bytes % (1ULL << 20) == 0)
        return std::to_string(bytes >> 20) + "MiB";
    if (bytes % (1ULL << 10) == 0)
        return std::to_string(bytes >> 10) + "KiB";
    return std::to_string(bytes);
}

} // namespace spillway::lab
