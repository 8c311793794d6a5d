// SPDX-License-Identifier: GPL-3.0-or-later
// Replica moves between log dirs (KIP-113) in the LogManager and PartitionLog:
// the copy across segments and rolls with appends in between, the swap and
// its `-delete` dir, cancellation, Kafka's error rules, the throttle's
// accounting, restarts with a `-future` dir, and a kill -9 inside the swap.
#include "broker/log/log_manager.h"
#include "broker/log/replica_mover.h"
#include "core/storage/logdir/offset_checkpoint.h"
#include "core/storage/logdir/topic_name.h"
#include "tests/broker/log_test_support.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace spillway;
using namespace spillway::broker;
using core::Offset;
using core::PartitionId;
using spillway::test::TempDir;

namespace {

constexpr std::int64_t kNow = 1700000000000;
constexpr std::int64_t kDeleteDelayMs = 1000;

LogManagerOptions optionsFor(std::vector<std::filesystem::path> dirs)
{
    LogManagerOptions o;
    o.logDirs = std::move(dirs);
    o.brokerId = core::BrokerId(1);
    o.logConfig = test::smallLogConfig();
    o.fileDeleteDelayMs = kDeleteDelayMs;
    o.placement = PlacementPolicy::FewestPartitions; // the first partition lands in the first dir
    return o;
}

core::KafkaUuid topicId()
{
    auto id = core::KafkaUuid::random();
    REQUIRE(id.ok());
    return id.value();
}

/// Appends `batches` batches of 5 records (about 640 bytes each); returns the records written.
std::int64_t appendBatches(PartitionLog &log, int batches, core::LeaderEpoch epoch = core::LeaderEpoch(0))
{
    for (int i = 0; i < batches; ++i) {
        auto r = log.append(test::makeBatch(5, 100, kNow + i), epoch, kNow);
        REQUIRE(r.ok());
    }
    return 5LL * batches;
}

bool mentions(const std::vector<std::string> &messages, const std::string &text)
{
    for (const auto &m : messages) {
        if (m.find(text) != std::string::npos)
            return true;
    }
    return false;
}

/// Sub-directory names of a log dir that start with `prefix`.
std::vector<std::string> dirsStartingWith(const std::filesystem::path &logDir, const std::string &prefix)
{
    std::vector<std::string> out;
    for (const auto &e : std::filesystem::directory_iterator(logDir)) {
        const auto name = e.path().filename().string();
        if (e.is_directory() && name.rfind(prefix, 0) == 0)
            out.push_back(name);
    }
    return out;
}

/// Runs copy steps of `budget` bytes until the move swapped; returns the steps taken.
int runMove(LogManager &m, std::int64_t budget)
{
    for (int steps = 1; steps < 100000; ++steps) {
        const auto step = m.moveReplicas(budget, kNow);
        if (step.swapped > 0 || !step.pending)
            return steps;
    }
    FAIL("the move never finished");
    return -1;
}

/// The largest batch test::makeBatch(5, 100, ...) makes, plus room: what a
/// step may copy beyond its budget (one whole batch).
constexpr std::int64_t kMaxBatchBytes = 1024;

} // namespace

