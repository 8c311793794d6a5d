// SPDX-License-Identifier: GPL-3.0-or-later
// The offline partition move on real files: the move itself, its refusals,
// cancel, and a SIGKILL in every crash window followed by recovery.
#include "core/ops/partition_move.h"
#include "core/storage/logdir/offset_checkpoint.h"
#include "tests/ops/ops_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <random>

using namespace spillway::core;
using namespace spillway::core::ops;
using spillway::test::TempDir;
namespace fs = std::filesystem;

namespace {

/// Two log dirs; orders-0 in data0 with a 3 MiB log (several copy chunks) and
/// checkpoint entries in both dirs for it and for other partitions.
struct TwoDirs {
    TempDir root;
    fs::path data0 = root / "data0";
    fs::path data1 = root / "data1";
    std::map<std::string, std::string> original;

    TwoDirs()
    {
        fs::create_directories(data0 / "orders-0");
        fs::create_directories(data1);
        std::mt19937 rng(7);
        std::string log(3 * 1024 * 1024 + 123, '\0');
        for (auto &c : log)
            c = static_cast<char>(rng());
        std::ofstream(data0 / "orders-0" / "00000000000000000000.log", std::ios::binary) << log;
        std::ofstream(data0 / "orders-0" / "00000000000000000000.index", std::ios::binary) << std::string(80, 'i');
        std::ofstream(data0 / "orders-0" / "00000000000000000000.timeindex", std::ios::binary) << std::string(12, 't');
        std::ofstream(data0 / "orders-0" / "leader-epoch-checkpoint") << "0\n1\n0 0\n";
        original = spillway::test::snapshotDir(data0 / "orders-0");
        for (auto file : {kRecoveryPointCheckpointFile, kLogStartOffsetCheckpointFile, kReplicationCheckpointFile}) {
            OffsetCheckpoint src({{"orders", PartitionId{0}, Offset{42}}, {"other", PartitionId{1}, Offset{7}}});
            REQUIRE(src.write(data0 / file).ok());
            OffsetCheckpoint dst({{"other", PartitionId{2}, Offset{5}}});
            REQUIRE(dst.write(data1 / file).ok());
        }
    }
    [[nodiscard]] MoveRequest request() const { return {{data0, data1}, "orders", PartitionId{0}, data1, "test"}; }

    /// Exactly one live orders-0, holding the original bytes, no leftovers,
    /// and the checkpoint entry only in the dir that holds it.
    void checkOneLiveCopy() const
    {
        const bool in0 = fs::exists(data0 / "orders-0");
        const bool in1 = fs::exists(data1 / "orders-0");
        REQUIRE(in0 != in1);
        const fs::path live = in0 ? data0 : data1;
        const fs::path other = in0 ? data1 : data0;
        CHECK(spillway::test::snapshotDir(live / "orders-0") == original);
        CHECK(spillway::test::entriesStartingWith(data0, "orders-0.").empty());
        CHECK(spillway::test::entriesStartingWith(data1, "orders-0.").empty());
        for (auto file : {kRecoveryPointCheckpointFile, kLogStartOffsetCheckpointFile, kReplicationCheckpointFile}) {
            auto here = OffsetCheckpoint::read(live / file);
            auto there = OffsetCheckpoint::read(other / file);
            REQUIRE(here.ok());
            REQUIRE(there.ok());
            CHECK(here->find("orders", PartitionId{0}) == Offset{42});
            CHECK_FALSE(there->find("orders", PartitionId{0}).has_value());
        }
        // The other partitions' entries are untouched.
        CHECK(OffsetCheckpoint::read(data0 / kRecoveryPointCheckpointFile)->find("other", PartitionId{1}) == Offset{7});
        CHECK(OffsetCheckpoint::read(data1 / kRecoveryPointCheckpointFile)->find("other", PartitionId{2}) == Offset{5});
    }
};

} // namespace

TEST_CASE("Offline move copies, verifies, swaps and moves the checkpoint entries", "[ops][move]")
{
    TwoDirs dirs;
    auto plan = PartitionMove::plan(dirs.request());
    REQUIRE(plan.ok());
    CHECK(plan->preview().find("move orders-0") != std::string::npos);
    REQUIRE(plan->disks.size() == 2);
    CHECK(plan->disks[1].kafkaBytesAfter == plan->disks[0].kafkaBytesBefore);
    // Planning changed nothing.
    CHECK(spillway::test::snapshotDir(dirs.data0 / "orders-0") == dirs.original);
    CHECK_FALSE(fs::exists(dirs.data1 / "orders-0"));

    auto journal = Journal::open(dirs.root / "journal.sqlite");
    REQUIRE(journal.ok());
    std::vector<double> fractions;
    RunOptions options;
    options.progress = [&](double f, std::string_view) { fractions.push_back(f); };
    auto id = PartitionMove::execute(*journal, *plan, options);
    REQUIRE(id.ok());
    CHECK_FALSE(fs::exists(dirs.data0 / "orders-0"));
    dirs.checkOneLiveCopy();
    CHECK(fractions.size() > 3);
    CHECK(fractions.back() == 1.0);

    auto entry = journal->get(*id);
    REQUIRE(entry.ok());
    CHECK(entry->state == OperationState::Done);
    for (auto step : {"copy", "verify", "rename-source", "rename-future", "checkpoints", "remove-source"})
        CHECK(entry->stepDone(step));
    CHECK(journal->interrupted()->empty());
}

