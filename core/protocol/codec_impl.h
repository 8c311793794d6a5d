// SPDX-License-Identifier: GPL-3.0-or-later
// Template bodies of Decoder/Encoder (included by codec.h only).
#pragma once

#include <utility>

namespace spillway::core {
namespace codec_detail {

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsOptionalVector : std::false_type {};
template <class T>
struct IsOptionalVector<std::optional<std::vector<T>>> : std::true_type {};

} // namespace codec_detail

inline std::int32_t Decoder::readLength()
{
    // Compact encodings store length + 1 (0 = null) as an unsigned varint.
    const std::int64_t n = static_cast<std::int64_t>(m_in.uvarint()) - 1;
    if (n > INT32_MAX) {
        m_in.fail("compact length " + std::to_string(n) + " too large at byte " + std::to_string(m_in.position()));
        return 0;
    }
    return static_cast<std::int32_t>(n);
}

inline std::int32_t Decoder::readArrayLength()
{
    const std::int32_t n = m_flexible ? readLength() : m_in.i32();
    // Every element takes at least one byte: a count above what is left is a
    // malformed (or hostile) message, refused before allocating.
    if (n > 0 && static_cast<std::size_t>(n) > m_in.remaining()) {
        m_in.fail("array of " + std::to_string(n) + " elements with only " + std::to_string(m_in.remaining()) +
                  " bytes left at byte " + std::to_string(m_in.position()));
        return 0;
    }
    return n;
}

template <class T>
void Decoder::read(T &value, bool nullable)
{
    using codec_detail::IsOptional;
    using codec_detail::IsVector;
    if constexpr (std::is_same_v<T, bool>) {
        value = m_in.i8() != 0;
    } else if constexpr (std::is_same_v<T, std::int8_t>) {
        value = m_in.i8();
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        value = m_in.i16();
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        value = m_in.i32();
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        value = m_in.i64();
    } else if constexpr (std::is_same_v<T, std::uint16_t>) {
        value = m_in.u16();
    } else if constexpr (std::is_same_v<T, std::uint32_t>) {
        value = m_in.u32();
    } else if constexpr (std::is_same_v<T, double>) {
        value = m_in.f64();
    } else if constexpr (std::is_same_v<T, Uuid>) {
        const auto raw = m_in.raw(16);
        std::array<std::uint8_t, 16> bytes{};
        for (std::size_t i = 0; i < raw.size(); ++i)
            bytes[i] = std::to_integer<std::uint8_t>(raw[i]);
        value = Uuid(bytes);
    } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::optional<std::string>>) {
        const std::int32_t n = m_flexible ? readLength() : m_in.i16();
        if (n < 0) {
            if (n < -1)
                m_in.fail("negative string length " + std::to_string(n) + " at byte " +
                          std::to_string(m_in.position()));
            else if (!nullable && std::is_same_v<T, std::string>)
                m_in.fail("null string in a non-nullable field at byte " + std::to_string(m_in.position()));
            value = T{};
            return;
        }
        const auto raw = m_in.raw(static_cast<std::size_t>(n));
        value = std::string(reinterpret_cast<const char *>(raw.data()), raw.size());
    } else if constexpr (std::is_same_v<T, Bytes> || std::is_same_v<T, std::optional<Bytes>> ||
                         std::is_same_v<T, RecordsView>) {
        const std::int32_t n = m_flexible ? readLength() : m_in.i32();
        if (n < 0) {
            if (n < -1)
                m_in.fail("negative bytes length " + std::to_string(n) + " at byte " + std::to_string(m_in.position()));
            value = T{};
            return;
        }
        const auto raw = m_in.raw(static_cast<std::size_t>(n));
        if constexpr (std::is_same_v<T, RecordsView>)
            value = RecordsView{raw, false};
        else
            value = Bytes(raw.begin(), raw.end());
    } else if constexpr (IsVector<T>::value || codec_detail::IsOptionalVector<T>::value) {
        const std::int32_t n = readArrayLength();
        if (n < 0) {
            if (n < -1)
                m_in.fail("negative array length " + std::to_string(n) + " at byte " + std::to_string(m_in.position()));
            value = T{};
            return;
        }
        auto &vec = [&]() -> auto &
        {
            if constexpr (IsOptional<T>::value) {
                value.emplace();
                return *value;
            } else {
                return value;
            }
        }
        ();
        vec.clear();
        vec.resize(static_cast<std::size_t>(n));
        for (auto &element : vec) {
            read(element, false);
            if (!m_in.ok())
                return;
        }
    } else {
        value.io(*this);
    }
}

template <class Fn>
void Decoder::tags(Fn &&fn)
{
    if (!m_flexible)
        return;
    std::vector<codec_detail::RawTaggedField> found;
    const std::uint32_t count = m_in.uvarint();
    std::uint32_t previous = 0;
    for (std::uint32_t i = 0; i < count && m_in.ok(); ++i) {
        const std::uint32_t tag = m_in.uvarint();
        if (i > 0 && tag <= previous)
            m_in.fail("tagged fields out of order (" + std::to_string(tag) + " after " + std::to_string(previous) +
                      ")");
        previous = tag;
        const std::uint32_t size = m_in.uvarint();
        found.push_back({tag, m_in.raw(size)});
    }
    if (!m_in.ok())
        return;
    // Known tags decode from their payload; unknown ones were skipped by size.
    TagVisitor visitor{*this, found};
    fn(visitor);
}