TEST_CASE("A move copies every segment with appends in between and swaps in the copy", "[broker][log][move]")
{
    TempDir a;
    TempDir b;
    auto m = LogManager::open(optionsFor({a.path(), b.path()}), kNow);
    REQUIRE(m.ok());
    std::vector<std::string> events;
    m.value()->setMessageSink([&](const std::string &s) { events.push_back(s); });
    int wakeups = 0;
    m.value()->setMoveWakeup([&] { ++wakeups; });

    auto created = m.value()->createPartition("moves", PartitionId(0), topicId(), kNow);
    REQUIRE(created.ok());
    REQUIRE(m.value()->logDirOf("moves", PartitionId(0)) == a.path());
    std::int64_t records = appendBatches(*created.value(), 30);
    const auto epochsBefore = created.value()->leaderEpochs();
    REQUIRE(created.value()->segmentCount() > 3);

    REQUIRE(m.value()->alterLogDir("moves", PartitionId(0), b.path(), kNow).ok());
    CHECK(wakeups == 1);
    PartitionLog *future = m.value()->findFuture("moves", PartitionId(0));
    REQUIRE(future != nullptr);
    CHECK(future->isFuture());
    const auto futureName = core::parsePartitionDirName(future->dir().filename().string());
    REQUIRE(futureName.ok());
    CHECK(futureName->kind == core::PartitionDirKind::Future);
    CHECK(futureName->uniqueId.size() == 32);
    CHECK(future->dir().parent_path() == b.path());
    CHECK(std::filesystem::exists(future->dir() / "partition.metadata"));
    // Asking again for the same destination keeps the move.
    REQUIRE(m.value()->alterLogDir("moves", PartitionId(0), b.path().string() + "/", kNow).ok());
    CHECK(m.value()->findFuture("moves", PartitionId(0)) == future);

    // DescribeLogDirs: the future in b, lagging by the whole log.
    for (const auto &d : m.value()->describeLogDirs()) {
        REQUIRE(d.partitions.size() == 1);
        CHECK(d.partitions[0].isFuture == (d.path == b.path()));
        CHECK(d.partitions[0].offsetLag == (d.path == b.path() ? records : 0));
    }

    // Copy in small steps while the producer keeps appending.
    int steps = 0;
    LogManager::MoveStep step;
    while (step.swapped == 0) {
        REQUIRE(++steps < 10000);
        step = m.value()->moveReplicas(1500, kNow);
        CHECK(step.bytesCopied <= 1500 + kMaxBatchBytes);
        if (steps % 3 == 0 && step.swapped == 0)
            records += appendBatches(*m.value()->find("moves", PartitionId(0)), 1);
    }
    CHECK(steps > 10);
    CHECK_FALSE(step.pending);
    CHECK(m.value()->findFuture("moves", PartitionId(0)) == nullptr);
    CHECK(mentions(events, "moved moves-0 from " + a.path().string() + " to " + b.path().string()));

    // The partition now lives in b, whole, with its leader epochs.
    PartitionLog *moved = m.value()->find("moves", PartitionId(0));
    REQUIRE(moved != nullptr);
    CHECK(moved->dir() == b.path() / "moves-0");
    CHECK_FALSE(moved->isFuture());
    CHECK(m.value()->logDirOf("moves", PartitionId(0)) == b.path());
    CHECK(moved->leaderEpochs() == epochsBefore);
    const auto back = test::readAll(*moved);
    CHECK(back.problem.empty());
    CHECK(back.records == records);
    CHECK(test::contiguous(back, Offset(0)));
    CHECK(moved->highWatermark() == moved->logEndOffset());
    CHECK(test::verifyAllSegments(b.path() / "moves-0").empty());

    // The old copy waits as `<tp>.<same id>-delete` for file.delete.delay.ms.
    const auto deletes = dirsStartingWith(a.path(), "moves-0.");
    REQUIRE(deletes.size() == 1);
    CHECK(deletes[0] == "moves-0." + futureName->uniqueId + "-delete");
    CHECK_FALSE(std::filesystem::exists(a.path() / "moves-0"));
    CHECK(dirsStartingWith(b.path(), "moves-0").size() == 1);

    // The checkpoints follow the partition.
    auto cpA = core::OffsetCheckpoint::read(a.path() / "recovery-point-offset-checkpoint");
    auto cpB = core::OffsetCheckpoint::read(b.path() / "recovery-point-offset-checkpoint");
    REQUIRE(cpA.ok());
    REQUIRE(cpB.ok());
    CHECK_FALSE(cpA->find("moves", PartitionId(0)).has_value());
    CHECK(cpB->find("moves", PartitionId(0)) == moved->logEndOffset());

    m.value()->tick(kNow + kDeleteDelayMs - 1);
    CHECK(std::filesystem::exists(a.path() / deletes[0]));
    m.value()->tick(kNow + kDeleteDelayMs);
    CHECK_FALSE(std::filesystem::exists(a.path() / deletes[0]));

    // The moved partition takes writes, and survives a restart in b.
    records += appendBatches(*moved, 2);
    REQUIRE(m.value()->shutdown().ok());
    m.value().reset();
    auto again = LogManager::open(optionsFor({a.path(), b.path()}), kNow);
    REQUIRE(again.ok());
    CHECK(again.value()->logDirOf("moves", PartitionId(0)) == b.path());
    CHECK(test::readAll(*again.value()->find("moves", PartitionId(0))).records == records);

    const std::string cli = std::string(SPILLWAY_BINARY_DIR) + "/app/spillway-cli";
    auto verify = test::runProcess({cli, "index", "verify", (b.path() / "moves-0").string()});
    INFO(verify.out);
    CHECK(verify.exitCode == 0);
}

