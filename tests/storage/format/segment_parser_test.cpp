// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/byte_reader.h"
#include "core/storage/format/crc32c.h"
#include "tests/storage/format/format_test_util.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <fstream>

using namespace spillway::core;
using namespace spillway::test;

namespace {

/// Three v2 batches (offsets 0-9, 10-19 gzip, 20-29), a legacy v1 message
/// set (30-32) and a v0 wrapper (33-35): a segment after a format change.
struct MixedSegment {
    std::vector<std::byte> bytes;
    std::vector<std::int64_t> batchStarts;
};

MixedSegment mixedSegment()
{
    MixedSegment s;
    const auto add = [&s](const Result<std::vector<std::byte>> &batch) {
        s.batchStarts.push_back(static_cast<std::int64_t>(s.bytes.size()));
        append(s.bytes, batch);
    };
    for (int i = 0; i < 3; ++i) {
        RecordBatchSpec spec;
        spec.baseOffset = Offset{i * 10};
        spec.leaderEpoch = LeaderEpoch{4};
        spec.compression = i == 1 ? Compression::Gzip : Compression::None;
        spec.records = makeRecords(10, 1000 + i * 10);
        add(buildRecordBatch(spec));
    }
    const auto legacy = buildLegacyMessageSet(1, Offset{30}, Compression::None, makeRecords(3, 2000));
    REQUIRE(legacy.ok());
    // Three separate entries: record where each starts.
    std::size_t at = s.bytes.size();
    for (int i = 0; i < 3; ++i) {
        s.batchStarts.push_back(static_cast<std::int64_t>(at));
        at += 12 + static_cast<std::size_t>(loadBigEndian<std::int32_t>(legacy->data() + (at - s.bytes.size()) + 8));
    }
    append(s.bytes, legacy);
    add(buildLegacyMessageSet(0, Offset{33}, Compression::Gzip, makeRecords(3, 0)));
    return s;
}

void resealV2(std::vector<std::byte> &segment, std::size_t batchStart)
{
    const auto size = static_cast<std::size_t>(loadBigEndian<std::int32_t>(segment.data() + batchStart + 8)) + 12;
    const auto crc = crc32c(std::span<const std::byte>(segment).subspan(batchStart + 21, size - 21));
    storeBigEndian<std::uint32_t>(segment.data() + batchStart + 17, crc);
}

} // namespace

TEST_CASE("a valid segment of mixed magic parses cleanly", "[format][parser]")
{
    const auto seg = mixedSegment();
    CollectingConsumer consumer;
    const auto outcome = SegmentParser::parse(seg.bytes, consumer);
    INFO(outcome.tailDetail);
    CHECK(outcome.ok());
    CHECK(outcome.tail == TailState::Clean);
    CHECK(outcome.validBytes == static_cast<std::int64_t>(seg.bytes.size()));
    CHECK(outcome.dataSize == static_cast<std::int64_t>(seg.bytes.size()));
    CHECK(outcome.batchCount == 7);
    REQUIRE(outcome.lastOffset.has_value());
    CHECK(*outcome.lastOffset == Offset{35});
    REQUIRE(consumer.batches.size() == 7);
    for (std::size_t i = 0; i < 7; ++i) {
        CHECK(consumer.batches[i].position == FilePosition{seg.batchStarts[i]});
    }
    CHECK(consumer.batches[0].magic == 2);
    CHECK(consumer.batches[0].leaderEpoch == LeaderEpoch{4});
    CHECK(consumer.batches[1].compression == Compression::Gzip);
    CHECK(consumer.batches[2].lastOffset == Offset{29});
    CHECK(consumer.batches[3].magic == 1);
    CHECK(consumer.batches[3].baseOffset == Offset{30});
    CHECK(consumer.batches[3].maxTimestamp == Timestamp{2000});
    CHECK(consumer.batches[6].magic == 0);
    CHECK(consumer.batches[6].lastOffset == Offset{35});
    CHECK(consumer.batches[6].maxTimestamp == Timestamp{-1});
}

