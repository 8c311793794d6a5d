// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <vector>

namespace spillway::broker {

/// An epoll event loop owning callbacks for file descriptors, timers and
/// cross-thread posts. Runs on one thread (the one calling run()); post()
/// and stop() may be called from any thread.
class EventLoop {
public:
    using IoCallback = std::function<void(std::uint32_t events)>;
    using Task = std::function<void()>;
    using Clock = std::chrono::steady_clock;

    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop &) = delete;
    EventLoop &operator=(const EventLoop &) = delete;

    [[nodiscard]] bool valid() const noexcept { return m_epoll >= 0 && m_wake >= 0; }

    /// Watches `fd` for `events` (EPOLLIN, EPOLLOUT ...). The callback may
    /// add, modify or remove any fd, including its own.
    core::Status add(int fd, std::uint32_t events, IoCallback callback);
    core::Status modify(int fd, std::uint32_t events);
    void remove(int fd);

    /// Runs `task` on the loop thread once `delay` has passed.
    void runAfter(std::chrono::milliseconds delay, Task task);
    /// Runs `task` on the loop thread soon; thread-safe.
    void post(Task task);

    /// Dispatches until stop(); returns at once if stop() was already called.
    /// Blocks SIGPIPE on the calling thread (sockets report EPIPE instead).
    void run();
    void stop();

private:
    struct Timer {
        Clock::time_point due;
        std::uint64_t seq;
        Task task;
        bool operator>(const Timer &o) const { return due != o.due ? due > o.due : seq > o.seq; }
    };

    int timeoutMs() const;
    void runDueTimers();
    void drainPosted();

    int m_epoll = -1;
    int m_wake = -1; ///< eventfd that interrupts epoll_wait for post()/stop()
    struct Watch {
        std::uint32_t generation;
        std::shared_ptr<IoCallback> callback;
    };
    /// The generation tells a stale event for a closed fd from one for a new
    /// fd that got the same number within the same epoll_wait batch.
    std::map<int, Watch> m_callbacks;
    std::uint32_t m_generation = 0;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> m_timers;
    std::uint64_t m_timerSeq = 0;
    std::mutex m_postMutex;
    std::vector<Task> m_posted;
    bool m_stopping = false; ///< guarded by m_postMutex
};

} // namespace spillway::broker
