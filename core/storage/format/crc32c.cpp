// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace spillway::core {
namespace {

// Everything below works on the raw CRC register (no initial/final
// inversion); the public functions add Kafka's inversions around it.
constexpr std::uint32_t kPolyReflected = 0x82F63B78u;

using Table = std::array<std::uint32_t, 256>;

constexpr std::array<Table, 8> makeSlicingTables()
{
    std::array<Table, 8> t{};
    for (std::uint32_t b = 0; b < 256; ++b) {
        std::uint32_t c = b;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1u) != 0 ? (c >> 1) ^ kPolyReflected : c >> 1;
        }
        t[0][b] = c;
    }
    // t[k][b]: byte b followed by k zero bytes, so 8 bytes can be folded
    // with 8 independent lookups.
    for (std::size_t k = 1; k < 8; ++k) {
        for (std::size_t b = 0; b < 256; ++b) {
            const std::uint32_t prev = t[k - 1][b];
            t[k][b] = (prev >> 8) ^ t[0][prev & 0xffu];
        }
    }
    return t;
}

constexpr std::array<Table, 8> kSlicing = makeSlicingTables();

inline std::uint64_t load64(const unsigned char *p) noexcept
{
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v; // little-endian host: byte 0 in the low bits, as the CRC wants
}

std::uint32_t softwareRaw(std::uint32_t c, const unsigned char *p, std::size_t n) noexcept
{
    while (n >= 8) {
        const std::uint64_t w = load64(p) ^ c;
        c = kSlicing[7][w & 0xffu] ^ kSlicing[6][(w >> 8) & 0xffu] ^ kSlicing[5][(w >> 16) & 0xffu] ^
            kSlicing[4][(w >> 24) & 0xffu] ^ kSlicing[3][(w >> 32) & 0xffu] ^ kSlicing[2][(w >> 40) & 0xffu] ^
            kSlicing[1][(w >> 48) & 0xffu] ^ kSlicing[0][w >> 56];
        p += 8;
        n -= 8;
    }
    while (n-- > 0) {
        c = kSlicing[0][(c ^ *p++) & 0xffu] ^ (c >> 8);
    }
    return c;
}

#if defined(__x86_64__)
// Interleaving: the crc32 instruction has a latency of 3 cycles but a
// throughput of 1 per cycle, so three independent streams over adjacent
// blocks keep it busy. The stream results are combined by "appending" L
// zero bytes to the earlier ones (a linear map, tabulated per byte lane).
constexpr std::size_t kLongBlock = 4096;
constexpr std::size_t kShortBlock = 256;
static_assert((kLongBlock & (kLongBlock - 1)) == 0 && (kShortBlock & (kShortBlock - 1)) == 0);

using ShiftTables = std::array<Table, 4>;

using Operator = std::array<std::uint32_t, 32>; // column i = image of bit i

constexpr std::uint32_t apply(const Operator &op, std::uint32_t v)
{
    std::uint32_t r = 0;
    for (std::size_t bit = 0; v != 0; ++bit, v >>= 1) {
        if ((v & 1u) != 0) {
            r ^= op[bit];
        }
    }
    return r;
}

/// Tables for "append zeroBytes zero bytes" (a power of two): start from
/// one zero byte and square the operator, so it stays cheap at compile time.
constexpr ShiftTables makeShiftTables(std::size_t zeroBytes)
{
    Operator column{};
    for (std::size_t bit = 0; bit < 32; ++bit) {
        const std::uint32_t c = 1u << bit;
        column[bit] = kSlicing[0][c & 0xffu] ^ (c >> 8);
    }
    for (std::size_t n = 1; n < zeroBytes; n *= 2) {
        Operator squared{};
        for (std::size_t bit = 0; bit < 32; ++bit) {
            squared[bit] = apply(column, column[bit]);
        }
        column = squared;
    }
    ShiftTables t{};
    for (std::size_t lane = 0; lane < 4; ++lane) {
        for (std::size_t b = 0; b < 256; ++b) {
            std::uint32_t v = 0;
            for (std::size_t bit = 0; bit < 8; ++bit) {
                if ((b >> bit) & 1u) {
                    v ^= column[lane * 8 + bit];
                }
            }
            t[lane][b] = v;
        }
    }
    return t;
}

constexpr ShiftTables kShiftLong = makeShiftTables(kLongBlock);
constexpr ShiftTables kShiftShort = makeShiftTables(kShortBlock);

inline std::uint32_t shift(const ShiftTables &t, std::uint32_t c) noexcept
{
    return t[0][c & 0xffu] ^ t[1][(c >> 8) & 0xffu] ^ t[2][(c >> 16) & 0xffu] ^ t[3][c >> 24];
}

template <std::size_t Block>
__attribute__((target("sse4.2"))) inline std::uint32_t threeStreams(std::uint32_t c, const unsigned char *p,
                                                                    const ShiftTables &tables) noexcept
{
    std::uint64_t c0 = c;
    std::uint64_t c1 = 0;
    std::uint64_t c2 = 0;
    for (std::size_t i = 0; i < Block; i += 8) {
        c0 = _mm_crc32_u64(c0, load64(p + i));
        c1 = _mm_crc32_u64(c1, load64(p + Block + i));
        c2 = _mm_crc32_u64(c2, load64(p + 2 * Block + i));
    }
    std::uint32_t r = shift(tables, static_cast<std::uint32_t>(c0)) ^ static_cast<std::uint32_t>(c1);
    return shift(tables, r) ^ static_cast<std::uint32_t>(c2);
}

__attribute__((target("sse4.2"))) std::uint32_t hardwareRaw(std::uint32_t c, const unsigned char *p,
                                                            std::size_t n) noexcept
{
    while (n > 0 && (reinterpret_cast<std::uintptr_t>(p) & 7u) != 0) {
        c = _mm_crc32_u8(c, *p++);
        --n;
    }
    while (n >= 3 * kLongBlock) {
        c = threeStreams<kLongBlock>(c, p, kShiftLong);
        p += 3 * kLongBlock;
        n -= 3 * kLongBlock;
    }
    while (n >= 3 * kShortBlock) {
        c = threeStreams<kShortBlock>(c, p, kShiftShort);
        p += 3 * kShortBlock;
        n -= 3 * kShortBlock;
    }
    std::uint64_t c64 = c;
    while (n >= 8) {
        c64 = _mm_crc32_u64(c64, load64(p));
        p += 8;
        n -= 8;
    }
    c = static_cast<std::uint32_t>(c64);
    while (n-- > 0) {
        c = _mm_crc32_u8(c, *p++);
    }
    return c;
}
#endif

bool detectHardware() noexcept
{
#if defined(__x86_64__)
    return __builtin_cpu_supports("sse4.2") != 0;
#else
    return false;
#endif
}

} // namespace

bool crc32cHardwareAvailable() noexcept
{
    static const bool available = detectHardware();
    return available;
}

std::uint32_t crc32cSoftware(std::span<const std::byte> data, std::uint32_t crc) noexcept
{
    const auto *p = reinterpret_cast<const unsigned char *>(data.data());
    return ~softwareRaw(~crc, p, data.size());
}

std::uint32_t crc32c(std::span<const std::byte> data, std::uint32_t crc) noexcept
{
    const auto *p = reinterpret_cast<const unsigned char *>(data.data());
#if defined(__x86_64__)
    if (crc32cHardwareAvailable()) {
        return ~hardwareRaw(~crc, p, data.size());
    }
#endif
    return ~softwareRaw(~crc, p, data.size());
}

} // namespace spillway::core
