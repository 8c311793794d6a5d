// SPDX-License-Identifier: GPL-3.0-or-later
// The `sync` step of the disk swap: the swapped broker followed until it is
// back in the ISR of its replicated partitions.
//
// The lab cannot replicate: each lab broker is a one-broker cluster of its
// own and every partition has replication factor 1. So the in-sync decision
// (evaluateReplicaSync, a pure function of Metadata and DescribeLogDirs) is
// tested here on hand-built metadata and log-dir descriptions of RF 2 and 3
// clusters: leader elsewhere, the broker out of the ISR and catching up, an
// offline replica, no leader, a partition deleted or reassigned meanwhile;
// and so is the wait loop (waitForReplicaSync), fed a sequence of such
// hand-built answers: catching up then in sync, the timeout, the operator's
// cancel, one look only, a broker that never answers.
// What the lab can run for real is run for real: `ops swap-disk` on a lab
// broker ends its sync step at once with 0 replicated partitions, the plan
// names the step, a bad --sync-timeout is refused, and a swap killed after
// the sync step is re-checked and completed by `ops recover`.
#include "core/ops/disk_swap_sync.h"
#include "tests/lab/lab_test_support.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>

using namespace spillway;
using namespace spillway::core::ops;
using namespace spillway::test;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMiB = 1024 * 1024;

PartitionReplicasView part(const std::string &topic, std::int32_t p, std::vector<std::int32_t> replicas,
                           std::vector<std::int32_t> isr, std::int32_t leader, std::vector<std::int32_t> offline = {})
{
    PartitionReplicasView v;
    v.topic = topic;
    v.partition = p;
    v.replicas = std::move(replicas);
    v.isr = std::move(isr);
    v.offlineReplicas = std::move(offline);
    v.leader = leader;
    return v;
}

BrokerLogDirView dir(const std::string &path, std::map<std::string, std::int64_t> partitions, bool online = true)
{
    BrokerLogDirView d;
    d.path = path;
    d.online = online;
    d.partitions = std::move(partitions);
    return d;
}

const PartitionSync &named(const SyncStatus &s, const std::string &name)
{
    for (const auto &p : s.partitions)
        if (p.name == name)
            return p;
    FAIL("no partition " << name);
    return s.partitions.front();
}

} // namespace

