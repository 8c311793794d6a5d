// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/net/kafka_server.h"

#include "broker/net/outbound_queue.h"

#include "core/common/big_endian.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace spillway::broker {

struct KafkaServer::Connection {
    std::uint64_t id = 0;
    int fd = -1;
    ClientInfo client;
    std::vector<std::byte> in;                     ///< bytes received, not yet a complete frame
    OutboundQueue out;                             ///< responses not yet written
    std::uint32_t interest = EPOLLIN | EPOLLRDHUP; ///< what the loop watches now
    std::uint64_t nextSeq = 0;                     ///< number of the next request
    bool muted = false;                            ///< a deferred request is in flight
    std::uint64_t mutedSeq = 0;                    ///< which one
};

namespace {

std::string peerName(const sockaddr_storage &addr)
{
    char host[NI_MAXHOST] = {};
    char serv[NI_MAXSERV] = {};
    if (::getnameinfo(reinterpret_cast<const sockaddr *>(&addr), sizeof addr, host, sizeof host, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return "?";
    return std::string(host) + ":" + serv;
}

} // namespace

KafkaServer::KafkaServer(EventLoop &loop, RequestCallback callback, std::int32_t maxRequestBytes)
    : m_loop(loop)
    , m_callback(std::move(callback))
    , m_maxRequestBytes(maxRequestBytes)
{}

KafkaServer::~KafkaServer()
{
    for (auto &[id, c] : m_connections) {
        m_loop.remove(c->fd);
        ::close(c->fd);
    }
    if (m_listenFd >= 0) {
        m_loop.remove(m_listenFd);
        ::close(m_listenFd);
    }
}

core::Status KafkaServer::listen(const std::string &host, std::uint16_t port)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo *res = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res); rc != 0)
        return core::makeError(core::Errc::InvalidArgument,
                               "cannot resolve listener host '" + host + "': " + ::gai_strerror(rc));
    const int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        ::freeaddrinfo(res);
        return core::Error::fromErrno(errno, "socket()");
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
        const int err = errno;
        ::freeaddrinfo(res);
        ::close(fd);
        return core::Error::fromErrno(err, "cannot listen on " + host + ":" + service,
                                      "is another broker using this port?");
    }
    ::freeaddrinfo(res);
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&bound), &len);
    m_boundPort = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port)
                                              : ntohs(reinterpret_cast<sockaddr_in *>(&bound)->sin_port);
    m_listenFd = fd;
    return m_loop.add(fd, EPOLLIN, [this](std::uint32_t) { onAccept(); });
}

void KafkaServer::onAccept()
{
    for (;;) {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        const int fd = ::accept4(m_listenFd, reinterpret_cast<sockaddr *>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; // EAGAIN, or a transient error: try again on the next event
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto c = std::make_unique<Connection>();
        c->id = m_nextId++;
        c->fd = fd;
        c->client = ClientInfo{c->id, peerName(addr), this, 0};
        Connection *raw = c.get();
        const std::uint64_t id = c->id;
        m_connections.emplace(id, std::move(c));
        const auto st = m_loop.add(fd, EPOLLIN | EPOLLRDHUP, [this, id, raw](std::uint32_t events) {
            if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
                closeConnection(id, {});
                return;
            }
            if ((events & EPOLLOUT) != 0)
                flush(*raw);
            if (m_connections.count(id) == 0 || (events & (EPOLLIN | EPOLLRDHUP)) == 0)
                return;
            if (!raw->muted)
                onReadable(*raw);
            else if ((events & EPOLLRDHUP) != 0)
                // A muted connection is not read, so a peer that hung up
                // would report RDHUP forever (level-triggered): drop it now.
                closeConnection(id, {});
        });
        if (!st.ok())
            closeConnection(id, st.error().describe());
    }
}

void KafkaServer::onReadable(Connection &c)
{
    const std::uint64_t id = c.id;
    std::byte buf[65536];
    for (;;) {
        const ssize_t n = ::read(c.fd, buf, sizeof buf);
        if (n == 0) {
            closeConnection(id, {});
            return;
        }
        if (n < 0) {
            if (errno == EAGAIN) // == EWOULDBLOCK on Linux
                break;
            if (errno == EINTR)
                continue;
            closeConnection(id, {});
            return;
        }
        c.in.insert(c.in.end(), buf, buf + n);
        if (static_cast<std::size_t>(n) < sizeof buf)
            break;
    }
    if (processFrames(c))
        flush(c);
}

