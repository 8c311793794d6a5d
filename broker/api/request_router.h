// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

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
    core::ApiKey key{};
    std::int16_t minVersion = 0;
    std::int16_t maxVersion = 0;
    std::int16_t firstFlexibleVersion = -1;
    std::function<core::Result<std::optional<std::vector<std::byte>>>(const RequestContext &,
                                                                      std::span<const std::byte> body)>
        handler;
};

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
    e.handler =
        [fn = std::move(fn)](const RequestContext &ctx,
                             std::span<const std::byte> body) -> core::Result<std::optional<std::vector<std::byte>>> {
        auto request = core::decodeMessage<Req>(body, ctx.header.apiVersion);
        if (!request.ok())
            return request.error();
        std::optional<Resp> response = fn(ctx, *request);
        if (!response)
            return std::optional<std::vector<std::byte>>{};
        auto encoded = core::encodeMessage(*response, ctx.header.apiVersion);
        if (!encoded.ok())
            return encoded.error();
        return std::optional<std::vector<std::byte>>(std::move(*encoded));
    };
    return e;
}

/// Routes request frames to handlers through the API table; answers
/// ApiVersions from the table itself. A request for an API or version not in
/// the table closes the connection, as Apache Kafka does, except ApiVersions,
/// which gets UNSUPPORTED_VERSION with the supported range (KIP-511). Loop
/// thread.
class RequestRouter {
public:
    explicit RequestRouter(std::vector<ApiEntry> table);

    HandlerOutcome handle(std::span<const std::byte> frame, const ClientInfo &client) const;

    /// The ApiVersions response body for this table.
    [[nodiscard]] core::ApiVersionsResponse apiVersions() const;
    [[nodiscard]] const ApiEntry *find(std::int16_t apiKey) const;

    std::function<void(const std::string &)> log;

private:
    HandlerOutcome handleApiVersions(const core::RequestHeader &header, std::span<const std::byte> body) const;

    std::map<std::int16_t, ApiEntry> m_table;
};

} // namespace spillway::broker
