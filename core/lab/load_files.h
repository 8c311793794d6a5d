// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace spillway::lab {

/// The load generator's rates, in `<root>/load.properties`. `spillway-cli lab
/// load` and the drills replace the file atomically; spillway-loadgen re-reads
/// it every second. 0 pauses; kUnlimitedRate (written as -1) means no limit.
struct LoadRates {
    std::uint64_t produceBytesPerSecond = 256ULL << 10;
    std::uint64_t consumeBytesPerSecond = 256ULL << 10;
    std::uint32_t messageBytes = 1024;
    bool operator==(const LoadRates &) const = default;

    static Result<LoadRates> read(const std::filesystem::path &file);
    [[nodiscard]] Status write(const std::filesystem::path &file) const;
};

/// What spillway-loadgen reports about itself, in `<root>/loadgen.status`,
/// replaced atomically every second. Counters since it started.
struct LoadStatus {
    std::int64_t pid = 0;
    std::int64_t updatedMs = 0; ///< wall clock of the last write
    bool topicReady = false;
    std::int64_t producedMessages = 0;
    std::int64_t producedBytes = 0; ///< acknowledged by the broker
    std::int64_t deliveryErrors = 0;
    std::int64_t queueFull = 0; ///< messages not sent because the local queue was full
    std::int64_t consumedMessages = 0;
    std::int64_t consumedBytes = 0;
    std::int64_t lagMessages = -1;        ///< sum over partitions of end offset - committed offset; -1 unknown
    std::int64_t produceRateMeasured = 0; ///< bytes/s acknowledged over the last few seconds
    std::int64_t consumeRateMeasured = 0;
    std::string lastError;

    static Result<LoadStatus> read(const std::filesystem::path &file);
    [[nodiscard]] Status write(const std::filesystem::path &file) const;
};

} // namespace spillway::lab
