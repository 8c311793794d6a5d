// SPDX-License-Identifier: GPL-3.0-or-later
// The operation journal: what it records survives closing and reopening, and
// an operation left running is reported as interrupted with its last step.
#include "core/ops/journal.h"
#include "core/ops/operation.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

using namespace spillway::core;
using namespace spillway::core::ops;
using spillway::test::TempDir;

TEST_CASE("Journal round trip of operations and steps across a reopen", "[ops][journal]")
{
    TempDir dir;
    const auto file = dir / "sub" / "journal.sqlite";
    std::int64_t done = 0;
    std::int64_t left = 0;
    {
        auto journal = Journal::open(file);
        REQUIRE(journal.ok());
        auto a = journal->begin("partition-move", "broker-1", R"({"topic":"orders"})", "move orders-0");
        REQUIRE(a.ok());
        done = *a;
        REQUIRE(journal->stepStarted(done, 0, "copy").ok());
        REQUIRE(journal->stepDone(done, 0, "3 files").ok());
        REQUIRE(journal->finish(done, OperationState::Done, "moved").ok());
        auto b = journal->begin("index-rebuild", "broker-1", "{}", "rebuild");
        REQUIRE(b.ok());
        left = *b;
        REQUIRE(journal->stepStarted(left, 0, "segment 0").ok());
        REQUIRE(journal->stepDone(left, 0).ok());
        REQUIRE(journal->stepStarted(left, 1, "segment 100").ok());
    }
    auto journal = Journal::open(file);
    REQUIRE(journal.ok());
    auto all = journal->list();
    REQUIRE(all.ok());
    REQUIRE(all->size() == 2);
    const auto &first = (*all)[0];
    CHECK(first.id == done);
    CHECK(first.kind == "partition-move");
    CHECK(first.broker == "broker-1");
    CHECK(first.params == R"({"topic":"orders"})");
    CHECK(first.state == OperationState::Done);
    CHECK(first.summary == "moved");
    CHECK(first.created > 0);
    REQUIRE(first.steps.size() == 1);
    CHECK(first.steps[0].state == "done");
    CHECK(first.steps[0].detail == "3 files");
    CHECK(first.stepDone("copy"));

    auto interrupted = journal->interrupted();
    REQUIRE(interrupted.ok());
    REQUIRE(interrupted->size() == 1);
    CHECK(interrupted->front().id == left);
    REQUIRE(interrupted->front().lastStep() != nullptr);
    CHECK(interrupted->front().lastStep()->name == "segment 100");
    CHECK(interrupted->front().lastStep()->state == "started");
    CHECK(interrupted->front().stepDone("segment 0"));
    CHECK_FALSE(interrupted->front().stepDone("segment 100"));
}

TEST_CASE("Journal keeps a step recorded by a process killed right after it", "[ops][journal]")
{
    TempDir dir;
    const auto file = dir / "journal.sqlite";
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        auto journal = Journal::open(file);
        if (!journal)
            ::_exit(3);
        auto id = journal->begin("partition-move", "", "{}", "killed");
        if (!id || !journal->stepStarted(*id, 0, "copy"))
            ::_exit(4);
        ::kill(::getpid(), SIGKILL);
        ::_exit(5);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
    auto journal = Journal::open(file);
    REQUIRE(journal.ok());
    auto interrupted = journal->interrupted();
    REQUIRE(interrupted.ok());
    REQUIRE(interrupted->size() == 1);
    CHECK(interrupted->front().summary == "killed");
    REQUIRE(interrupted->front().lastStep() != nullptr);
    CHECK(interrupted->front().lastStep()->name == "copy");
    CHECK(interrupted->front().lastStep()->state == "started");
}

TEST_CASE("Operation params survive the JSON round trip, quotes and backslashes included", "[ops][journal]")
{
    const std::map<std::string, std::string> params{
        {"source", "/data/a \"b\"\\c"}, {"topic", "orders"}, {"partition", "3"}, {"empty", ""}};
    CHECK(paramsFromJson(paramsToJson(params)) == params);
}

TEST_CASE("A plan's preview says 'unknown' for free space a broker does not report, never a number", "[ops][plan]")
{
    Plan plan;
    plan.kind = "retention-shrink";
    plan.summary = "shrink";
    plan.disks.push_back({"/data0", 10 << 20, 4 << 20, 100 << 20, 106 << 20});
    plan.disks.push_back({"/remote/data1", 10 << 20, 4 << 20, -1, -1});
    const std::string text = plan.preview();
    INFO(text);
    CHECK(text.find("/data0: kafka 10.0 MiB -> 4.0 MiB, free 100.0 MiB -> 106.0 MiB") != std::string::npos);
    CHECK(text.find("/remote/data1: kafka 10.0 MiB -> 4.0 MiB, free unknown") != std::string::npos);
    CHECK(text.find("-0.0") == std::string::npos);
    CHECK_FALSE(plan.disks[1].freeKnown());
}
