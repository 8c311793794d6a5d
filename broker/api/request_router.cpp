// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/api/request_router.h"

#include "core/common/big_endian.h"

#include <algorithm>

namespace spillway::broker {

using core::ApiKey;
using core::ApiVersionsRequest;
using core::ApiVersionsResponse;

namespace {
constexpr std::int16_t kApiVersionsMax = 3;
} // namespace

RequestRouter::RequestRouter(std::vector<ApiEntry> table, const KafkaReleaseProfile *emulate)
{
    m_apiVersionsMax = kApiVersionsMax;
    if (emulate != nullptr) {
        m_apiVersionsErrorListsRange = emulate->apiVersionsErrorListsRange;
        if (const auto own = emulate->find(static_cast<std::int16_t>(ApiKey::ApiVersions)))
            m_apiVersionsMax = std::min(m_apiVersionsMax, own->maxVersion);
    }
    for (auto &e : table) {
        if (emulate != nullptr) {
            const auto release = emulate->find(static_cast<std::int16_t>(e.key));
            if (!release)
                continue; // the release does not have this API
            e.minVersion = std::max(e.minVersion, release->minVersion);
            e.maxVersion = std::min(e.maxVersion, release->maxVersion);
            if (e.minVersion > e.maxVersion)
                continue; // no version both speak
        }
        m_table.emplace(static_cast<std::int16_t>(e.key), std::move(e));
    }
}

const ApiEntry *RequestRouter::find(std::int16_t apiKey) const
{
    const auto it = m_table.find(apiKey);
    return it == m_table.end() ? nullptr : &it->second;
}

ApiVersionsResponse RequestRouter::apiVersions() const
{
    ApiVersionsResponse r;
    r.ApiKeys.push_back({static_cast<std::int16_t>(ApiKey::ApiVersions), 0, m_apiVersionsMax});
    for (const auto &[key, e] : m_table)
        r.ApiKeys.push_back({key, e.minVersion, e.maxVersion});
    std::sort(r.ApiKeys.begin(), r.ApiKeys.end(), [](const auto &a, const auto &b) { return a.ApiKey < b.ApiKey; });
    return r;
}

HandlerOutcome RequestRouter::handleApiVersions(const core::RequestHeader &header,
                                                std::span<const std::byte> body) const
{
    ApiVersionsResponse response = apiVersions();
    std::int16_t version = header.apiVersion;
    if (version > m_apiVersionsMax || version < 0) {
        // KIP-511: answer in v0 with the range we support so the client
        // retries (releases before Kafka 2.4 answer with an empty list).
        response.ErrorCode = static_cast<std::int16_t>(core::KafkaError::UnsupportedVersion);
        response.ApiKeys.clear();
        if (m_apiVersionsErrorListsRange)
            response.ApiKeys = {{static_cast<std::int16_t>(ApiKey::ApiVersions), 0, m_apiVersionsMax}};
        version = 0;
    } else if (auto request = core::decodeMessage<ApiVersionsRequest>(body, version); !request.ok()) {
        response = ApiVersionsResponse{};
        response.ErrorCode = static_cast<std::int16_t>(core::KafkaError::InvalidRequest);
    }
    auto encoded = core::encodeMessage(response, version);
    if (!encoded.ok())
        return HandlerOutcome::close("cannot encode ApiVersions response: " + encoded.error().message);
    return HandlerOutcome::respond(core::frameResponse(header.correlationId, false, *encoded));
}

namespace {

/// The frame of a response body: size prefix and response header before the
/// encoded bytes; the size counts the file regions too.
ResponseParts framed(std::int32_t correlationId, bool flexibleHeader, ResponseParts body)
{
    ResponseParts out(core::frameResponse(correlationId, flexibleHeader, body.bytes));
    const std::size_t headerBytes = out.bytes.size() - body.bytes.size();
    out.files = std::move(body.files);
    for (auto &s : out.files)
        s.at += headerBytes;
    core::storeBigEndian<std::int32_t>(out.bytes.data(), static_cast<std::int32_t>(out.wireSize() - 4));
    return out;
}

HandlerOutcome toOutcome(core::ApiKey key, std::int16_t firstFlexibleVersion, const core::RequestHeader &header,
                         ApiEntry::Body body)
{
    if (!body.ok())
        return HandlerOutcome::close("cannot answer " + std::string(core::toString(key)) + ": " + body.error().message);
    if (!*body)
        return HandlerOutcome::noResponse();
    const bool flexibleHeader = core::responseHeaderIsFlexible(key, firstFlexibleVersion, header.apiVersion);
    return HandlerOutcome::respond(framed(header.correlationId, flexibleHeader, std::move(**body)));
}

/// Shared by a deferred request's Reply and the router call that started
/// it: a Reply made before the handler returned is answered in place.
struct DeferredCall {
    bool handlerReturned = false;
    std::optional<HandlerOutcome> early;
};

} // namespace

HandlerOutcome RequestRouter::handleDeferred(const ApiEntry &entry, const RequestContext &ctx,
                                             std::span<const std::byte> body) const
{
    auto call = std::make_shared<DeferredCall>();
    // Copies only: the reply may outlive this router call (and the table).
    ApiEntry::Reply reply = [call, key = entry.key, flexible = entry.firstFlexibleVersion, header = ctx.header,
                             server = ctx.client.server, connectionId = ctx.client.connectionId,
                             seq = ctx.client.requestSeq](ApiEntry::Body answer) {
        HandlerOutcome outcome = toOutcome(key, flexible, header, std::move(answer));
        if (!call->handlerReturned)
            call->early = std::move(outcome);
        else if (server != nullptr)
            server->complete(connectionId, seq, std::move(outcome));
    };
    if (auto st = entry.deferredHandler(ctx, body, std::move(reply)); !st.ok())
        return HandlerOutcome::close("malformed " + std::string(core::toString(entry.key)) +
                                     " request: " + st.error().message);
    if (call->early)
        return std::move(*call->early);
    call->handlerReturned = true;
    return HandlerOutcome::deferred();
}

HandlerOutcome RequestRouter::handle(std::span<const std::byte> frame, const ClientInfo &client) const
{
    const auto keyVersion = core::peekApiKeyAndVersion(frame);
    if (!keyVersion)
        return HandlerOutcome::close("request shorter than a header");
    const auto [apiKey, apiVersion] = *keyVersion;

    if (apiKey == static_cast<std::int16_t>(ApiKey::ApiVersions)) {
        // Versions above ours are flexible (header v2) in any Kafka client; a
        // client that still sends header v1 gets its answer too.
        auto header = core::parseRequestHeader(frame, apiVersion >= 3 ? 3 : -1);
        if (!header.ok() && apiVersion > m_apiVersionsMax)
            header = core::parseRequestHeader(frame, -1);
        if (!header.ok())
            return HandlerOutcome::close(header.error().message);
        return handleApiVersions(*header, frame.subspan(header->bodyOffset));
    }

    const ApiEntry *entry = find(apiKey);
    if (entry == nullptr)
        return HandlerOutcome::close("unsupported API key " + std::to_string(apiKey));
    if (apiVersion < entry->minVersion || apiVersion > entry->maxVersion)
        return HandlerOutcome::close("unsupported version " + std::to_string(apiVersion) + " of " +
                                     std::string(core::toString(entry->key)) + " (this broker serves " +
                                     std::to_string(entry->minVersion) + "-" + std::to_string(entry->maxVersion) + ")");
    auto header = core::parseRequestHeader(frame, entry->firstFlexibleVersion);
    if (!header.ok())
        return HandlerOutcome::close(header.error().message);
    RequestContext ctx{*header, client};
    if (entry->deferredHandler)
        return handleDeferred(*entry, ctx, frame.subspan(header->bodyOffset));
    auto result = entry->handler(ctx, frame.subspan(header->bodyOffset));
    if (!result.ok())
        return HandlerOutcome::close("malformed " + std::string(core::toString(entry->key)) +
                                     " request: " + result.error().message);
    if (!*result)
        return HandlerOutcome::noResponse();
    const bool flexibleHeader = core::responseHeaderIsFlexible(entry->key, entry->firstFlexibleVersion, apiVersion);
    return HandlerOutcome::respond(framed(header->correlationId, flexibleHeader, std::move(**result)));
}

} // namespace spillway::broker
