// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/segment_file_name.h"
#include "core/storage/index/offset_index.h"
#include "core/storage/index/segment_files.h"
#include "core/storage/index/time_index.h"
#include "tests/storage/index/index_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <type_traits>

using namespace spillway::core;
using spillway::test::appendOffsetEntry;
using spillway::test::appendTimeEntry;

// Mixing relative and absolute offsets must not compile.
static_assert(!std::is_convertible_v<RelativeOffset, Offset>);
static_assert(!std::is_convertible_v<Offset, RelativeOffset>);
static_assert(!std::is_invocable_v<decltype(&OffsetIndex::lookup), const OffsetIndex &, RelativeOffset>);

TEST_CASE("segment file names carry the base offset in 20 digits", "[index][names]")
{
    CHECK(formatOffsetFileStem(Offset(1725413)) == "00000000000001725413");
    auto base = parseSegmentBaseOffset("/x/orders-0/00000000000001725413.timeindex");
    REQUIRE(base.ok());
    CHECK(*base == Offset(1725413));
    CHECK_FALSE(parseSegmentBaseOffset("/x/1725413.index").ok());
    CHECK_FALSE(parseSegmentBaseOffset("/x/0000000000000172541x.index").ok());
    CHECK_FALSE(parseSegmentBaseOffset("/x/99999999999999999999.index").ok()); // > int64
    CHECK(isSegmentFileName("00000000000000000042.log", ".log"));
    CHECK_FALSE(isSegmentFileName("00000000000000000042.log.deleted", ".log"));

    auto files = SegmentFiles::fromPath("/data/orders-0/00000000000000000042.index");
    REQUIRE(files.ok());
    CHECK(files->log() == "/data/orders-0/00000000000000000042.log");
    CHECK(files->timeIndex() == "/data/orders-0/00000000000000000042.timeindex");
    CHECK_FALSE(SegmentFiles::fromPath("/data/orders-0/00000000000000000042.snapshot").ok());
}

TEST_CASE("offset index round-trips through its 8-byte big-endian entries", "[index][offset]")
{
    OffsetIndex index(Offset(1000));
    REQUIRE(index.append(Offset(1010), FilePosition(4200)).ok());
    REQUIRE(index.append(Offset(1020), FilePosition(8400)).ok());
    const auto bytes = index.serialize();
    REQUIRE(bytes.size() == 16);
    CHECK(bytes[3] == std::byte{10}); // relative offset 10, big-endian
    CHECK(bytes[6] == std::byte{0x10});
    CHECK(bytes[7] == std::byte{0x68}); // 4200 = 0x1068

    const OffsetIndex back = OffsetIndex::parse(bytes, Offset(1000));
    CHECK(back.entries() == index.entries());
    CHECK(back.layout().entryCount == 2);
    CHECK_FALSE(back.layout().hasZeroTail());
    CHECK(back.absolute(back.entries()[1].relativeOffset) == Offset(1020));
}

TEST_CASE("offset index append refuses what Kafka refuses", "[index][offset]")
{
    OffsetIndex index(Offset(1000));
    REQUIRE(index.append(Offset(1010), FilePosition(100)).ok());
    CHECK_FALSE(index.append(Offset(1010), FilePosition(200)).ok()); // not increasing
    CHECK_FALSE(index.append(Offset(1011), FilePosition(50)).ok());  // position goes back
    CHECK_FALSE(index.append(Offset(999), FilePosition(300)).ok());  // below base
    CHECK_FALSE(index.append(Offset(1000 + (std::int64_t{1} << 31)), FilePosition(300)).ok());
    CHECK(index.size() == 1);
}

TEST_CASE("offset index lookup finds the last entry at or below the target", "[index][offset]")
{
    OffsetIndex index(Offset(0));
    REQUIRE(index.append(Offset(10), FilePosition(100)).ok());
    REQUIRE(index.append(Offset(20), FilePosition(200)).ok());
    CHECK_FALSE(index.lookup(Offset(9)).has_value());
    CHECK(index.lookup(Offset(10))->position == FilePosition(100));
    CHECK(index.lookup(Offset(19))->position == FilePosition(100));
    CHECK(index.lookup(Offset(25))->position == FilePosition(200));
}

