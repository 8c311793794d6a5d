// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli ops shrink-retention --offline` on a stopped lab broker's log
// dirs: killed (SIGKILL) right after one partition's segments were renamed to
// .deleted, finished by `ops recover`, and the broker then starts and serves
// every remaining message from the new log start.
#include "core/storage/logdir/offset_checkpoint.h"
#include "tests/ops/retention_test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <tuple>

using namespace spillway;
using namespace spillway::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> filesEndingWith(const fs::path &dir, const std::string &suffix)
{
    std::vector<std::string> out;
    for (const auto &e : fs::directory_iterator(dir)) {
        const auto name = e.path().filename().string();
        if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            out.push_back(name);
    }
    return out;
}

std::optional<std::int64_t> logStartCheckpoint(const fs::path &logDir, const std::string &topic, int partition)
{
    auto cp = core::OffsetCheckpoint::read(logDir / core::kLogStartOffsetCheckpointFile);
    if (!cp)
        return std::nullopt;
    auto v = cp->find(topic, core::PartitionId(partition));
    return v ? std::optional<std::int64_t>(v->get()) : std::nullopt;
}

} // namespace

TEST_CASE("ops shrink-retention --offline killed mid-way is finished by ops recover and the broker serves the rest",
          "[ops][retention][broker]")
{
    RetentionBroker broker;
    TempDir work;
    const std::string journal = (work / "journal.sqlite").string();
    broker.createTopic("offline", 2);
    for (int p = 0; p < 2; ++p)
        broker.produce("offline", p, 8000, "old");
    const std::int64_t oldEnd = wallMs();
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    for (int p = 0; p < 2; ++p)
        broker.produce("offline", p, 4000, "new");
    const auto end0 = broker.offsets("offline", 0).second;
    const auto end1 = broker.offsets("offline", 1).second;
    broker.stop();

    // The broker is stopped: nothing moves any more, so the retention may be computed once.
    const std::string retention = std::to_string(wallMs() - oldEnd - 1000);
    const std::vector<std::string> args{"shrink-retention",  "--offline", "--log-dirs",
                                        broker.logDirList(), "--topic",   "offline",
                                        "--retention-ms",    retention,   "--json"};
    const auto preview = opsCli(journal, args);
    INFO(preview.out);
    REQUIRE(preview.exitCode == 0);
    const auto cuts = plannedCuts(preview.out);
    REQUIRE(cuts.size() == 2);
    for (const auto &[name, cut] : cuts) {
        INFO(name);
        REQUIRE(cut.segments >= 2);
    }
    const auto &cut0 = cuts.at("offline-0");
    const auto &cut1 = cuts.at("offline-1");
    const fs::path dir0 = fs::path(cut0.logDir) / "offline-0";
    const fs::path dir1 = fs::path(cut1.logDir) / "offline-1";

    // Killed right after offline-0's segments were renamed to .deleted.
    ::setenv("SPILLWAY_OPS_TEST_KILL_AFTER", "rename:offline-0", 1);
    auto yes = args;
    yes.push_back("--yes");
    const auto killed = opsCli(journal, yes);
    ::unsetenv("SPILLWAY_OPS_TEST_KILL_AFTER");
    INFO(killed.out);
    REQUIRE(killed.signal == SIGKILL);
    CHECK(logStartCheckpoint(cut0.logDir, "offline", 0) == cut0.newLogStart);
    CHECK(filesEndingWith(dir0, ".log.deleted").size() == static_cast<std::size_t>(cut0.segments));
    CHECK(filesEndingWith(dir1, ".deleted").empty()); // not reached yet
    const auto listed = opsCli(journal, {"list"});
    CHECK(listed.out.find("interrupted at step rename:offline-0") != std::string::npos);

    const auto recovered = opsCli(journal, {"recover"});
    INFO(recovered.out);
    REQUIRE(recovered.exitCode == 0);
    CHECK(recovered.out.find("retention-shrink: done") != std::string::npos);
    for (const auto &[dir, cut, p] : {std::tuple{dir0, cut0, 0}, std::tuple{dir1, cut1, 1}}) {
        INFO(dir.string());
        CHECK(filesEndingWith(dir, ".deleted").empty());
        const auto logs = filesEndingWith(dir, ".log");
        REQUIRE_FALSE(logs.empty());
        CHECK(std::stoll(std::min_element(logs.begin(), logs.end())->substr(0, 20)) == cut.newLogStart);
        CHECK(logStartCheckpoint(cut.logDir, "offline", p) == cut.newLogStart);
    }

    // The broker starts on the shrunk dirs and serves every message from the new log start.
    broker.start();
    for (const auto &[p, cut, end] : {std::tuple{0, cut0, end0}, std::tuple{1, cut1, end1}}) {
        INFO("partition " << p);
        const auto [start, latest] = broker.offsets("offline", p);
        CHECK(start == cut.newLogStart);
        CHECK(latest == end);
        const auto messages = broker.consume("offline", p);
        REQUIRE_FALSE(messages.empty());
        CHECK(messages.begin()->first == cut.newLogStart);
        CHECK(static_cast<std::int64_t>(messages.size()) == end - cut.newLogStart);
        // Offsets are contiguous: nothing between the new start and the end is missing.
        CHECK(messages.rbegin()->first == end - 1);
        CHECK(messages.rbegin()->second.rfind("new-3999-", 0) == 0);
    }
}
