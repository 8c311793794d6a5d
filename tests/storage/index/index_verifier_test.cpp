// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/index_verifier.h"
#include "core/storage/index/recovery_index_builder.h"
#include "tests/storage/index/index_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <random>

using namespace spillway::core;
using namespace spillway::test;

namespace {

struct Indexes {
    std::vector<std::byte> offset;
    std::vector<std::byte> time;
};

Indexes buildIndexes(const BuiltSegment &segment, std::int64_t interval = 4096)
{
    RecoveryIndexBuilder builder(segment.baseOffset, interval);
    (void)SegmentParser::parse(segment.log, builder);
    builder.finish();
    REQUIRE(!builder.error());
    return {builder.offsetIndex().serialize(), builder.timeIndex().serialize()};
}

SegmentVerdict verifyWith(const BuiltSegment &segment, const std::vector<std::byte> &offset,
                          const std::vector<std::byte> &time)
{
    return IndexVerifier::verify({segment.baseOffset, segment.log, offset, time});
}

bool hasFinding(const FileVerdict &v, const std::string &text, FindingSeverity severity = FindingSeverity::Problem)
{
    for (const auto &f : v.findings) {
        if (f.severity == severity && f.reason.find(text) != std::string::npos)
            return true;
    }
    return false;
}

std::string dump(const FileVerdict &v)
{
    std::string s;
    for (const auto &f : v.findings)
        s += f.describe() + "\n";
    return s;
}

// 60 batches of 10 records x 100 bytes: ~1.3 KiB each, an entry every ~4 batches.
BuiltSegment smallSegment() { return buildV2Segment(Offset(1000), 60, 10, 100); }

} // namespace

TEST_CASE("indexes built by the recovery rule verify clean", "[index][verify]")
{
    const BuiltSegment segment = smallSegment();
    const Indexes idx = buildIndexes(segment);
    REQUIRE(idx.offset.size() >= 8 * 10);
    const SegmentVerdict v = verifyWith(segment, idx.offset, idx.time);
    INFO(dump(v.offsetIndex) << dump(v.timeIndex) << dump(v.log));
    CHECK(v.ok());
    CHECK(v.offsetIndex.findings.empty());
    CHECK(v.timeIndex.findings.empty());
    CHECK(v.offsetConvention == OffsetConvention::LastOffset);
    CHECK(v.logSummary.batchCount == 60);
    CHECK(v.logSummary.lastOffset == Offset(1599));
    CHECK(v.logSummary.tail == TailState::Clean);
}

TEST_CASE("a garbage index is corrupt", "[index][verify][corrupt]")
{
    const BuiltSegment segment = smallSegment();
    std::mt19937 rng(42);
    std::vector<std::byte> garbage(8 * 50);
    for (auto &b : garbage)
        b = static_cast<std::byte>(rng() & 0xff);
    std::vector<std::byte> timeGarbage(12 * 50);
    for (auto &b : timeGarbage)
        b = static_cast<std::byte>(rng() & 0xff);
    const SegmentVerdict v = verifyWith(segment, garbage, timeGarbage);
    CHECK_FALSE(v.offsetIndex.ok());
    CHECK_FALSE(v.timeIndex.ok());
    CHECK(v.log.ok()); // the log is fine; only the indexes are damaged
    CHECK(v.offsetIndex.problemCount >= 40);
    CHECK(v.offsetIndex.findings.size() <= FileVerdict::kMaxFindings);
}

TEST_CASE("entries past the log end are reported with their index byte", "[index][verify][corrupt]")
{
    const BuiltSegment segment = smallSegment();
    Indexes idx = buildIndexes(segment);
    const auto count = static_cast<std::int32_t>(idx.offset.size() / 8);
    appendOffsetEntry(idx.offset, 700, static_cast<std::int32_t>(segment.log.size() + 100));
    const SegmentVerdict v = verifyWith(segment, idx.offset, idx.time);
    REQUIRE_FALSE(v.offsetIndex.ok());
    REQUIRE(v.offsetIndex.firstProblem() != nullptr);
    const IndexFinding &f = *v.offsetIndex.firstProblem();
    CHECK(f.reason.find("past the end of the log") != std::string::npos);
    CHECK(f.filePosition == std::int64_t{count} * 8);
    CHECK(f.offset == Offset(1700));

    // An offset the log does not hold, at a real batch start.
    Indexes idx2 = buildIndexes(segment);
    appendOffsetEntry(idx2.offset, 650, static_cast<std::int32_t>(segment.batches.back().position.get()));
    const SegmentVerdict v2 = verifyWith(segment, idx2.offset, idx2.time);
    CHECK(hasFinding(v2.offsetIndex, "past the last offset in the log (1599)"));

    Indexes idx3 = buildIndexes(segment);
    appendTimeEntry(idx3.time, 1'800'000'000'000, 700);
    const SegmentVerdict v3 = verifyWith(segment, idx3.offset, idx3.time);
    CHECK(hasFinding(v3.timeIndex, "past the last offset in the log"));
}

