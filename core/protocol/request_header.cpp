// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/protocol/request_header.h"

namespace spillway::core {

bool requestHeaderIsFlexible(std::int16_t firstFlexibleVersion, std::int16_t apiVersion) noexcept
{
    return firstFlexibleVersion >= 0 && apiVersion >= firstFlexibleVersion;
}

bool responseHeaderIsFlexible(ApiKey key, std::int16_t firstFlexibleVersion, std::int16_t apiVersion) noexcept
{
    if (key == ApiKey::ApiVersions)
        return false;
    return requestHeaderIsFlexible(firstFlexibleVersion, apiVersion);
}

std::optional<std::pair<std::int16_t, std::int16_t>> peekApiKeyAndVersion(std::span<const std::byte> frame) noexcept
{
    if (frame.size() < 4)
        return std::nullopt;
    WireReader r(frame.first(4));
    const std::int16_t key = r.i16();
    const std::int16_t version = r.i16();
    return std::pair{key, version};
}

Result<RequestHeader> parseRequestHeader(std::span<const std::byte> frame, std::int16_t firstFlexibleVersion)
{
    WireReader r(frame);
    RequestHeader h;
    h.apiKey = r.i16();
    h.apiVersion = r.i16();
    h.correlationId = r.i32();
    const std::int16_t clientIdLength = r.i16();
    if (clientIdLength >= 0) {
        const auto raw = r.raw(static_cast<std::size_t>(clientIdLength));
        h.clientId = std::string(reinterpret_cast<const char *>(raw.data()), raw.size());
    } else if (clientIdLength < -1) {
        r.fail("negative client id length " + std::to_string(clientIdLength));
    }
    if (requestHeaderIsFlexible(firstFlexibleVersion, h.apiVersion)) {
        // Header tagged fields: none are defined for requests we serve; skip.
        const std::uint32_t count = r.uvarint();
        for (std::uint32_t i = 0; i < count && r.ok(); ++i) {
            (void)r.uvarint();
            (void)r.raw(r.uvarint());
        }
    }
    if (!r.ok())
        return makeError(Errc::Corrupt, "malformed request header: " + r.error());
    h.bodyOffset = r.position();
    return h;
}

std::vector<std::byte> frameResponse(std::int32_t correlationId, bool flexibleHeader, std::span<const std::byte> body)
{
    WireWriter w;
    w.i32(0);
    w.i32(correlationId);
    if (flexibleHeader)
        w.uvarint(0);
    w.raw(body);
    w.patchI32(0, static_cast<std::int32_t>(w.size() - 4));
    return w.take();
}

std::vector<std::byte> frameRequest(std::int16_t apiKey, std::int16_t apiVersion, std::int32_t correlationId,
                                    const std::optional<std::string> &clientId, bool flexibleHeader,
                                    std::span<const std::byte> body)
{
    WireWriter w;
    w.i32(0);
    w.i16(apiKey);
    w.i16(apiVersion);
    w.i32(correlationId);
    if (clientId) {
        w.i16(static_cast<std::int16_t>(clientId->size()));
        w.raw(std::string_view(*clientId));
    } else {
        w.i16(-1);
    }
    if (flexibleHeader)
        w.uvarint(0);
    w.raw(body);
    w.patchI32(0, static_cast<std::int32_t>(w.size() - 4));
    return w.take();
}

} // namespace spillway::core
