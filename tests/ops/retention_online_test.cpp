// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli ops shrink-retention` online against the real lab broker with
// data produced by librdkafka (kcat): the preview, the change through
// IncrementalAlterConfigs, the broker's own deletion matching the plan within
// one segment per partition, the remaining messages served from the new log
// start, and `ops restore-retention` putting the original settings back.
#include "tests/ops/retention_test_support.h"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace spillway;
using namespace spillway::test;
namespace fs = std::filesystem;

TEST_CASE("ops shrink-retention online frees what its preview said and restore puts the settings back",
          "[ops][retention][broker]")
{
    RetentionBroker broker;
    TempDir work;
    const std::string journal = (work / "journal.sqlite").string();
    // retention.ms is a topic override (a day), retention.bytes the broker default.
    broker.createTopic("shrink", 2, {{"retention.ms", "86400000"}});

    // Old data, a pause, new data: the pause separates the segments' ages.
    for (int p = 0; p < 2; ++p)
        broker.produce("shrink", p, 8000, "old");
    const std::int64_t oldEnd = wallMs();
    // Long enough that the new data stays younger than the cut while the test runs, on a loaded machine too.
    std::this_thread::sleep_for(std::chrono::milliseconds(8000));
    for (int p = 0; p < 2; ++p)
        broker.produce("shrink", p, 8000, "new");
    const auto before0 = broker.offsets("shrink", 0);
    const auto before1 = broker.offsets("shrink", 1);
    REQUIRE(before0.first == 0);

    // Everything older than the pause's middle expires.
    const std::int64_t retention = wallMs() - oldEnd - 1000;
    const std::vector<std::string> args{
        "shrink-retention", "--bootstrap",    broker.bootstrap(),        "--broker", "1", "--topic",
        "shrink",           "--retention-ms", std::to_string(retention), "--json"};

    const auto preview = opsCli(journal, args);
    INFO(preview.out);
    REQUIRE(preview.exitCode == 0);
    const auto cuts = plannedCuts(preview.out);
    REQUIRE(cuts.size() == 2);
    for (const auto &[name, cut] : cuts) {
        INFO(name);
        CHECK(cut.segments >= 2); // the old data spans several 256 KiB segments
    }
    CHECK(jsonString(preview.out, "orig.shrink.retention.ms") == "override:86400000");
    CHECK(jsonString(preview.out, "orig.shrink.retention.bytes") == "default:-1");
    // The preview changed nothing.
    CHECK(broker.config("shrink", "retention.ms") == std::pair<std::string, bool>("86400000", true));

    std::map<std::string, std::int64_t> sizeBefore;
    std::map<std::string, std::int64_t> tolerance;
    for (const auto &[name, cut] : cuts) {
        sizeBefore[name] = dirBytes(fs::path(cut.logDir) / name);
        tolerance[name] = largestSegmentBytes(fs::path(cut.logDir) / name);
    }

    auto yes = args;
    yes.push_back("--yes");
    yes.push_back("--wait-seconds");
    yes.push_back("40");
    const auto run = opsCli(journal, yes);
    INFO(run.out);
    REQUIRE(run.exitCode == 0);
    const auto id = jsonInt(run.out, "id");
    REQUIRE(id.has_value());
    const auto ranCuts = plannedCuts(run.out);
    REQUIRE(ranCuts.size() == 2);

    // The broker deleted what the plan said, within one segment per partition.
    for (const auto &[name, cut] : ranCuts) {
        INFO(name << ": planned " << cut.bytes << " bytes");
        const std::int64_t freed = sizeBefore[name] - dirBytes(fs::path(cut.logDir) / name);
        CHECK(freed > 0);
        CHECK(std::abs(freed - cut.bytes) <= tolerance[name]);
    }
    CHECK(broker.config("shrink", "retention.ms") == std::pair<std::string, bool>(std::to_string(retention), true));

    // Every remaining message is served from the new log start.
    for (int p = 0; p < 2; ++p) {
        const auto [start, end] = broker.offsets("shrink", p);
        const auto &cut = ranCuts.at("shrink-" + std::to_string(p));
        INFO("partition " << p);
        CHECK(start >= cut.newLogStart);
        CHECK(start > 0);
        CHECK(end == (p == 0 ? before0.second : before1.second));
        const auto messages = broker.consume("shrink", p);
        REQUIRE(!messages.empty());
        CHECK(messages.begin()->first == start);
        CHECK(static_cast<std::int64_t>(messages.size()) == end - start);
        CHECK(messages.rbegin()->second.rfind("new-7999-", 0) == 0);
    }

    // Restore: the override comes back, the default stays a default.
    const auto restorePlan = opsCli(journal, {"restore-retention", "--id", std::to_string(*id)});
    INFO(restorePlan.out);
    REQUIRE(restorePlan.exitCode == 0);
    CHECK(restorePlan.out.find("shrink.retention.ms = 86400000") != std::string::npos);
    CHECK(broker.config("shrink", "retention.ms").first == std::to_string(retention));
    const auto restored = opsCli(journal, {"restore-retention", "--id", std::to_string(*id), "--yes"});
    INFO(restored.out);
    REQUIRE(restored.exitCode == 0);
    CHECK(broker.config("shrink", "retention.ms") == std::pair<std::string, bool>("86400000", true));
    CHECK_FALSE(broker.config("shrink", "retention.bytes").second);

    const auto list = opsCli(journal, {"list", "--json"});
    REQUIRE(list.exitCode == 0);
    CHECK(list.out.find("\"kind\":\"retention-shrink\"") != std::string::npos);
    CHECK(list.out.find("\"kind\":\"retention-restore\"") != std::string::npos);
    CHECK(list.out.find("\"state\":\"running\"") == std::string::npos);
    CHECK(list.out.find("\"state\":\"failed\"") == std::string::npos);
}

