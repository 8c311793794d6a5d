// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/protocol/wire.h"

#include "core/common/big_endian.h"

#include <bit>
#include <cstring>

namespace spillway::core {
namespace {

/// Appends `value` big-endian to `buf`.
template <class T>
void appendBigEndian(std::vector<std::byte> &buf, T value)
{
    const std::size_t at = buf.size();
    buf.resize(at + sizeof(T));
    storeBigEndian(buf.data() + at, value);
}

} // namespace

void WireReader::fail(std::string reason)
{
    if (m_error.empty())
        m_error = std::move(reason);
    m_pos = m_data.size();
}

bool WireReader::need(std::size_t n)
{
    if (!m_error.empty())
        return false;
    if (remaining() < n) {
        fail("unexpected end of message at byte " + std::to_string(m_pos) + " (need " + std::to_string(n) + " bytes, " +
             std::to_string(remaining()) + " left)");
        return false;
    }
    return true;
}

std::int8_t WireReader::i8() { return need(1) ? static_cast<std::int8_t>(m_data[m_pos++]) : 0; }

#define SPILLWAY_WIRE_READ(name, type)                                                                                 \
    type WireReader::name()                                                                                            \
    {                                                                                                                  \
        if (!need(sizeof(type)))                                                                                       \
            return 0;                                                                                                  \
        const type v = loadBigEndian<type>(m_data.data() + m_pos);                                                     \
        m_pos += sizeof(type);                                                                                         \
        return v;                                                                                                      \
    }
SPILLWAY_WIRE_READ(i16, std::int16_t)
SPILLWAY_WIRE_READ(i32, std::int32_t)
SPILLWAY_WIRE_READ(i64, std::int64_t)
SPILLWAY_WIRE_READ(u16, std::uint16_t)
SPILLWAY_WIRE_READ(u32, std::uint32_t)
#undef SPILLWAY_WIRE_READ

double WireReader::f64() { return std::bit_cast<double>(static_cast<std::uint64_t>(i64())); }

std::uint32_t WireReader::uvarint()
{
    std::uint32_t value = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
        if (!need(1))
            return 0;
        const auto b = std::to_integer<std::uint32_t>(m_data[m_pos++]);
        value |= (b & 0x7Fu) << shift;
        if ((b & 0x80u) == 0)
            return value;
    }
    fail("varint longer than 5 bytes at byte " + std::to_string(m_pos));
    return 0;
}

std::int32_t WireReader::varint()
{
    const std::uint32_t raw = uvarint();
    return static_cast<std::int32_t>((raw >> 1) ^ (~(raw & 1u) + 1u));
}

std::int64_t WireReader::varlong()
{
    std::uint64_t raw = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
        if (!need(1))
            return 0;
        const auto b = std::to_integer<std::uint64_t>(m_data[m_pos++]);
        raw |= (b & 0x7Fu) << shift;
        if ((b & 0x80u) == 0)
            return static_cast<std::int64_t>((raw >> 1) ^ (~(raw & 1u) + 1u));
    }
    fail("varlong longer than 10 bytes at byte " + std::to_string(m_pos));
    return 0;
}

std::span<const std::byte> WireReader::raw(std::size_t n)
{
    if (!need(n))
        return {};
    auto s = m_data.subspan(m_pos, n);
    m_pos += n;
    return s;
}

void WireWriter::i8(std::int8_t v) { m_buf.push_back(static_cast<std::byte>(v)); }
void WireWriter::i16(std::int16_t v) { appendBigEndian(m_buf, v); }
void WireWriter::i32(std::int32_t v) { appendBigEndian(m_buf, v); }
void WireWriter::i64(std::int64_t v) { appendBigEndian(m_buf, v); }
void WireWriter::u16(std::uint16_t v) { appendBigEndian(m_buf, v); }
void WireWriter::u32(std::uint32_t v) { appendBigEndian(m_buf, v); }
void WireWriter::f64(double v) { appendBigEndian(m_buf, std::bit_cast<std::uint64_t>(v)); }

void WireWriter::uvarint(std::uint32_t v)
{
    while (v >= 0x80u) {
        m_buf.push_back(static_cast<std::byte>((v & 0x7Fu) | 0x80u));
        v >>= 7;
    }
    m_buf.push_back(static_cast<std::byte>(v));
}

void WireWriter::varint(std::int32_t v)
{
    uvarint((static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31));
}

void WireWriter::varlong(std::int64_t v)
{
    std::uint64_t u = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
    while (u >= 0x80u) {
        m_buf.push_back(static_cast<std::byte>((u & 0x7Fu) | 0x80u));
        u >>= 7;
    }
    m_buf.push_back(static_cast<std::byte>(u));
}

void WireWriter::raw(std::span<const std::byte> bytes) { m_buf.insert(m_buf.end(), bytes.begin(), bytes.end()); }

void WireWriter::raw(std::string_view bytes)
{
    const auto *p = reinterpret_cast<const std::byte *>(bytes.data());
    m_buf.insert(m_buf.end(), p, p + bytes.size());
}

void WireWriter::patchI32(std::size_t pos, std::int32_t v) { storeBigEndian(m_buf.data() + pos, v); }

} // namespace spillway::core
