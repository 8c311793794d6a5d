// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/compression.h"
#include "tests/storage/format/format_test_util.h"

#include <catch2/catch.hpp>

#include <random>

using namespace spillway::core;
using spillway::test::asBytes;

namespace {

std::vector<std::byte> sampleData(std::size_t n)
{
    std::mt19937 rng(7);
    std::vector<std::byte> data(n);
    for (std::size_t i = 0; i < n; ++i) {
        // Compressible but not trivial.
        data[i] = static_cast<std::byte>((i % 97) < 60 ? 'a' + (i % 7) : static_cast<int>(rng() & 0xff));
    }
    return data;
}

} // namespace

TEST_CASE("every codec round-trips, including multi-block input", "[format][compression]")
{
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{200'000}}) {
        const auto data = sampleData(size);
        for (Compression codec :
             {Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd}) {
            INFO(toString(codec) << " " << size << " bytes");
            auto packed = compress(codec, data);
            REQUIRE(packed.ok());
            auto unpacked = decompress(codec, *packed);
            REQUIRE(unpacked.ok());
            CHECK(*unpacked == data);
        }
    }
}

TEST_CASE("snappy is written in xerial framing and raw snappy is also read", "[format][compression]")
{
    const auto data = sampleData(70'000);
    auto framed = compress(Compression::Snappy, data);
    REQUIRE(framed.ok());
    REQUIRE(framed->size() > 16);
    CHECK((*framed)[0] == std::byte{0x82});
    CHECK(spillway::test::asString(std::span(*framed).subspan(1, 6)) == "SNAPPY");
    // The xerial header is followed by [int32 length, raw block]: strip the
    // framing of the first block and feed the raw block alone.
    const auto firstLength = static_cast<std::size_t>(std::to_integer<unsigned>((*framed)[18]) << 8 |
                                                      std::to_integer<unsigned>((*framed)[19]));
    const auto raw = std::span<const std::byte>(*framed).subspan(20, firstLength);
    auto unpacked = decompress(Compression::Snappy, raw);
    REQUIRE(unpacked.ok());
    CHECK(unpacked->size() == 32 * 1024);
    CHECK(std::equal(unpacked->begin(), unpacked->end(), data.begin()));
}

TEST_CASE("the KAFKA-3160 lz4 header checksum is accepted only when asked", "[format][compression]")
{
    const auto data = sampleData(5000);
    auto broken = compress(Compression::Lz4, data, Lz4HeaderChecksum::Kafka3160);
    auto standard = compress(Compression::Lz4, data);
    REQUIRE(broken.ok());
    REQUIRE(standard.ok());
    REQUIRE(*broken != *standard); // only the descriptor checksum byte differs
    CHECK_FALSE(decompress(Compression::Lz4, *broken).ok());
    auto viaQuirk = decompress(Compression::Lz4, *broken, kDefaultMaxDecompressedBytes, Lz4HeaderChecksum::Kafka3160);
    REQUIRE(viaQuirk.ok());
    CHECK(*viaQuirk == data);
    // Magic 0 data written by fixed clients carries the standard checksum.
    auto standardViaQuirk =
        decompress(Compression::Lz4, *standard, kDefaultMaxDecompressedBytes, Lz4HeaderChecksum::Kafka3160);
    REQUIRE(standardViaQuirk.ok());
    CHECK(*standardViaQuirk == data);
}

TEST_CASE("decompression is capped against bombs", "[format][compression]")
{
    const std::vector<std::byte> zeros(4 << 20, std::byte{0});
    for (Compression codec : {Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd}) {
        INFO(toString(codec));
        auto packed = compress(codec, zeros);
        REQUIRE(packed.ok());
        auto capped = decompress(codec, *packed, 1 << 20);
        REQUIRE_FALSE(capped.ok());
        CHECK(capped.error().code == Errc::Corrupt);
        CHECK_THAT(capped.error().message, Catch::Contains("more than 1048576 bytes"));
    }
}

TEST_CASE("truncated compressed payloads are errors, not short output", "[format][compression]")
{
    const auto data = sampleData(100'000);
    for (Compression codec : {Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd}) {
        INFO(toString(codec));
        auto packed = compress(codec, data);
        REQUIRE(packed.ok());
        const auto cut = std::span<const std::byte>(*packed).first(packed->size() / 2);
        CHECK_FALSE(decompress(codec, cut).ok());
    }
    CHECK_FALSE(decompress(Compression::Gzip, asBytes("not gzip at all")).ok());
}

TEST_CASE("concatenated gzip members are read like GZIPInputStream", "[format][compression]")
{
    auto a = compress(Compression::Gzip, asBytes("hello "));
    auto b = compress(Compression::Gzip, asBytes("world"));
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    std::vector<std::byte> both = *a;
    both.insert(both.end(), b->begin(), b->end());
    auto out = decompress(Compression::Gzip, both);
    REQUIRE(out.ok());
    CHECK(spillway::test::asString(*out) == "hello world");
}