TEST_CASE("RF 2: the swapped broker catching up from a leader elsewhere, then in sync", "[ops][swap][sync]")
{
    // Scenario C: broker 3's data3 became data4; testKafka-1 and -7 (RF 2) were there.
    const std::vector<PartitionReplicasView> md{
        part("testKafka", 1, {2, 3}, {2}, 2), part("testKafka", 7, {3, 1}, {1}, 1),
        part("testKafka", 4, {3, 2}, {3, 2}, 3), // on another disk of broker 3, untouched
        part("testKafka", 0, {1, 2}, {1, 2}, 1), // not a replica of broker 3
    };
    std::map<std::int32_t, std::vector<BrokerLogDirView>> dirs;
    dirs[3] = {dir("/data/data0", {{"testKafka-4", 5 * kMiB}}),
               dir("/data/data4", {{"testKafka-1", 10 * kMiB}, {"testKafka-7", 0}})};
    dirs[2] = {dir("/data/data1", {{"testKafka-1", 40 * kMiB}})};
    // Broker 1 (leader of testKafka-7) did not answer: its size is unknown.

    const auto s = evaluateReplicaSync(3, md, dirs);
    CHECK(s.brokerId == 3);
    REQUIRE(s.partitions.size() == 3);
    CHECK(s.total() == 3);
    CHECK(s.inSync() == 1);
    CHECK_FALSE(s.complete());

    const auto &p1 = named(s, "testKafka-1");
    CHECK(p1.state == ReplicaSync::CatchingUp);
    CHECK(p1.leader == 2);
    CHECK(p1.dir == "/data/data4");
    CHECK(p1.bytes == 10 * kMiB);
    CHECK(p1.leaderBytes == 40 * kMiB);
    CHECK(p1.fraction() == Approx(0.25));
    CHECK(p1.describe().find("10.0 MiB of 40.0 MiB on leader 2 (25%)") != std::string::npos);

    const auto &p7 = named(s, "testKafka-7");
    CHECK(p7.state == ReplicaSync::CatchingUp);
    CHECK(p7.leaderBytes == -1);
    CHECK(p7.fraction() == 0.0);
    CHECK(p7.describe().find("an unknown size") != std::string::npos);

    CHECK(named(s, "testKafka-4").state == ReplicaSync::InSync);
    CHECK(s.fraction() == Approx((0.25 + 0.0 + 1.0) / 3));
    CHECK(s.progressLine() == "1 of 3 replicated partition(s) of broker 3 in sync; re-syncing 10.0 MiB of 40.0 MiB");
    const auto behind = s.outOfSync();
    REQUIRE(behind.size() == 2);
    CHECK(behind[0].name == "testKafka-1");
    CHECK(behind[1].name == "testKafka-7");
    CHECK(s.followed() == std::set<std::string>{"testKafka-1", "testKafka-4", "testKafka-7"});

    // A copy ahead of the leader's last answer never counts as done: only the ISR does.
    dirs[3][1].partitions["testKafka-1"] = 41 * kMiB;
    CHECK(named(evaluateReplicaSync(3, md, dirs), "testKafka-1").fraction() == Approx(0.99));

    // Both back in the ISR: complete.
    std::vector<PartitionReplicasView> later = md;
    later[0].isr = {2, 3};
    later[1].isr = {1, 3};
    const auto done = evaluateReplicaSync(3, later, dirs, s.followed());
    CHECK(done.complete());
    CHECK(done.inSync() == 3);
    CHECK(done.fraction() == 1.0);
    CHECK(done.outOfSync().empty());
}

TEST_CASE("RF 3: an offline replica and a partition without a leader are out of sync and say why", "[ops][swap][sync]")
{
    const std::vector<PartitionReplicasView> md{
        // Broker 3's replica is offline (its new dir failed too): it does not re-sync by itself.
        part("orders", 0, {1, 2, 3}, {1, 2}, 1, {3}),
        // Another broker's replica offline, broker 3 in the ISR: in sync.
        part("orders", 1, {2, 3, 1}, {2, 3}, 2, {1}),
        // No leader at all.
        part("orders", 2, {3, 1, 2}, {}, -1),
        // Not in any log dir of broker 3 yet.
        part("orders", 3, {1, 3, 2}, {1, 2}, 1),
    };
    std::map<std::int32_t, std::vector<BrokerLogDirView>> dirs;
    // An offline dir's partitions do not count as present.
    dirs[3] = {dir("/data/data4", {{"orders-1", kMiB}}), dir("/data/data3", {{"orders-3", 7 * kMiB}}, false)};
    dirs[1] = {dir("/d/data0", {{"orders-0", 8 * kMiB}, {"orders-3", 8 * kMiB}})};

    const auto s = evaluateReplicaSync(3, md, dirs);
    CHECK(s.total() == 4);
    CHECK(s.inSync() == 1);
    CHECK_FALSE(s.complete());
    CHECK(named(s, "orders-0").state == ReplicaSync::ReplicaOffline);
    CHECK(named(s, "orders-0").describe().find("offline") != std::string::npos);
    CHECK(named(s, "orders-0").fraction() == 0.0);
    CHECK(named(s, "orders-1").state == ReplicaSync::InSync);
    CHECK(named(s, "orders-2").state == ReplicaSync::NoLeader);
    CHECK(named(s, "orders-2").describe().find("no live leader") != std::string::npos);
    const auto &p3 = named(s, "orders-3");
    CHECK(p3.state == ReplicaSync::CatchingUp);
    CHECK(p3.dir.empty());
    CHECK(p3.bytes == -1);
    CHECK(p3.leaderBytes == 8 * kMiB);
    CHECK(p3.describe().find("not in a log dir of the broker yet") != std::string::npos);
    CHECK(s.outOfSync().size() == 3);
}

