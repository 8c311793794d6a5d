// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/big_endian.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace spillway::core {

/// A cursor over untrusted bytes: big-endian integers and Kafka's zig-zag
/// varints/varlongs, every read bounds-checked. A failed read returns false
/// and leaves the cursor where it was, so truncated input never reads past
/// the span. Value type, no ownership; any thread.
class ByteReader {
public:
    explicit ByteReader(std::span<const std::byte> data) noexcept : m_data(data) {}

    [[nodiscard]] std::size_t position() const noexcept { return m_pos; }
    [[nodiscard]] std::size_t remaining() const noexcept { return m_data.size() - m_pos; }
    [[nodiscard]] bool atEnd() const noexcept { return m_pos == m_data.size(); }

    template <class T>
    bool read(T &out) noexcept
    {
        if (remaining() < sizeof(T)) {
            return false;
        }
        out = loadBigEndian<T>(m_data.data() + m_pos);
        m_pos += sizeof(T);
        return true;
    }

    /// `n` raw bytes as a view into the underlying span.
    bool readBytes(std::size_t n, std::span<const std::byte> &out) noexcept
    {
        if (remaining() < n) {
            return false;
        }
        out = m_data.subspan(m_pos, n);
        m_pos += n;
        return true;
    }

    bool skip(std::size_t n) noexcept
    {
        if (remaining() < n) {
            return false;
        }
        m_pos += n;
        return true;
    }

    /// Zig-zag varint as Kafka's ByteUtils.readVarint: at most 5 bytes.
    bool readVarint(std::int32_t &out) noexcept
    {
        std::uint64_t raw = 0;
        if (!readUnsignedVar(5, raw) || raw > 0xffffffffu) {
            return false;
        }
        const auto u = static_cast<std::uint32_t>(raw);
        out = static_cast<std::int32_t>((u >> 1) ^ (~(u & 1u) + 1u));
        return true;
    }

    /// Zig-zag varlong: at most 10 bytes.
    bool readVarlong(std::int64_t &out) noexcept
    {
        std::uint64_t u = 0;
        if (!readUnsignedVar(10, u)) {
            return false;
        }
        out = static_cast<std::int64_t>((u >> 1) ^ (~(u & 1u) + 1u));
        return true;
    }

private:
    bool readUnsignedVar(int maxBytes, std::uint64_t &out) noexcept
    {
        std::uint64_t value = 0;
        std::size_t pos = m_pos;
        for (int i = 0; i < maxBytes; ++i) {
            if (pos >= m_data.size()) {
                return false;
            }
            const auto b = static_cast<std::uint8_t>(m_data[pos++]);
            if (i == 9 && b > 1) {
                return false; // more than 64 bits
            }
            value |= static_cast<std::uint64_t>(b & 0x7fu) << (7 * i);
            if ((b & 0x80u) == 0) {
                m_pos = pos;
                out = value;
                return true;
            }
        }
        return false;
    }

    std::span<const std::byte> m_data;
    std::size_t m_pos = 0;
};

/// Appends Kafka's zig-zag varint/varlong encodings; used by the writers.
template <class Out>
inline void appendVarlong(Out &out, std::int64_t value)
{
    auto u = (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
    while ((u & ~std::uint64_t{0x7f}) != 0) {
        out.push_back(static_cast<std::byte>((u & 0x7fu) | 0x80u));
        u >>= 7;
    }
    out.push_back(static_cast<std::byte>(u));
}

template <class Out>
inline void appendVarint(Out &out, std::int32_t value)
{
    appendVarlong(out, value);
}

} // namespace spillway::core