template <class T>
void Decoder::TagVisitor::operator()(std::uint32_t tag, T &value, Versions present) const
{
    if (!present.contains(self.m_version))
        return;
    for (const auto &r : found) {
        if (r.tag != tag)
            continue;
        Decoder sub(r.payload, self.m_version, self.m_flexible);
        sub.read(value, true);
        if (!sub.ok())
            self.m_in.fail("tagged field " + std::to_string(tag) + ": " + sub.error());
    }
}

inline void Encoder::writeLength(std::size_t n) { m_out.uvarint(static_cast<std::uint32_t>(n + 1)); }

template <class T>
void Encoder::write(const T &value, bool nullable)
{
    using codec_detail::IsOptional;
    using codec_detail::IsVector;
    if constexpr (std::is_same_v<T, bool>) {
        m_out.i8(value ? 1 : 0);
    } else if constexpr (std::is_same_v<T, std::int8_t>) {
        m_out.i8(value);
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        m_out.i16(value);
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        m_out.i32(value);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        m_out.i64(value);
    } else if constexpr (std::is_same_v<T, std::uint16_t>) {
        m_out.u16(value);
    } else if constexpr (std::is_same_v<T, std::uint32_t>) {
        m_out.u32(value);
    } else if constexpr (std::is_same_v<T, double>) {
        m_out.f64(value);
    } else if constexpr (std::is_same_v<T, Uuid>) {
        for (std::uint8_t b : value.bytes())
            m_out.i8(static_cast<std::int8_t>(b));
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (m_flexible)
            writeLength(value.size());
        else
            m_out.i16(static_cast<std::int16_t>(value.size()));
        m_out.raw(std::string_view(value));
    } else if constexpr (IsOptional<T>::value) {
        if (!value) {
            if (!nullable)
                fail("null value in a field that is not nullable in version " + std::to_string(m_version));
            writeNull<typename T::value_type>();
            return;
        }
        write(*value, nullable);
    } else if constexpr (std::is_same_v<T, Bytes>) {
        if (m_flexible)
            writeLength(value.size());
        else
            m_out.i32(static_cast<std::int32_t>(value.size()));
        m_out.raw(std::span<const std::byte>(value));
    } else if constexpr (std::is_same_v<T, RecordsView>) {
        if (value.isNull) {
            if (m_flexible)
                m_out.uvarint(0);
            else
                m_out.i32(-1);
            return;
        }
        if (value.externalSize >= 0) {
            if (value.externalSize > INT32_MAX) {
                fail("records of " + std::to_string(value.externalSize) + " bytes do not fit a message");
                return;
            }
            if (m_flexible)
                writeLength(static_cast<std::size_t>(value.externalSize));
            else
                m_out.i32(static_cast<std::int32_t>(value.externalSize));
            m_external.push_back({m_out.size(), value.externalSize});
            return;
        }
        if (m_flexible)
            writeLength(value.bytes.size());
        else
            m_out.i32(static_cast<std::int32_t>(value.bytes.size()));
        m_out.raw(value.bytes);
    } else if constexpr (IsVector<T>::value) {
        if (m_flexible)
            writeLength(value.size());
        else
            m_out.i32(static_cast<std::int32_t>(value.size()));
        for (const auto &element : value)
            write(element, false);
    } else {
        // io() is written against a non-const reference; encoding never mutates.
        const_cast<T &>(value).io(*this);
    }
}

template <class T>
void Encoder::writeNull()
{
    if constexpr (std::is_same_v<T, std::string>) {
        if (m_flexible)
            m_out.uvarint(0);
        else
            m_out.i16(-1);
    } else {
        if (m_flexible)
            m_out.uvarint(0);
        else
            m_out.i32(-1);
    }
}

template <class Fn>
void Encoder::tags(Fn &&fn)
{
    if (!m_flexible)
        return;
    TagVisitor visitor{*this, {}};
    fn(visitor);
    m_out.uvarint(static_cast<std::uint32_t>(visitor.out.size()));
    for (const auto &e : visitor.out) {
        m_out.uvarint(e.tag);
        m_out.uvarint(static_cast<std::uint32_t>(e.payload.size()));
        m_out.raw(std::span<const std::byte>(e.payload));
    }
}

template <class T>
void Encoder::TagVisitor::operator()(std::uint32_t tag, const T &value, Versions present, const T &defaultValue)
{
    // A tagged field equal to its default is not written (KIP-482).
    if (!present.contains(self.m_version) || value == defaultValue)
        return;
    Encoder sub(self.m_version, self.m_flexible);
    sub.write(value, true);
    if (!sub.ok())
        self.fail(sub.error());
    if (!sub.m_external.empty())
        self.fail("external records in tagged field " + std::to_string(tag));
    out.push_back({tag, sub.m_out.take()});
}

} // namespace spillway::core
