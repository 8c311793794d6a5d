// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/net/event_loop.h"
#include "broker/net/response_parts.h"
#include "core/common/result.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace spillway::broker {

/// What a request handler wants done with one request frame. `Deferred`
/// means the handler will answer later through KafkaServer::complete() (see
/// ClientInfo): the connection reads no further request until then, as
/// Kafka mutes a channel while a request is in flight, so responses on one
/// connection stay in request order.
struct HandlerOutcome {
    enum class Kind { Respond, NoResponse, Close, Deferred };
    Kind kind = Kind::Respond;
    ResponseParts response; ///< a whole frame (size prefix included), possibly with file regions
    std::string reason;     ///< why the connection is closed

    static HandlerOutcome respond(ResponseParts frame) { return {Kind::Respond, std::move(frame), {}}; }
    static HandlerOutcome respond(std::vector<std::byte> frame)
    {
        return {Kind::Respond, ResponseParts(std::move(frame)), {}};
    }
    static HandlerOutcome noResponse() { return {Kind::NoResponse, {}, {}}; }
    static HandlerOutcome close(std::string why) { return {Kind::Close, {}, std::move(why)}; }
    static HandlerOutcome deferred() { return {Kind::Deferred, {}, {}}; }
};

class KafkaServer;

/// Who sent a request, and how to answer it later: a handler that returns
/// HandlerOutcome::deferred() completes the request with
/// `server->complete(connectionId, requestSeq, outcome)`.
struct ClientInfo {
    std::uint64_t connectionId = 0;
    std::string peer;              ///< "127.0.0.1:53412"
    KafkaServer *server = nullptr; ///< null when a handler is called outside a server (tests)
    std::uint64_t requestSeq = 0;  ///< per-connection number of the request being handled
};

/// Handles one request frame (the bytes after the int32 size). Called on the
/// loop thread, in arrival order per connection.
using RequestCallback = std::function<HandlerOutcome(std::span<const std::byte> frame, const ClientInfo &client)>;

/// A TCP server for the Kafka wire protocol: accepts connections, cuts the
/// byte stream into size-prefixed frames, hands each to the callback and
/// writes the responses back in request order, file regions with sendfile
/// (OutboundQueue). A frame with a negative size or one above
/// `maxRequestBytes` (socket.request.max.bytes) closes that connection only,
/// as does a segment that shrinks while its bytes are being sent. Lives on
/// the loop's thread.
class KafkaServer {
public:
    KafkaServer(EventLoop &loop, RequestCallback callback, std::int32_t maxRequestBytes);
    ~KafkaServer();
    KafkaServer(const KafkaServer &) = delete;
    KafkaServer &operator=(const KafkaServer &) = delete;

    /// Binds and listens (port 0 picks a free port; see boundPort()).
    core::Status listen(const std::string &host, std::uint16_t port);
    [[nodiscard]] std::uint16_t boundPort() const noexcept { return m_boundPort; }
    [[nodiscard]] std::size_t connectionCount() const noexcept { return m_connections.size(); }

    /// Answers a request whose handler returned HandlerOutcome::deferred()
    /// and unmutes its connection. Loop thread only; never re-enters a
    /// handler (the connection's next frames are processed from a posted
    /// task). A completion for a closed connection or a request that is not
    /// the one in flight is ignored.
    void complete(std::uint64_t connectionId, std::uint64_t requestSeq, HandlerOutcome outcome);

    /// Log lines (connection closed for a malformed frame ...).
    std::function<void(const std::string &)> log;

private:
    struct Connection;
    void onAccept();
    void onReadable(Connection &c);
    /// Hands complete frames to the callback until the buffer holds no whole
    /// frame or a handler defers; returns false if the connection was closed.
    bool processFrames(Connection &c);
    void resume(std::uint64_t connectionId);
    void flush(Connection &c);
    void updateInterest(Connection &c);
    void closeConnection(std::uint64_t id, const std::string &why);

    EventLoop &m_loop;
    RequestCallback m_callback;
    std::int32_t m_maxRequestBytes;
    int m_listenFd = -1;
    std::uint16_t m_boundPort = 0;
    std::uint64_t m_nextId = 1;
    std::map<std::uint64_t, std::unique_ptr<Connection>> m_connections;
    /// Posted resume tasks hold a weak copy, so one that runs after the
    /// server is gone does nothing.
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace spillway::broker
