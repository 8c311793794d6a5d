// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace spillway::core {

/// Plain IEEE CRC-32 (zlib's crc32, java.util.zip.CRC32), the checksum of
/// legacy v0/v1 messages. Chain by passing the previous result as `crc`;
/// crc32Ieee("123456789") == 0xCBF43926.
std::uint32_t crc32Ieee(std::span<const std::byte> data, std::uint32_t crc = 0) noexcept;

} // namespace spillway::core
