// SPDX-License-Identifier: GPL-3.0-or-later
// A failed disk (scenario B) on real labfs disks (skipped with a warning where
// FUSE is unavailable): the probe reads the EIO of stat as an offline dir, not
// a missing one (also in `spillway-cli disks`), and MonitorRound remembers the
// partitions seen on a dir while it was readable, so that once it fails the
// snapshot and the log-dir-offline alert still name them.
#include "core/measure/alert_rules.h"
#include "core/measure/disk_probe.h"
#include "core/measure/local_snapshot.h"
#include "core/services/cluster_monitor_round.h"
#include "tests/lab/lab_disk.h"
#include "tests/monitor/monitor_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>

using namespace spillway;
using namespace spillway::core;
using namespace spillway::test;

namespace {

/// A partition dir with one small segment, as Kafka lays it out.
void makePartition(const std::filesystem::path &logDir, const std::string &name)
{
    std::filesystem::create_directories(logDir / name);
    std::ofstream(logDir / name / "00000000000000000000.log") << std::string(4096, 'k');
    std::ofstream(logDir / name / "00000000000000000000.index");
}

const measure::LogDirSnapshot *dirOf(const MonitorUpdate &u, const std::filesystem::path &path)
{
    for (const auto &b : u.snapshot.brokers) {
        for (const auto &d : b.dirs) {
            if (d.path == path.string())
                return &d;
        }
    }
    return nullptr;
}

std::vector<std::string> partitionNames(const measure::LogDirSnapshot &d)
{
    std::vector<std::string> out;
    for (const auto &p : d.partitions)
        out.push_back(p.topic + "-" + std::to_string(p.partition.get()));
    std::sort(out.begin(), out.end());
    return out;
}

const measure::Alert *offlineAlertFor(const std::vector<measure::Alert> &alerts, const std::filesystem::path &dir)
{
    for (const auto &a : alerts) {
        if (a.rule == measure::AlertRule::LogDirOffline && a.dir == dir.string())
            return &a;
    }
    return nullptr;
}

} // namespace

