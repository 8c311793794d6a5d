// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/log/log_manager.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace spillway::broker {

/// Kafka's ReplicaAlterLogDirsThread on the broker's event loop: runs
/// LogManager::moveReplicas() in steps of at most kStepBytes, so that
/// requests are served between steps, within the dynamic broker config
/// replica.alter.log.dirs.io.max.bytes.per.second (bytes per second over all
/// moves, a token bucket holding at most one second's worth; the rate is read
/// again at every step, so AlterConfigs / IncrementalAlterConfigs change
/// running moves). A step may exceed what the bucket holds by one batch (a
/// batch is copied whole); the debt delays the next steps. Loop thread; the
/// Broker owns it and calls kick() when a move starts or resumes.
class ReplicaMover {
public:
    /// Bytes per second, nullopt for unlimited.
    using RateSource = std::function<std::optional<std::int64_t>()>;
    using Schedule = std::function<void(std::chrono::milliseconds, std::function<void()>)>;
    using Clock = std::function<std::int64_t()>;

    static constexpr std::int64_t kStepBytes = 1024 * 1024;
    /// The longest wait between steps, so that a raised throttle applies soon.
    static constexpr std::int64_t kMaxWaitMs = 1000;

    /// `steadyMs` measures the throttle; `wallMs` stamps the log (segment rolls).
    ReplicaMover(LogManager &logs, RateSource rate, Schedule schedule, Clock steadyMs, Clock wallMs);

    /// Schedules a step soon unless one is already scheduled.
    void kick();
    /// One step at steady time `steadyMs`: copies what the throttle allows
    /// and returns the delay before the next step, nullopt when no move is
    /// left. The timer calls it; tests call it with their own clock.
    std::optional<std::chrono::milliseconds> step(std::int64_t steadyMs, std::int64_t wallMs);
    /// Bytes copied by every step so far.
    [[nodiscard]] std::int64_t bytesCopied() const noexcept { return m_bytesCopied; }

private:
    void run();
    [[nodiscard]] std::chrono::milliseconds waitForTokens(std::int64_t rate) const;

    LogManager &m_logs;
    RateSource m_rate;
    Schedule m_schedule;
    Clock m_steadyMs;
    Clock m_wallMs;
    bool m_scheduled = false;
    bool m_limited = false; ///< the last step had a rate
    double m_tokens = 0;    ///< bytes that may be copied now; negative: debt
    std::int64_t m_lastRefillMs = 0;
    std::int64_t m_bytesCopied = 0;
};

} // namespace spillway::broker