TEST_CASE("A partition deleted or reassigned away during the wait is gone, not waited for", "[ops][swap][sync]")
{
    std::vector<PartitionReplicasView> md{
        part("a", 0, {2, 3}, {2}, 2),
        part("b", 0, {3, 2}, {2}, 2),
        part("c", 0, {3, 1}, {1}, 1),
    };
    const std::map<std::int32_t, std::vector<BrokerLogDirView>> none;
    const auto first = evaluateReplicaSync(3, md, none);
    CHECK(first.total() == 3);
    const auto followed = first.followed();

    // "a-0" deleted; "b-0" reassigned to brokers 1 and 2; "c-0" back in sync.
    md = {part("b", 0, {1, 2}, {1, 2}, 2), part("c", 0, {3, 1}, {1, 3}, 1)};
    const auto later = evaluateReplicaSync(3, md, none, followed);
    REQUIRE(later.partitions.size() == 3);
    CHECK(named(later, "a-0").state == ReplicaSync::Gone);
    CHECK(named(later, "a-0").describe().find("deleted or reassigned away") != std::string::npos);
    CHECK(named(later, "b-0").state == ReplicaSync::Gone);
    CHECK(named(later, "c-0").state == ReplicaSync::InSync);
    CHECK(later.total() == 1);
    CHECK(later.complete());
    CHECK(later.fraction() == 1.0);
    CHECK(later.followed() == std::set<std::string>{"c-0"});
}

TEST_CASE("RF 1 partitions need no re-sync: nothing to follow", "[ops][swap][sync]")
{
    const std::vector<PartitionReplicasView> md{part("testKafka", 0, {1}, {1}, 1), part("testKafka", 1, {1}, {}, -1)};
    const auto s = evaluateReplicaSync(1, md, {});
    CHECK(s.partitions.empty());
    CHECK(s.total() == 0);
    CHECK(s.complete());
    CHECK(s.fraction() == 1.0);
    CHECK(s.progressLine() == "0 of 0 replicated partition(s) of broker 1 in sync");
}

namespace {

/// Broker 3's view at each look: testKafka-1 (RF 2, leader 2) catching up
/// from 10 MiB to 40 MiB, in the ISR from look `inSyncAt` on (never when 0);
/// testKafka-5 deleted after the first look. Broker 2 answers its own dirs.
struct HandBuiltCluster {
    int inSyncAt = 0;
    int looks = 0;
    int leaderLooks = 0;

    core::Result<BrokerView> operator()(std::int32_t id)
    {
        BrokerView v;
        v.brokerId = id;
        if (id == 2) {
            ++leaderLooks;
            v.dirs = {dir("/b2/data0", {{"testKafka-1", 40 * kMiB}})};
            return v;
        }
        if (id == 1) // the leader of testKafka-5 does not answer: its size stays unknown
            return core::makeError(core::Errc::Io, "broker 1 does not answer");
        REQUIRE(id == 3);
        ++looks;
        const bool inSync = inSyncAt > 0 && looks >= inSyncAt;
        v.partitions = {
            part("testKafka", 1, {2, 3}, inSync ? std::vector<std::int32_t>{2, 3} : std::vector<std::int32_t>{2}, 2)};
        if (looks == 1)
            v.partitions.push_back(part("testKafka", 5, {3, 1}, {1}, 1));
        v.dirs = {dir("/b3/data4", {{"testKafka-1", std::min<std::int64_t>(40, 10 * looks) * kMiB}})};
        return v;
    }
};

} // namespace

