// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli ops move` on a partition written by the real lab broker: the
// refusal while it runs, the plan-only default, a move killed right after the
// source rename and finished by `ops recover`, a plain move back, and kcat
// consuming every message after each restart.
#include "core/storage/index/index_verifier.h"
#include "core/storage/logdir/offset_checkpoint.h"
#include "tests/ops/ops_test_support.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

using namespace spillway;
using spillway::test::BackgroundProcess;
using spillway::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kBroker = SPILLWAY_BINARY_DIR "/app/spillway-broker";
const std::string kCli = SPILLWAY_BINARY_DIR "/app/spillway-cli";

/// A broker with two log dirs, restartable on the same port and files.
class TwoDirBroker {
public:
    TwoDirBroker()
    {
        fs::create_directories(m_dir / "data0");
        fs::create_directories(m_dir / "data1");
        std::ofstream(m_dir / "server.properties")
            << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << m_port << "\nlog.dirs=" << (m_dir / "data0").string()
            << "," << (m_dir / "data1").string() << "\nnum.partitions=1\nlog.segment.bytes=2097152\n";
        start();
    }
    void start()
    {
        m_process = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{kBroker, (m_dir / "server.properties").string()},
            (m_dir / ("broker-" + std::to_string(m_starts++) + ".log")).string());
        REQUIRE(test::waitForPort(m_port, std::chrono::seconds(10)));
    }
    void stop()
    {
        const int status = m_process->stop(SIGTERM);
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);
    }
    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] fs::path dir(const std::string &name) const { return m_dir / name; }

private:
    TempDir m_dir;
    int m_port = test::freePort();
    int m_starts = 0;
    std::unique_ptr<BackgroundProcess> m_process;
};

std::multiset<std::string> lines(const std::string &text)
{
    std::multiset<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            out.insert(line);
    return out;
}

std::multiset<std::string> consumeAll(const TwoDirBroker &broker)
{
    const auto r = test::runProcess(
        {"kcat", "-b", broker.bootstrap(), "-C", "-t", "moves", "-o", "beginning", "-e", "-q", "-f", "%s\n"},
        std::chrono::seconds(60));
    REQUIRE(r.exitCode == 0);
    return lines(r.out);
}

std::optional<core::Offset> recoveryPoint(const fs::path &logDir)
{
    auto cp = core::OffsetCheckpoint::read(logDir / core::kRecoveryPointCheckpointFile);
    return cp ? cp->find("moves", core::PartitionId{0}) : std::nullopt;
}

} // namespace

TEST_CASE("ops move of a broker-written partition, killed after the source rename and recovered, keeps every "
          "message",
          "[ops][move][broker]")
{
    TwoDirBroker broker;
    TempDir work;
    const auto input = (work / "in.txt").string();
    std::multiset<std::string> produced;
    {
        std::ofstream out(input);
        for (int i = 0; i < 20000; ++i) {
            const auto msg = "message-" + std::to_string(i) + "-" + std::string(100, 'x');
            out << msg << "\n";
            produced.insert(msg);
        }
    }
    const auto p = test::runProcess({"kcat", "-b", broker.bootstrap(), "-P", "-t", "moves", "-l", input},
                                    std::chrono::seconds(60));
    REQUIRE(p.exitCode == 0);
    REQUIRE(consumeAll(broker) == produced);

    const bool inData0 = fs::exists(broker.dir("data0") / "moves-0");
    const fs::path src = broker.dir(inData0 ? "data0" : "data1");
    const fs::path dst = broker.dir(inData0 ? "data1" : "data0");
    REQUIRE(fs::exists(src / "moves-0"));
    const std::string journal = (work / "journal.sqlite").string();
    const std::string logDirs = broker.dir("data0").string() + "," + broker.dir("data1").string();
    auto move = [&](const fs::path &to, bool yes) {
        std::vector<std::string> argv{kCli,      "ops",   "move",        "--journal", journal, "--log-dirs", logDirs,
                                      "--topic", "moves", "--partition", "0",         "--to",  to.string()};
        if (yes)
            argv.push_back("--yes");
        return test::runProcess(argv, std::chrono::seconds(120));
    };

    // While the broker runs it holds both .lock files: refused, nothing changed.
    const auto refused = move(dst, true);
    INFO(refused.out);
    CHECK(refused.exitCode == 1);
    CHECK(refused.out.find("stop the broker") != std::string::npos);
    CHECK(fs::exists(src / "moves-0"));

    broker.stop();
    const auto before = test::snapshotDir(src / "moves-0");
    const auto srcRecovery = recoveryPoint(src);
    REQUIRE(srcRecovery.has_value());

    // Without --yes: the plan, and nothing changes.
    const auto dry = move(dst, false);
    CHECK(dry.exitCode == 0);
    CHECK(dry.out.find("move moves-0") != std::string::npos);
    CHECK(test::snapshotDir(src / "moves-0") == before);
    CHECK(test::entriesStartingWith(dst, "moves-0").empty());

    // Killed right after the source became moves-0.<uuid>-delete.
    ::setenv("SPILLWAY_OPS_TEST_KILL_AFTER", "rename-source", 1);
    const auto killed = move(dst, true);
    ::unsetenv("SPILLWAY_OPS_TEST_KILL_AFTER");
    CHECK(killed.signal == SIGKILL);
    CHECK_FALSE(fs::exists(src / "moves-0"));
    CHECK_FALSE(fs::exists(dst / "moves-0"));

    const auto listed = test::runProcess({kCli, "ops", "list", "--journal", journal});
    CHECK(listed.out.find("interrupted at step rename-source") != std::string::npos);
    const auto recovered = test::runProcess({kCli, "ops", "recover", "--journal", journal, "--json"});
    INFO(recovered.out);
    CHECK(recovered.exitCode == 0);
    CHECK(recovered.out.find("\"state\":\"done\"") != std::string::npos);

    // Exactly one live copy, byte-identical, no leftovers, checkpoints moved.
    CHECK_FALSE(fs::exists(src / "moves-0"));
    REQUIRE(fs::exists(dst / "moves-0"));
    CHECK(test::snapshotDir(dst / "moves-0") == before);
    CHECK(test::entriesStartingWith(src, "moves-0").empty());
    CHECK(test::entriesStartingWith(dst, "moves-0.").empty());
    CHECK_FALSE(recoveryPoint(src).has_value());
    CHECK(recoveryPoint(dst) == srcRecovery);

    broker.start();
    CHECK(consumeAll(broker) == produced);
    broker.stop();

    // And back again, uninterrupted.
    const auto back = move(src, true);
    INFO(back.out);
    CHECK(back.exitCode == 0);
    CHECK(fs::exists(src / "moves-0"));
    CHECK_FALSE(fs::exists(dst / "moves-0"));
    CHECK(recoveryPoint(src) == srcRecovery);
    CHECK_FALSE(recoveryPoint(dst).has_value());
    broker.start();
    CHECK(consumeAll(broker) == produced);
}

