// SPDX-License-Identifier: GPL-3.0-or-later
// RetentionPlanner on real segment files written by the lab broker's
// PartitionLog: Kafka's rules (closed segments only, a prefix, the largest
// timestamp, the high watermark, retention.bytes), cross-checked against
// the broker's own retention; the "free N bytes" search; the offline shrink.
#include "broker/log/partition_log.h"
#include "core/ops/retention_shrink.h"
#include "core/storage/format/segment_file_name.h"
#include "core/storage/logdir/offset_checkpoint.h"
#include "tests/broker/log_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

using namespace spillway;
using namespace spillway::core;
using namespace spillway::core::ops;
using spillway::test::TempDir;
namespace fs = std::filesystem;

namespace {

/// Timestamp of batch i (records i*2 and i*2+1).
using TsFn = std::function<std::int64_t(int)>;

std::int64_t linearTs(int i) { return 1000LL * (i + 1); }

/// 60 batches of two 150-byte records into `<logDir>/t-0`: about six
/// 4 KiB segments. The log stays open (the broker's view); its files are
/// what the planner reads.
std::unique_ptr<broker::PartitionLog> writeLog(const fs::path &logDir, const TsFn &ts = linearTs)
{
    auto id = KafkaUuid::random();
    REQUIRE(id.ok());
    auto created = broker::PartitionLog::create(logDir, "t", PartitionId(0), id.value(), test::smallLogConfig(), 0);
    REQUIRE(created.ok());
    auto log = std::move(created.value());
    for (int i = 0; i < 60; ++i)
        REQUIRE(log->append(test::makeBatch(2, 150, ts(i)), LeaderEpoch(0), 0).ok());
    REQUIRE(log->flush(0).ok());
    REQUIRE(log->segmentBaseOffsets().size() >= 6);
    return log;
}

void writeCheckpoint(const fs::path &logDir, std::string_view file, std::optional<Offset> value)
{
    OffsetCheckpoint cp;
    if (value)
        cp.set("t", PartitionId(0), *value);
    REQUIRE(cp.write(logDir / file).ok());
}

RetentionPartition scanOne(const fs::path &logDir)
{
    auto parts = RetentionPlanner::scan({logDir}, {"t"});
    REQUIRE(parts.ok());
    REQUIRE(parts->size() == 1);
    return parts->front();
}

/// How many segments the broker's own retention deletes from a fresh copy.
int brokerDeletes(const TsFn &ts, std::int64_t ms, std::int64_t bytes, std::int64_t now)
{
    TempDir dir;
    auto log = writeLog(dir.path(), ts);
    auto n = log->applyRetention(ms, bytes, now, 0);
    REQUIRE(n.ok());
    return n.value();
}

} // namespace

TEST_CASE("RetentionPlanner reads segments, largest timestamps and checkpoints of real files", "[ops][retention]")
{
    TempDir dir;
    auto log = writeLog(dir.path());
    writeCheckpoint(dir.path(), kReplicationCheckpointFile, log->logEndOffset());
    const auto p = scanOne(dir.path());
    const auto bases = log->segmentBaseOffsets();
    REQUIRE(p.segments.size() == bases.size());
    CHECK(p.highWatermark == log->logEndOffset());
    for (std::size_t i = 0; i < bases.size(); ++i) {
        INFO("segment " << i);
        CHECK(p.segments[i].baseOffset == bases[i]);
        CHECK(p.segments[i].active == (i + 1 == bases.size()));
        if (i + 1 < bases.size()) {
            CHECK(p.segments[i].nextOffset == bases[i + 1]);
            // The segment's last batch is batch (next base / 2 - 1); its max timestamp is ts + 1.
            CHECK(p.segments[i].largestTimestamp == linearTs(static_cast<int>(bases[i + 1].get() / 2 - 1)) + 1);
            CHECK(p.segments[i].diskBytes > p.segments[i].logBytes);
        }
    }

    SECTION("without its .timeindex a segment's age comes from its batches")
    {
        const auto before = p.segments[1].largestTimestamp;
        fs::remove(dir.path() / "t-0" / (formatOffsetFileStem(bases[1]) + ".timeindex"));
        CHECK(scanOne(dir.path()).segments[1].largestTimestamp == before);
    }
}