TEST_CASE("a flipped bit in a record is a CRC mismatch at that batch", "[format][parser]")
{
    auto seg = mixedSegment();
    const auto second = static_cast<std::size_t>(seg.batchStarts[2]);
    seg.bytes[second + 100] ^= std::byte{0x10};
    for (ParseMode mode : {ParseMode::Strict, ParseMode::Recovery}) {
        CollectingConsumer consumer;
        const auto outcome = SegmentParser::parse(seg.bytes, consumer, {.mode = mode});
        CHECK_FALSE(outcome.ok());
        CHECK(outcome.tail == TailState::Corrupt);
        CHECK(outcome.validBytes == seg.batchStarts[2]);
        REQUIRE(outcome.problem.has_value());
        CHECK(outcome.problem->position == FilePosition{seg.batchStarts[2]});
        CHECK(outcome.problem->offset == Offset{20});
        CHECK_THAT(outcome.problem->reason,
                   Catch::StartsWith("CRC-32C mismatch at byte " + std::to_string(seg.batchStarts[2]) +
                                     " (offset 20): stored 0x"));
        CHECK(consumer.batches.size() == 2);
    }
    // The same bytes without CRC verification walk to the end.
    CollectingConsumer consumer;
    CHECK(SegmentParser::parse(seg.bytes, consumer, {.verifyCrc = false}).ok());
}

TEST_CASE("a flipped bit in a legacy message is a CRC-32 mismatch", "[format][parser]")
{
    auto seg = mixedSegment();
    const auto at = static_cast<std::size_t>(seg.batchStarts[4]);
    seg.bytes[at + 40] ^= std::byte{0x01};
    CollectingConsumer consumer;
    const auto outcome = SegmentParser::parse(seg.bytes, consumer);
    REQUIRE(outcome.problem.has_value());
    CHECK_THAT(outcome.problem->reason,
               Catch::StartsWith("CRC-32 mismatch at byte " + std::to_string(at) + " (offset 31)"));
}

TEST_CASE("truncation mid-batch is a torn tail", "[format][parser]")
{
    auto seg = mixedSegment();
    const auto cut = seg.batchStarts[2] + 70;
    seg.bytes.resize(static_cast<std::size_t>(cut));
    CollectingConsumer strictConsumer;
    const auto strict = SegmentParser::parse(seg.bytes, strictConsumer);
    CHECK_FALSE(strict.ok());
    CHECK(strict.tail == TailState::Torn);
    CHECK(strict.validBytes == seg.batchStarts[2]);
    REQUIRE(strict.problem.has_value());
    CHECK_THAT(strict.problem->reason, Catch::Contains("only 70 bytes remain"));

    CollectingConsumer recoveryConsumer;
    const auto recovery = SegmentParser::parse(seg.bytes, recoveryConsumer, {.mode = ParseMode::Recovery});
    CHECK(recovery.ok());
    CHECK(recovery.tail == TailState::Torn);
    CHECK(recovery.validBytes == seg.batchStarts[2]);
    CHECK_FALSE(recovery.problem.has_value());
    CHECK_FALSE(recovery.tailDetail.empty());
    CHECK(recovery.lastOffset == Offset{19});
    CHECK(recoveryConsumer.batches.size() == 2);
}

TEST_CASE("fewer than 17 trailing bytes: torn if garbage, zero-filled if zeros", "[format][parser]")
{
    auto seg = mixedSegment();
    const auto end = static_cast<std::int64_t>(seg.bytes.size());
    auto garbage = seg.bytes;
    garbage.insert(garbage.end(), {std::byte{1}, std::byte{2}, std::byte{3}});
    CollectingConsumer c1;
    const auto torn = SegmentParser::parse(garbage, c1);
    CHECK(torn.tail == TailState::Torn);
    CHECK_FALSE(torn.ok());
    CHECK(torn.validBytes == end);
    CHECK(SegmentParser::parse(garbage, c1, {.mode = ParseMode::Recovery}).ok());

    auto zeros = seg.bytes;
    zeros.resize(zeros.size() + 17, std::byte{0});
    CollectingConsumer c2;
    const auto zeroTail = SegmentParser::parse(zeros, c2);
    CHECK(zeroTail.tail == TailState::ZeroFilled);
    CHECK(zeroTail.validBytes == end);
}

TEST_CASE("a zero-filled tail is reported with the valid size", "[format][parser]")
{
    auto seg = mixedSegment();
    const auto end = static_cast<std::int64_t>(seg.bytes.size());
    seg.bytes.resize(seg.bytes.size() + 4096, std::byte{0});
    CollectingConsumer strictConsumer;
    const auto strict = SegmentParser::parse(seg.bytes, strictConsumer);
    CHECK(strict.tail == TailState::ZeroFilled);
    CHECK_FALSE(strict.ok());
    CHECK(strict.validBytes == end);
    CollectingConsumer recoveryConsumer;
    const auto recovery = SegmentParser::parse(seg.bytes, recoveryConsumer, {.mode = ParseMode::Recovery});
    CHECK(recovery.ok());
    CHECK(recovery.tail == TailState::ZeroFilled);
    CHECK(recovery.validBytes == end);
    CHECK(recoveryConsumer.batches.size() == 7);

    // Zeros followed by data are not a tail: size 0 is corrupt.
    seg.bytes.push_back(std::byte{1});
    const auto notTail = SegmentParser::parse(seg.bytes, recoveryConsumer, {.mode = ParseMode::Recovery});
    CHECK(notTail.tail == TailState::Corrupt);
    REQUIRE(notTail.problem.has_value());
    CHECK_THAT(notTail.problem->reason, Catch::Contains("declares size 0, below the minimum 14"));
}