TEST_CASE("ops rebuild-index repairs an index the broker wrote and we corrupted, after a kill and ops recover",
          "[ops][rebuild][broker]")
{
    TwoDirBroker broker;
    TempDir work;
    const auto input = (work / "in.txt").string();
    std::multiset<std::string> produced;
    {
        std::ofstream out(input);
        for (int i = 0; i < 30000; ++i) {
            const auto msg = "message-" + std::to_string(i) + "-" + std::string(100, 'y');
            out << msg << "\n";
            produced.insert(msg);
        }
    }
    REQUIRE(
        test::runProcess({"kcat", "-b", broker.bootstrap(), "-P", "-t", "moves", "-l", input}, std::chrono::seconds(60))
            .exitCode == 0);
    broker.stop();

    const fs::path logDir = broker.dir(fs::exists(broker.dir("data0") / "moves-0") ? "data0" : "data1");
    const core::SegmentFiles segment{logDir / "moves-0", core::Offset{0}};
    REQUIRE(fs::file_size(segment.offsetIndex()) >= 8);
    {
        // Entry 0's relative offset becomes 0xffffffff: out of range.
        std::fstream f(segment.offsetIndex(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(0);
        f.write("\xff\xff\xff\xff", 4);
    }
    REQUIRE_FALSE(core::IndexVerifier::verifyFiles(segment)->indexesOk());
    const auto corrupt = test::slurp(segment.offsetIndex().string());

    const std::string journal = (work / "journal.sqlite").string();
    const std::vector<std::string> argv{kCli,
                                        "ops",
                                        "rebuild-index",
                                        "--journal",
                                        journal,
                                        "--log-dirs",
                                        broker.dir("data0").string() + "," + broker.dir("data1").string(),
                                        "--topic",
                                        "moves",
                                        "--partition",
                                        "0"};
    const auto dry = test::runProcess(argv);
    INFO(dry.out);
    CHECK(dry.exitCode == 0);
    CHECK(dry.out.find("rebuild " + segment.log().string()) != std::string::npos);
    CHECK(test::slurp(segment.offsetIndex().string()) == corrupt);

    auto yes = argv;
    yes.push_back("--yes");
    ::setenv("SPILLWAY_OPS_TEST_KILL_AFTER", ("rebuild " + segment.log().string()).c_str(), 1);
    const auto killed = test::runProcess(yes, std::chrono::seconds(120));
    ::unsetenv("SPILLWAY_OPS_TEST_KILL_AFTER");
    CHECK(killed.signal == SIGKILL);

    const auto recovered = test::runProcess({kCli, "ops", "recover", "--journal", journal, "--json"});
    INFO(recovered.out);
    CHECK(recovered.exitCode == 0);
    CHECK(recovered.out.find("\"kind\":\"index-rebuild\",\"state\":\"done\"") != std::string::npos);
    CHECK(core::IndexVerifier::verifyFiles(segment)->indexesOk());
    CHECK(test::entriesStartingWith(logDir / "moves-0", "00000000000000000000.index.corrupt-").size() == 1);

    broker.start();
    CHECK(consumeAll(broker) == produced);
}
