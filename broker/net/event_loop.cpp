// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/net/event_loop.h"

#include <cerrno>
#include <csignal>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace spillway::broker {

EventLoop::EventLoop() : m_epoll(::epoll_create1(EPOLL_CLOEXEC)), m_wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (valid()) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = static_cast<std::uint32_t>(m_wake); // generation 0
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev);
    }
}

EventLoop::~EventLoop()
{
    if (m_wake >= 0)
        ::close(m_wake);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

core::Status EventLoop::add(int fd, std::uint32_t events, IoCallback callback)
{
    const std::uint32_t generation = ++m_generation;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = (static_cast<std::uint64_t>(generation) << 32) | static_cast<std::uint32_t>(fd);
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0)
        return core::Error::fromErrno(errno, "epoll_ctl(ADD) on fd " + std::to_string(fd));
    m_callbacks[fd] = Watch{generation, std::make_shared<IoCallback>(std::move(callback))};
    return {};
}

core::Status EventLoop::modify(int fd, std::uint32_t events)
{
    const auto it = m_callbacks.find(fd);
    if (it == m_callbacks.end())
        return core::makeError(core::Errc::InvalidArgument, "fd " + std::to_string(fd) + " is not watched");
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = (static_cast<std::uint64_t>(it->second.generation) << 32) | static_cast<std::uint32_t>(fd);
    if (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev) != 0)
        return core::Error::fromErrno(errno, "epoll_ctl(MOD) on fd " + std::to_string(fd));
    return {};
}

void EventLoop::remove(int fd)
{
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
    m_callbacks.erase(fd);
}

void EventLoop::runAfter(std::chrono::milliseconds delay, Task task)
{
    m_timers.push(Timer{Clock::now() + delay, m_timerSeq++, std::move(task)});
}

void EventLoop::post(Task task)
{
    {
        std::lock_guard lock(m_postMutex);
        m_posted.push_back(std::move(task));
    }
    const std::uint64_t one = 1;
    (void)!::write(m_wake, &one, sizeof one);
}

void EventLoop::stop()
{
    {
        std::lock_guard lock(m_postMutex);
        m_stopping = true;
    }
    const std::uint64_t one = 1;
    (void)!::write(m_wake, &one, sizeof one);
}

int EventLoop::timeoutMs() const
{
    if (m_timers.empty())
        return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(m_timers.top().due - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60000));
}

void EventLoop::runDueTimers()
{
    const auto now = Clock::now();
    while (!m_timers.empty() && m_timers.top().due <= now) {
        Task task = m_timers.top().task;
        m_timers.pop();
        task();
    }
}

void EventLoop::drainPosted()
{
    std::vector<Task> tasks;
    {
        std::lock_guard lock(m_postMutex);
        tasks.swap(m_posted);
    }
    for (auto &t : tasks)
        t();
}

void EventLoop::run()
{
    // sendfile(2) has no MSG_NOSIGNAL: a peer that hangs up in the middle of
    // a response must give this thread EPIPE, not kill the process.
    sigset_t pipe;
    ::sigemptyset(&pipe);
    ::sigaddset(&pipe, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    epoll_event events[64];
    for (;;) {
        {
            std::lock_guard lock(m_postMutex);
            if (m_stopping)
                return;
        }
        const int n = ::epoll_wait(m_epoll, events, 64, timeoutMs());
        if (n < 0 && errno != EINTR)
            return;
        for (int i = 0; i < n; ++i) {
            const int fd = static_cast<int>(events[i].data.u64 & 0xFFFFFFFFu);
            const auto generation = static_cast<std::uint32_t>(events[i].data.u64 >> 32);
            if (fd == m_wake && generation == 0) {
                std::uint64_t count = 0;
                (void)!::read(m_wake, &count, sizeof count);
                continue;
            }
            // Keep the callback alive even if it removes its own fd.
            const auto it = m_callbacks.find(fd);
            if (it == m_callbacks.end() || it->second.generation != generation)
                continue;
            const std::shared_ptr<IoCallback> cb = it->second.callback;
            (*cb)(events[i].events);
        }
        drainPosted();
        runDueTimers();
    }
}

} // namespace spillway::broker