TEST_CASE("A move keeps a log start offset inside a batch and follows DeleteRecords", "[broker][log][move]")
{
    TempDir a;
    TempDir b;
    auto m = LogManager::open(optionsFor({a.path(), b.path()}), kNow);
    REQUIRE(m.ok());
    auto log = m.value()->createPartition("trimmed", PartitionId(0), topicId(), kNow);
    REQUIRE(log.ok());
    appendBatches(*log.value(), 20);
    // Offset 12 lies inside the batch [10, 14].
    REQUIRE(log.value()->deleteRecordsBefore(Offset(12), kNow, kDeleteDelayMs).ok());
    REQUIRE(m.value()->alterLogDir("trimmed", PartitionId(0), b.path(), kNow).ok());
    PartitionLog *future = m.value()->findFuture("trimmed", PartitionId(0));
    REQUIRE(future != nullptr);
    CHECK(future->segmentBaseOffsets().front() == Offset(10));

    m.value()->moveReplicas(2000, kNow);
    // DeleteRecords during the copy: the copy follows the new log start.
    REQUIRE(log.value()->deleteRecordsBefore(Offset(40), kNow, kDeleteDelayMs).ok());
    runMove(*m.value(), 2000);
    PartitionLog *moved = m.value()->find("trimmed", PartitionId(0));
    REQUIRE(moved != nullptr);
    CHECK(moved->dir().parent_path() == b.path());
    CHECK(moved->logStartOffset() == Offset(40));
    CHECK(moved->logEndOffset() == Offset(100));
    const auto back = test::readAll(*moved);
    CHECK(back.problem.empty());
    CHECK(back.batchLasts.back() == Offset(99));
}

TEST_CASE("Retention that passes a slow copy makes it start again from the new log start", "[broker][log][move]")
{
    TempDir a;
    TempDir b;
    auto m = LogManager::open(optionsFor({a.path(), b.path()}), kNow);
    REQUIRE(m.ok());
    auto log = m.value()->createPartition("fast", PartitionId(0), topicId(), kNow);
    REQUIRE(log.ok());
    appendBatches(*log.value(), 30);
    REQUIRE(m.value()->alterLogDir("fast", PartitionId(0), b.path(), kNow).ok());
    m.value()->moveReplicas(700, kNow); // about one batch
    const Offset copied = m.value()->findFuture("fast", PartitionId(0))->logEndOffset();
    REQUIRE(copied > Offset(0));
    REQUIRE(log.value()->deleteRecordsBefore(Offset(100), kNow, kDeleteDelayMs).ok());
    REQUIRE(log.value()->logStartOffset() > copied);
    runMove(*m.value(), 4000);
    PartitionLog *moved = m.value()->find("fast", PartitionId(0));
    REQUIRE(moved->dir().parent_path() == b.path());
    CHECK(moved->logStartOffset() == Offset(100));
    CHECK(test::readAll(*moved).records == 50);
    // The abandoned first copy is waiting for deletion next to the new one.
    CHECK(dirsStartingWith(b.path(), "fast-0.").size() == 1);
}

