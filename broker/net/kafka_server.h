// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/net/event_loop.h"
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

/// What a request handler wants done with one request frame.
struct HandlerOutcome {
    enum class Kind { Respond, NoResponse, Close };
    Kind kind = Kind::Respond;
    std::vector<std::byte> response; ///< a whole frame (size prefix included)
    std::string reason;              ///< why the connection is closed

    static HandlerOutcome respond(std::vector<std::byte> frame) { return {Kind::Respond, std::move(frame), {}}; }
    static HandlerOutcome noResponse() { return {Kind::NoResponse, {}, {}}; }
    static HandlerOutcome close(std::string why) { return {Kind::Close, {}, std::move(why)}; }
};

/// Who sent a request.
struct ClientInfo {
    std::uint64_t connectionId = 0;
    std::string peer; ///< "127.0.0.1:53412"
};

/// Handles one request frame (the bytes after the int32 size). Called on the
/// loop thread, in arrival order per connection.
using RequestCallback = std::function<HandlerOutcome(std::span<const std::byte> frame, const ClientInfo &client)>;

/// A TCP server for the Kafka wire protocol: accepts connections, cuts the
/// byte stream into size-prefixed frames, hands each to the callback and
/// writes the responses back in request order. A frame with a negative size
/// or one above `maxRequestBytes` (socket.request.max.bytes) closes that
/// connection only. Lives on the loop's thread.
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

    /// Log lines (connection closed for a malformed frame ...).
    std::function<void(const std::string &)> log;

private:
    struct Connection;
    void onAccept();
    void onReadable(Connection &c);
    void flush(Connection &c);
    void closeConnection(std::uint64_t id, const std::string &why);

    EventLoop &m_loop;
    RequestCallback m_callback;
    std::int32_t m_maxRequestBytes;
    int m_listenFd = -1;
    std::uint16_t m_boundPort = 0;
    std::uint64_t m_nextId = 1;
    std::map<std::uint64_t, std::unique_ptr<Connection>> m_connections;
};

} // namespace spillway::broker
