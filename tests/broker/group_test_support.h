// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A manual clock for driving the GroupCoordinator's timers from tests.

#include "broker/group/group_coordinator.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>

namespace spillway::test {

/// Time that moves only when advance() is called; timers run in due order.
struct ManualGroupClock {
    using Clock = std::chrono::steady_clock;
    Clock::time_point now{std::chrono::hours(1)};
    std::multimap<Clock::time_point, std::function<void()>> timers;
    std::int64_t wallMs = 1700000000000;

    broker::GroupTimers groupTimers()
    {
        return {[this] { return now; },
                [this](std::chrono::milliseconds d, std::function<void()> f) { timers.emplace(now + d, std::move(f)); },
                [this] { return wallMs; }};
    }

    void advance(std::chrono::milliseconds d)
    {
        const auto end = now + d;
        while (!timers.empty() && timers.begin()->first <= end) {
            auto it = timers.begin();
            now = std::max(now, it->first);
            auto f = std::move(it->second);
            timers.erase(it);
            f();
        }
        now = end;
    }
};

} // namespace spillway::test
