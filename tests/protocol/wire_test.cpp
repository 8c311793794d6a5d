// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/protocol/wire.h"
#include "tests/protocol/bytes_helpers.h"

#include <catch2/catch.hpp>

#include <climits>

using namespace spillway::core;
using spillway::test::bytes;

TEST_CASE("WireWriter and WireReader agree on big-endian integers", "[protocol][wire]")
{
    WireWriter w;
    w.i8(-2);
    w.i16(0x1234);
    w.i32(-5);
    w.i64(0x0102030405060708LL);
    w.f64(1.5);
    CHECK(std::vector<std::byte>(w.buffer().begin(), w.buffer().begin() + 7) ==
          bytes({0xFE, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFB}));
    WireReader r(w.buffer());
    CHECK(r.i8() == -2);
    CHECK(r.i16() == 0x1234);
    CHECK(r.i32() == -5);
    CHECK(r.i64() == 0x0102030405060708LL);
    CHECK(r.f64() == 1.5);
    CHECK(r.ok());
    CHECK(r.remaining() == 0);
}

TEST_CASE("Varints use Kafka's zig-zag and base-128 encoding", "[protocol][wire]")
{
    // Values and encodings from Kafka's ByteUtils conventions.
    WireWriter w;
    w.varint(0);
    w.varint(-1);
    w.varint(1);
    w.varint(-64);
    w.varint(64);
    w.uvarint(300);
    CHECK(w.buffer() == bytes({0x00, 0x01, 0x02, 0x7F, 0x80, 0x01, 0xAC, 0x02}));

    for (std::int64_t v : {0LL, 1LL, -1LL, 1234567890123LL, LLONG_MIN, LLONG_MAX}) {
        WireWriter lw;
        lw.varlong(v);
        WireReader lr(lw.buffer());
        CHECK(lr.varlong() == v);
        CHECK(lr.ok());
    }
    for (std::int32_t v : {INT_MIN, INT_MAX, -300, 300}) {
        WireWriter iw;
        iw.varint(v);
        WireReader ir(iw.buffer());
        CHECK(ir.varint() == v);
    }
}

TEST_CASE("WireReader fails cleanly on truncated input and stays failed", "[protocol][wire]")
{
    const auto data = bytes({0x00, 0x01, 0x02});
    WireReader r(data);
    CHECK(r.i32() == 0);
    CHECK_FALSE(r.ok());
    CHECK(r.error() == "unexpected end of message at byte 0 (need 4 bytes, 3 left)");
    CHECK(r.i8() == 0); // sticky
    CHECK(r.error().find("byte 0") != std::string::npos);
}

TEST_CASE("An overlong varint is an error, not a hang", "[protocol][wire]")
{
    const auto data = bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
    WireReader r(data);
    (void)r.uvarint();
    CHECK_FALSE(r.ok());
    CHECK(r.error().find("varint longer than 5 bytes") != std::string::npos);
}

TEST_CASE("Uuid prints as Kafka's URL-safe base64", "[protocol][wire]")
{
    std::array<std::uint8_t, 16> raw{};
    for (std::size_t i = 0; i < 16; ++i)
        raw[i] = static_cast<std::uint8_t>(0xF0 + i);
    const Uuid u(raw);
    // 16 bytes -> 22 characters, no padding, '-' and '_' instead of '+' and '/'.
    const std::string text = u.toString();
    CHECK(text.size() == 22);
    CHECK(text == "8PHy8_T19vf4-fr7_P3-_w");
    CHECK(Uuid{}.isZero());
    CHECK_FALSE(u.isZero());
}
