// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/index_rebuilder.h"
#include "core/storage/index/index_verifier.h"
#include "core/storage/index/offset_index.h"
#include "core/storage/index/time_index.h"
#include "tests/storage/index/index_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

using namespace spillway::core;
using namespace spillway::test;

namespace {

std::vector<std::filesystem::path> backupsOf(const std::filesystem::path &file)
{
    std::vector<std::filesystem::path> out;
    const std::string prefix = file.filename().string() + ".corrupt-";
    for (const auto &e : std::filesystem::directory_iterator(file.parent_path())) {
        if (e.path().filename().string().rfind(prefix, 0) == 0)
            out.push_back(e.path());
    }
    return out;
}

/// Every batch is found by starting at the position the index gives.
void checkLookups(const BuiltSegment &segment, const OffsetIndex &index)
{
    for (const BuiltBatch &b : segment.batches) {
        for (const Offset target : {b.baseOffset, b.lastOffset}) {
            const auto hit = index.lookup(target);
            const FilePosition start = hit ? hit->position : FilePosition(0);
            INFO("offset " << target.get());
            CHECK(start <= b.position);
            if (hit)
                CHECK(index.absolute(hit->relativeOffset) <= target);
        }
    }
}

BuiltSegment segmentOf(Offset base) { return buildV2Segment(base, 80, 10, 100); }

} // namespace

TEST_CASE("rebuild replaces a garbage index with one that verifies and maps offsets", "[index][rebuild]")
{
    TempDir dir;
    const BuiltSegment segment = segmentOf(Offset(5000));
    const SegmentFiles files = writeSegment(dir / "orders-3", segment);
    const std::vector<std::byte> good = readBytes(files.offsetIndex());
    std::vector<std::byte> garbage(good.size() + 3, std::byte{0x5a});
    writeBytes(files.offsetIndex(), garbage);
    const std::vector<std::byte> logBefore = readBytes(files.log());

    auto report = IndexRebuilder::rebuild(files);
    REQUIRE(report.ok());
    CHECK(report->offsetIndex.changed);
    CHECK_FALSE(report->timeIndex.changed); // it was fine: left alone, no backup
    CHECK(report->validBytes == static_cast<std::int64_t>(segment.log.size()));
    CHECK_FALSE(report->logNeedsRecovery());
    CHECK(readBytes(files.offsetIndex()) == good);
    CHECK(readBytes(files.log()) == logBefore);

    auto verdict = IndexVerifier::verifyFiles(files);
    REQUIRE(verdict.ok());
    CHECK(verdict->ok());
    auto index = OffsetIndex::readFile(files.offsetIndex());
    REQUIRE(index.ok());
    CHECK(index->size() == static_cast<std::size_t>(report->offsetIndex.entries));
    checkLookups(segment, *index);

    const auto backups = backupsOf(files.offsetIndex());
    REQUIRE(backups.size() == 1);
    CHECK(report->offsetIndex.backup == backups.front());
    CHECK(readBytes(backups.front()) == garbage);
    // <name>.corrupt-yyyyMMddTHHmmssZ
    const std::string stamp =
        backups.front().filename().string().substr(std::string("00000000000000005000.index.corrupt-").size());
    CHECK(stamp.size() == 16);
    CHECK(stamp[8] == 'T');
    CHECK(stamp.back() == 'Z');
    CHECK(backupsOf(files.timeIndex()).empty());
}

TEST_CASE("rebuild follows log.index.interval.bytes like Kafka's recovery", "[index][rebuild]")
{
    TempDir dir;
    const BuiltSegment segment = segmentOf(Offset(0));
    const SegmentFiles files = writeSegment(dir / "t-0", segment);

    RebuildOptions every;
    every.indexIntervalBytes = 0; // every batch but the first (0 - 0 is not > 0)
    auto r1 = IndexRebuilder::rebuild(files, every);
    REQUIRE(r1.ok());
    CHECK(r1->offsetIndex.entries == static_cast<std::int64_t>(segment.batches.size()) - 1);
    auto index = OffsetIndex::readFile(files.offsetIndex());
    REQUIRE(index.ok());
    CHECK(index->entries().front().position == segment.batches[1].position);
    CHECK(index->absolute(index->entries().front().relativeOffset) == segment.batches[1].lastOffset);
    checkLookups(segment, *index);

    RebuildOptions never;
    never.indexIntervalBytes = std::int64_t{1} << 40;
    never.keepBackup = false;
    auto r2 = IndexRebuilder::rebuild(files, never);
    REQUIRE(r2.ok());
    CHECK(r2->offsetIndex.entries == 0);
    CHECK(std::filesystem::file_size(files.offsetIndex()) == 0);
    // Only the final (max timestamp, offset) entry.
    auto time = TimeIndex::readFile(files.timeIndex());
    REQUIRE(time.ok());
    REQUIRE(time->size() == 1);
    CHECK(time->entries()[0].timestamp == segment.batches.back().maxTimestamp);
    CHECK(time->absolute(time->entries()[0].relativeOffset) == segment.lastOffset());
    CHECK(backupsOf(files.offsetIndex()).size() == 1); // from the first rebuild only
}

