// SPDX-License-Identifier: GPL-3.0-or-later
// `ops rebuild-index --lab ROOT --broker 1` on a running lab broker (plain
// dirs): the index of a closed segment corrupted on disk while the broker
// runs; the plan (verified while it runs) names it and stops nothing; with
// --yes the broker is stopped, the index rebuilt (the bad file kept as
// .corrupt-*), the broker started again, and every message reads back.
#include "core/storage/index/index_verifier.h"
#include "tests/lab/lab_test_support.h"
#include "tests/ops/lab_rebuild_support.h"
#include "tests/ops/ops_test_support.h"

#include <catch2/catch.hpp>

using namespace spillway;
using namespace spillway::test;
namespace fs = std::filesystem;

namespace {

constexpr int kPartition = 0;

} // namespace

TEST_CASE("ops rebuild-index --lab stops the broker, rebuilds a bad index and starts the broker again",
          "[ops][rebuild][broker-ctl]")
{
    TestLab lab(false);
    const auto up = lab.up({"--produce-rate", "0", "--consume-rate", "0"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);

    // Enough data for several closed segments (2 MiB segments at 32 MiB capacity).
    const auto produced = produceTagged(lab, kPartition, 30000, "value");
    REQUIRE_FALSE(produced.empty()); // kcat delivered every message

    const fs::path dir = labPartitionDir(lab, kPartition);
    REQUIRE_FALSE(dir.empty());
    const core::SegmentFiles segment{dir, core::Offset{0}};
    REQUIRE(fs::exists(segment.log()));
    REQUIRE(fs::file_size(segment.offsetIndex()) >= 8);
    REQUIRE(core::IndexVerifier::verifyFiles(segment)->indexesOk());
    {
        // While the broker runs, through a new fd: entry 0's relative offset
        // becomes 0xffffffff (out of range).
        std::fstream f(segment.offsetIndex(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(0);
        f.write("\xff\xff\xff\xff", 4);
    }
    REQUIRE_FALSE(core::IndexVerifier::verifyFiles(segment)->indexesOk());
    const auto corrupt = slurp(segment.offsetIndex().string());
    const auto pidsBefore = labBrokerPids(lab.root());
    REQUIRE(pidsBefore.size() == 1);

    const auto journal = (lab.dir() / "journal.sqlite").string();
    const std::vector<std::string> argv{kCli,
                                        "ops",
                                        "rebuild-index",
                                        "--journal",
                                        journal,
                                        "--lab",
                                        lab.root().string(),
                                        "--broker",
                                        "1",
                                        "--topic",
                                        "testKafka",
                                        "--partition",
                                        std::to_string(kPartition)};

    // Without --yes: the plan names the bad index; nothing is stopped or changed.
    const auto dry = runProcess(argv, std::chrono::seconds(120));
    INFO(dry.out);
    CHECK(dry.exitCode == 0);
    CHECK(dry.out.find("rebuild " + segment.log().string()) != std::string::npos);
    CHECK(dry.out.find("is running: it will be stopped, the indexes rebuilt, and the broker started again") !=
          std::string::npos);
    CHECK(dry.out.find("plan only") != std::string::npos);
    CHECK(labBrokerPids(lab.root()) == pidsBefore);
    CHECK(slurp(segment.offsetIndex().string()) == corrupt);
    CHECK(entriesStartingWith(dir, "00000000000000000000.index.corrupt-").empty());

    // With --yes: stopped, rebuilt, started again.
    auto yes = argv;
    yes.push_back("--yes");
    const auto run = runProcess(yes, std::chrono::seconds(300));
    INFO(run.out);
    CHECK(run.exitCode == 0);
    CHECK(run.out.find("stopped lab broker 1") != std::string::npos);
    CHECK(run.out.find("started lab broker 1") != std::string::npos);
    const auto pidsAfter = labBrokerPids(lab.root());
    CHECK(pidsAfter.size() == 1);
    CHECK(pidsAfter != pidsBefore);
    CHECK(core::IndexVerifier::verifyFiles(segment)->indexesOk());
    CHECK(entriesStartingWith(dir, "00000000000000000000.index.corrupt-").size() == 1);
    CHECK(consumeTagged(lab, kPartition) == produced);

    const auto listed = runProcess({kCli, "ops", "list", "--journal", journal});
    CHECK(listed.out.find("index-rebuild") != std::string::npos);
}

TEST_CASE("ops rebuild-index --lab with good indexes leaves the running broker alone", "[ops][rebuild][broker-ctl]")
{
    TestLab lab(false);
    const auto up = lab.up({"--produce-rate", "0", "--consume-rate", "0"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    const auto pidsBefore = labBrokerPids(lab.root());
    REQUIRE(pidsBefore.size() == 1);
    const auto run = runProcess({kCli, "ops", "rebuild-index", "--journal", (lab.dir() / "j.sqlite").string(), "--lab",
                                 lab.root().string(), "--broker", "1", "--yes"},
                                std::chrono::seconds(120));
    INFO(run.out);
    CHECK(run.exitCode == 0);
    CHECK(run.out.find("its indexes are good: it is not stopped") != std::string::npos);
    CHECK(labBrokerPids(lab.root()) == pidsBefore);

    const auto json = runProcess({kCli, "ops", "rebuild-index", "--journal", (lab.dir() / "j.sqlite").string(), "--lab",
                                  lab.root().string(), "--broker", "1", "--yes", "--json"},
                                 std::chrono::seconds(120));
    INFO(json.out);
    CHECK(json.exitCode == 0);
    CHECK(jsonEval(lab.dir(), json.out, "(d['wasRunning'], d['executed'], d['stopped'], d['restarted'])") ==
          "(True, True, False, False)");
    CHECK(labBrokerPids(lab.root()) == pidsBefore);

    // --log-dirs and a broker exclude each other: a usage error, nothing stopped.
    const auto both = runProcess({kCli, "ops", "rebuild-index", "--journal", (lab.dir() / "j.sqlite").string(),
                                  "--log-dirs", (lab.root() / "broker-1" / "data0").string(), "--lab",
                                  lab.root().string(), "--broker", "1", "--yes"});
    INFO(both.out);
    CHECK(both.exitCode == 2);
    CHECK(labBrokerPids(lab.root()) == pidsBefore);
}