TEST_CASE("The sync wait follows a catching-up partition until the broker is in its ISR", "[ops][swap][sync]")
{
    HandBuiltCluster cluster;
    cluster.inSyncAt = 3;
    std::vector<std::string> messages;
    RunOptions options;
    options.progress = [&](double, std::string_view m) { messages.emplace_back(m); };
    const auto wait = waitForReplicaSync(
        3, [&](std::int32_t id) { return cluster(id); }, std::chrono::seconds(600), options,
        std::chrono::milliseconds(100));
    CHECK(wait.end == "in sync");
    CHECK(wait.looked);
    CHECK(wait.status.complete());
    CHECK(cluster.looks == 3);
    CHECK(cluster.leaderLooks >= 2); // the leader's size, while catching up
    // testKafka-5 was deleted after the first look: gone, not waited for.
    CHECK(named(wait.status, "testKafka-5").state == ReplicaSync::Gone);
    REQUIRE(messages.size() == 3);
    CHECK(messages[0] == "0 of 2 replicated partition(s) of broker 3 in sync; re-syncing 10.0 MiB of 40.0 MiB");
    CHECK(messages[1] == "0 of 1 replicated partition(s) of broker 3 in sync; re-syncing 20.0 MiB of 40.0 MiB");
    CHECK(messages[2] == "1 of 1 replicated partition(s) of broker 3 in sync");
}

TEST_CASE("The sync wait ends at its timeout, on cancel, or after one look, with what is still out of sync",
          "[ops][swap][sync]")
{
    SECTION("timeout")
    {
        HandBuiltCluster cluster; // never in sync
        const auto wait = waitForReplicaSync(
            3, [&](std::int32_t id) { return cluster(id); }, std::chrono::seconds(1), RunOptions{},
            std::chrono::milliseconds(100));
        CHECK(wait.end == "timed out after 1 s");
        CHECK(wait.looked);
        CHECK(cluster.looks >= 2);
        const auto behind = wait.status.outOfSync();
        REQUIRE(behind.size() == 1);
        CHECK(behind[0].name == "testKafka-1");
        CHECK(behind[0].leaderBytes == 40 * kMiB);
        CHECK(behind[0].describe().find("of 40.0 MiB on leader 2") != std::string::npos);
    }
    SECTION("the operator's cancel")
    {
        HandBuiltCluster cluster;
        std::atomic<bool> cancel{false};
        RunOptions options;
        options.cancel = &cancel;
        options.progress = [&](double, std::string_view) { cancel.store(cluster.looks >= 2); };
        const auto wait = waitForReplicaSync(
            3, [&](std::int32_t id) { return cluster(id); }, std::chrono::seconds(600), options,
            std::chrono::milliseconds(100));
        CHECK(wait.end == "stopped by the operator");
        CHECK(cluster.looks == 2);
        CHECK(wait.status.outOfSync().size() == 1);
    }
    SECTION("timeout 0: one look")
    {
        HandBuiltCluster cluster;
        const auto wait = waitForReplicaSync(
            3, [&](std::int32_t id) { return cluster(id); }, std::chrono::seconds(0), RunOptions{});
        CHECK(wait.end == "not waited (sync timeout 0)");
        CHECK(cluster.looks == 1);
        CHECK(wait.status.outOfSync().size() == 2);
    }
    SECTION("a broker that never answers")
    {
        int asked = 0;
        const auto wait = waitForReplicaSync(
            3,
            [&](std::int32_t) -> core::Result<BrokerView> {
                ++asked;
                return core::makeError(core::Errc::Io, "connection refused");
            },
            std::chrono::seconds(0), RunOptions{});
        CHECK_FALSE(wait.looked);
        CHECK(asked == 1);
        CHECK(wait.lastError.find("connection refused") != std::string::npos);
    }
}

