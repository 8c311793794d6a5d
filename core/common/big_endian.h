// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace spillway::core {

// Every integer Kafka puts on the wire or on disk is big-endian.

/// Big-endian load of a fixed-width integer from `p`; the caller has checked
/// that sizeof(T) bytes are readable.
template <class T>
inline T loadBigEndian(const std::byte *p) noexcept
{
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    if constexpr (sizeof(T) == 1) {
        return static_cast<T>(*p);
    } else if constexpr (sizeof(T) == 2) {
        std::uint16_t v;
        std::memcpy(&v, p, sizeof v);
        return static_cast<T>(__builtin_bswap16(v));
    } else if constexpr (sizeof(T) == 4) {
        std::uint32_t v;
        std::memcpy(&v, p, sizeof v);
        return static_cast<T>(__builtin_bswap32(v));
    } else {
        std::uint64_t v;
        std::memcpy(&v, p, sizeof v);
        return static_cast<T>(__builtin_bswap64(v));
    }
}

/// Big-endian store, the mirror of loadBigEndian.
template <class T>
inline void storeBigEndian(std::byte *p, T value) noexcept
{
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    if constexpr (sizeof(T) == 1) {
        *p = static_cast<std::byte>(value);
    } else if constexpr (sizeof(T) == 2) {
        const auto v = __builtin_bswap16(static_cast<std::uint16_t>(value));
        std::memcpy(p, &v, sizeof v);
    } else if constexpr (sizeof(T) == 4) {
        const auto v = __builtin_bswap32(static_cast<std::uint32_t>(value));
        std::memcpy(p, &v, sizeof v);
    } else {
        const auto v = __builtin_bswap64(static_cast<std::uint64_t>(value));
        std::memcpy(p, &v, sizeof v);
    }
}

} // namespace spillway::core
