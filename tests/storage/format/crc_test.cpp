// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/crc32.h"
#include "core/storage/format/crc32c.h"

#include <catch2/catch.hpp>

#include <random>
#include <string_view>
#include <vector>

using namespace spillway::core;

namespace {

std::span<const std::byte> asBytes(std::string_view s)
{
    return {reinterpret_cast<const std::byte *>(s.data()), s.size()};
}

} // namespace

TEST_CASE("CRC-32C known vectors", "[format][crc]")
{
    CHECK(crc32c(asBytes("123456789")) == 0xE3069283u);
    CHECK(crc32cSoftware(asBytes("123456789")) == 0xE3069283u);
    CHECK(crc32c({}) == 0u);
    // RFC 3720 B.4: 32 bytes of zeros / of 0xff.
    std::vector<std::byte> zeros(32, std::byte{0});
    std::vector<std::byte> ones(32, std::byte{0xff});
    CHECK(crc32c(zeros) == 0x8A9136AAu);
    CHECK(crc32c(ones) == 0x62A8AB43u);
}

TEST_CASE("CRC-32 (IEEE) known vector", "[format][crc]")
{
    CHECK(crc32Ieee(asBytes("123456789")) == 0xCBF43926u);
    CHECK(crc32Ieee(asBytes("1234"), 0) != 0u);
    CHECK(crc32Ieee(asBytes("56789"), crc32Ieee(asBytes("1234"))) == 0xCBF43926u);
}

TEST_CASE("CRC-32C chaining equals one pass", "[format][crc]")
{
    const std::uint32_t first = crc32c(asBytes("1234"));
    CHECK(crc32c(asBytes("56789"), first) == 0xE3069283u);
    CHECK(crc32cSoftware(asBytes("56789"), crc32cSoftware(asBytes("1234"))) == 0xE3069283u);
}

TEST_CASE("CRC-32C hardware and software agree on every length and alignment", "[format][crc]")
{
    std::mt19937 rng(42);
    std::vector<std::byte> buffer(64 * 1024 + 64);
    for (auto &b : buffer) {
        b = static_cast<std::byte>(rng());
    }
    const std::span<const std::byte> all(buffer);
    for (std::size_t misalign = 0; misalign < 8; ++misalign) {
        for (std::size_t length = 0; length <= 300; ++length) {
            const auto piece = all.subspan(misalign, length);
            REQUIRE(crc32c(piece) == crc32cSoftware(piece));
        }
    }
    // Lengths that exercise the interleaved 3 x 256 and 3 x 4096 paths and
    // their remainders, with a non-zero starting CRC.
    for (std::size_t length : {767u, 768u, 769u, 1543u, 12287u, 12288u, 12289u, 16384u, 40000u, 65536u}) {
        for (std::size_t misalign : {0u, 3u, 7u}) {
            const auto piece = all.subspan(misalign, length);
            REQUIRE(crc32c(piece, 0x12345678u) == crc32cSoftware(piece, 0x12345678u));
        }
    }
    INFO("hardware CRC-32C available: " << crc32cHardwareAvailable());
}
