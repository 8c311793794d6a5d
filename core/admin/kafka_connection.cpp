// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/admin/kafka_connection.h"

#include "core/common/big_endian.h"
#include "core/protocol/messages/api_versions.h"
#include "core/protocol/request_header.h"

#include <cerrno>

namespace spillway::core::admin {

KafkaConnection::KafkaConnection(BrokerEndpoint endpoint, SocketStream stream, ConnectionOptions options)
    : m_endpoint(std::move(endpoint))
    , m_stream(std::move(stream))
    , m_options(std::move(options))
{}

Result<std::unique_ptr<KafkaConnection>> KafkaConnection::open(BrokerEndpoint endpoint,
                                                               const ConnectionOptions &options)
{
    auto stream = SocketStream::connect(endpoint.host, endpoint.port, options.connectTimeout, endpoint.describe());
    if (!stream)
        return stream.error();
    std::unique_ptr<KafkaConnection> c(new KafkaConnection(std::move(endpoint), std::move(*stream), options));
    if (auto st = c->askApiVersions(); !st.ok())
        return st.error();
    return c;
}

bool KafkaConnection::usable() const
{
    std::lock_guard lock(m_mutex);
    return m_stream.isOpen();
}

std::string KafkaConnection::what(ApiKey key, std::int16_t version) const
{
    return std::string(toString(key)) + " v" + std::to_string(version) + " to " + m_endpoint.describe();
}

Error KafkaConnection::malformed(ApiKey key, std::int16_t version, const Error &decodeError) const
{
    return makeError(Errc::Corrupt, what(key, version) + ": malformed response: " + decodeError.message);
}

Error KafkaConnection::failed(ApiKey key, std::int16_t version, const Error &cause)
{
    // A request whose answer may still arrive would desynchronise the
    // correlation ids: the connection is done.
    m_stream.close();
    Error e = cause;
    e.message = what(key, version) + ": " + cause.message;
    if (cause.sysErrno == ETIMEDOUT)
        e.message += " (request timeout " + std::to_string(m_options.requestTimeout.count()) + " ms)";
    return e;
}

Result<KafkaConnection::Frame> KafkaConnection::roundTrip(ApiKey key, std::int16_t version, bool flexible,
                                                          std::span<const std::byte> body)
{
    std::lock_guard lock(m_mutex);
    if (!m_stream.isOpen())
        return makeError(Errc::Io, what(key, version) + ": the connection was closed after an earlier error");
    const std::int32_t correlationId = m_nextCorrelationId;
    m_nextCorrelationId = m_nextCorrelationId == INT32_MAX ? 1 : m_nextCorrelationId + 1;
    const auto request =
        frameRequest(static_cast<std::int16_t>(key), version, correlationId, m_options.clientId, flexible, body);
    const auto deadline = SocketStream::Clock::now() + m_options.requestTimeout;
    if (auto st = m_stream.writeAll(request, deadline); !st.ok())
        return failed(key, version, st.error());

    std::byte sizeBytes[4];
    if (auto st = m_stream.readExact(sizeBytes, deadline); !st.ok())
        return failed(key, version, st.error());
    const auto size = loadBigEndian<std::int32_t>(sizeBytes);
    if (size < 4 || size > m_options.maxResponseBytes)
        return failed(key, version,
                      makeError(Errc::Corrupt, "response frame of " + std::to_string(size) + " bytes (limit " +
                                                   std::to_string(m_options.maxResponseBytes) + ")"));
    Frame frame;
    frame.bytes.resize(static_cast<std::size_t>(size));
    if (auto st = m_stream.readExact(frame.bytes, deadline); !st.ok())
        return failed(key, version, st.error());

    WireReader header(frame.bytes);
    const std::int32_t answered = header.i32();
    if (answered != correlationId)
        return failed(key, version,
                      makeError(Errc::Corrupt, "response for correlation id " + std::to_string(answered) +
                                                   ", expected " + std::to_string(correlationId)));
    if (key != ApiKey::ApiVersions && flexible) {
        // Response header v1: tagged fields, none of which we use.
        const std::uint32_t count = header.uvarint();
        for (std::uint32_t i = 0; i < count && header.ok(); ++i) {
            (void)header.uvarint();
            (void)header.raw(header.uvarint());
        }
        if (!header.ok())
            return malformed(key, version, makeError(Errc::Corrupt, "response header: " + header.error()));
    }
    frame.bodyOffset = header.position();
    return frame;
}

Status KafkaConnection::askApiVersions()
{
    std::int16_t version = m_options.apiVersionsVersion < 0 ? 0 : m_options.apiVersionsVersion;
    for (int attempt = 0; attempt < 3; ++attempt) {
        ApiVersionsRequest request;
        request.ClientSoftwareName = "spillway";
        request.ClientSoftwareVersion = SPILLWAY_VERSION_STRING;
        auto body = encodeMessage(request, version);
        if (!body)
            return body.error();
        auto frame = roundTrip(ApiKey::ApiVersions, version, isFlexible<ApiVersionsRequest>(version), *body);
        if (!frame)
            return frame.error();
        const auto payload = std::span<const std::byte>(frame->bytes).subspan(frame->bodyOffset);
        // The ErrorCode comes first in every version; UNSUPPORTED_VERSION is
        // always answered in v0, whatever version was asked (KIP-511).
        WireReader peek(payload);
        const auto error = static_cast<KafkaError>(peek.i16());
        if (!peek.ok())
            return malformed(ApiKey::ApiVersions, version, makeError(Errc::Corrupt, peek.error()));
        const std::int16_t decodeVersion = error == KafkaError::UnsupportedVersion ? 0 : version;
        auto response = decodeMessage<ApiVersionsResponse>(payload, decodeVersion);
        if (!response)
            return malformed(ApiKey::ApiVersions, version, response.error());
        if (error == KafkaError::UnsupportedVersion) {
            std::int16_t next = 0;
            for (const auto &k : response->ApiKeys)
                if (k.ApiKey == static_cast<std::int16_t>(ApiKey::ApiVersions))
                    next = k.MaxVersion;
            if (next >= version || next < 0)
                next = version > 0 ? static_cast<std::int16_t>(version - 1) : 0;
            if (version == 0)
                break;
            version = next;
            continue;
        }
        if (error != KafkaError::None)
            return makeError(Errc::Io, what(ApiKey::ApiVersions, version) + ": the broker answered " +
                                           std::string(toString(error)));
        for (const auto &k : response->ApiKeys)
            m_versions.set(k.ApiKey, {k.MinVersion, k.MaxVersion});
        m_apiVersionsVersion = version;
        return {};
    }
    return makeError(Errc::Unsupported,
                     what(ApiKey::ApiVersions, version) + ": the broker refused every ApiVersions version");
}

} // namespace spillway::core::admin
