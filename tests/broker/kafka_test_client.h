// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/big_endian.h"
#include "core/protocol/message.h"
#include "core/protocol/request_header.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <optional>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <vector>

namespace spillway::test {

/// A blocking Kafka protocol client for tests: one connection, one request
/// at a time, typed through the project's message structs.
class KafkaTestClient {
public:
    explicit KafkaTestClient(int port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
            throw std::runtime_error("cannot connect");
        timeval tv{10, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~KafkaTestClient() { ::close(m_fd); }
    KafkaTestClient(const KafkaTestClient &) = delete;
    KafkaTestClient &operator=(const KafkaTestClient &) = delete;

    /// Sends `request` in `version` and decodes the response; nullopt when
    /// the broker closed the connection or answered garbage.
    template <class Resp, class Req>
    std::optional<Resp> call(const Req &request, std::int16_t version)
    {
        auto body = core::encodeMessage(request, version);
        if (!body.ok())
            return std::nullopt;
        const bool flexible = core::isFlexible<Req>(version);
        const auto frame = core::frameRequest(static_cast<std::int16_t>(Req::kApiKey), version, ++m_correlation,
                                              std::string("spillway-test"), flexible, *body);
        if (::send(m_fd, frame.data(), frame.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(frame.size()))
            return std::nullopt;
        std::byte sizeBytes[4];
        if (::recv(m_fd, sizeBytes, 4, MSG_WAITALL) != 4)
            return std::nullopt;
        const auto size = static_cast<std::size_t>(core::loadBigEndian<std::uint32_t>(sizeBytes));
        std::vector<std::byte> response(size);
        if (::recv(m_fd, response.data(), size, MSG_WAITALL) != static_cast<ssize_t>(size))
            return std::nullopt;
        // Response header: correlation id, plus a tag section when flexible.
        std::size_t headerSize = 4;
        if (core::responseHeaderIsFlexible(Req::kApiKey, Req::kFirstFlexibleVersion, version))
            headerSize += 1;
        auto decoded = core::decodeMessage<Resp>(std::span<const std::byte>(response).subspan(headerSize), version);
        if (!decoded.ok())
            return std::nullopt;
        return std::move(*decoded);
    }

    /// A decoded response with the body it was decoded from: its RecordsView
    /// fields point into `body`.
    template <class Resp>
    struct Answer {
        std::vector<std::byte> body;
        Resp response;
    };

    /// Like call(), for responses that carry records (Fetch).
    template <class Resp, class Req>
    std::optional<Answer<Resp>> callKeepingBody(const Req &request, std::int16_t version)
    {
        auto body = core::encodeMessage(request, version);
        if (!body.ok())
            return std::nullopt;
        const auto frame = core::frameRequest(static_cast<std::int16_t>(Req::kApiKey), version, ++m_correlation,
                                              std::string("spillway-test"), core::isFlexible<Req>(version), *body);
        if (::send(m_fd, frame.data(), frame.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(frame.size()))
            return std::nullopt;
        std::byte sizeBytes[4];
        if (::recv(m_fd, sizeBytes, 4, MSG_WAITALL) != 4)
            return std::nullopt;
        const auto size = static_cast<std::size_t>(core::loadBigEndian<std::uint32_t>(sizeBytes));
        std::optional<Answer<Resp>> out(Answer<Resp>{std::vector<std::byte>(size), {}});
        if (::recv(m_fd, out->body.data(), size, MSG_WAITALL) != static_cast<ssize_t>(size))
            return std::nullopt;
        std::size_t headerSize = 4;
        if (core::responseHeaderIsFlexible(Req::kApiKey, Req::kFirstFlexibleVersion, version))
            headerSize += 1;
        auto decoded = core::decodeMessage<Resp>(std::span<const std::byte>(out->body).subspan(headerSize), version);
        if (!decoded.ok())
            return std::nullopt;
        out->response = std::move(*decoded);
        return out;
    }

private:
    int m_fd = -1;
    std::int32_t m_correlation = 0;
};

} // namespace spillway::test