TEST_CASE("a garbage size field is corrupt or torn, with numbers", "[format][parser]")
{
    auto seg = mixedSegment();
    const auto at = static_cast<std::size_t>(seg.batchStarts[1]);
    auto small = seg.bytes;
    storeBigEndian<std::int32_t>(small.data() + at + 8, 5);
    CollectingConsumer c;
    const auto corrupt = SegmentParser::parse(small, c, {.mode = ParseMode::Recovery});
    CHECK(corrupt.tail == TailState::Corrupt);
    CHECK(corrupt.validBytes == seg.batchStarts[1]);
    REQUIRE(corrupt.problem.has_value());
    CHECK(corrupt.problem->reason ==
          "batch at byte " + std::to_string(at) + " (offset 10) declares size 5, below the minimum 14");

    auto v2TooSmall = seg.bytes;
    storeBigEndian<std::int32_t>(v2TooSmall.data() + at + 8, 30);
    const auto header = SegmentParser::parse(v2TooSmall, c);
    CHECK(header.tail == TailState::Corrupt);
    REQUIRE(header.problem.has_value());
    CHECK_THAT(header.problem->reason, Catch::Contains("below the 49-byte header minimum"));

    auto huge = seg.bytes;
    storeBigEndian<std::int32_t>(huge.data() + at + 8, 0x7fffffff);
    const auto torn = SegmentParser::parse(huge, c, {.mode = ParseMode::Recovery});
    CHECK(torn.tail == TailState::Torn);
    CHECK(torn.validBytes == seg.batchStarts[1]);
}

TEST_CASE("an unknown magic is corrupt", "[format][parser]")
{
    auto seg = mixedSegment();
    seg.bytes[static_cast<std::size_t>(seg.batchStarts[1]) + 16] = std::byte{3};
    CollectingConsumer c;
    const auto outcome = SegmentParser::parse(seg.bytes, c, {.mode = ParseMode::Recovery});
    CHECK(outcome.tail == TailState::Corrupt);
    REQUIRE(outcome.problem.has_value());
    CHECK_THAT(outcome.problem->reason, Catch::EndsWith("unknown magic 3"));
    CHECK(outcome.problem->offset == Offset{10});
}

TEST_CASE("legacy key/value lengths must match the message size", "[format][parser]")
{
    auto seg = mixedSegment();
    const auto at = static_cast<std::size_t>(seg.batchStarts[3]);
    storeBigEndian<std::int32_t>(seg.bytes.data() + at + 26, 1000); // key length of the v1 message
    CollectingConsumer c;
    const auto outcome = SegmentParser::parse(seg.bytes, c, {.verifyCrc = false});
    REQUIRE(outcome.problem.has_value());
    CHECK_THAT(outcome.problem->reason, Catch::Contains("key length 1000 does not fit"));
}

TEST_CASE("batches whose offsets go backwards are corrupt", "[format][parser]")
{
    auto seg = mixedSegment();
    const auto at = static_cast<std::size_t>(seg.batchStarts[2]);
    storeBigEndian<std::int64_t>(seg.bytes.data() + at, 15); // base offset is not CRC-covered
    CollectingConsumer c;
    const auto outcome = SegmentParser::parse(seg.bytes, c);
    CHECK(outcome.tail == TailState::Corrupt);
    CHECK(outcome.validBytes == seg.batchStarts[2]);
    REQUIRE(outcome.problem.has_value());
    CHECK_THAT(outcome.problem->reason,
               Catch::Contains("starts at offset 15 but the previous batch ended at offset 19"));
}

TEST_CASE("negative record counts and deltas are corrupt", "[format][parser]")
{
    auto seg = mixedSegment();
    const auto at = static_cast<std::size_t>(seg.batchStarts[0]);
    auto count = seg.bytes;
    storeBigEndian<std::int32_t>(count.data() + at + 57, -2);
    resealV2(count, at);
    CollectingConsumer c;
    auto outcome = SegmentParser::parse(count, c);
    REQUIRE(outcome.problem.has_value());
    CHECK_THAT(outcome.problem->reason, Catch::Contains("negative record count -2"));

    auto delta = seg.bytes;
    storeBigEndian<std::int32_t>(delta.data() + at + 23, -1);
    resealV2(delta, at);
    outcome = SegmentParser::parse(delta, c);
    REQUIRE(outcome.problem.has_value());
    CHECK_THAT(outcome.problem->reason, Catch::Contains("negative lastOffsetDelta -1"));

    auto codec = seg.bytes;
    storeBigEndian<std::int16_t>(codec.data() + at + 21, 7);
    resealV2(codec, at);
    outcome = SegmentParser::parse(codec, c);
    REQUIRE(outcome.problem.has_value());
    CHECK_THAT(outcome.problem->reason, Catch::Contains("unknown compression codec 7"));
}