TEST_CASE("RetentionPlanner takes what the broker's retention takes", "[ops][retention]")
{
    struct Case {
        const char *name;
        std::int64_t ms;
        std::int64_t bytes;
        std::int64_t now;
    };
    const Case cases[] = {
        {"by time", 60000 - 20500, -1, 60000},    {"by size", -1, 5000, 0},
        {"both", 60000 - 40500, 9000, 60000},     {"nothing expired", 1000000, -1, 60000},
        {"everything expired", 0, 0, 10'000'000},
    };
    for (const auto &c : cases) {
        INFO(c.name);
        TempDir dir;
        auto log = writeLog(dir.path());
        writeCheckpoint(dir.path(), kReplicationCheckpointFile, log->logEndOffset());
        const auto p = scanOne(dir.path());
        const auto cut = RetentionPlanner::evaluate(p, {c.ms, c.bytes, c.now});
        CHECK(static_cast<int>(cut.segments) == brokerDeletes(linearTs, c.ms, c.bytes, c.now));
        CHECK(cut.newLogStart == p.segments[cut.segments].baseOffset);
        std::int64_t bytes = 0;
        for (std::size_t i = 0; i < cut.segments; ++i)
            bytes += p.segments[i].diskBytes;
        CHECK(cut.diskBytes == bytes);
    }
}

