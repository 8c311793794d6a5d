// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <chrono>
#include <cstddef>
#include <span>
#include <string>

namespace spillway::core::admin {

/// A blocking TCP stream over a plain POSIX socket, with deadlines: connect,
/// write and read each wait with poll() until a deadline, never longer.
/// Owns the file descriptor (closed on destruction or close()). Connect
/// errors name `peer` ("10.0.0.5:9092") and the OS error; read/write errors
/// say what failed and KafkaConnection adds the broker and the API. Not
/// thread-safe; KafkaConnection serialises its use.
class SocketStream {
public:
    using Clock = std::chrono::steady_clock;

    SocketStream() = default;
    ~SocketStream();
    SocketStream(SocketStream &&other) noexcept;
    SocketStream &operator=(SocketStream &&other) noexcept;
    SocketStream(const SocketStream &) = delete;
    SocketStream &operator=(const SocketStream &) = delete;

    /// Resolves `host` and connects to the first address that answers within
    /// `timeout` (each address gets what is left of it). Name resolution
    /// itself (getaddrinfo) has no deadline of its own.
    static Result<SocketStream> connect(const std::string &host, int port, std::chrono::milliseconds timeout,
                                        const std::string &peer);

    /// Writes all of `data` before `deadline`.
    Status writeAll(std::span<const std::byte> data, Clock::time_point deadline);
    /// Reads exactly `out.size()` bytes before `deadline`; a peer that closes
    /// first is an error.
    Status readExact(std::span<std::byte> out, Clock::time_point deadline);

    [[nodiscard]] bool isOpen() const noexcept { return m_fd >= 0; }
    void close() noexcept;

private:
    explicit SocketStream(int fd) : m_fd(fd) {}
    /// Waits until the socket is ready for `events`; an error on timeout.
    Status waitFor(short events, Clock::time_point deadline, const char *what);

    int m_fd = -1;
};

} // namespace spillway::core::admin
