// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/protocol/api.h"
#include "core/protocol/codec.h"

#include <span>
#include <vector>

namespace spillway::core {

/// Every request/response struct declares, from its Kafka definition:
///   static constexpr ApiKey kApiKey;             // apiKey
///   static constexpr std::int16_t kFirstFlexibleVersion;  // "flexibleVersions" (-1 = none)
/// and one `template <class Io> void io(Io &)` describing its fields.
template <class M>
constexpr bool isFlexible(std::int16_t version) noexcept
{
    return M::kFirstFlexibleVersion >= 0 && version >= M::kFirstFlexibleVersion;
}

/// Decodes a message body of the given version. Trailing bytes after the
/// last field are an error (Kafka rejects them too).
template <class M>
Result<M> decodeMessage(std::span<const std::byte> body, std::int16_t version)
{
    Decoder d(body, version, isFlexible<M>(version));
    M m{};
    m.io(d);
    if (d.ok() && d.remaining() != 0)
        d.reader().fail(std::to_string(d.remaining()) + " unexpected bytes after the last field");
    if (!d.ok())
        return makeError(Errc::Corrupt,
                         std::string(toString(M::kApiKey)) + " v" + std::to_string(version) + ": " + d.error());
    return m;
}

/// Encodes a message body of the given version. A RecordsView with an
/// externalSize is an error here: see encodeMessageWithExternalRecords().
template <class M>
Result<std::vector<std::byte>> encodeMessage(const M &message, std::int16_t version)
{
    Encoder e(version, isFlexible<M>(version));
    const_cast<M &>(message).io(e);
    if (e.ok() && !e.externalRecords().empty())
        return makeError(Errc::InvalidArgument, std::string(toString(M::kApiKey)) + " v" + std::to_string(version) +
                                                    ": records outside the message need "
                                                    "encodeMessageWithExternalRecords");
    if (!e.ok())
        return makeError(Errc::InvalidArgument,
                         std::string(toString(M::kApiKey)) + " v" + std::to_string(version) + ": " + e.error());
    return e.writer().take();
}

/// A message body whose external records (RecordsView::externalSize) are
/// left out: the wire bytes are `bytes` with each `external[i].size` bytes
/// inserted at `external[i].position`, in order.
struct EncodedWithExternalRecords {
    std::vector<std::byte> bytes;
    std::vector<ExternalRecords> external;
};

/// Encodes a message body of the given version, leaving out the bytes of
/// records that the caller sends from elsewhere (zero-copy Fetch responses).
template <class M>
Result<EncodedWithExternalRecords> encodeMessageWithExternalRecords(const M &message, std::int16_t version)
{
    Encoder e(version, isFlexible<M>(version));
    const_cast<M &>(message).io(e);
    if (!e.ok())
        return makeError(Errc::InvalidArgument,
                         std::string(toString(M::kApiKey)) + " v" + std::to_string(version) + ": " + e.error());
    EncodedWithExternalRecords out;
    out.external = e.externalRecords();
    out.bytes = e.writer().take();
    return out;
}

} // namespace spillway::core