TEST_CASE("Moving back to the current dir cancels a move, another dir replaces it", "[broker][log][move]")
{
    TempDir a;
    TempDir b;
    TempDir c;
    auto m = LogManager::open(optionsFor({a.path(), b.path(), c.path()}), kNow);
    REQUIRE(m.ok());
    auto log = m.value()->createPartition("undo", PartitionId(0), topicId(), kNow);
    REQUIRE(log.ok());
    const std::int64_t records = appendBatches(*log.value(), 20);
    REQUIRE(m.value()->alterLogDir("undo", PartitionId(0), b.path(), kNow).ok());
    m.value()->moveReplicas(2000, kNow);
    REQUIRE(m.value()->findFuture("undo", PartitionId(0)) != nullptr);

    SECTION("the current dir: cancelled, the future dir removed after the delay")
    {
        REQUIRE(m.value()->alterLogDir("undo", PartitionId(0), a.path(), kNow).ok());
        CHECK(m.value()->findFuture("undo", PartitionId(0)) == nullptr);
        CHECK_FALSE(m.value()->hasPendingMoves());
        const auto left = dirsStartingWith(b.path(), "undo-0.");
        REQUIRE(left.size() == 1);
        CHECK(left[0].ends_with("-delete"));
        m.value()->tick(kNow + kDeleteDelayMs);
        CHECK(dirsStartingWith(b.path(), "undo-0").empty());
        CHECK(m.value()->moveReplicas(1 << 20, kNow).bytesCopied == 0);
    }
    SECTION("another dir: the copy in b is cancelled and one in c starts")
    {
        REQUIRE(m.value()->alterLogDir("undo", PartitionId(0), c.path(), kNow).ok());
        PartitionLog *future = m.value()->findFuture("undo", PartitionId(0));
        REQUIRE(future != nullptr);
        CHECK(future->dir().parent_path() == c.path());
        CHECK(future->logEndOffset() == Offset(0));
        CHECK(dirsStartingWith(b.path(), "undo-0.")[0].ends_with("-delete"));
        runMove(*m.value(), 1 << 20);
        CHECK(m.value()->logDirOf("undo", PartitionId(0)) == c.path());
    }
    SECTION("deleting the partition deletes the copy too")
    {
        REQUIRE(m.value()->deletePartition("undo", PartitionId(0), kNow).ok());
        m.value()->tick(kNow + kDeleteDelayMs);
        CHECK(dirsStartingWith(a.path(), "undo-0").empty());
        CHECK(dirsStartingWith(b.path(), "undo-0").empty());
    }
    // Whatever happened, the partition that is left is whole.
    if (PartitionLog *p = m.value()->find("undo", PartitionId(0)))
        CHECK(test::readAll(*p).records == records);
}

TEST_CASE("AlterReplicaLogDirs answers with Kafka's errors", "[broker][log][move]")
{
    TempDir a;
    TempDir b;
    const auto missing = b.path() / "not-mounted";
    auto m = LogManager::open(optionsFor({a.path(), b.path()}), kNow);
    REQUIRE(m.ok());
    auto log = m.value()->createPartition("e", PartitionId(0), topicId(), kNow);
    REQUIRE(log.ok());

    auto unknownDir = m.value()->alterLogDir("e", PartitionId(0), "/nowhere", kNow);
    REQUIRE_FALSE(unknownDir.ok());
    CHECK(unknownDir.error().hint == "LOG_DIR_NOT_FOUND");

    // The current dir: nothing to do.
    REQUIRE(m.value()->alterLogDir("e", PartitionId(0), a.path(), kNow).ok());
    CHECK(m.value()->findFuture("e", PartitionId(0)) == nullptr);

    // Not hosted: REPLICA_NOT_AVAILABLE, and the partition is later created there.
    auto notHere = m.value()->alterLogDir("e", PartitionId(1), b.path(), kNow);
    REQUIRE_FALSE(notHere.ok());
    CHECK(notHere.error().hint == "REPLICA_NOT_AVAILABLE");
    REQUIRE(m.value()->createPartition("e", PartitionId(2), topicId(), kNow).ok());
    CHECK(m.value()->logDirOf("e", PartitionId(2)) == b.path()); // fewest partitions
    REQUIRE(m.value()->createPartition("e", PartitionId(1), topicId(), kNow).ok());
    CHECK(m.value()->logDirOf("e", PartitionId(1)) == b.path()); // the preferred dir, not the emptier a

    const std::string longTopic(249, 't');
    auto tooLong = m.value()->alterLogDir(longTopic, PartitionId(0), b.path(), kNow);
    REQUIRE_FALSE(tooLong.ok());
    CHECK(tooLong.error().hint == "INVALID_TOPIC_EXCEPTION");

    // With a dir offline: no future replica anywhere, and none into the offline dir.
    m.value().reset();
    auto withOffline = LogManager::open(optionsFor({a.path(), b.path(), missing}), kNow);
    REQUIRE(withOffline.ok());
    REQUIRE_FALSE(withOffline.value()->isOnline(missing));
    auto intoOffline = withOffline.value()->alterLogDir("e", PartitionId(0), missing, kNow);
    REQUIRE_FALSE(intoOffline.ok());
    CHECK(intoOffline.error().hint == "KAFKA_STORAGE_ERROR");
    auto whileOffline = withOffline.value()->alterLogDir("e", PartitionId(0), b.path(), kNow);
    REQUIRE_FALSE(whileOffline.ok());
    CHECK(whileOffline.error().hint == "KAFKA_STORAGE_ERROR");
    CHECK(withOffline.value()->findFuture("e", PartitionId(0)) == nullptr);
}