TEST_CASE("a preallocated zero tail is told apart from the entries", "[index][offset][zero-tail]")
{
    std::vector<std::byte> bytes;
    appendOffsetEntry(bytes, 5, 4100);
    appendOffsetEntry(bytes, 9, 8300);
    bytes.resize(bytes.size() + 8 * 1000); // as preallocation leaves it
    const OffsetIndex index = OffsetIndex::parse(bytes, Offset(0));
    CHECK(index.size() == 2);
    CHECK(index.layout().slotCount == 1002);
    CHECK(index.layout().zeroTailSlots == 1000);
    CHECK(index.layout().slotPosition(index.layout().entryCount) == 16);

    const OffsetIndex allZero = OffsetIndex::parse(std::vector<std::byte>(80), Offset(0));
    CHECK(allZero.empty());
    CHECK(allZero.layout().zeroTailSlots == 10);
}

TEST_CASE("index sizes that are not whole entries are measured", "[index][size]")
{
    std::vector<std::byte> bytes;
    appendOffsetEntry(bytes, 5, 4100);
    bytes.push_back(std::byte{1});
    bytes.push_back(std::byte{2});
    const OffsetIndex index = OffsetIndex::parse(bytes, Offset(0));
    CHECK(index.size() == 1);
    CHECK(index.layout().trailingBytes == 2);
    CHECK_FALSE(index.layout().sizeIsMultiple());

    std::vector<std::byte> time;
    appendTimeEntry(time, 1000, 3);
    time.resize(time.size() + 5);
    const TimeIndex t = TimeIndex::parse(time, Offset(0));
    CHECK(t.size() == 1);
    CHECK(t.layout().trailingBytes == 5);
}

TEST_CASE("time index keeps only increasing timestamps, as Kafka's maybeAppend", "[index][time]")
{
    TimeIndex index(Offset(100));
    CHECK(*index.maybeAppend(Timestamp(-1), Offset(100)) == false); // no timestamp
    CHECK(*index.maybeAppend(Timestamp(50), Offset(105)) == true);
    CHECK(*index.maybeAppend(Timestamp(50), Offset(110)) == false);
    CHECK(*index.maybeAppend(Timestamp(40), Offset(115)) == false);
    CHECK(*index.maybeAppend(Timestamp(60), Offset(120)) == true);
    CHECK_FALSE(index.maybeAppend(Timestamp(70), Offset(119)).ok()); // offset goes back
    CHECK(index.size() == 2);

    const auto bytes = index.serialize();
    REQUIRE(bytes.size() == 24);
    const TimeIndex back = TimeIndex::parse(bytes, Offset(100));
    CHECK(back.entries() == index.entries());
    CHECK(back.lookup(Timestamp(55))->timestamp == Timestamp(50));
    CHECK(back.absolute(back.lookup(Timestamp(60))->relativeOffset) == Offset(120));
    CHECK_FALSE(back.lookup(Timestamp(49)).has_value());
}

TEST_CASE("index files are written trimmed and read back with their base offset", "[index][io]")
{
    spillway::test::TempDir dir;
    const auto path = dir / "00000000000000000500.index";
    OffsetIndex index(Offset(500));
    REQUIRE(index.append(Offset(510), FilePosition(4097)).ok());
    REQUIRE(index.writeFile(path).ok());
    CHECK(std::filesystem::file_size(path) == 8);
    CHECK_FALSE(std::filesystem::exists(dir / "00000000000000000500.index.spillway-tmp"));
    auto read = OffsetIndex::readFile(path);
    REQUIRE(read.ok());
    CHECK(read->baseOffset() == Offset(500));
    CHECK(read->entries() == index.entries());

    auto missing = TimeIndex::readFile(dir / "00000000000000000500.timeindex");
    REQUIRE_FALSE(missing.ok());
}
