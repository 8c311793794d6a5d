// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/crc32c.h"
#include "core/storage/logdir/producer_snapshot.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace spillway::core;

namespace {

ProducerSnapshotEntry entry(std::int64_t pid)
{
    ProducerSnapshotEntry e;
    e.producerId = pid;
    e.producerEpoch = 2;
    e.lastSequence = 41;
    e.lastOffset = Offset(1000 + pid);
    e.offsetDelta = 9;
    e.timestamp = Timestamp(1700000000000);
    e.coordinatorEpoch = -1;
    e.currentTxnFirstOffset = Offset(pid == 7 ? 990 : -1);
    return e;
}

} // namespace

TEST_CASE("producer snapshot layout - 10-byte header, 46-byte entries, CRC-32C from byte 6 to the end",
          "[logdir][snapshot]")
{
    const ProducerSnapshot empty;
    const auto bytes = empty.serialize();
    REQUIRE(bytes.size() == 10);
    CHECK(bytes[0] == std::byte{0});
    CHECK(bytes[1] == std::byte{1});
    // CRC-32C of the four zero bytes of the count.
    const std::uint32_t crc = crc32c(std::span<const std::byte>(bytes).subspan(6));
    CHECK(bytes[2] == std::byte(crc >> 24));
    CHECK(bytes[5] == std::byte(crc & 0xFF));

    const ProducerSnapshot two({entry(7), entry(8)});
    const auto full = two.serialize();
    CHECK(full.size() == 10 + 2 * 46);
    auto parsed = ProducerSnapshot::parse(full, "x");
    REQUIRE(parsed.ok());
    CHECK(parsed->entries() == two.entries());
}

TEST_CASE("producer snapshot read from disk", "[logdir][snapshot]")
{
    spillway::test::TempDir dir;
    const auto file = dir / "00000000000000001200.snapshot";
    REQUIRE(ProducerSnapshot({entry(7)}).write(file).ok());
    CHECK(std::filesystem::file_size(file) == 56);
    auto read = ProducerSnapshot::read(file);
    REQUIRE(read.ok());
    REQUIRE(read->entries().size() == 1);
    CHECK(read->entries()[0].currentTxnFirstOffset == Offset(990));
    CHECK(ProducerSnapshot::read(dir / "missing.snapshot").error().code == Errc::NotFound);
}

TEST_CASE("producer snapshot - bad CRC, version, sizes are clear errors", "[logdir][snapshot]")
{
    auto bytes = ProducerSnapshot({entry(7), entry(8)}).serialize();
    const auto fails = [](std::span<const std::byte> data) {
        auto r = ProducerSnapshot::parse(data, "00000000000000001200.snapshot");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::Corrupt);
        CHECK(r.error().message.starts_with("00000000000000001200.snapshot: "));
        return r.error().message;
    };

    auto flipped = bytes;
    flipped[30] ^= std::byte{0x01};
    CHECK(fails(flipped).find("CRC-32C mismatch at byte 2") != std::string::npos);

    auto version = bytes;
    version[1] = std::byte{2};
    CHECK(fails(version).find("version 2 at byte 0, expected 1") != std::string::npos);

    CHECK(fails(std::span<const std::byte>(bytes).first(9)).find("shorter than the 10-byte header") !=
          std::string::npos);

    // A truncated file whose CRC was recomputed: the count no longer matches.
    auto cut = std::vector<std::byte>(bytes.begin(), bytes.end() - 46);
    const auto crc = crc32c(std::span<const std::byte>(cut).subspan(6));
    for (int i = 0; i < 4; ++i)
        cut[static_cast<std::size_t>(2 + i)] = std::byte((crc >> (24 - 8 * i)) & 0xFF);
    CHECK(fails(cut).find("entry count 2 at byte 6") != std::string::npos);
}