TEST_CASE("non-monotonic entries are corrupt", "[index][verify][corrupt]")
{
    const BuiltSegment segment = smallSegment();
    const auto &b = segment.batches;
    std::vector<std::byte> offset;
    appendOffsetEntry(offset, static_cast<std::int32_t>(b[20].lastOffset.get() - 1000),
                      static_cast<std::int32_t>(b[20].position.get()));
    appendOffsetEntry(offset, static_cast<std::int32_t>(b[10].lastOffset.get() - 1000),
                      static_cast<std::int32_t>(b[10].position.get()));
    const SegmentVerdict v = verifyWith(segment, offset, {});
    CHECK(hasFinding(v.offsetIndex, "is not above the previous entry's offset"));

    std::vector<std::byte> time;
    appendTimeEntry(time, b[20].maxTimestamp.get(), static_cast<std::int32_t>(b[20].lastOffset.get() - 1000));
    appendTimeEntry(time, b[10].maxTimestamp.get(), static_cast<std::int32_t>(b[30].lastOffset.get() - 1000));
    const SegmentVerdict t = verifyWith(segment, {}, time);
    CHECK(hasFinding(t.timeIndex, "is not above the previous entry's"));

    std::vector<std::byte> timeBack;
    appendTimeEntry(timeBack, b[20].maxTimestamp.get(), static_cast<std::int32_t>(b[20].lastOffset.get() - 1000));
    appendTimeEntry(timeBack, b[30].maxTimestamp.get(), static_cast<std::int32_t>(b[10].lastOffset.get() - 1000));
    CHECK(hasFinding(verifyWith(segment, {}, timeBack).timeIndex, "is below the previous entry's offset"));
}

TEST_CASE("index sizes that are not whole entries are corrupt", "[index][verify][size]")
{
    const BuiltSegment segment = smallSegment();
    Indexes idx = buildIndexes(segment);
    idx.offset.resize(idx.offset.size() + 3);
    idx.time.resize(idx.time.size() + 5);
    const SegmentVerdict v = verifyWith(segment, idx.offset, idx.time);
    CHECK(hasFinding(v.offsetIndex, "is not a multiple of the offset index entry size 8"));
    CHECK(hasFinding(v.timeIndex, "is not a multiple of the time index entry size 12"));
}

TEST_CASE("a preallocated zero tail is a notice, not corruption", "[index][verify][zero-tail]")
{
    const BuiltSegment segment = smallSegment();
    Indexes idx = buildIndexes(segment);
    const std::size_t entries = idx.offset.size() / 8;
    idx.offset.resize(idx.offset.size() + 8 * 4096);
    idx.time.resize(idx.time.size() + 12 * 4096);
    const SegmentVerdict v = verifyWith(segment, idx.offset, idx.time);
    INFO(dump(v.offsetIndex));
    CHECK(v.ok());
    CHECK(v.offsetLayout.zeroTailSlots == 4096);
    CHECK(v.offsetLayout.entryCount == static_cast<std::int64_t>(entries));
    CHECK(hasFinding(v.offsetIndex, "preallocated zero tail: 4096 empty slots", FindingSeverity::Notice));
    CHECK(hasFinding(v.timeIndex, "preallocated zero tail", FindingSeverity::Notice));

    // A brand-new active segment: empty log, fully preallocated index.
    BuiltSegment empty;
    const SegmentVerdict e = verifyWith(empty, std::vector<std::byte>(8 * 1024), std::vector<std::byte>(12 * 1024));
    CHECK(e.ok());
}

