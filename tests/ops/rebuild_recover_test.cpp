// SPDX-License-Identifier: GPL-3.0-or-later
// `ops rebuild-index --lab ROOT --broker 1 --yes` killed (SIGKILL, the
// SPILLWAY_OPS_TEST_KILL_AFTER hook) after each of its steps on a running lab
// broker whose closed segment has a corrupt offset index, then `ops
// recover`: the journal names the broker it stopped (the lab root and broker
// number), so recovery finishes the rebuild, starts the broker again and
// checks that it answers; every message reads back. Killed after the start,
// recovery only records the outcome.
#include "core/storage/index/index_verifier.h"
#include "tests/lab/lab_test_support.h"
#include "tests/ops/lab_rebuild_support.h"
#include "tests/ops/ops_test_support.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>

using namespace spillway;
using namespace spillway::test;
namespace fs = std::filesystem;

namespace {

void killMidRebuild(const std::string &window)
{
    INFO("killed after " << window);
    TestLab lab(false);
    const auto up = lab.up({"--produce-rate", "0", "--consume-rate", "0"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    const auto produced = produceTagged(lab, 0, 30000, "recover");
    REQUIRE(produced.size() == 30000);
    const fs::path dir = labPartitionDir(lab, 0);
    REQUIRE_FALSE(dir.empty());
    const core::SegmentFiles segment{dir, core::Offset{0}};
    REQUIRE(core::IndexVerifier::verifyFiles(segment)->indexesOk());
    {
        std::fstream f(segment.offsetIndex(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(0);
        f.write("\xff\xff\xff\xff", 4);
    }
    REQUIRE_FALSE(core::IndexVerifier::verifyFiles(segment)->indexesOk());
    REQUIRE(labBrokerPids(lab.root()).size() == 1);

    const auto journal = (lab.dir() / "journal.sqlite").string();
    const std::string hook = window == "rebuild" ? "rebuild " + segment.log().string() : window;
    ::setenv("SPILLWAY_OPS_TEST_KILL_AFTER", hook.c_str(), 1);
    const auto killed = runProcess({kCli, "ops", "rebuild-index", "--journal", journal, "--lab", lab.root().string(),
                                    "--broker", "1", "--topic", "testKafka", "--partition", "0", "--yes"},
                                   std::chrono::seconds(300));
    ::unsetenv("SPILLWAY_OPS_TEST_KILL_AFTER");
    INFO(killed.out);
    REQUIRE(killed.signal == SIGKILL);
    const auto listed = runProcess({kCli, "ops", "list", "--journal", journal});
    INFO(listed.out);
    CHECK(listed.out.find("interrupted at step " + hook) != std::string::npos);
    // Killed before the start: the broker stays down until recovery.
    CHECK(labBrokerPids(lab.root()).size() == (window == "start-broker" ? 1U : 0U));

    const auto recovered =
        runProcess({kCli, "ops", "recover", "--journal", journal, "--json"}, std::chrono::seconds(300));
    INFO(recovered.out);
    REQUIRE(recovered.exitCode == 0);
    CHECK(jsonEval(lab.dir(), recovered.out, "(d['recovered'][0]['kind'], d['recovered'][0]['state'])") ==
          "('index-rebuild', 'done')");
    const auto after = runProcess({kCli, "ops", "list", "--journal", journal, "--json"});
    INFO(after.out);
    CHECK(jsonEval(lab.dir(), after.out, "d['operations'][0]['state']") == "done");
    if (window != "start-broker")
        CHECK(jsonEval(lab.dir(), after.out,
                       "[s['detail'] for s in d['operations'][0]['steps'] if s['name'] == 'start-broker']") ==
              "['started; it answers']");

    // Running again, the index good (the bad one kept), every message there.
    REQUIRE(waitForPort(lab.port(), std::chrono::seconds(30)));
    CHECK(labBrokerPids(lab.root()).size() == 1);
    CHECK(core::IndexVerifier::verifyFiles(segment)->indexesOk());
    CHECK(entriesStartingWith(dir, "00000000000000000000.index.corrupt-").size() == 1);
    CHECK(consumeTagged(lab, 0) == produced);
}

} // namespace

TEST_CASE("ops rebuild-index --lab killed with the broker stopped: ops recover rebuilds and starts it again",
          "[ops][rebuild][broker-ctl][crash]")
{
    killMidRebuild("stop-broker");
}

TEST_CASE("ops rebuild-index --lab killed after rebuilding a segment: ops recover verifies and starts the broker",
          "[ops][rebuild][broker-ctl][crash]")
{
    killMidRebuild("rebuild");
}

TEST_CASE("ops rebuild-index --lab killed after verify: ops recover starts the broker again",
          "[ops][rebuild][broker-ctl][crash]")
{
    killMidRebuild("verify");
}

TEST_CASE("ops rebuild-index --lab killed after the broker started: ops recover records it done",
          "[ops][rebuild][broker-ctl][crash]")
{
    killMidRebuild("start-broker");
}
