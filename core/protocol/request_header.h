// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/protocol/api.h"
#include "core/protocol/wire.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace spillway::core {

/// A parsed request header (RequestHeader v1/v2) and where the body starts.
struct RequestHeader {
    std::int16_t apiKey = 0;
    std::int16_t apiVersion = 0;
    std::int32_t correlationId = 0;
    std::optional<std::string> clientId;
    std::size_t bodyOffset = 0; ///< byte offset of the body within the frame
};

/// Header version rules (generated from the message definitions in Kafka):
/// request header v2 iff the request version is flexible; response header
/// v1 iff the response is flexible, except ApiVersions which always uses v0
/// (KIP-511) so that a client can read it before knowing the broker.
bool requestHeaderIsFlexible(std::int16_t firstFlexibleVersion, std::int16_t apiVersion) noexcept;
bool responseHeaderIsFlexible(ApiKey key, std::int16_t firstFlexibleVersion, std::int16_t apiVersion) noexcept;

/// Parses the header of one request frame (the bytes after the int32 size).
/// `firstFlexibleVersion` of this API (or -1 if unknown/none) decides v1/v2;
/// use peekApiKeyAndVersion() first to look it up. ClientId is always the
/// int16-length string, even in header v2.
Result<RequestHeader> parseRequestHeader(std::span<const std::byte> frame, std::int16_t firstFlexibleVersion);

/// The first four bytes of a request frame: api key and api version.
std::optional<std::pair<std::int16_t, std::int16_t>> peekApiKeyAndVersion(std::span<const std::byte> frame) noexcept;

/// Writes a size-prefixed frame: int32 size, header, then the body.
std::vector<std::byte> frameResponse(std::int32_t correlationId, bool flexibleHeader, std::span<const std::byte> body);
std::vector<std::byte> frameRequest(std::int16_t apiKey, std::int16_t apiVersion, std::int32_t correlationId,
                                    const std::optional<std::string> &clientId, bool flexibleHeader,
                                    std::span<const std::byte> body);

} // namespace spillway::core