TEST_CASE("an entry off a batch boundary or with the wrong offset is corrupt", "[index][verify][corrupt]")
{
    const BuiltSegment segment = smallSegment();
    const auto &b = segment.batches;
    const auto rel = [](Offset o) { return static_cast<std::int32_t>(o.get() - 1000); };
    const auto pos = [](FilePosition p) { return static_cast<std::int32_t>(p.get()); };

    std::vector<std::byte> inside;
    appendOffsetEntry(inside, rel(b[12].lastOffset), pos(b[12].position) + 7);
    const SegmentVerdict v1 = verifyWith(segment, inside, {});
    CHECK(hasFinding(v1.offsetIndex, "is not the start of a batch"));
    REQUIRE(v1.offsetIndex.firstProblem());
    CHECK(v1.offsetIndex.firstProblem()->logPosition == FilePosition(b[12].position.get() + 7));

    // Inside the very last batch: caught after the walk.
    std::vector<std::byte> insideLast;
    appendOffsetEntry(insideLast, rel(b[59].lastOffset), pos(b[59].position) + 1);
    CHECK(hasFinding(verifyWith(segment, insideLast, {}).offsetIndex, "is not the start of a batch"));

    // Offset that lives in the previous batch: lookups would start too late.
    std::vector<std::byte> tooLow;
    appendOffsetEntry(tooLow, rel(b[11].lastOffset), pos(b[12].position));
    CHECK(hasFinding(verifyWith(segment, tooLow, {}).offsetIndex, "lookups would start too late"));

    // A last-offset entry spanning a multi-batch append is fine (Kafka >= 2.0).
    std::vector<std::byte> append;
    appendOffsetEntry(append, rel(b[14].lastOffset), pos(b[12].position));
    const SegmentVerdict ok = verifyWith(segment, append, {});
    INFO(dump(ok.offsetIndex));
    CHECK(ok.offsetIndex.ok());

    // Time entry whose timestamp belongs to no batch.
    std::vector<std::byte> time;
    appendTimeEntry(time, b[12].maxTimestamp.get() + 1, rel(b[12].lastOffset));
    CHECK(hasFinding(verifyWith(segment, {}, time).timeIndex, "matches neither the batch"));
    std::vector<std::byte> future;
    appendTimeEntry(future, b[59].maxTimestamp.get() + 1000, rel(b[59].lastOffset));
    CHECK(hasFinding(verifyWith(segment, {}, future).timeIndex, "after the segment's max timestamp"));
}

TEST_CASE("time entries follow the running max timestamp", "[index][verify][time]")
{
    // Timestamps go down in the middle: the max-so-far stays put.
    const BuiltSegment segment = buildV2Segment(Offset(0), 40, 10, 100, [](int batch, int record) {
        return std::int64_t{1'000'000} + (batch < 20 ? batch * 100 : (batch - 30) * 100) + record;
    });
    const Indexes idx = buildIndexes(segment);
    const SegmentVerdict v = verifyWith(segment, idx.offset, idx.time);
    INFO(dump(v.timeIndex));
    CHECK(v.ok());
    CHECK(v.logSummary.maxTimestamp == Timestamp(1'001'909)); // batch 19's last record
    const TimeIndex time = TimeIndex::parse(idx.time, Offset(0));
    REQUIRE_FALSE(time.empty());
    CHECK(time.entries().back().timestamp == Timestamp(1'001'909));
    CHECK(time.absolute(time.entries().back().relativeOffset) == Offset(199));
}

TEST_CASE("legacy v0/v1 segments with first-offset entries verify", "[index][verify][legacy]")
{
    SECTION("magic 1, gzip wrappers, entries at each set's first inner offset (Kafka <= 1.1)")
    {
        const BuiltSegment segment = buildLegacySegment(1, Offset(0), 30, 5, Compression::Gzip, 200);
        std::vector<std::byte> offset;
        std::vector<std::byte> time;
        for (std::size_t i = 3; i < segment.batches.size(); i += 4) {
            const BuiltBatch &b = segment.batches[i];
            appendOffsetEntry(offset, static_cast<std::int32_t>(b.lastOffset.get() - 4),
                              static_cast<std::int32_t>(b.position.get()));
            appendTimeEntry(time, b.maxTimestamp.get(), static_cast<std::int32_t>(b.lastOffset.get()));
        }
        const SegmentVerdict v = verifyWith(segment, offset, time);
        INFO(dump(v.offsetIndex) << dump(v.timeIndex) << dump(v.log));
        CHECK(v.ok());
        CHECK(v.offsetConvention == OffsetConvention::FirstOffset);
    }
    SECTION("magic 0, uncompressed, no timestamps and no time index")
    {
        const BuiltSegment segment = buildLegacySegment(0, Offset(100), 200, 1, Compression::None, 100);
        std::vector<std::byte> offset;
        for (std::size_t i = 40; i < segment.batches.size(); i += 40)
            appendOffsetEntry(offset, static_cast<std::int32_t>(segment.batches[i].baseOffset.get() - 100),
                              static_cast<std::int32_t>(segment.batches[i].position.get()));
        const SegmentVerdict v = IndexVerifier::verify({segment.baseOffset, segment.log, offset, std::nullopt});
        INFO(dump(v.offsetIndex) << dump(v.timeIndex));
        CHECK(v.ok());
        CHECK(hasFinding(v.timeIndex, "holds no timestamps", FindingSeverity::Notice));
    }
    SECTION("magic 1 wrapper entry pointing into the previous set is wrong")
    {
        const BuiltSegment segment = buildLegacySegment(1, Offset(0), 10, 5, Compression::Gzip, 200);
        std::vector<std::byte> offset;
        appendOffsetEntry(offset, static_cast<std::int32_t>(segment.batches[4].lastOffset.get()),
                          static_cast<std::int32_t>(segment.batches[5].position.get()));
        CHECK(hasFinding(verifyWith(segment, offset, {}).offsetIndex, "lookups would start too late"));
    }
}