namespace {

ProcessResult swapDisk(const TestLab &lab, const fs::path &journal, std::vector<std::string> extra)
{
    std::vector<std::string> argv{
        kCli,       "ops", "swap-disk", "--journal", journal.string(), "--lab", lab.root().string(),
        "--broker", "1",   "--from",    "data3",     "--to",           "data4"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return runProcess(argv, std::chrono::seconds(240));
}

} // namespace

TEST_CASE("ops swap-disk on a lab broker (RF 1) ends its sync step at once with 0 replicated partitions",
          "[ops][swap][sync][broker]")
{
    TestLab lab(false);
    const auto up = lab.up({"--produce-rate", "0", "--consume-rate", "0"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    const auto journal = lab.dir() / "journal.sqlite";

    const auto badTimeout = swapDisk(lab, journal, {"--sync-timeout", "soon"});
    INFO(badTimeout.out);
    CHECK(badTimeout.exitCode == 2);
    CHECK(badTimeout.out.find("--sync-timeout") != std::string::npos);

    const auto planned = swapDisk(lab, journal, {"--sync-timeout", "600"});
    INFO(planned.out);
    REQUIRE(planned.exitCode == 0);
    CHECK(planned.out.find("wait until broker 1 is back in the ISR of its 0 replicated partition(s) (at most 600 s") !=
          std::string::npos);

    const auto run = swapDisk(lab, journal, {"--yes", "--accept-loss", "--json"});
    INFO(run.out);
    REQUIRE(run.exitCode == 0);
    CHECK(jsonEval(lab.dir(), run.out,
                   "(d['report']['state'], d['report']['sync']['replicatedPartitions'], "
                   "d['report']['sync']['inSync'], d['report']['sync']['warnings'], d['report']['sync']['end'])") ==
          "('done', 0, 0, False, 'in sync')");
    CHECK(jsonEval(lab.dir(), run.out, "d['report']['summary'].endswith('in sync on its 0 replicated partition(s)')") ==
          "True");

    const auto listed = runProcess({kCli, "ops", "list", "--journal", journal.string(), "--json"});
    INFO(listed.out);
    CHECK(jsonEval(lab.dir(), listed.out,
                   "[(s['name'], s['state'], s['detail']) for s in d['operations'][0]['steps'] if s['name'] == "
                   "'sync']") == "[('sync', 'done', '0 of 0 replicated partition(s) of broker 1 in sync (in sync)')]");
    REQUIRE(waitForPort(lab.port(), std::chrono::seconds(30)));
}

TEST_CASE("A swap killed after its sync step is re-checked and completed by ops recover",
          "[ops][swap][sync][crash][broker]")
{
    TestLab lab(false);
    const auto up = lab.up({"--produce-rate", "0", "--consume-rate", "0"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    const auto journal = lab.dir() / "journal.sqlite";

    ::setenv("SPILLWAY_OPS_TEST_KILL_AFTER", "sync", 1);
    const auto killed = swapDisk(lab, journal, {"--yes", "--accept-loss"});
    ::unsetenv("SPILLWAY_OPS_TEST_KILL_AFTER");
    INFO(killed.out);
    REQUIRE(killed.signal == SIGKILL);
    const auto listed = runProcess({kCli, "ops", "list", "--journal", journal.string()});
    CHECK(listed.out.find("interrupted at step sync") != std::string::npos);

    const auto recovered =
        runProcess({kCli, "ops", "recover", "--journal", journal.string(), "--json"}, std::chrono::seconds(240));
    INFO(recovered.out);
    REQUIRE(recovered.exitCode == 0);
    CHECK(jsonEval(lab.dir(), recovered.out, "d['recovered'][0]['state']") == "done");
    const auto after = runProcess({kCli, "ops", "list", "--journal", journal.string(), "--json"});
    INFO(after.out);
    CHECK(jsonEval(lab.dir(), after.out, "d['operations'][0]['state']") == "done");
    CHECK(jsonEval(lab.dir(), after.out,
                   "[s['detail'] for s in d['operations'][0]['steps'] if s['name'] == 'sync'][-1]") ==
          "0 of 0 replicated partition(s) of broker 1 in sync (re-checked by ops recover, no new wait: in sync)");
    REQUIRE(waitForPort(lab.port(), std::chrono::seconds(30)));
}