TEST_CASE("rebuild creates missing indexes and trims zero tails", "[index][rebuild]")
{
    TempDir dir;
    const BuiltSegment segment = segmentOf(Offset(0));
    const SegmentFiles files = writeSegment(dir / "t-0", segment);
    const auto goodTime = readBytes(files.timeIndex());
    std::filesystem::remove(files.offsetIndex());
    auto padded = goodTime;
    padded.resize(padded.size() + 12 * 1000);
    writeBytes(files.timeIndex(), padded);

    RebuildOptions options;
    options.keepBackup = false;
    auto report = IndexRebuilder::rebuild(files, options);
    REQUIRE(report.ok());
    CHECK_FALSE(report->offsetIndex.existed);
    CHECK(std::filesystem::exists(files.offsetIndex()));
    CHECK(readBytes(files.timeIndex()) == goodTime);
    CHECK(backupsOf(files.timeIndex()).empty());
}

TEST_CASE("rebuild of a log with a torn tail indexes the valid part only", "[index][rebuild][log]")
{
    TempDir dir;
    const BuiltSegment segment = segmentOf(Offset(0));
    const SegmentFiles files = writeSegment(dir / "t-0", segment);
    auto torn = segment.log;
    torn.resize(torn.size() - 30);
    writeBytes(files.log(), torn);

    auto report = IndexRebuilder::rebuild(files);
    REQUIRE(report.ok());
    CHECK(report->logNeedsRecovery());
    CHECK(report->logTail == TailState::Torn);
    CHECK(report->validBytes == segment.batches.back().position.get());
    CHECK(readBytes(files.log()) == torn); // never truncated by us
    auto index = OffsetIndex::readFile(files.offsetIndex());
    REQUIRE(index.ok());
    for (const auto &e : index->entries())
        CHECK(e.position.get() < report->validBytes);
}

TEST_CASE("rebuild refuses while a broker holds the log dir lock", "[index][rebuild][lock]")
{
    TempDir dir;
    const SegmentFiles files = writeSegment(dir / "logs" / "orders-0", segmentOf(Offset(0)));
    writeBytes(files.offsetIndex(), std::vector<std::byte>(24, std::byte{0x7f}));
    const auto damaged = readBytes(files.offsetIndex());
    {
        LockHolder broker(dir / "logs" / ".lock");
        auto refused = IndexRebuilder::rebuild(files);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == Errc::Locked);
        CHECK(refused.error().hint.find("stop broker first, or pass --force") != std::string::npos);
        CHECK(readBytes(files.offsetIndex()) == damaged);

        RebuildOptions forced;
        forced.force = true;
        auto done = IndexRebuilder::rebuild(files, forced);
        REQUIRE(done.ok());
        CHECK(done->offsetIndex.changed);
    }
    // Lock released: no force needed.
    writeBytes(files.offsetIndex(), damaged);
    CHECK(IndexRebuilder::rebuild(files).ok());
}

TEST_CASE("a crash during rebuild leaves either the old or the new index", "[index][rebuild][crash]")
{
    TempDir dir;
    const BuiltSegment segment = segmentOf(Offset(0));
    const SegmentFiles files = writeSegment(dir / "t-0", segment);
    const auto newOffset = readBytes(files.offsetIndex());
    const auto newTime = readBytes(files.timeIndex());
    const std::vector<std::byte> oldOffset(40, std::byte{0x33});
    const std::vector<std::byte> oldTime(36, std::byte{0x44});

    const RebuildStep steps[] = {RebuildStep::Verified, RebuildStep::OffsetIndexBackedUp,
                                 RebuildStep::OffsetIndexReplaced, RebuildStep::TimeIndexBackedUp,
                                 RebuildStep::TimeIndexReplaced};
    for (const RebuildStep crashAt : steps) {
        writeBytes(files.offsetIndex(), oldOffset);
        writeBytes(files.timeIndex(), oldTime);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            RebuildOptions options;
            options.afterStep = [crashAt](RebuildStep s) {
                if (s == crashAt)
                    ::_exit(0); // dies here: no cleanup, no destructors
            };
            (void)IndexRebuilder::rebuild(files, options);
            ::_exit(3);
        }
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);

        const auto offsetNow = readBytes(files.offsetIndex());
        const auto timeNow = readBytes(files.timeIndex());
        INFO("crash after step " << static_cast<int>(crashAt));
        CHECK((offsetNow == oldOffset || offsetNow == newOffset));
        CHECK((timeNow == oldTime || timeNow == newTime));
        const bool offsetDone = crashAt == RebuildStep::OffsetIndexReplaced ||
                                crashAt == RebuildStep::TimeIndexBackedUp || crashAt == RebuildStep::TimeIndexReplaced;
        CHECK((offsetNow == newOffset) == offsetDone);
        CHECK((timeNow == newTime) == (crashAt == RebuildStep::TimeIndexReplaced));
    }
    // A rerun after any crash finishes the job.
    REQUIRE(IndexRebuilder::rebuild(files).ok());
    CHECK(readBytes(files.offsetIndex()) == newOffset);
    CHECK(readBytes(files.timeIndex()) == newTime);
}