TEST_CASE("ops shrink-retention refuses what it cannot do", "[ops][retention][broker]")
{
    RetentionBroker broker;
    TempDir work;
    const std::string journal = (work / "journal.sqlite").string();
    broker.createTopic("few", 1);
    broker.produce("few", 0, 100, "m");
    // An unknown topic.
    const auto unknown = opsCli(journal, {"shrink-retention", "--bootstrap", broker.bootstrap(), "--broker", "1",
                                          "--topic", "nope", "--retention-ms", "1000"});
    CHECK(unknown.exitCode != 0);
    CHECK(unknown.out.find("nope") != std::string::npos);
    // More than the closed segments hold: the search says it cannot be reached.
    const auto tooMuch = opsCli(journal, {"shrink-retention", "--bootstrap", broker.bootstrap(), "--broker", "1",
                                          "--free", "1G", "--dir", broker.logDirs()[0].string()});
    INFO(tooMuch.out);
    CHECK(tooMuch.exitCode != 0);
    CHECK(tooMuch.out.find("cannot free") != std::string::npos);
    // Offline while the broker runs: its .lock is held.
    const auto locked = opsCli(journal, {"shrink-retention", "--offline", "--log-dirs", broker.logDirList(), "--topic",
                                         "few", "--retention-ms", "0", "--yes"});
    INFO(locked.out);
    CHECK(locked.exitCode != 0);
    CHECK(locked.out.find("stop the broker") != std::string::npos);
}

TEST_CASE("An online shrink killed after the config change is finished by ops recover and can be restored",
          "[ops][retention][broker]")
{
    RetentionBroker broker;
    TempDir work;
    const std::string journal = (work / "journal.sqlite").string();
    broker.createTopic("killed", 1, {{"retention.bytes", "1073741824"}});
    broker.produce("killed", 0, 3000, "m");
    ::setenv("SPILLWAY_OPS_TEST_KILL_AFTER", "alter-configs", 1);
    const auto killed = opsCli(journal, {"shrink-retention", "--bootstrap", broker.bootstrap(), "--broker", "1",
                                         "--topic", "killed", "--retention-ms", "3600000", "--yes"});
    ::unsetenv("SPILLWAY_OPS_TEST_KILL_AFTER");
    INFO(killed.out);
    REQUIRE(killed.signal == SIGKILL);
    CHECK(broker.config("killed", "retention.ms") == std::pair<std::string, bool>("3600000", true));
    CHECK(opsCli(journal, {"list"}).out.find("interrupted at step alter-configs") != std::string::npos);

    const auto recovered = opsCli(journal, {"recover"});
    INFO(recovered.out);
    REQUIRE(recovered.exitCode == 0);
    CHECK(recovered.out.find("retention-shrink: done") != std::string::npos);
    CHECK(opsCli(journal, {"list"}).out.find("running") == std::string::npos);

    // The originals were journaled before the change: restore puts them back.
    const auto restored = opsCli(journal, {"restore-retention", "--id", "1", "--yes"});
    INFO(restored.out);
    REQUIRE(restored.exitCode == 0);
    CHECK_FALSE(broker.config("killed", "retention.ms").second);
    CHECK(broker.config("killed", "retention.bytes") == std::pair<std::string, bool>("1073741824", true));
}
