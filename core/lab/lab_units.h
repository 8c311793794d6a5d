// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace spillway::lab {

/// Bytes from "256MiB", "32M", "1.5GiB", "4096", "64k". K/M/G/T and KiB/MiB/GiB/TiB
/// are both powers of 1024 (as Kafka's and the lab's sizes are); KB/MB/GB are
/// powers of 1000.
Result<std::uint64_t> parseSize(std::string_view text);

/// A load rate: bytes per second ("256KiB/s", "2MiB/s", "4096") or messages
/// per second ("1000msg/s"); a plain number is bytes per second. Messages are
/// converted with `messageBytes`. "0" pauses; "unlimited" is kUnlimitedRate.
inline constexpr std::uint64_t kUnlimitedRate = UINT64_MAX;
Result<std::uint64_t> parseRate(std::string_view text, std::uint64_t messageBytes);

/// "1.5 GiB", "256 MiB", "812 B".
std::string formatBytes(std::uint64_t bytes);
/// "256 KiB/s", "paused", "unlimited".
std::string formatRate(std::uint64_t bytesPerSecond);
/// A size as spillway-labfs takes it: "256MiB", "33554432" for odd sizes.
std::string labfsSize(std::uint64_t bytes);

} // namespace spillway::lab