TEST_CASE("The move throttle limits the bytes copied to the rate, step by step", "[broker][log][move]")
{
    TempDir a;
    TempDir b;
    auto m = LogManager::open(optionsFor({a.path(), b.path()}), kNow);
    REQUIRE(m.ok());
    auto log = m.value()->createPartition("slow", PartitionId(0), topicId(), kNow);
    REQUIRE(log.ok());
    const std::int64_t records = appendBatches(*log.value(), 40);
    const std::int64_t total = log.value()->sizeInBytes();
    REQUIRE(m.value()->alterLogDir("slow", PartitionId(0), b.path(), kNow).ok());

    std::optional<std::int64_t> rate = 5000; // bytes per second
    std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> scheduled;
    ReplicaMover mover(
        *m.value(), [&] { return rate; },
        [&](std::chrono::milliseconds delay, std::function<void()> task) {
            scheduled.emplace_back(delay, std::move(task));
        },
        [] { return std::int64_t{0}; }, [] { return kNow; });

    // The timer path: one chain of steps however often it is kicked.
    mover.kick();
    mover.kick();
    REQUIRE(scheduled.size() == 1);
    CHECK(scheduled[0].first.count() == 0);
    auto task = std::move(scheduled[0].second);
    scheduled.clear();
    task(); // a step at steady time 0: the bucket is empty, the next step waits
    REQUIRE(scheduled.size() == 1);
    CHECK(scheduled[0].first.count() > 0);
    mover.kick();
    CHECK(scheduled.size() == 1);

    // An empty bucket: nothing is copied at first, the next step waits.
    std::int64_t t = 0;
    auto next = mover.step(t, kNow);
    REQUIRE(next.has_value());
    CHECK(next->count() > 0);
    CHECK(mover.bytesCopied() == 0);

    // Follow the mover's own delays: never more than rate x time, plus the
    // one whole batch a step may go over by.
    int steps = 0;
    while (next && t < 4000) {
        t += next->count();
        next = mover.step(t, kNow);
        ++steps;
        INFO("t=" << t << " ms, copied " << mover.bytesCopied());
        REQUIRE(mover.bytesCopied() <= *rate * t / 1000 + kMaxBatchBytes);
    }
    CHECK(steps > 10);
    CHECK(mover.bytesCopied() >= *rate * (t - 1000) / 1000); // and it does use the rate
    REQUIRE(next.has_value());
    REQUIRE(mover.bytesCopied() < total);

    // A higher rate applies to the running move at the next step.
    const std::int64_t before = mover.bytesCopied();
    const std::int64_t t0 = t;
    rate = 20000;
    while (next && t < t0 + 500) {
        t += next->count();
        next = mover.step(t, kNow);
    }
    const std::int64_t fast = mover.bytesCopied() - before;
    CHECK(fast > 5000 * (t - t0) / 1000 + kMaxBatchBytes); // more than the old rate allowed
    CHECK(fast <= 20000 * (t - t0) / 1000 + 5000 + kMaxBatchBytes);

    // Unlimited: the rest goes in steps of at most ReplicaMover::kStepBytes.
    rate = std::nullopt;
    while (next) {
        REQUIRE(next->count() == 0);
        next = mover.step(t, kNow);
    }
    CHECK(m.value()->logDirOf("slow", PartitionId(0)) == b.path());
    CHECK(test::readAll(*m.value()->find("slow", PartitionId(0))).records == records);
    CHECK(scheduled.size() == 1); // step() itself never schedules; only the timer path does
}