TEST_CASE("Offline move refuses while a process holds the source or destination lock", "[ops][move]")
{
    TwoDirs dirs;
    const auto lockedDir = GENERATE(0, 1);
    spillway::test::LockHolder holder((lockedDir == 0 ? dirs.data0 : dirs.data1) / ".lock");
    auto plan = PartitionMove::plan(dirs.request());
    REQUIRE_FALSE(plan.ok());
    CHECK(plan.error().code == Errc::Locked);
    CHECK(plan.error().hint.find("stop the broker") != std::string::npos);
    CHECK(spillway::test::snapshotDir(dirs.data0 / "orders-0") == dirs.original);
}

TEST_CASE("Offline move refuses paths outside the log dirs, bad topics and two live copies", "[ops][move]")
{
    TwoDirs dirs;
    auto request = dirs.request();
    SECTION("destination outside the log dirs")
    {
        fs::create_directories(dirs.root / "elsewhere");
        request.destination = dirs.root / "elsewhere";
        auto plan = PartitionMove::plan(request);
        REQUIRE_FALSE(plan.ok());
        CHECK(plan.error().code == Errc::InvalidArgument);
    }
    SECTION("topic name Kafka refuses")
    {
        request.topic = "../etc";
        CHECK_FALSE(PartitionMove::plan(request).ok());
    }
    SECTION("already live in two dirs")
    {
        fs::create_directories(dirs.data1 / "orders-0");
        auto plan = PartitionMove::plan(request);
        REQUIRE_FALSE(plan.ok());
        CHECK(plan.error().message.find("live in") != std::string::npos);
    }
    CHECK(spillway::test::snapshotDir(dirs.data0 / "orders-0") == dirs.original);
}

TEST_CASE("Cancelling a move during the copy rolls it back and leaves the source alone", "[ops][move]")
{
    TwoDirs dirs;
    auto plan = PartitionMove::plan(dirs.request());
    REQUIRE(plan.ok());
    auto journal = Journal::open(dirs.root / "journal.sqlite");
    REQUIRE(journal.ok());
    std::atomic<bool> cancel{false};
    RunOptions options;
    options.cancel = &cancel;
    options.progress = [&](double, std::string_view) { cancel = true; };
    auto id = PartitionMove::execute(*journal, *plan, options);
    REQUIRE_FALSE(id.ok());
    CHECK(id.error().code == Errc::Cancelled);
    CHECK(spillway::test::snapshotDir(dirs.data0 / "orders-0") == dirs.original);
    CHECK(spillway::test::entriesStartingWith(dirs.data1, "orders-0").empty());
    auto all = journal->list();
    REQUIRE(all->size() == 1);
    CHECK(all->front().state == OperationState::Cancelled);
}

TEST_CASE("A move killed in each crash window is recovered to exactly one live copy", "[ops][move][crash]")
{
    // "mid-copy" kills at the first progress report, with part of the log copied.
    const std::string window =
        GENERATE(as<std::string>{}, "mid-copy", "copy", "verify", "rename-source", "rename-future", "checkpoints");
    const bool forward = window == "rename-source" || window == "rename-future" || window == "checkpoints";
    INFO("killed after " << window);
    TwoDirs dirs;
    const auto journalFile = dirs.root / "journal.sqlite";
    auto plan = PartitionMove::plan(dirs.request());
    REQUIRE(plan.ok());

    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        auto journal = Journal::open(journalFile);
        if (!journal)
            ::_exit(3);
        RunOptions options;
        options.afterStep = [&](std::string_view step) {
            if (step == window)
                ::kill(::getpid(), SIGKILL);
        };
        options.progress = [&](double, std::string_view) {
            if (window == "mid-copy")
                ::kill(::getpid(), SIGKILL);
        };
        (void)PartitionMove::execute(*journal, *plan, options);
        ::_exit(4);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    // The kill left at most one live copy behind, even before recovery.
    CHECK_FALSE((fs::exists(dirs.data0 / "orders-0") && fs::exists(dirs.data1 / "orders-0")));

    auto journal = Journal::open(journalFile);
    REQUIRE(journal.ok());
    auto interrupted = journal->interrupted();
    REQUIRE(interrupted.ok());
    REQUIRE(interrupted->size() == 1);
    auto state = PartitionMove::recover(*journal, interrupted->front());
    REQUIRE(state.ok());
    CHECK(*state == (forward ? OperationState::Done : OperationState::RolledBack));
    CHECK(fs::exists(dirs.data1 / "orders-0") == forward);
    dirs.checkOneLiveCopy();
    CHECK(journal->interrupted()->empty());
    CHECK(journal->get(interrupted->front().id)->state == *state);
}
