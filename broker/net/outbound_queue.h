// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/net/response_parts.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace spillway::broker {

/// The responses of one connection that are not yet on the socket, in
/// request order, and how far the first one is written. write() sends what
/// the non-blocking socket takes: runs of encoded bytes (across responses)
/// with one gathering sendmsg (writev with MSG_NOSIGNAL), file regions with
/// sendfile(2) straight from the page cache, and resumes where a partial
/// write stopped. A file that ends before its region does (a segment
/// truncated under us) fails the write instead of stalling the stream or
/// sending bytes the client cannot frame. Owned by a KafkaServer connection;
/// the loop thread.
class OutboundQueue {
public:
    enum class State {
        Drained,    ///< everything queued is on the socket
        WouldBlock, ///< the socket is full: wait for EPOLLOUT
        Failed,     ///< the connection must be closed (see `error`)
    };
    struct Outcome {
        State state = State::Drained;
        std::string error; ///< why, when Failed; empty for a plain socket error (peer gone)
    };

    void push(ResponseParts response);
    [[nodiscard]] bool empty() const noexcept { return m_queue.empty(); }
    /// Bytes still to write, over every queued response.
    [[nodiscard]] std::int64_t pendingBytes() const noexcept;

    Outcome write(int socketFd);

private:
    /// Part i of a response: even i = the encoded bytes before splice i/2
    /// (or after the last one), odd i = the region of splice i/2.
    [[nodiscard]] static std::size_t partCount(const ResponseParts &r) noexcept { return 2 * r.files.size() + 1; }
    [[nodiscard]] static std::int64_t partSize(const ResponseParts &r, std::size_t part) noexcept;
    [[nodiscard]] static std::size_t bytesBegin(const ResponseParts &r, std::size_t part) noexcept;
    /// Skips written and empty parts, dropping finished responses.
    void settle();
    void advance(std::int64_t n);
    /// One call each; nullopt when it wrote all it tried to (go on).
    std::optional<Outcome> writeBytes(int socketFd);
    std::optional<Outcome> sendFile(int socketFd);

    std::deque<ResponseParts> m_queue;
    std::size_t m_part = 0;  ///< current part of m_queue.front()
    std::int64_t m_done = 0; ///< bytes of that part already written
    std::int64_t m_pending = 0;
};

} // namespace spillway::broker