TEST_CASE("A restart resumes a move from its -future dir", "[broker][log][move]")
{
    TempDir a;
    TempDir b;
    std::int64_t records = 0;
    Offset copied{0};
    {
        auto m = LogManager::open(optionsFor({a.path(), b.path()}), kNow);
        REQUIRE(m.ok());
        auto log = m.value()->createPartition("resume", PartitionId(0), topicId(), kNow);
        REQUIRE(log.ok());
        records = appendBatches(*log.value(), 25);
        REQUIRE(m.value()->alterLogDir("resume", PartitionId(0), b.path(), kNow).ok());
        for (int i = 0; i < 4; ++i)
            m.value()->moveReplicas(2000, kNow);
        copied = m.value()->findFuture("resume", PartitionId(0))->logEndOffset();
        REQUIRE(copied > Offset(0));
        REQUIRE(copied < log.value()->logEndOffset());
        SECTION("after a clean shutdown") { REQUIRE(m.value()->shutdown().ok()); }
        SECTION("after a crash (no shutdown)") {}
    }
    auto m = LogManager::open(optionsFor({a.path(), b.path()}), kNow);
    REQUIRE(m.ok());
    INFO(m.value()->startupMessages().size());
    CHECK(mentions(m.value()->startupMessages(), "resuming the move of resume-0"));
    PartitionLog *future = m.value()->findFuture("resume", PartitionId(0));
    REQUIRE(future != nullptr);
    CHECK(future->logEndOffset() <= copied); // an unflushed tail may be recovered away
    CHECK(m.value()->hasPendingMoves());
    bool listed = false;
    for (const auto &d : m.value()->describeLogDirs())
        for (const auto &p : d.partitions)
            listed = listed || (p.isFuture && d.path == b.path());
    CHECK(listed);
    records += appendBatches(*m.value()->find("resume", PartitionId(0)), 3);
    runMove(*m.value(), 1500);
    PartitionLog *moved = m.value()->find("resume", PartitionId(0));
    REQUIRE(moved->dir() == b.path() / "resume-0");
    const auto back = test::readAll(*moved);
    CHECK(back.records == records);
    CHECK(test::contiguous(back, Offset(0)));
}

