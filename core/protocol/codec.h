// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/protocol/wire.h"

#include <climits>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace spillway::core {

/// Inclusive version range of a field, as "versions" in Kafka's message
/// definitions: since(3) is "3+", range(0, 2) is "0-2".
struct Versions {
    std::int16_t min = 0;
    std::int16_t max = SHRT_MAX;
    [[nodiscard]] constexpr bool contains(std::int16_t v) const noexcept { return v >= min && v <= max; }
};
constexpr Versions since(std::int16_t v) { return {v, SHRT_MAX}; }
constexpr Versions range(std::int16_t lo, std::int16_t hi) { return {lo, hi}; }
constexpr Versions kAllVersions{};
constexpr Versions kNoVersions{1, 0};

/// The bytes of a `records` field: a view into the message buffer (never
/// copied while decoding), or null.
struct RecordsView {
    std::span<const std::byte> bytes;
    bool isNull = true;
    /// Encoding only, for zero-copy responses: when >= 0, the records are not
    /// in `bytes` but this many bytes that the caller sends from elsewhere (a
    /// segment file, with sendfile). The encoder writes their length prefix
    /// and notes where they go (Encoder::externalRecords()).
    std::int64_t externalSize = -1;
};

/// Where a RecordsView's external bytes go in an encoded message: `size`
/// bytes inserted at byte `position` of the encoded buffer.
struct ExternalRecords {
    std::size_t position = 0;
    std::int64_t size = 0;
};

using Bytes = std::vector<std::byte>;

namespace codec_detail {
struct RawTaggedField {
    std::uint32_t tag;
    std::span<const std::byte> payload;
};
struct EncodedTaggedField {
    std::uint32_t tag;
    std::vector<std::byte> payload;
};
} // namespace codec_detail

/// Messages describe their fields once, in a template member
///   template <class Io> void io(Io &io) { io.field(ErrorCode); io.field(ThrottleTimeMs, since(1)); io.tags(); }
/// and the same function decodes (Decoder) and encodes (Encoder). Field
/// order, versions and nullability follow Kafka's definitions line by line;
/// `flexible` (KIP-482 compact encodings + tagged sections) is decided by the
/// message version. Every struct's io() ends with io.tags(...) or io.tags().
/// Decodes a message body. A malformed message sets a sticky error; check
/// ok() after decoding. One per message; not thread-safe.
class Decoder {
public:
    Decoder(std::span<const std::byte> data, std::int16_t version, bool flexible)
        : m_in(data)
        , m_version(version)
        , m_flexible(flexible)
    {}

    static constexpr bool kDecoding = true;
    [[nodiscard]] std::int16_t version() const noexcept { return m_version; }
    [[nodiscard]] bool flexible() const noexcept { return m_flexible; }
    [[nodiscard]] bool ok() const noexcept { return m_in.ok(); }
    [[nodiscard]] const std::string &error() const noexcept { return m_in.error(); }
    [[nodiscard]] std::size_t remaining() const noexcept { return m_in.remaining(); }
    WireReader &reader() noexcept { return m_in; }

    /// A field present in `present` versions; absent fields keep their value.
    /// `nullable`: versions in which a string/bytes/array may be null.
    template <class T>
    void field(T &value, Versions present = kAllVersions, Versions nullable = kNoVersions)
    {
        if (present.contains(m_version))
            read(value, nullable.contains(m_version));
    }

    /// The tagged-field section closing a struct, in flexible versions.
    /// `fn(tag)` is called with a visitor: tag(number, field, versions[,
    /// default]); a field equal to its default is not written.
    template <class Fn>
    void tags(Fn &&fn);
    void tags()
    {
        tags([](auto &) {});
    }

    template <class T>
    void read(T &value, bool nullable);

    /// Handed to the tags() callback: tag(number, field, versions[, default]).
    struct TagVisitor {
        Decoder &self;
        const std::vector<codec_detail::RawTaggedField> &found;
        template <class T>
        void operator()(std::uint32_t tag, T &value, Versions present) const;
        template <class T>
        void operator()(std::uint32_t tag, T &value, Versions present, const T & /*defaultValue*/) const
        {
            (*this)(tag, value, present);
        }
    };

private:
    std::int32_t readLength(); ///< string/bytes/array length; -1 = null
    std::int32_t readArrayLength();

    WireReader m_in;
    std::int16_t m_version;
    bool m_flexible;
};

/// Encodes a message body; see Decoder for the io() contract.
class Encoder {
public:
    Encoder(std::int16_t version, bool flexible) : m_version(version), m_flexible(flexible) {}

    static constexpr bool kDecoding = false;
    [[nodiscard]] std::int16_t version() const noexcept { return m_version; }
    [[nodiscard]] bool flexible() const noexcept { return m_flexible; }
    /// Encoding fails (e.g. null in a non-nullable version) with a reason.
    [[nodiscard]] bool ok() const noexcept { return m_error.empty(); }
    [[nodiscard]] const std::string &error() const noexcept { return m_error; }
    WireWriter &writer() noexcept { return m_out; }
    /// The RecordsView fields with an externalSize, in encoding order.
    [[nodiscard]] const std::vector<ExternalRecords> &externalRecords() const noexcept { return m_external; }

    template <class T>
    void field(const T &value, Versions present = kAllVersions, Versions nullable = kNoVersions)
    {
        if (present.contains(m_version))
            write(value, nullable.contains(m_version));
    }

    template <class Fn>
    void tags(Fn &&fn);
    void tags()
    {
        if (m_flexible)
            m_out.uvarint(0);
    }

    template <class T>
    void write(const T &value, bool nullable);

    struct TagVisitor {
        Encoder &self;
        std::vector<codec_detail::EncodedTaggedField> out;
        template <class T>
        void operator()(std::uint32_t tag, const T &value, Versions present, const T &defaultValue = T{});
    };

private:
    void writeLength(std::size_t n);
    template <class T>
    void writeNull();
    void fail(std::string reason)
    {
        if (m_error.empty())
            m_error = std::move(reason);
    }

    WireWriter m_out;
    std::int16_t m_version;
    bool m_flexible;
    std::string m_error;
    std::vector<ExternalRecords> m_external;
};

} // namespace spillway::core

#include "core/protocol/codec_impl.h"
