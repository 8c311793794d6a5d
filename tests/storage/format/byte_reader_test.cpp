// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/byte_reader.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <vector>

using namespace spillway::core;

TEST_CASE("big-endian reads and bounds checks", "[format][bytes]")
{
    const std::vector<std::byte> data{std::byte{0x01}, std::byte{0x02}, std::byte{0x03}, std::byte{0x04},
                                      std::byte{0xff}};
    ByteReader r(data);
    std::int32_t v = 0;
    REQUIRE(r.read(v));
    CHECK(v == 0x01020304);
    std::int32_t more = 0;
    CHECK_FALSE(r.read(more)); // only one byte left
    CHECK(r.position() == 4);
    std::int8_t last = 0;
    REQUIRE(r.read(last));
    CHECK(last == -1);
    CHECK(r.atEnd());
}

TEST_CASE("zig-zag varints round-trip and match Kafka's encoding", "[format][bytes]")
{
    for (std::int64_t value : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1}, std::int64_t{63}, std::int64_t{-64},
                               std::int64_t{64}, std::int64_t{300}, std::int64_t{-123456789},
                               std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
        std::vector<std::byte> out;
        appendVarlong(out, value);
        ByteReader r(out);
        std::int64_t back = 0;
        REQUIRE(r.readVarlong(back));
        CHECK(back == value);
        CHECK(r.atEnd());
    }
    std::vector<std::byte> one;
    appendVarint(one, -1);
    REQUIRE(one.size() == 1);
    CHECK(one[0] == std::byte{0x01}); // zig-zag(-1) = 1
    std::vector<std::byte> big;
    appendVarint(big, std::numeric_limits<std::int32_t>::min());
    ByteReader r(big);
    std::int32_t v = 0;
    REQUIRE(r.readVarint(v));
    CHECK(v == std::numeric_limits<std::int32_t>::min());
}

TEST_CASE("truncated or overlong varints fail without moving", "[format][bytes]")
{
    const std::vector<std::byte> truncated{std::byte{0x80}, std::byte{0x80}};
    ByteReader r(truncated);
    std::int32_t v = 0;
    CHECK_FALSE(r.readVarint(v));
    CHECK(r.position() == 0);
    const std::vector<std::byte> overlong(11, std::byte{0xff});
    ByteReader r2(overlong);
    std::int64_t l = 0;
    CHECK_FALSE(r2.readVarlong(l));
    std::int32_t i = 0;
    CHECK_FALSE(r2.readVarint(i));
}
