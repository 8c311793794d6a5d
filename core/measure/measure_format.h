// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace spillway::core::measure {

/// "912 MiB", "1.2 GiB", "512 B": binary units, as df -h and the console.
std::string formatByteSize(std::int64_t bytes);

/// "3 h 20 min", "45 min", "2 d 4 h", "30 s".
std::string formatDuration(double seconds);

/// A byte rate per hour: "+1.2 GiB/h", "-30 MiB/h".
std::string formatByteRatePerHour(double bytesPerSecond);

/// "91.2 %"
std::string formatPercent(double percent);

} // namespace spillway::core::measure