bool KafkaServer::processFrames(Connection &c)
{
    const std::uint64_t id = c.id;
    std::size_t pos = 0;
    while (!c.muted && c.in.size() - pos >= 4) {
        const std::int32_t size = core::loadBigEndian<std::int32_t>(c.in.data() + pos);
        if (size < 0 || size > m_maxRequestBytes) {
            closeConnection(id, "request of " + std::to_string(size) + " bytes from " + c.client.peer +
                                    " is outside [0, socket.request.max.bytes=" + std::to_string(m_maxRequestBytes) +
                                    "]; closing the connection");
            return false;
        }
        if (c.in.size() - pos - 4 < static_cast<std::size_t>(size))
            break;
        const std::span<const std::byte> frame(c.in.data() + pos + 4, static_cast<std::size_t>(size));
        c.client.requestSeq = c.nextSeq++;
        HandlerOutcome outcome = m_callback(frame, c.client);
        pos += 4 + static_cast<std::size_t>(size);
        switch (outcome.kind) {
        case HandlerOutcome::Kind::Close:
            closeConnection(id, outcome.reason + " (from " + c.client.peer + "); closing the connection");
            return false;
        case HandlerOutcome::Kind::Respond: c.out.push(std::move(outcome.response)); break;
        case HandlerOutcome::Kind::Deferred:
            // Like Kafka's muted channel: no further request of this
            // connection is handled until this one is answered.
            c.muted = true;
            c.mutedSeq = c.client.requestSeq;
            break;
        case HandlerOutcome::Kind::NoResponse: break;
        }
    }
    c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(pos));
    return true;
}

void KafkaServer::complete(std::uint64_t connectionId, std::uint64_t requestSeq, HandlerOutcome outcome)
{
    const auto it = m_connections.find(connectionId);
    if (it == m_connections.end())
        return;
    Connection &c = *it->second;
    if (!c.muted || c.mutedSeq != requestSeq)
        return;
    if (outcome.kind == HandlerOutcome::Kind::Close) {
        closeConnection(connectionId, outcome.reason + " (from " + c.client.peer + "); closing the connection");
        return;
    }
    if (outcome.kind == HandlerOutcome::Kind::Respond)
        c.out.push(std::move(outcome.response));
    c.muted = false;
    // complete() is usually called from inside another connection's handler
    // (the JoinGroup that completes a rebalance answers every member), which
    // must not re-enter the router: write and read on from a posted task.
    m_loop.post([this, connectionId, alive = std::weak_ptr<int>(m_alive)] {
        if (alive.lock())
            resume(connectionId);
    });
}

void KafkaServer::resume(std::uint64_t connectionId)
{
    const auto it = m_connections.find(connectionId);
    if (it == m_connections.end() || it->second->muted)
        return;
    Connection &c = *it->second;
    if (processFrames(c))
        flush(c);
}

void KafkaServer::flush(Connection &c)
{
    const auto outcome = c.out.write(c.fd);
    if (outcome.state == OutboundQueue::State::Failed) {
        closeConnection(c.id, outcome.error.empty() ? std::string()
                                                    : "response to " + c.client.peer + " failed: " + outcome.error +
                                                          "; closing the connection");
        return;
    }
    updateInterest(c);
}

void KafkaServer::updateInterest(Connection &c)
{
    const std::uint32_t want = EPOLLRDHUP | (c.muted ? 0u : static_cast<std::uint32_t>(EPOLLIN)) |
                               (c.out.empty() ? 0u : static_cast<std::uint32_t>(EPOLLOUT));
    if (want != c.interest) {
        c.interest = want;
        (void)m_loop.modify(c.fd, want);
    }
}

void KafkaServer::closeConnection(std::uint64_t id, const std::string &why)
{
    const auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    if (!why.empty() && log)
        log(why);
    m_loop.remove(it->second->fd);
    ::close(it->second->fd);
    m_connections.erase(it);
}

} // namespace spillway::broker