TEST_CASE("missing and orphaned index files are reported", "[index][verify][missing]")
{
    const BuiltSegment segment = smallSegment();
    const Indexes idx = buildIndexes(segment);
    const SegmentVerdict v = IndexVerifier::verify({segment.baseOffset, segment.log, std::nullopt, std::nullopt});
    CHECK_FALSE(v.offsetIndex.ok());
    CHECK_FALSE(v.offsetIndex.present);
    CHECK(hasFinding(v.offsetIndex, "missing"));
    CHECK(hasFinding(v.timeIndex, "missing"));

    const SegmentVerdict orphan = IndexVerifier::verify({segment.baseOffset, std::nullopt, idx.offset, idx.time});
    CHECK_FALSE(orphan.log.ok());
    CHECK(hasFinding(orphan.offsetIndex, "orphaned"));
}

TEST_CASE("a corrupt or torn log is reported apart from the index verdict", "[index][verify][log]")
{
    BuiltSegment segment = smallSegment();
    const Indexes idx = buildIndexes(segment);

    SECTION("bit flip in the middle: CRC failure; later entries cannot be checked")
    {
        const BuiltBatch &b = segment.batches[30];
        segment.log[static_cast<std::size_t>(b.position.get() + 100)] ^= std::byte{0x01};
        const SegmentVerdict v = verifyWith(segment, idx.offset, idx.time);
        CHECK_FALSE(v.log.ok());
        REQUIRE(v.log.firstProblem());
        CHECK(v.log.firstProblem()->filePosition == b.position.get());
        CHECK(v.offsetIndex.ok());
        CHECK(hasFinding(v.offsetIndex, "not checked: the log is corrupt from byte", FindingSeverity::Notice));
    }
    SECTION("zero-filled tail (preallocated log): a notice, and the indexes still verify")
    {
        segment.log.resize(segment.log.size() + 4096);
        const SegmentVerdict v = verifyWith(segment, idx.offset, idx.time);
        INFO(dump(v.log) << dump(v.offsetIndex));
        CHECK(v.ok());
        CHECK(v.logSummary.tail == TailState::ZeroFilled);
        CHECK(hasFinding(v.log, "zero-filled tail from byte", FindingSeverity::Notice));
    }
    SECTION("torn tail: entries into the lost bytes are wrong once Kafka truncates")
    {
        segment.log.resize(segment.log.size() - 50);
        const SegmentVerdict v = verifyWith(segment, idx.offset, idx.time);
        CHECK(hasFinding(v.log, "torn tail"));
        CHECK(v.logSummary.tail == TailState::Torn);
        CHECK(v.logSummary.validBytes == segment.batches.back().position.get());
    }
}

TEST_CASE("the active segment's missing final time entry is a notice", "[index][verify][time]")
{
    const BuiltSegment segment = smallSegment();
    Indexes idx = buildIndexes(segment);
    idx.time.resize(idx.time.size() - 12); // drop the entry added at roll/close
    const SegmentVerdict v = verifyWith(segment, idx.offset, idx.time);
    CHECK(v.ok());
    CHECK(hasFinding(v.timeIndex, "no entry for the segment's max timestamp", FindingSeverity::Notice));
}

TEST_CASE("verifyFiles maps what exists", "[index][verify][io]")
{
    TempDir dir;
    const SegmentFiles files = writeSegment(dir / "orders-0", smallSegment());
    auto v = IndexVerifier::verifyFiles(files);
    REQUIRE(v.ok());
    CHECK(v->ok());
    CHECK(v->offsetIndex.path == files.offsetIndex());
    std::filesystem::remove(files.timeIndex());
    auto w = IndexVerifier::verifyFiles(files);
    REQUIRE(w.ok());
    CHECK_FALSE(w->timeIndex.ok());
    CHECK_FALSE(w->timeIndex.present);
}