TEST_CASE("a failed labfs disk (EIO on stat) is an offline log dir, not a missing one", "[monitor][probe][labfs]")
{
    TempDir tmp;
    LabDisk data0(tmp.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(data0);
    LabDisk data1(tmp.path(), "data1", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(data1);
    makePartition(data0.mountpoint(), "orders-0");
    makePartition(data1.mountpoint(), "orders-1");
    REQUIRE(data0.ctl({"fail"}).exitCode == 0);

    auto probe = measure::DiskProbe::fromSystem();
    REQUIRE(probe.ok());
    const measure::DirProbe p = probe->probeDir(data0.mountpoint());
    CHECK(p.exists);
    CHECK(p.unreadable);
    REQUIRE(p.error);
    CHECK(p.error->sysErrno == EIO);
    CHECK(p.mountPoint == data0.mountpoint().string()); // from the mount table: stat cannot tell
    CHECK_FALSE(p.usage);
    CHECK_FALSE(p.notMounted);

    const std::vector<std::filesystem::path> dirs{data0.mountpoint(), data1.mountpoint()};
    const auto local = measure::measureLocalLogDirs(dirs, *probe);
    measure::ClusterSnapshot snapshot;
    snapshot.brokers.push_back(measure::toBrokerSnapshot(BrokerId(1), local));
    const auto &d = snapshot.brokers[0].dirs;
    REQUIRE(d.size() == 2);
    CHECK(d[0].exists);
    CHECK(d[0].offline);
    CHECK_FALSE(d[0].ioErrors.empty());
    CHECK_FALSE(d[1].offline);
    const auto alerts = measure::evaluateAlertRules(snapshot, {});
    const measure::Alert *a = offlineAlertFor(alerts, data0.mountpoint());
    REQUIRE(a != nullptr);
    CHECK(a->severity == measure::AlertSeverity::Critical);
    CHECK(a->fix == measure::FixAction::swapDisk(BrokerId(1), data0.mountpoint().string()));
    for (const auto &other : alerts)
        CHECK(other.rule != measure::AlertRule::LogDirMissing);

    // `spillway-cli disks` says the same.
    const auto cli =
        runProcess({MonitorBroker::binary("spillway-cli"), "disks", "--log-dirs",
                    data0.mountpoint().string() + "," + data1.mountpoint().string(), "--broker-id", "1", "--json"},
                   std::chrono::seconds(60));
    INFO(cli.out);
    CHECK(cli.exitCode == 1);
    CHECK(jsonQuery(tmp.path(), cli.out, "[(l['exists'], l['offline']) for l in d['logDirs']]") ==
          "[(True, True), (True, False)]");
    CHECK(jsonQuery(tmp.path(), cli.out,
                    "[(a['rule'], a['fix']['kind']) for a in d['alerts'] if a['fix'].get('dir') == '" +
                        data0.mountpoint().string() + "']") == "[('log-dir-offline', 'swap-disk')]");
}

TEST_CASE("MonitorRound names the partitions last seen on a dir that went offline", "[monitor][round][labfs]")
{
    TempDir tmp;
    LabDisk data0(tmp.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(data0);
    LabDisk data1(tmp.path(), "data1", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(data1);
    makePartition(data0.mountpoint(), "testKafka-3");
    makePartition(data0.mountpoint(), "testKafka-7");
    makePartition(data1.mountpoint(), "testKafka-1");

    MonitorConfig config;
    config.localBrokers.push_back({BrokerId(1), "broker 1", "", {data0.mountpoint(), data1.mountpoint()}, {}});
    config.historyFile = QString::fromStdString((tmp.path() / "history.sqlite").string());
    MonitorRound round(config);

    // Round 1: readable, listed from the dir itself.
    const MonitorUpdate first = round.run(1);
    const auto *before = dirOf(first, data0.mountpoint());
    REQUIRE(before != nullptr);
    CHECK_FALSE(before->offline);
    CHECK(before->partitionsAsOfMs == 0);
    CHECK(partitionNames(*before) == std::vector<std::string>{"testKafka-3", "testKafka-7"});

    // Round 2: the disk fails; neither stat nor readdir works, the memory answers.
    REQUIRE(data0.ctl({"fail"}).exitCode == 0);
    const MonitorUpdate second = round.run(2);
    const auto *after = dirOf(second, data0.mountpoint());
    REQUIRE(after != nullptr);
    CHECK(after->exists);
    CHECK(after->offline);
    CHECK(after->partitionsAsOfMs == first.snapshot.timeMs);
    CHECK(after->partitionCount == 2);
    CHECK(partitionNames(*after) == std::vector<std::string>{"testKafka-3", "testKafka-7"});
    const auto *healthy = dirOf(second, data1.mountpoint());
    REQUIRE(healthy != nullptr);
    CHECK_FALSE(healthy->offline);
    CHECK(healthy->partitionsAsOfMs == 0);
    CHECK(partitionNames(*healthy) == std::vector<std::string>{"testKafka-1"});

    const measure::Alert *a = offlineAlertFor(second.alerts, data0.mountpoint());
    REQUIRE(a != nullptr);
    INFO(a->text);
    CHECK(a->key == "log-dir-offline/broker-1:" + data0.mountpoint().string());
    CHECK(a->text.find("2 partitions were on it (as last seen): testKafka-3, testKafka-7") != std::string::npos);
    // No cluster to ask: the replication factor is not known.
    CHECK(a->text.find("replication factor unknown") != std::string::npos);

    // Without the earlier round there is nothing to remember.
    config.historyFile = QString::fromStdString((tmp.path() / "history2.sqlite").string());
    MonitorRound fresh(config);
    const MonitorUpdate only = fresh.run(1);
    const auto *unknown = dirOf(only, data0.mountpoint());
    REQUIRE(unknown != nullptr);
    CHECK(unknown->offline);
    CHECK(unknown->partitions.empty());
}
