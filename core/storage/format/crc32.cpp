// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/crc32.h"

#include <algorithm>
#include <limits>

#include <zlib.h>

namespace spillway::core {

std::uint32_t crc32Ieee(std::span<const std::byte> data, std::uint32_t crc) noexcept
{
    // zlib's length parameter is a uInt: feed huge buffers in pieces.
    uLong value = crc;
    const auto *p = reinterpret_cast<const Bytef *>(data.data());
    std::size_t left = data.size();
    while (left > 0) {
        const auto chunk = static_cast<uInt>(std::min<std::size_t>(left, std::numeric_limits<uInt>::max()));
        value = ::crc32(value, p, chunk);
        p += chunk;
        left -= chunk;
    }
    return static_cast<std::uint32_t>(value);
}

} // namespace spillway::core
