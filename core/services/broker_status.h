// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace spillway::core {

/// Stopped -> Starting -> Running -> Stopping -> Stopped, and Crashed on an
/// unexpected exit or a start that never answered. External: the broker's
/// log dirs are locked by a process Spillway did not start ("running (not
/// started by Spillway)"); Spillway neither starts a second instance nor
/// signals that one.
enum class BrokerState { Stopped, Starting, Running, Stopping, Crashed, External };
enum class BrokerHealth { Unknown, Healthy, Unresponsive };

std::string_view toString(BrokerState state) noexcept;   ///< "stopped", ..., "external"
std::string_view toString(BrokerHealth health) noexcept; ///< "unknown", "healthy", "unresponsive"

/// Everything the UI or the CLI shows about one supervised broker. Plain value.
struct BrokerStatus {
    BrokerState state = BrokerState::Stopped;
    BrokerHealth health = BrokerHealth::Unknown;
    pid_t pid = 0;         ///< the broker's pid (ours, or the lock holder for External); 0 unknown
    bool attached = false; ///< started by an earlier console session or another Spillway process
    std::optional<int> exitCode;
    std::optional<int> exitSignal;
    bool killedAfterTimeout = false;   ///< the last stop needed SIGKILL
    std::string detail;                ///< why it stopped or crashed, or why a start was refused
    std::string healthDetail;          ///< last probe: "ApiVersions from 127.0.0.1:9092 in 3 ms" or the error
    std::vector<std::string> crashLog; ///< the log tail at the crash

    /// "running (pid 1234)", "running (pid 1234), unresponsive: ...",
    /// "crashed (signal KILL)", "running (not started by Spillway, pid 99)".
    [[nodiscard]] std::string describe() const;
};

/// `<state dir>/last-exit`: how the broker last crashed, so that the next
/// console session (or spillway-cli) still shows it. Replaced atomically.
struct LastExitRecord {
    std::string detail;
    std::string time; ///< UTC, ISO 8601
    std::optional<int> exitCode;
    std::optional<int> exitSignal;

    static std::optional<LastExitRecord> read(const std::filesystem::path &file);
    [[nodiscard]] Status write(const std::filesystem::path &file) const;
    static void remove(const std::filesystem::path &file);
};

/// "2024-01-31T23:59:59Z"
std::string utcTimestamp();

} // namespace spillway::core
