// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/admin/api_version_table.h"
#include "core/admin/broker_endpoint.h"
#include "core/admin/socket_stream.h"
#include "core/common/result.h"
#include "core/protocol/message.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <span>
#include <string>
#include <vector>

namespace spillway::core::admin {

/// Limits and identity of one connection.
struct ConnectionOptions {
    std::string clientId = "spillway-admin";
    std::chrono::milliseconds connectTimeout{5000};
    std::chrono::milliseconds requestTimeout{30000};
    /// A response frame larger than this is refused (and the connection
    /// dropped) instead of allocated. librdkafka's default, 100 MB, holds
    /// the metadata of ~100k partitions with room to spare.
    std::int32_t maxResponseBytes = 100 * 1000 * 1000;
    /// The ApiVersions version asked first. 3 (KIP-511) by default; a broker
    /// that does not know it answers UNSUPPORTED_VERSION in v0 and the
    /// connection retries with what the broker named. Tests raise it to
    /// exercise that path.
    std::int16_t apiVersionsVersion = 3;
};

/// One blocking connection to one Kafka broker: plain POSIX socket, request
/// framing with correlation ids, request header v1/v2 and response header
/// v0/v1 by the API's flexible versions, and the broker's ApiVersions table,
/// asked once when the connection opens.
///
/// Thread-safe: requests on one instance are serialised by a mutex (Kafka
/// answers in order; one request is in flight at a time). After a socket or
/// framing error the connection is no longer usable() and every request
/// fails; AdminClient then opens a new one. Every error names the broker and
/// the API ("DescribeLogDirs v4 to broker 1 (10.0.0.5:9092): timed out ...").
class KafkaConnection {
public:
    /// Connects and asks ApiVersions (v3, or the broker's own maximum after
    /// an UNSUPPORTED_VERSION answer).
    static Result<std::unique_ptr<KafkaConnection>> open(BrokerEndpoint endpoint, const ConnectionOptions &options);

    [[nodiscard]] const BrokerEndpoint &endpoint() const noexcept { return m_endpoint; }
    [[nodiscard]] const ApiVersionTable &apiVersions() const noexcept { return m_versions; }
    /// The ApiVersions version the broker finally answered.
    [[nodiscard]] std::int16_t apiVersionsVersion() const noexcept { return m_apiVersionsVersion; }
    [[nodiscard]] bool usable() const;

    /// The version to use for message M: min(Spillway's max, the broker's
    /// max), but at least `ourMin` (default M's lowest).
    template <class M>
    [[nodiscard]] Result<std::int16_t> negotiate(std::int16_t ourMin = M::kMinVersion) const
    {
        return m_versions.negotiate(M::kApiKey, {ourMin, M::kMaxVersion}, m_endpoint.describe());
    }

    /// Sends `request` in `version` and decodes the answer. A malformed
    /// answer is an Error (Errc::Corrupt), never a crash.
    template <class Resp, class Req>
    Result<Resp> call(const Req &request, std::int16_t version)
    {
        static_assert(Req::kApiKey == Resp::kApiKey, "request and response of different APIs");
        auto body = encodeMessage(request, version);
        if (!body)
            return body.error();
        auto answer = roundTrip(Req::kApiKey, version, isFlexible<Req>(version), *body);
        if (!answer)
            return answer.error();
        const auto payload = std::span<const std::byte>(answer->bytes).subspan(answer->bodyOffset);
        try {
            auto decoded = decodeMessage<Resp>(payload, version);
            if (!decoded)
                return malformed(Req::kApiKey, version, decoded.error());
            return decoded;
        } catch (const std::bad_alloc &) {
            // Array counts are checked against the bytes left, but a hostile
            // count of large elements can still ask for more than there is.
            return malformed(Req::kApiKey, version,
                             makeError(Errc::Corrupt, "element counts too large to hold in memory"));
        }
    }

    /// One response frame (without its size prefix) and where the body starts.
    struct Frame {
        std::vector<std::byte> bytes;
        std::size_t bodyOffset = 0;
    };
    /// Sends one framed request and reads its response frame.
    Result<Frame> roundTrip(ApiKey key, std::int16_t version, bool flexible, std::span<const std::byte> body);

    /// "<API> v<N> to <broker>" — the prefix of every error of a request.
    [[nodiscard]] std::string what(ApiKey key, std::int16_t version) const;

private:
    KafkaConnection(BrokerEndpoint endpoint, SocketStream stream, ConnectionOptions options);
    Status askApiVersions();
    Error malformed(ApiKey key, std::int16_t version, const Error &decodeError) const;
    Error failed(ApiKey key, std::int16_t version, const Error &cause);

    BrokerEndpoint m_endpoint;
    SocketStream m_stream;
    ConnectionOptions m_options;
    ApiVersionTable m_versions;
    std::int16_t m_apiVersionsVersion = 0;
    std::int32_t m_nextCorrelationId = 1;
    mutable std::mutex m_mutex;
};

} // namespace spillway::core::admin
