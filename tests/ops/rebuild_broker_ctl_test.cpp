// SPDX-License-Identifier: GPL-3.0-or-later
// `ops rebuild-index --lab ROOT --broker 1` on a running lab broker (plain
// dirs): the index of a closed segment corrupted on disk while the broker
// runs; the plan (verified while it runs) names it and stops nothing; with
// --yes the broker is stopped, the index rebuilt (the bad file kept as
// .corrupt-*), the broker started again, and every message reads back.
#include "core/storage/index/index_verifier.h"
#include "tests/lab/lab_test_support.h"
#include "tests/ops/ops_test_support.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>

using namespace spillway;
using namespace spillway::test;
namespace fs = std::filesystem;

namespace {

constexpr int kPartition = 0;

/// The pids of the lab's spillway-broker processes under `root`.
std::set<std::string> brokerPids(const fs::path &root)
{
    std::set<std::string> out;
    for (const auto &line : labProcessesUnder(root))
        if (line.find("spillway-broker") != std::string::npos)
            out.insert(line.substr(0, line.find(' ')));
    return out;
}

/// Every "key:value" line kcat reads back from testKafka-<kPartition>.
std::multiset<std::string> consumeAll(const TestLab &lab)
{
    const auto r = runProcess({"kcat", "-b", lab.bootstrap(), "-C", "-t", "testKafka", "-p", std::to_string(kPartition),
                               "-o", "beginning", "-e", "-q", "-f", "%k:%s\n"},
                              std::chrono::seconds(120));
    std::multiset<std::string> out;
    std::size_t at = 0;
    while (at < r.out.size()) {
        const auto end = r.out.find('\n', at);
        out.insert(r.out.substr(at, end == std::string::npos ? std::string::npos : end - at));
        if (end == std::string::npos)
            break;
        at = end + 1;
    }
    return out;
}

/// The log dir (data0..) of the lab broker that holds testKafka-<kPartition>.
fs::path partitionDir(const TestLab &lab)
{
    for (const auto &e : fs::directory_iterator(lab.root() / "broker-1"))
        if (fs::is_directory(e.path() / ("testKafka-" + std::to_string(kPartition))))
            return e.path() / ("testKafka-" + std::to_string(kPartition));
    return {};
}

} // namespace

TEST_CASE("ops rebuild-index --lab stops the broker, rebuilds a bad index and starts the broker again",
          "[ops][rebuild][broker-ctl]")
{
    TestLab lab(false);
    const auto up = lab.up({"--produce-rate", "0", "--consume-rate", "0"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);

    // Enough data for several closed segments (2 MiB segments at 32 MiB capacity).
    const auto input = (lab.dir() / "in.txt").string();
    std::multiset<std::string> produced;
    {
        std::ofstream out(input);
        for (int i = 0; i < 30000; ++i) {
            const auto line = "k" + std::to_string(i) + ":value-" + std::to_string(i) + "-" + std::string(200, 'z');
            out << line << "\n";
            produced.insert(line);
        }
    }
    const auto produce =
        runProcess({"kcat", "-b", lab.bootstrap(), "-P", "-t", "testKafka", "-p", std::to_string(kPartition), "-K", ":",
                    "-l", input, "-X", "message.timeout.ms=30000"},
                   std::chrono::seconds(120));
    INFO(produce.out);
    REQUIRE(produce.exitCode == 0);

    const fs::path dir = partitionDir(lab);
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
    const auto pidsBefore = brokerPids(lab.root());
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
    CHECK(brokerPids(lab.root()) == pidsBefore);
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
    const auto pidsAfter = brokerPids(lab.root());
    CHECK(pidsAfter.size() == 1);
    CHECK(pidsAfter != pidsBefore);
    CHECK(core::IndexVerifier::verifyFiles(segment)->indexesOk());
    CHECK(entriesStartingWith(dir, "00000000000000000000.index.corrupt-").size() == 1);
    CHECK(consumeAll(lab) == produced);

    const auto listed = runProcess({kCli, "ops", "list", "--journal", journal});
    CHECK(listed.out.find("index-rebuild") != std::string::npos);
}

TEST_CASE("ops rebuild-index --lab with good indexes leaves the running broker alone", "[ops][rebuild][broker-ctl]")
{
    TestLab lab(false);
    const auto up = lab.up({"--produce-rate", "0", "--consume-rate", "0"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    const auto pidsBefore = brokerPids(lab.root());
    REQUIRE(pidsBefore.size() == 1);
    const auto run = runProcess({kCli, "ops", "rebuild-index", "--journal", (lab.dir() / "j.sqlite").string(), "--lab",
                                 lab.root().string(), "--broker", "1", "--yes"},
                                std::chrono::seconds(120));
    INFO(run.out);
    CHECK(run.exitCode == 0);
    CHECK(run.out.find("its indexes are good: it is not stopped") != std::string::npos);
    CHECK(brokerPids(lab.root()) == pidsBefore);

    const auto json = runProcess({kCli, "ops", "rebuild-index", "--journal", (lab.dir() / "j.sqlite").string(), "--lab",
                                  lab.root().string(), "--broker", "1", "--yes", "--json"},
                                 std::chrono::seconds(120));
    INFO(json.out);
    CHECK(json.exitCode == 0);
    CHECK(jsonEval(lab.dir(), json.out, "(d['wasRunning'], d['executed'], d['stopped'], d['restarted'])") ==
          "(True, True, False, False)");
    CHECK(brokerPids(lab.root()) == pidsBefore);

    // --log-dirs and a broker exclude each other: a usage error, nothing stopped.
    const auto both = runProcess({kCli, "ops", "rebuild-index", "--journal", (lab.dir() / "j.sqlite").string(),
                                  "--log-dirs", (lab.root() / "broker-1" / "data0").string(), "--lab",
                                  lab.root().string(), "--broker", "1", "--yes"});
    INFO(both.out);
    CHECK(both.exitCode == 2);
    CHECK(brokerPids(lab.root()) == pidsBefore);
}
