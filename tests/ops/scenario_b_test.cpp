// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario B end to end on a real lab (spillway-cli lab up, labfs disks, the
// load generator, kcat): fail data3, the disk alert names it, the swap plan
// names its partitions, `ops swap-disk data3 -> data4` brings the broker
// back serving every partition, and the partitions of data3 are reported
// lost (replication factor 1). Then the swap killed after each of its steps
// and finished by `ops recover`: the broker runs, server.properties holds
// the old or the new log.dirs (never a mix), and nothing is lost.
#include "tests/lab/lab_test_support.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <set>

using namespace spillway;
using namespace spillway::test;
namespace fs = std::filesystem;

namespace {

/// kcat produces `count` messages keyed `key` to one partition; true when all were acknowledged.
bool produceKeyed(const TestLab &lab, int partition, const std::string &key, int count)
{
    const auto file = (lab.dir() / (key + "-" + std::to_string(partition) + ".txt")).string();
    {
        std::ofstream out(file);
        for (int i = 0; i < count; ++i)
            out << key << ":value-" << i << "\n";
    }
    const auto r = runProcess({"kcat", "-b", lab.bootstrap(), "-P", "-t", "testKafka", "-p", std::to_string(partition),
                               "-K", ":", "-l", file, "-X", "message.timeout.ms=15000"},
                              std::chrono::seconds(60));
    return r.exitCode == 0;
}

/// How many messages keyed `key` kcat reads back from a partition.
int countKeyed(const TestLab &lab, int partition, const std::string &key)
{
    const auto r = runProcess({"kcat", "-b", lab.bootstrap(), "-C", "-t", "testKafka", "-p", std::to_string(partition),
                               "-o", "beginning", "-e", "-q", "-f", "%k\n"},
                              std::chrono::seconds(120));
    int n = 0;
    std::size_t pos = 0;
    while ((pos = r.out.find(key + "\n", pos)) != std::string::npos) {
        if (pos == 0 || r.out[pos - 1] == '\n')
            ++n;
        pos += key.size();
    }
    return n;
}

/// The value of `key=` in a properties text ("" when absent).
std::string propertyOf(const std::string &text, const std::string &key)
{
    std::size_t at = 0;
    std::string value;
    while ((at = text.find(key + "=", at)) != std::string::npos) {
        if (at == 0 || text[at - 1] == '\n') {
            const auto end = text.find('\n', at);
            value = text.substr(at + key.size() + 1,
                                end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
        }
        at += key.size();
    }
    return value;
}

ProcessResult swapDisk(const TestLab &lab, const fs::path &journal, std::vector<std::string> extra)
{
    std::vector<std::string> argv{
        kCli,       "ops", "swap-disk", "--journal", journal.string(), "--lab", lab.root().string(),
        "--broker", "1",   "--from",    "data3",     "--to",           "data4"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return runProcess(argv, std::chrono::seconds(240));
}

/// Python's repr of a sorted list of strings: "['a', 'b']".
std::string pyList(const std::set<std::string> &items)
{
    std::string out = "[";
    for (const auto &i : items)
        out += (out.size() > 1 ? ", '" : "'") + i + "'";
    return out + "]";
}

/// The partition dirs ("<topic>-<n>") of a log dir, of every topic.
std::size_t partitionDirCount(const fs::path &dir)
{
    std::size_t n = 0;
    for (const auto &e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        const auto dash = name.rfind('-');
        if (e.is_directory() && dash != std::string::npos && dash + 1 < name.size() &&
            name.find_first_not_of("0123456789", dash + 1) == std::string::npos)
            ++n;
    }
    return n;
}

std::set<std::string> names(const std::vector<int> &partitions)
{
    std::set<std::string> out;
    for (int p : partitions)
        out.insert("testKafka-" + std::to_string(p));
    return out;
}

} // namespace

TEST_CASE("Scenario B: a failed disk is named by the alert, swapped for the spare, and the broker serves every "
          "partition again with the lost ones reported",
          "[ops][swap][scenario-b]")
{
    if (!labfsUsable()) {
        WARN("spillway-labfs cannot mount FUSE disks here: scenario B (fail-disk) is skipped");
        return;
    }
    TestLab lab(true);
    const auto up = lab.up();
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    const auto data3 = lab.disk("data3");
    const auto data4 = lab.disk("data4");
    const auto onData3 = partitionsOn(data3);
    REQUIRE_FALSE(onData3.empty());
    const std::size_t partitionDirsOnData3 = partitionDirCount(data3); // testKafka's and internal topics'
    const auto config = lab.root() / "broker-1" / "server.properties";
    const std::string configBefore = slurp(config.string());
    const auto journal = lab.dir() / "journal.sqlite";

    // 1. The disk dies: every read and write fails with EIO, the broker takes it offline.
    const auto drill = lab.lab({"drill", "fail-disk", "--disk", "data3"});
    INFO(drill.out);
    REQUIRE(drill.exitCode == 0);
    REQUIRE(eventually(
        [&] { return lab.brokerLog().find("log dir " + data3.string() + " is offline") != std::string::npos; },
        std::chrono::seconds(60)));

    // 2. A critical alert names the dir: offline (stat answers EIO: the dir is
    // there but unreadable, not missing), fixed by swapping the disk.
    const auto disks = runProcess({kCli, "disks", "--config", config.string(), "--json"}, std::chrono::seconds(60));
    INFO(disks.out);
    CHECK(disks.exitCode == 1);
    CHECK(jsonEval(lab.dir(), disks.out,
                   "[(a['severity'], a['rule'], a['fix']['kind']) for a in d['alerts'] if a['fix'].get('dir') == '" +
                       data3.string() + "' and '" + data3.string() + "' in a['text']]") ==
          "[('critical', 'log-dir-offline', 'swap-disk')]");
    // The monitor's round (`status`, as the console) also lists the partitions
    // that were on it (the broker's Metadata names their replica on broker 1
    // offline) and says they have no other replica.
    const auto status = runProcess(
        {kCli, "status", "--lab", lab.root().string(), "--json", "--history", (lab.dir() / "history.sqlite").string()},
        std::chrono::seconds(60));
    INFO(status.out);
    const std::string offlineText =
        jsonEval(lab.dir(), status.out,
                 "''.join(a['text'] for a in d['alerts'] if a['rule'] == 'log-dir-offline' and a['dir'] == '" +
                     data3.string() + "' and a['fix_kind'] == 'swap-disk')");
    INFO(offlineText);
    CHECK(offlineText.find("log dir " + data3.string() + " on ") != std::string::npos);
    CHECK(offlineText.find(std::to_string(partitionDirsOnData3) +
                           (partitionDirsOnData3 == 1 ? " partition was on it" : " partitions were on it")) !=
          std::string::npos);
    if (onData3.size() <= 8) {
        for (const auto &p : names(onData3))
            CHECK(offlineText.find(p) != std::string::npos);
    }
    CHECK(offlineText.find("no other replica (replication factor 1): data lost unless the disk comes back") !=
          std::string::npos);

    // 3. The plan names the partitions that were on data3, all lost (RF 1), and changes nothing.
    const auto plan = swapDisk(lab, journal, {"--json"});
    INFO(plan.out);
    REQUIRE(plan.exitCode == 0);
    std::set<std::string> planned;
    for (const auto &p : names(onData3)) {
        CHECK(jsonEval(lab.dir(), plan.out, "[p['lost'] for p in d['partitions'] if p['partition'] == '" + p + "']") ==
              "[True]");
        planned.insert(p);
    }
    CHECK(jsonEval(lab.dir(), plan.out, "len(d['partitions'])") == std::to_string(onData3.size()));
    CHECK(jsonEval(lab.dir(), plan.out, "d['executed']") == "False");
    CHECK(slurp(config.string()) == configBefore);

    // 4. The swap: stop, edit, start; the broker re-creates data3's partitions on data4.
    const auto swap = swapDisk(lab, journal, {"--json", "--yes"});
    INFO(swap.out);
    REQUIRE(swap.exitCode == 0);
    CHECK(jsonEval(lab.dir(), swap.out, "d['report']['state']") == "done");
    CHECK(jsonEval(lab.dir(), swap.out, "sorted(p['partition'] for p in d['report']['lost'])") == pyList(planned));
    CHECK(jsonEval(lab.dir(), swap.out, "set(r['dir'] for r in d['report']['recreated'])") ==
          "{'" + data4.string() + "'}");
    CHECK(jsonEval(lab.dir(), swap.out, "len(d['report']['recreated'])") == std::to_string(onData3.size()));
    CHECK(jsonEval(lab.dir(), swap.out, "d['report']['missing']") == "[]");
    CHECK(names(partitionsOn(data4)) == planned);

    // The config: data4 instead of data3, the comments kept, the old one backed up.
    const std::string configAfter = slurp(config.string());
    const std::string dirsAfter = propertyOf(configAfter, "log.dirs");
    CHECK(dirsAfter.find(data4.string()) != std::string::npos);
    CHECK(dirsAfter.find(data3.string()) == std::string::npos);
    CHECK(configAfter.rfind("# Spillway lab broker 1", 0) == 0);
    const auto backup = jsonEval(lab.dir(), swap.out, "d['report']['backup']");
    CHECK(slurp(backup) == configBefore);
    CHECK(propertyOf(slurp((data4 / "meta.properties").string()), "cluster.id") ==
          propertyOf(slurp((lab.disk("data0") / "meta.properties").string()), "cluster.id"));

    // 5. The broker serves again: every partition takes writes and gives them back.
    for (int p = 0; p < 12; ++p) {
        INFO("partition " << p);
        REQUIRE(produceKeyed(lab, p, "after-swap", 20));
        CHECK(countKeyed(lab, p, "after-swap") == 20);
    }
    const auto listed = runProcess({kCli, "ops", "list", "--journal", journal.string(), "--json"});
    CHECK(jsonEval(lab.dir(), listed.out, "[o['state'] for o in d['operations'] if o['kind'] == 'disk-swap']") ==
          "['done']");
}

namespace {

/// One crash window: the swap of a healthy, retiring data3 (--accept-loss)
/// SIGKILLed right after `window` is journaled, then `ops recover`.
void killMidSwap(const std::string &window)
{
    INFO("killed after " << window);
    TestLab lab(false);
    const auto up = lab.up();
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    const auto data3 = lab.disk("data3");
    const auto data4 = lab.disk("data4");
    const auto onData3 = partitionsOn(data3);
    REQUIRE_FALSE(onData3.empty());
    const auto config = lab.root() / "broker-1" / "server.properties";
    const std::string oldDirs = propertyOf(slurp(config.string()), "log.dirs");
    for (int p = 0; p < 12; ++p)
        REQUIRE(produceKeyed(lab, p, "before", 20));
    const auto journal = lab.dir() / "journal.sqlite";

    ::setenv("SPILLWAY_OPS_TEST_KILL_AFTER", window.c_str(), 1);
    const auto killed = swapDisk(lab, journal, {"--yes", "--accept-loss"});
    ::unsetenv("SPILLWAY_OPS_TEST_KILL_AFTER");
    INFO(killed.out);
    REQUIRE(killed.signal == SIGKILL);
    // server.properties is the old or the new one, never a mix, even before recovery.
    const std::string between = propertyOf(slurp(config.string()), "log.dirs");
    const bool edited = between != oldDirs;
    if (edited) {
        CHECK(between.find(data4.string()) != std::string::npos);
        CHECK(between.find(data3.string()) == std::string::npos);
    }
    const auto listed = runProcess({kCli, "ops", "list", "--journal", journal.string()});
    CHECK(listed.out.find("interrupted at step " + window) != std::string::npos);

    const auto recovered =
        runProcess({kCli, "ops", "recover", "--journal", journal.string(), "--json"}, std::chrono::seconds(240));
    INFO(recovered.out);
    REQUIRE(recovered.exitCode == 0);
    const bool forward = window == "edit-config" || window == "start-broker" || window == "verify";
    CHECK(jsonEval(lab.dir(), recovered.out, "d['recovered'][0]['state']") == (forward ? "done" : "rolled-back"));
    CHECK(runProcess({kCli, "ops", "list", "--journal", journal.string(), "--json"}).out.find("\"running\"") ==
          std::string::npos);
    const std::string dirs = propertyOf(slurp(config.string()), "log.dirs");
    if (forward) {
        CHECK(dirs.find(data4.string()) != std::string::npos);
        CHECK(dirs.find(data3.string()) == std::string::npos);
        CHECK(names(partitionsOn(data4)) == names(onData3));
    } else {
        CHECK(dirs == oldDirs);
        CHECK(fs::is_empty(data4)); // the spare's meta.properties went with the rollback
    }
    // Nothing deleted: data3 still holds its partitions' files either way.
    CHECK(partitionsOn(data3) == onData3);

    // The broker runs and serves every partition; every message written
    // before survives, except on data3's partitions after a roll forward
    // (left on data3, reported lost: they start empty on data4).
    REQUIRE(waitForPort(lab.port(), std::chrono::seconds(30)));
    const std::set<int> moved(onData3.begin(), onData3.end());
    for (int p = 0; p < 12; ++p) {
        INFO("partition " << p);
        const bool lost = forward && moved.count(p) > 0;
        CHECK(countKeyed(lab, p, "before") == (lost ? 0 : 20));
        REQUIRE(produceKeyed(lab, p, "after", 5));
        CHECK(countKeyed(lab, p, "after") == 5);
    }
}

} // namespace

TEST_CASE("A swap killed after check-spare is rolled back by ops recover", "[ops][swap][crash]")
{
    killMidSwap("check-spare");
}
TEST_CASE("A swap killed after prepare-spare is rolled back by ops recover", "[ops][swap][crash]")
{
    killMidSwap("prepare-spare");
}
TEST_CASE("A swap killed with the broker stopped is rolled back and the broker restarted", "[ops][swap][crash]")
{
    killMidSwap("stop-broker");
}
TEST_CASE("A swap killed after the config edit is rolled forward by ops recover", "[ops][swap][crash]")
{
    killMidSwap("edit-config");
}
TEST_CASE("A swap killed after the broker started is finished by ops recover", "[ops][swap][crash]")
{
    killMidSwap("start-broker");
}
TEST_CASE("A swap killed after verify is finished by ops recover", "[ops][swap][crash]") { killMidSwap("verify"); }