TEST_CASE("A kill -9 inside the swap leaves one complete replica after the restart", "[broker][log][move]")
{
    constexpr int kBatches = 25;
    const auto stage = GENERATE(LogManager::SwapStage::Flushed, LogManager::SwapStage::SourceRenamed,
                                LogManager::SwapStage::FutureRenamed);
    INFO("killed at stage " << static_cast<int>(stage));
    TempDir a;
    TempDir b;
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // No Catch2 in the child: exit codes say what went wrong.
        auto m = LogManager::open(optionsFor({a.path(), b.path()}), kNow);
        if (!m)
            ::_exit(10);
        auto log = m.value()->createPartition("crash", PartitionId(0), topicId(), kNow);
        if (!log)
            ::_exit(11);
        for (int i = 0; i < kBatches; ++i)
            if (!log.value()->append(test::makeBatch(5, 100, kNow + i), core::LeaderEpoch(3), kNow))
                ::_exit(12);
        if (!m.value()->alterLogDir("crash", PartitionId(0), b.path(), kNow))
            ::_exit(13);
        m.value()->setSwapHookForTests([stage](LogManager::SwapStage s) {
            if (s == stage)
                ::raise(SIGKILL);
        });
        m.value()->moveReplicas(INT64_MAX, kNow);
        ::_exit(14); // the hook never fired
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);

    const auto inA = dirsStartingWith(a.path(), "crash-0");
    const auto inB = dirsStartingWith(b.path(), "crash-0");
    REQUIRE(inA.size() == 1);
    REQUIRE(inB.size() == 1);
    switch (stage) {
    case LogManager::SwapStage::Flushed:
        CHECK(inA[0] == "crash-0");
        CHECK(inB[0].ends_with("-future"));
        break;
    case LogManager::SwapStage::SourceRenamed:
        // The window Kafka's own order would leave as two live dirs.
        CHECK(inA[0].ends_with("-delete"));
        CHECK(inB[0].ends_with("-future"));
        CHECK(inA[0].substr(0, inA[0].size() - 7) == inB[0].substr(0, inB[0].size() - 7));
        break;
    case LogManager::SwapStage::FutureRenamed:
        CHECK(inA[0].ends_with("-delete"));
        CHECK(inB[0] == "crash-0");
        break;
    }

    auto m = LogManager::open(optionsFor({a.path(), b.path()}), kNow);
    REQUIRE(m.ok());
    for (const auto &line : m.value()->startupMessages())
        UNSCOPED_INFO(line);
    if (stage == LogManager::SwapStage::SourceRenamed)
        CHECK(mentions(m.value()->startupMessages(), "completed the move of crash-0"));
    if (stage == LogManager::SwapStage::Flushed) {
        // The copy was complete: the first step of the resumed move swaps.
        REQUIRE(m.value()->findFuture("crash", PartitionId(0)) != nullptr);
        CHECK(m.value()->moveReplicas(1, kNow).swapped == 1);
    }
    CHECK(m.value()->findFuture("crash", PartitionId(0)) == nullptr);
    PartitionLog *log = m.value()->find("crash", PartitionId(0));
    REQUIRE(log != nullptr);
    CHECK(log->dir() == b.path() / "crash-0");
    const auto back = test::readAll(*log);
    CHECK(back.problem.empty());
    CHECK(back.records == 5 * kBatches);
    CHECK(test::contiguous(back, Offset(0)));
    REQUIRE_FALSE(log->leaderEpochs().empty());
    CHECK(log->leaderEpochs().front().epoch == core::LeaderEpoch(3));
    CHECK(test::verifyAllSegments(log->dir()).empty());
    // The old copy goes after file.delete.delay.ms, as after a normal swap.
    m.value()->tick(kNow + kDeleteDelayMs);
    CHECK(dirsStartingWith(a.path(), "crash-0").empty());
}

TEST_CASE("A failing destination dir abandons the move and leaves the partition serving", "[broker][log][move]")
{
    TempDir a;
    TempDir root;
    const auto b = root.path() / "b";
    std::filesystem::create_directories(b);
    auto m = LogManager::open(optionsFor({a.path(), b}), kNow);
    REQUIRE(m.ok());
    std::vector<std::string> events;
    m.value()->setMessageSink([&](const std::string &s) { events.push_back(s); });
    auto log = m.value()->createPartition("fails", PartitionId(0), topicId(), kNow);
    REQUIRE(log.ok());
    std::int64_t records = appendBatches(*log.value(), 25);
    REQUIRE(m.value()->alterLogDir("fails", PartitionId(0), b, kNow).ok());
    m.value()->moveReplicas(1000, kNow);
    // The disk under b goes away: the future replica cannot roll a segment.
    std::filesystem::remove_all(b);
    for (int i = 0; i < 100 && m.value()->hasPendingMoves(); ++i)
        m.value()->moveReplicas(1000, kNow);
    CHECK_FALSE(m.value()->hasPendingMoves());
    CHECK_FALSE(m.value()->isOnline(b));
    CHECK(m.value()->isOnline(a.path()));
    CHECK(m.value()->findFuture("fails", PartitionId(0)) == nullptr);
    CHECK(mentions(events, "abandoned the move of fails-0"));
    PartitionLog *current = m.value()->find("fails", PartitionId(0));
    REQUIRE(current == log.value());
    CHECK_FALSE(current->offlineError().has_value());
    records += appendBatches(*current, 2);
    CHECK(test::readAll(*current).records == records);
    CHECK(test::verifyAllSegments(a.path() / "fails-0").empty());
}
