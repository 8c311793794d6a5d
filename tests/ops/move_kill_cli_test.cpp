// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli ops move` (the offline move) SIGKILLed right after each of
// its steps (SPILLWAY_OPS_TEST_KILL_AFTER), then `spillway-cli ops recover`:
// exactly one live copy, byte-identical to the partition the real broker
// wrote, no leftovers, and the broker restarted on it gives back every
// message. (partition_move_test.cpp covers the same windows in-process.)
#include "tests/ops/ops_test_support.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

using namespace spillway;
using spillway::test::BackgroundProcess;
using spillway::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kBrokerBin = SPILLWAY_BINARY_DIR "/app/spillway-broker";
const std::string kCliBin = SPILLWAY_BINARY_DIR "/app/spillway-cli";

std::multiset<std::string> consumeAll(const std::string &bootstrap)
{
    const auto r =
        test::runProcess({"kcat", "-b", bootstrap, "-C", "-t", "moves", "-o", "beginning", "-e", "-q", "-f", "%s\n"},
                         std::chrono::seconds(60));
    REQUIRE(r.exitCode == 0);
    std::multiset<std::string> out;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            out.insert(line);
    return out;
}

} // namespace

TEST_CASE("ops move killed after each step through the CLI is recovered by ops recover to one live copy with every "
          "message",
          "[ops][move][crash][cli]")
{
    const std::string window =
        GENERATE(as<std::string>{}, "copy", "verify", "rename-source", "rename-future", "checkpoints", "remove-source");
    const bool forward = window != "copy" && window != "verify";
    INFO("killed after " << window);
    TempDir dir;
    const int port = test::freePort();
    const std::string bootstrap = "127.0.0.1:" + std::to_string(port);
    fs::create_directories(dir / "data0");
    fs::create_directories(dir / "data1");
    std::ofstream(dir / "server.properties")
        << "broker.id=1\nlisteners=PLAINTEXT://" << bootstrap << "\nlog.dirs=" << (dir / "data0").string() << ","
        << (dir / "data1").string() << "\nnum.partitions=1\nlog.segment.bytes=1048576\n";
    int starts = 0;
    auto start = [&] {
        auto p = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{kBrokerBin, (dir / "server.properties").string()},
            (dir / ("broker-" + std::to_string(starts++) + ".log")).string());
        REQUIRE(test::waitForPort(port, std::chrono::seconds(10)));
        return p;
    };
    auto broker = start();
    std::multiset<std::string> produced;
    {
        std::ofstream out(dir / "in.txt");
        for (int i = 0; i < 5000; ++i) {
            const auto msg = "message-" + std::to_string(i) + "-" + std::string(300, 'y');
            out << msg << "\n";
            produced.insert(msg);
        }
    }
    REQUIRE(test::runProcess({"kcat", "-b", bootstrap, "-P", "-t", "moves", "-l", (dir / "in.txt").string()},
                             std::chrono::seconds(60))
                .exitCode == 0);
    REQUIRE(consumeAll(bootstrap) == produced);
    REQUIRE(WIFEXITED(broker->stop(SIGTERM)));
    broker.reset();

    const bool inData0 = fs::exists(dir / "data0" / "moves-0");
    const fs::path src = dir / (inData0 ? "data0" : "data1");
    const fs::path dst = dir / (inData0 ? "data1" : "data0");
    const auto before = test::snapshotDir(src / "moves-0");
    const std::string journal = (dir / "journal.sqlite").string();
    ::setenv("SPILLWAY_OPS_TEST_KILL_AFTER", window.c_str(), 1);
    const auto killed = test::runProcess({kCliBin, "ops", "move", "--journal", journal, "--log-dirs",
                                          (dir / "data0").string() + "," + (dir / "data1").string(), "--topic", "moves",
                                          "--partition", "0", "--to", dst.string(), "--yes"},
                                         std::chrono::seconds(120));
    ::unsetenv("SPILLWAY_OPS_TEST_KILL_AFTER");
    INFO(killed.out);
    REQUIRE(killed.signal == SIGKILL);
    CHECK_FALSE((fs::exists(src / "moves-0") && fs::exists(dst / "moves-0")));

    const auto recovered =
        test::runProcess({kCliBin, "ops", "recover", "--journal", journal, "--json"}, std::chrono::seconds(120));
    INFO(recovered.out);
    CHECK(recovered.exitCode == 0);
    CHECK(recovered.out.find(forward ? "\"state\":\"done\"" : "\"state\":\"rolled-back\"") != std::string::npos);
    const fs::path live = forward ? dst : src;
    const fs::path other = forward ? src : dst;
    REQUIRE(fs::exists(live / "moves-0"));
    CHECK_FALSE(fs::exists(other / "moves-0"));
    CHECK(test::snapshotDir(live / "moves-0") == before);
    CHECK(test::entriesStartingWith(src, "moves-0.").empty());
    CHECK(test::entriesStartingWith(dst, "moves-0.").empty());

    broker = start();
    CHECK(consumeAll(bootstrap) == produced);
    broker->stop(SIGTERM);
}
