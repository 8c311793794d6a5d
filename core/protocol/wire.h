// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/kafka_uuid.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core {

/// A Kafka Uuid: 16 raw bytes on the wire.
using Uuid = KafkaUuid;

/// Bounds-checked big-endian reader over a request or response buffer, with
/// Kafka's varints. A failed read sets a sticky error (with the byte
/// position) and returns zero values from then on; check ok() at the end.
/// Not thread-safe; one per message.
class WireReader {
public:
    explicit WireReader(std::span<const std::byte> data) : m_data(data) {}

    std::int8_t i8();
    std::int16_t i16();
    std::int32_t i32();
    std::int64_t i64();
    std::uint16_t u16();
    std::uint32_t u32();
    double f64();
    std::uint32_t uvarint();
    std::int32_t varint();  ///< zig-zag
    std::int64_t varlong(); ///< zig-zag
    /// n raw bytes as a view into the buffer (empty + failure if short).
    std::span<const std::byte> raw(std::size_t n);

    void fail(std::string reason);
    [[nodiscard]] bool ok() const noexcept { return m_error.empty(); }
    [[nodiscard]] const std::string &error() const noexcept { return m_error; }
    [[nodiscard]] std::size_t position() const noexcept { return m_pos; }
    [[nodiscard]] std::size_t remaining() const noexcept { return m_data.size() - m_pos; }

private:
    bool need(std::size_t n);
    std::span<const std::byte> m_data;
    std::size_t m_pos = 0;
    std::string m_error;
};

/// Appends big-endian values and Kafka varints to a growing buffer.
class WireWriter {
public:
    void i8(std::int8_t v);
    void i16(std::int16_t v);
    void i32(std::int32_t v);
    void i64(std::int64_t v);
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void f64(double v);
    void uvarint(std::uint32_t v);
    void varint(std::int32_t v);
    void varlong(std::int64_t v);
    void raw(std::span<const std::byte> bytes);
    void raw(std::string_view bytes);
    /// Overwrites 4 bytes at `pos` (e.g. a size prefix written last).
    void patchI32(std::size_t pos, std::int32_t v);

    [[nodiscard]] std::size_t size() const noexcept { return m_buf.size(); }
    [[nodiscard]] const std::vector<std::byte> &buffer() const noexcept { return m_buf; }
    std::vector<std::byte> take() { return std::move(m_buf); }

private:
    std::vector<std::byte> m_buf;
};

} // namespace spillway::core
