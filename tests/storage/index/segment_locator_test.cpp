// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/segment_locator.h"
#include "tests/storage/index/index_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

using namespace spillway::core;
using namespace spillway::test;

TEST_CASE("partition directory names are recognised", "[index][locate]")
{
    CHECK(SegmentLocator::looksLikePartitionDirName("orders-0"));
    CHECK(SegmentLocator::looksLikePartitionDirName("my-topic-12"));
    CHECK(SegmentLocator::looksLikePartitionDirName("orders-3.0123456789abcdef0123456789abcdef-delete"));
    CHECK(SegmentLocator::looksLikePartitionDirName("orders-3.0123456789abcdef0123456789abcdef-future"));
    CHECK_FALSE(SegmentLocator::looksLikePartitionDirName("orders"));
    CHECK_FALSE(SegmentLocator::looksLikePartitionDirName("orders-x"));
    CHECK_FALSE(SegmentLocator::looksLikePartitionDirName("-1"));
    CHECK_FALSE(SegmentLocator::looksLikePartitionDirName("lost+found"));
}

TEST_CASE("paths resolve to segments, partitions and log dirs", "[index][locate]")
{
    TempDir dir;
    const auto logDir = dir / "data";
    const BuiltSegment a = buildV2Segment(Offset(0), 3, 2, 10);
    const BuiltSegment b = buildV2Segment(Offset(6), 3, 2, 10);
    writeSegment(logDir / "orders-0", a);
    writeSegment(logDir / "orders-0", b);
    writeSegment(logDir / "orders-1", a);
    // An orphaned index still shows up as a segment (to be reported).
    writeBytes(logDir / "orders-1" / "00000000000000000100.index", {});
    std::filesystem::create_directories(logDir / "not-a-partition");
    writeBytes(logDir / "meta.properties", {});

    SECTION("a segment file")
    {
        auto r = SegmentLocator::locate(logDir / "orders-0" / "00000000000000000006.timeindex");
        REQUIRE(r.ok());
        REQUIRE(r->size() == 1);
        REQUIRE(r->front().segments.size() == 1);
        CHECK(r->front().segments[0].baseOffset == Offset(6));
    }
    SECTION("a partition directory")
    {
        auto r = SegmentLocator::locate(logDir / "orders-0");
        REQUIRE(r.ok());
        REQUIRE(r->size() == 1);
        REQUIRE(r->front().segments.size() == 2);
        CHECK(r->front().segments[0].baseOffset == Offset(0));
        CHECK(r->front().segments[1].baseOffset == Offset(6));
    }
    SECTION("a log dir")
    {
        auto r = SegmentLocator::locate(logDir);
        REQUIRE(r.ok());
        REQUIRE(r->size() == 2);
        CHECK(r->at(0).dir.filename() == "orders-0");
        CHECK(r->at(1).dir.filename() == "orders-1");
        CHECK(r->at(1).segments.size() == 2);
    }
    SECTION("errors")
    {
        CHECK(SegmentLocator::locate(dir / "nope").error().code == Errc::NotFound);
        CHECK(SegmentLocator::locate(logDir / "meta.properties").error().code == Errc::InvalidArgument);
        CHECK(SegmentLocator::locate(logDir / "not-a-partition").error().code == Errc::NotFound);
    }
}
