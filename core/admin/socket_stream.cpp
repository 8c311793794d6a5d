// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/admin/socket_stream.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace spillway::core::admin {

namespace {

int millisUntil(SocketStream::Clock::time_point deadline)
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SocketStream::Clock::now());
    if (left.count() <= 0)
        return 0;
    return left.count() > INT_MAX ? INT_MAX : static_cast<int>(left.count());
}

Error timedOut(const std::string &what)
{
    Error e = makeError(Errc::Io, "timed out " + what);
    e.sysErrno = ETIMEDOUT;
    return e;
}

/// Connects one non-blocking socket to `addr`; returns the fd or -errno.
int connectOne(const addrinfo &addr, SocketStream::Clock::time_point deadline)
{
    const int fd = ::socket(addr.ai_family, addr.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, addr.ai_protocol);
    if (fd < 0)
        return -errno;
    int err = 0;
    if (::connect(fd, addr.ai_addr, addr.ai_addrlen) != 0) {
        err = errno;
        if (err == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            int n = 0;
            do {
                n = ::poll(&p, 1, millisUntil(deadline));
            } while (n < 0 && errno == EINTR);
            if (n == 0) {
                err = ETIMEDOUT;
            } else if (n < 0) {
                err = errno;
            } else {
                socklen_t len = sizeof err;
                if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
                    err = errno;
            }
        }
    }
    if (err != 0) {
        ::close(fd);
        return -err;
    }
    // Requests are small and answered one at a time: do not wait for Nagle.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

} // namespace

SocketStream::~SocketStream() { close(); }

SocketStream::SocketStream(SocketStream &&other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

SocketStream &SocketStream::operator=(SocketStream &&other) noexcept
{
    if (this != &other) {
        close();
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

void SocketStream::close() noexcept
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

Result<SocketStream> SocketStream::connect(const std::string &host, int port, std::chrono::milliseconds timeout,
                                           const std::string &peer)
{
    if (port <= 0 || port > 65535)
        return makeError(Errc::InvalidArgument, "cannot connect to " + peer + ": port out of range");
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
        return makeError(Errc::Io,
                         "cannot connect to " + peer + ": cannot resolve '" + host + "': " + ::gai_strerror(rc));
    const auto deadline = Clock::now() + timeout;
    int lastError = EHOSTUNREACH;
    int fd = -1;
    for (const addrinfo *a = found; a != nullptr && fd < 0; a = a->ai_next) {
        const int rc = connectOne(*a, deadline);
        if (rc >= 0)
            fd = rc;
        else
            lastError = -rc;
    }
    ::freeaddrinfo(found);
    if (fd < 0) {
        if (lastError == ETIMEDOUT) {
            Error e = makeError(Errc::Io, "cannot connect to " + peer + ": no answer within " +
                                              std::to_string(timeout.count()) + " ms");
            e.sysErrno = ETIMEDOUT;
            return e;
        }
        return Error::fromErrno(lastError, "cannot connect to " + peer, "is the broker running and listening there?");
    }
    return SocketStream(fd);
}

Status SocketStream::waitFor(short events, Clock::time_point deadline, const char *what)
{
    for (;;) {
        const int wait = millisUntil(deadline);
        if (wait == 0)
            return timedOut(what);
        pollfd p{m_fd, events, 0};
        const int n = ::poll(&p, 1, wait);
        if (n > 0)
            return {};
        if (n == 0)
            return timedOut(what);
        if (errno != EINTR)
            return Error::fromErrno(errno, std::string("poll while ") + what);
    }
}

Status SocketStream::writeAll(std::span<const std::byte> data, Clock::time_point deadline)
{
    if (m_fd < 0)
        return makeError(Errc::Io, "connection is closed");
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::send(m_fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) { // EWOULDBLOCK is the same value on Linux
            if (auto st = waitFor(POLLOUT, deadline, "sending the request"); !st.ok())
                return st;
            continue;
        }
        return Error::fromErrno(n < 0 ? errno : EPIPE, "sending the request");
    }
    return {};
}

Status SocketStream::readExact(std::span<std::byte> out, Clock::time_point deadline)
{
    if (m_fd < 0)
        return makeError(Errc::Io, "connection is closed");
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::recv(m_fd, out.data() + done, out.size() - done, 0);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n == 0) {
            Error e = makeError(Errc::Io, "the broker closed the connection" +
                                              std::string(done == 0 ? "" : " in the middle of a response"));
            e.sysErrno = ECONNRESET;
            return e;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN) {
            if (auto st = waitFor(POLLIN, deadline, "waiting for the response"); !st.ok())
                return st;
            continue;
        }
        return Error::fromErrno(errno, "reading the response");
    }
    return {};
}

} // namespace spillway::core::admin