TEST_CASE("a consumer can skip batches and stop the walk", "[format][parser]")
{
    const auto seg = mixedSegment();
    class SkipOdd : public BatchConsumer {
    public:
        BatchAction onBatchHeader(const BatchInfo &b) override
        {
            headers.push_back(b.baseOffset.get());
            return headers.size() % 2 == 0 ? BatchAction::Skip : BatchAction::Accept;
        }
        bool onBatch(const BatchInfo &b) override
        {
            accepted.push_back(b.baseOffset.get());
            return true;
        }
        std::vector<std::int64_t> headers, accepted;
    } skipper;
    auto corrupted = seg.bytes;
    corrupted[static_cast<std::size_t>(seg.batchStarts[1]) + 80] ^= std::byte{0xff}; // skipped: never verified
    const auto outcome = SegmentParser::parse(corrupted, skipper);
    CHECK(outcome.ok());
    CHECK(outcome.batchCount == 7);
    CHECK(skipper.headers == std::vector<std::int64_t>{0, 10, 20, 30, 31, 32, 35});
    CHECK(skipper.accepted == std::vector<std::int64_t>{0, 20, 31, 35});

    class StopAtThird : public BatchConsumer {
    public:
        BatchAction onBatchHeader(const BatchInfo &b) override
        {
            return b.baseOffset == Offset{20} ? BatchAction::Stop : BatchAction::Accept;
        }
        bool onBatch(const BatchInfo &) override { return true; }
    } stopper;
    const auto stopped = SegmentParser::parse(seg.bytes, stopper);
    CHECK(stopped.ok());
    CHECK(stopped.tail == TailState::Stopped);
    CHECK(stopped.validBytes == seg.batchStarts[2]);
    CHECK(stopped.batchCount == 2);

    class StopAfterFirst : public BatchConsumer {
    public:
        bool onBatch(const BatchInfo &) override { return false; }
    } afterFirst;
    const auto once = SegmentParser::parse(seg.bytes, afterFirst);
    CHECK(once.tail == TailState::Stopped);
    CHECK(once.validBytes == seg.batchStarts[1]);
    CHECK(once.batchCount == 1);
}

TEST_CASE("parsing can start at a batch boundary", "[format][parser]")
{
    const auto seg = mixedSegment();
    CollectingConsumer c;
    const auto outcome = SegmentParser::parse(seg.bytes, c, {.startPosition = seg.batchStarts[3]});
    CHECK(outcome.ok());
    REQUIRE(c.batches.size() == 4);
    CHECK(c.batches[0].baseOffset == Offset{30});
    CHECK(c.batches[0].position == FilePosition{seg.batchStarts[3]});
    const auto outside = SegmentParser::parse(seg.bytes, c, {.startPosition = 1 << 20});
    CHECK_FALSE(outside.ok());
}

TEST_CASE("empty data and empty files are clean", "[format][parser]")
{
    CollectingConsumer c;
    const auto outcome = SegmentParser::parse({}, c);
    CHECK(outcome.ok());
    CHECK(outcome.tail == TailState::Clean);
    CHECK(outcome.validBytes == 0);
    CHECK(outcome.batchCount == 0);
    CHECK_FALSE(outcome.lastOffset.has_value());

    TempDir dir;
    const auto empty = dir / "00000000000000000000.log";
    std::ofstream(empty).close();
    auto fromFile = SegmentParser::parseFile(empty, c);
    REQUIRE(fromFile.ok());
    CHECK(fromFile->tail == TailState::Clean);
}

TEST_CASE("parseFile reads a segment file and reports a missing one as an error", "[format][parser]")
{
    const auto seg = mixedSegment();
    TempDir dir;
    const auto path = dir / "00000000000000000000.log";
    {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char *>(seg.bytes.data()), static_cast<std::streamsize>(seg.bytes.size()));
    }
    CollectingConsumer c;
    auto outcome = SegmentParser::parseFile(path, c);
    REQUIRE(outcome.ok());
    CHECK(outcome->ok());
    CHECK(outcome->batchCount == 7);
    auto missing = SegmentParser::parseFile(dir / "missing.log", c);
    CHECK_FALSE(missing.ok());
}
