// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/log/replica_mover.h"

#include <algorithm>
#include <cmath>

namespace spillway::broker {

ReplicaMover::ReplicaMover(LogManager &logs, RateSource rate, Schedule schedule, Clock steadyMs, Clock wallMs)
    : m_logs(logs)
    , m_rate(std::move(rate))
    , m_schedule(std::move(schedule))
    , m_steadyMs(std::move(steadyMs))
    , m_wallMs(std::move(wallMs))
{}

void ReplicaMover::kick()
{
    if (m_scheduled)
        return;
    m_scheduled = true;
    m_schedule(std::chrono::milliseconds(0), [this] { run(); });
}

void ReplicaMover::run()
{
    // Still "scheduled" during the step: a move started by it (a copy that
    // starts again) must not begin a second chain of timers.
    const auto next = step(m_steadyMs(), m_wallMs());
    if (!next) {
        m_scheduled = false;
        return;
    }
    m_schedule(*next, [this] { run(); });
}

std::chrono::milliseconds ReplicaMover::waitForTokens(std::int64_t rate) const
{
    // Until the bucket holds at least one byte again.
    const double ms = std::ceil((1.0 - m_tokens) * 1000.0 / static_cast<double>(rate));
    return std::chrono::milliseconds(std::clamp<std::int64_t>(static_cast<std::int64_t>(ms), 1, kMaxWaitMs));
}

std::optional<std::chrono::milliseconds> ReplicaMover::step(std::int64_t steadyMs, std::int64_t wallMs)
{
    const std::optional<std::int64_t> configured = m_rate ? m_rate() : std::nullopt;
    const std::int64_t rate = configured && *configured > 0 ? *configured : 0; // 0: unlimited
    std::int64_t budget = kStepBytes;
    if (rate > 0) {
        if (!m_limited) {
            // Throttled from now on: the bucket starts empty.
            m_limited = true;
            m_tokens = 0;
            m_lastRefillMs = steadyMs;
        }
        const std::int64_t elapsed = std::max<std::int64_t>(steadyMs - m_lastRefillMs, 0);
        m_lastRefillMs = steadyMs;
        m_tokens = std::min(m_tokens + static_cast<double>(rate) * static_cast<double>(elapsed) / 1000.0,
                            static_cast<double>(rate));
        if (m_tokens < 1.0) {
            if (!m_logs.hasPendingMoves())
                return std::nullopt;
            return waitForTokens(rate);
        }
        budget = std::min(budget, static_cast<std::int64_t>(m_tokens));
    } else {
        m_limited = false;
    }
    const auto done = m_logs.moveReplicas(budget, wallMs);
    m_bytesCopied += done.bytesCopied;
    if (rate > 0)
        m_tokens -= static_cast<double>(done.bytesCopied);
    if (!done.pending)
        return std::nullopt;
    if (rate > 0 && m_tokens < 1.0)
        return waitForTokens(rate);
    return std::chrono::milliseconds(0);
}

} // namespace spillway::broker
