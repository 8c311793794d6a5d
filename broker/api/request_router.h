// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/api/kafka_release_profiles.h"
#include "broker/net/kafka_server.h"
#include "core/protocol/message.h"
#include "core/protocol/messages/api_versions.h"
#include "core/protocol/request_header.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spillway::broker {

/// The request a handler serves: its header and who sent it.
struct RequestContext {
    core::RequestHeader header;
    ClientInfo client;
};

/// One row of the table that routes requests and is the single source of the
/// ApiVersions answer: api key, the versions this broker serves, the first
/// flexible version (from the message definition) and the handler, which
/// decodes the body and returns the encoded response body (or no response).
struct ApiEntry {
    /// An encoded response body (with the file regions a Fetch sends from
    /// segments), no response (nullopt), or an error that closes the
    /// connection.
    using Body = core::Result<std::optional<ResponseParts>>;
    /// Delivers the answer of a deferred request; call it exactly once, on
    /// the loop thread, at any time (even before the handler returns).
    using Reply = std::function<void(Body)>;

    core::ApiKey key{};
    std::int16_t minVersion = 0;
    std::int16_t maxVersion = 0;
    std::int16_t firstFlexibleVersion = -1;
    std::function<Body(const RequestContext &, std::span<const std::byte> body)> handler;
    /// Set instead of `handler` by APIs that answer later (JoinGroup waits
    /// for the rebalance): returns an error for a malformed request, else
    /// answers through the Reply. The router keeps the connection muted
    /// until then (see HandlerOutcome::Kind::Deferred).
    std::function<core::Status(const RequestContext &, std::span<const std::byte> body, Reply)> deferredHandler;
};

/// Encodes a response struct into a body without file regions.
template <class Resp>
core::Result<ResponseParts> encodeResponseBody(const Resp &response, std::int16_t version)
{
    auto encoded = core::encodeMessage(response, version);
    if (!encoded.ok())
        return encoded.error();
    return ResponseParts(std::move(*encoded));
}

/// Builds a table row from typed request/response structs: the handler
/// receives the decoded request and returns the response struct (or nullopt
/// for "no response", e.g. Produce with acks=0).
template <class Req, class Resp>
ApiEntry makeApiEntry(std::int16_t minVersion, std::int16_t maxVersion,
                      std::function<std::optional<Resp>(const RequestContext &, Req &)> fn)
{
    static_assert(Req::kApiKey == Resp::kApiKey);
    ApiEntry e;
    e.key = Req::kApiKey;
    e.minVersion = minVersion;
    e.maxVersion = maxVersion;
    e.firstFlexibleVersion = Req::kFirstFlexibleVersion;
    e.handler = [fn = std::move(fn)](const RequestContext &ctx, std::span<const std::byte> body) -> ApiEntry::Body {
        auto request = core::decodeMessage<Req>(body, ctx.header.apiVersion);
        if (!request.ok())
            return request.error();
        std::optional<Resp> response = fn(ctx, *request);
        if (!response)
            return std::optional<ResponseParts>{};
        auto encoded = encodeResponseBody(*response, ctx.header.apiVersion);
        if (!encoded.ok())
            return encoded.error();
        return std::optional<ResponseParts>(std::move(*encoded));
    };
    return e;
}

/// Builds a table row for an API that may answer later: `fn` gets the decoded
/// request and a `reply` to call exactly once with the response (nullopt for
/// none), possibly before it returns. `encode` turns the response into a
/// body (Fetch passes one that leaves file regions for the records).
template <class Req, class Resp>
ApiEntry makeDeferredApiEntry(
    std::int16_t minVersion, std::int16_t maxVersion,
    std::function<void(const RequestContext &, Req &, std::function<void(std::optional<Resp>)> reply)> fn,
    core::Result<ResponseParts> (*encode)(const Resp &, std::int16_t) = &encodeResponseBody<Resp>)
{
    static_assert(Req::kApiKey == Resp::kApiKey);
    ApiEntry e;
    e.key = Req::kApiKey;
    e.minVersion = minVersion;
    e.maxVersion = maxVersion;
    e.firstFlexibleVersion = Req::kFirstFlexibleVersion;
    e.deferredHandler = [fn = std::move(fn), encode](const RequestContext &ctx, std::span<const std::byte> body,
                                                     ApiEntry::Reply reply) -> core::Status {
        auto request = core::decodeMessage<Req>(body, ctx.header.apiVersion);
        if (!request.ok())
            return request.error();
        const std::int16_t version = ctx.header.apiVersion;
        fn(ctx, *request, [reply = std::move(reply), version, encode](std::optional<Resp> response) {
            if (!response) {
                reply(std::optional<ResponseParts>{});
                return;
            }
            auto encoded = encode(*response, version);
            if (!encoded.ok()) {
                reply(encoded.error());
                return;
            }
            reply(std::optional<ResponseParts>(std::move(*encoded)));
        });
        return {};
    };
    return e;
}

/// Routes request frames to handlers through the API table; answers
/// ApiVersions from the table itself. A request for an API or version not in
/// the table closes the connection, as Apache Kafka does, except ApiVersions,
/// which gets UNSUPPORTED_VERSION with the supported range (KIP-511). Loop
/// thread.
///
/// With `emulate` (spillway.emulate.kafka.version), every row is narrowed to
/// the intersection of its range and that release's, and rows the release
/// lacks (or whose intersection is empty) are dropped: ApiVersions and the
/// version checks then answer exactly as a broker of that release would, as
/// far as version ranges go.
class RequestRouter {
public:
    explicit RequestRouter(std::vector<ApiEntry> table, const KafkaReleaseProfile *emulate = nullptr);

    HandlerOutcome handle(std::span<const std::byte> frame, const ClientInfo &client) const;

    /// The ApiVersions response body for this table.
    [[nodiscard]] core::ApiVersionsResponse apiVersions() const;
    [[nodiscard]] const ApiEntry *find(std::int16_t apiKey) const;

    std::function<void(const std::string &)> log;

private:
    HandlerOutcome handleApiVersions(const core::RequestHeader &header, std::span<const std::byte> body) const;
    HandlerOutcome handleDeferred(const ApiEntry &entry, const RequestContext &ctx,
                                  std::span<const std::byte> body) const;

    std::map<std::int16_t, ApiEntry> m_table;
    std::int16_t m_apiVersionsMax = 3;
    /// KIP-511: UNSUPPORTED_VERSION for ApiVersions lists its range (Kafka 2.4+).
    bool m_apiVersionsErrorListsRange = true;
};

} // namespace spillway::broker