TEST_CASE("RetentionPlanner keeps the active segment, follows the prefix rule and stops at the high watermark",
          "[ops][retention]")
{
    SECTION("the active segment is never taken")
    {
        TempDir dir;
        auto log = writeLog(dir.path());
        writeCheckpoint(dir.path(), kReplicationCheckpointFile, log->logEndOffset());
        const auto p = scanOne(dir.path());
        const auto cut = RetentionPlanner::evaluate(p, {0, 0, 10'000'000});
        CHECK(cut.segments == p.segments.size() - 1);
        CHECK(cut.newLogStart == p.segments.back().baseOffset);
    }
    SECTION("a prefix: a young segment shields the older ones after it")
    {
        // Batch 25 (offsets 50-51) carries a far-future timestamp.
        const TsFn ts = [](int i) { return i == 25 ? 1'000'000'000'000LL : linearTs(i); };
        TempDir dir;
        auto log = writeLog(dir.path(), ts);
        writeCheckpoint(dir.path(), kReplicationCheckpointFile, log->logEndOffset());
        const auto p = scanOne(dir.path());
        const auto cut = RetentionPlanner::evaluate(p, {0, -1, 100'000});
        REQUIRE(cut.segments < p.segments.size() - 1);
        // The first kept segment holds offset 50.
        CHECK(p.segments[cut.segments].baseOffset.get() <= 50);
        CHECK(p.segments[cut.segments].nextOffset.get() > 50);
        CHECK(static_cast<int>(cut.segments) == brokerDeletes(ts, 0, -1, 100'000));
    }
    SECTION("nothing at or beyond the high watermark")
    {
        TempDir dir;
        auto log = writeLog(dir.path());
        const auto bases = log->segmentBaseOffsets();
        writeCheckpoint(dir.path(), kReplicationCheckpointFile, bases[3]);
        CHECK(RetentionPlanner::evaluate(scanOne(dir.path()), {0, -1, 10'000'000}).segments == 3);
        writeCheckpoint(dir.path(), kReplicationCheckpointFile, Offset(bases[3].get() + 1));
        CHECK(RetentionPlanner::evaluate(scanOne(dir.path()), {0, -1, 10'000'000}).segments == 3);
        // The broker agrees once its high watermark is there too.
        log->setHighWatermark(Offset(bases[3].get() + 1));
        auto n = log->applyRetention(0, -1, 10'000'000, 0);
        REQUIRE(n.ok());
        CHECK(n.value() == 3);
        // Without a known high watermark nothing is provably committed: nothing goes.
        writeCheckpoint(dir.path(), kReplicationCheckpointFile, std::nullopt);
        CHECK(RetentionPlanner::evaluate(scanOne(dir.path()), {0, -1, 10'000'000}).segments == 0);
    }
}

TEST_CASE("RetentionPlanner finds the least aggressive retention.ms that frees N bytes on a dir", "[ops][retention]")
{
    TempDir dir;
    auto log = writeLog(dir.path());
    writeCheckpoint(dir.path(), kReplicationCheckpointFile, log->logEndOffset());
    const auto p = scanOne(dir.path());
    const std::int64_t now = 100'000;
    const std::int64_t want = p.segments[0].diskBytes + p.segments[1].diskBytes + 1; // needs three segments
    const auto found = RetentionPlanner::searchFree({p}, dir.path(), want, now);
    REQUIRE(found.reachable);
    CHECK(found.topics == std::vector<std::string>{"t"});
    const auto cut = RetentionPlanner::evaluate(p, {found.retentionMs, -1, now});
    CHECK(cut.segments == 3);
    CHECK(cut.diskBytes == found.freedOnDir);
    CHECK(cut.diskBytes >= want);
    // One millisecond more retention keeps the third segment: not enough.
    CHECK(RetentionPlanner::evaluate(p, {found.retentionMs + 1, -1, now}).diskBytes < want);

    std::int64_t closed = 0;
    for (const auto &s : p.segments)
        if (!s.active)
            closed += s.diskBytes;
    CHECK(found.maxFreeableOnDir == closed);
    const auto tooMuch = RetentionPlanner::searchFree({p}, dir.path(), closed + 1, now);
    CHECK_FALSE(tooMuch.reachable);
    CHECK(tooMuch.maxFreeableOnDir == closed);
    // Another dir holds none of it.
    TempDir other;
    CHECK_FALSE(RetentionPlanner::searchFree({p}, other.path(), 1, now).reachable);
}

TEST_CASE("The offline retention shrink deletes the planned segments and advances the log start", "[ops][retention]")
{
    TempDir dir;
    TempDir work;
    auto log = writeLog(dir.path());
    const Offset end = log->logEndOffset();
    REQUIRE(log->close().ok());
    log.reset();
    writeCheckpoint(dir.path(), kReplicationCheckpointFile, end);
    writeCheckpoint(dir.path(), kLogStartOffsetCheckpointFile, Offset(0));
    const auto before = scanOne(dir.path());

    RetentionShrinkRequest request;
    request.logDirs = {dir.path()};
    request.target.topics = {"t"};
    request.target.retentionMs = 100'000 - 30'500;
    request.offline = true;
    request.nowMs = 100'000;
    auto plan = RetentionShrink::plan(request, nullptr);
    REQUIRE(plan.ok());
    const auto cut = RetentionPlanner::evaluate(before, {*request.target.retentionMs, -1, request.nowMs});
    REQUIRE(cut.segments >= 2);
    REQUIRE(plan->disks.size() == 1);
    CHECK(plan->disks[0].kafkaBytesBefore - plan->disks[0].kafkaBytesAfter == cut.diskBytes);

    auto journal = Journal::open(work / "journal.sqlite");
    REQUIRE(journal.ok());
    auto id = RetentionShrink::execute(*journal, *plan, nullptr);
    REQUIRE(id.ok());
    auto entry = journal->get(*id);
    REQUIRE(entry.ok());
    CHECK(entry->state == OperationState::Done);

    const auto after = scanOne(dir.path());
    REQUIRE(after.segments.size() == before.segments.size() - cut.segments);
    CHECK(after.segments.front().baseOffset == cut.newLogStart);
    CHECK(after.logStartOffset == cut.newLogStart);
    for (const auto &e : fs::directory_iterator(dir.path() / "t-0"))
        CHECK(e.path().extension() != ".deleted");
    // A restore of an offline shrink is refused: nothing was changed to put back.
    CHECK_FALSE(RetentionShrink::planRestore(*journal, *id).ok());

    // The broker loads the partition from the new log start and reads every record after it.
    broker::PartitionOpenOptions options;
    options.config = test::smallLogConfig();
    options.logStart = cut.newLogStart;
    auto reopened = broker::PartitionLog::open(dir.path() / "t-0", options);
    REQUIRE(reopened.ok());
    CHECK(reopened.value()->logStartOffset() == cut.newLogStart);
    CHECK(reopened.value()->logEndOffset() == end);
    const auto back = test::readAll(*reopened.value());
    CHECK(back.problem.empty());
    CHECK(back.records == end.get() - cut.newLogStart.get());
}

TEST_CASE("The offline retention shrink refuses while a process holds the log dir's lock", "[ops][retention]")
{
    TempDir dir;
    auto log = writeLog(dir.path());
    writeCheckpoint(dir.path(), kReplicationCheckpointFile, log->logEndOffset());
    const int fd = ::open((dir.path() / ".lock").c_str(), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    // fcntl locks are per process: a child must hold it.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        struct flock fl {};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (::fcntl(fd, F_SETLK, &fl) != 0)
            ::_exit(1);
        ::pause();
        ::_exit(0);
    }
    ::close(fd);
    RetentionShrinkRequest request;
    request.logDirs = {dir.path()};
    request.target.topics = {"t"};
    request.target.retentionMs = 0;
    request.offline = true;
    Result<Plan> plan = makeError(Errc::Io, "not run");
    for (int i = 0; i < 100; ++i) {
        plan = RetentionShrink::plan(request, nullptr);
        if (!plan.ok() && plan.error().code == Errc::Locked)
            break;
        ::usleep(20000);
    }
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    REQUIRE_FALSE(plan.ok());
    CHECK(plan.error().code == Errc::Locked);
}

TEST_CASE("A shrink asked for topic names Kafka would refuse is refused before anything is read", "[ops][retention]")
{
    spillway::test::TempDir tmp;
    std::filesystem::create_directories(tmp / "data0");
    const std::vector<std::string> bads{"../data0", "a/b", "", "..", std::string(250, 'x')};
    for (const std::string &bad : bads) {
        RetentionShrinkRequest request;
        request.logDirs = {tmp / "data0"};
        request.offline = true;
        request.target.topics = {bad};
        request.target.retentionMs = 0;
        auto plan = RetentionShrink::plan(request, nullptr);
        INFO(bad);
        REQUIRE_FALSE(plan.ok());
        CHECK(plan.error().code == Errc::InvalidArgument);
    }
}
