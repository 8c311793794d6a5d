// SPDX-License-Identifier: GPL-3.0-or-later
// Every alert rule: it raises with the right severity, text and fix, it is
// one alert per subject, and it clears when the condition goes away.
#include "core/measure/alert_rules.h"
#include "tests/measure/alert_test_support.h"

#include <catch2/catch.hpp>

using namespace spillway::core;
using namespace spillway::core::measure;
using namespace spillway::test;

namespace {

GrowthEstimate growingAt(double bytesPerSecond)
{
    GrowthEstimate g;
    g.perSecond = bytesPerSecond;
    g.writeRatePerSecond = bytesPerSecond;
    g.trend = Trend::Growing;
    g.samples = 360;
    g.spanMs = 3'600'000;
    return g;
}

/// A dir with `hoursLeft` hours of free space at 1 MB/s.
LogDirSnapshot fillingDir(double hoursLeft)
{
    LogDirSnapshot d = dirAt("/data0", 50.0);
    d.usage->freeBytes = static_cast<std::int64_t>(hoursLeft * 3600.0 * 1e6);
    d.usage->usedBytes = d.usage->freeBytes; // 50 %: no usage alert in the way
    d.growth = growingAt(1e6);
    return d;
}

ConsumerGroupSnapshot groupWith(const char *name, std::int64_t lag, Trend trend, double perSecond,
                                std::int64_t committed = 0)
{
    ConsumerGroupSnapshot g;
    g.lag = computeGroupLag({name, {{"orders", PartitionId(0), committed, 0, committed + lag}}});
    GrowthEstimate e;
    e.trend = trend;
    e.perSecond = perSecond;
    e.spanMs = 600'000;
    g.trend = e;
    return g;
}

} // namespace

TEST_CASE("time to full: warning under 6 h, critical under 1 h, none when not growing", "[measure][alerts][rules]")
{
    AlertEngine engine;
    auto at = [](std::int64_t t, LogDirSnapshot d) { return clusterAt(t, {brokerWith(1, {std::move(d)})}); };
    CHECK(withRule(alertsOf(at(0, fillingDir(10.0))), AlertRule::TimeToFull).empty());

    engine.evaluate(at(1000, fillingDir(5.0)));
    const Alert *a = engine.find("time-to-full/broker-1:/data0");
    REQUIRE(a != nullptr);
    CHECK(a->severity == AlertSeverity::Warning);
    CHECK(mentions(*a, "/data0 on broker 1 full in 5 h"));
    CHECK(mentions(*a, "+3.4 GiB/h"));
    CHECK(a->fix == FixAction::shrinkRetention(BrokerId(1), "/data0"));

    engine.evaluate(at(2000, fillingDir(0.5)));
    CHECK(engine.find("time-to-full/broker-1:/data0")->severity == AlertSeverity::Critical);
    CHECK(mentions(*engine.find("time-to-full/broker-1:/data0"), "full in 30 min"));

    LogDirSnapshot steady = fillingDir(0.5);
    steady.growth->trend = Trend::Steady;
    const AlertChanges c = engine.evaluate(at(3000, steady));
    REQUIRE(c.cleared.size() == 1);
    CHECK(c.cleared.front().rule == AlertRule::TimeToFull);
}

TEST_CASE("a filesystem shared by two log dirs raises one usage alert naming both", "[measure][alerts][rules]")
{
    LogDirSnapshot a = dirAt("/disk/a", 85.0);
    LogDirSnapshot b = dirAt("/disk/b", 85.0);
    b.device = a.device;
    const auto alerts = withRule(alertsOf(clusterAt(0, {brokerWith(1, {a, b})})), AlertRule::DiskUsage);
    REQUIRE(alerts.size() == 1);
    CHECK(mentions(alerts[0], "/disk/a (and /disk/b, on the same filesystem)"));
}

TEST_CASE("an offline log dir or one with I/O errors is critical, fixed by a disk swap", "[measure][alerts][rules]")
{
    LogDirSnapshot offline = dirAt("/data3", 10.0);
    offline.offline = true;
    LogDirSnapshot failing = dirAt("/data2", 10.0);
    failing.ioErrors = {"cannot read /data2/orders-3/00000000000000000000.log: Input/output error", "second"};
    AlertEngine engine;
    engine.evaluate(clusterAt(0, {brokerWith(3, {offline, failing})}));
    const Alert *o = engine.find("log-dir-offline/broker-3:/data3");
    REQUIRE(o != nullptr);
    CHECK(o->severity == AlertSeverity::Critical);
    CHECK(mentions(*o, "log dir /data3 on broker 3 is offline"));
    CHECK(o->fix == FixAction::swapDisk(BrokerId(3), "/data3"));
    const Alert *f = engine.find("log-dir-offline/broker-3:/data2");
    REQUIRE(f != nullptr);
    CHECK(mentions(*f, "has I/O errors: cannot read /data2/orders-3"));
    CHECK(mentions(*f, "(and 1 more)"));

    offline.offline = false;
    failing.ioErrors.clear();
    CHECK(engine.evaluate(clusterAt(1, {brokerWith(3, {offline, failing})})).cleared.size() == 2);
}

TEST_CASE("a missing log dir is critical and nothing else is said about it", "[measure][alerts][rules]")
{
    LogDirSnapshot missing;
    missing.path = "/data3/kafka";
    missing.exists = false;
    missing.notMounted = NotMountedFinding{"/data3", "/data3 is listed in /etc/fstab but is not mounted"};
    const auto alerts = alertsOf(clusterAt(0, {brokerWith(1, {missing})}));
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].rule == AlertRule::LogDirMissing);
    CHECK(alerts[0].severity == AlertSeverity::Critical);
    CHECK(mentions(alerts[0], "log dir /data3/kafka on broker 1 does not exist"));
    CHECK(mentions(alerts[0], "fstab"));
    CHECK(alerts[0].fix.kind == FixKind::MountDisk);
}

TEST_CASE("a log dir that is not mounted is critical and the root-fs warning is not repeated",
          "[measure][alerts][rules]")
{
    LogDirSnapshot d = dirAt("/mnt/data3", 40.0);
    d.ownMountPoint = false;
    d.rootFilesystem = true;
    d.mountPoint = "/";
    d.notMounted = NotMountedFinding{"/mnt/data3", "/mnt/data3 is not a mount point while /mnt/data0 is"};
    const auto alerts = alertsOf(clusterAt(0, {brokerWith(2, {d})}));
    REQUIRE(withRule(alerts, AlertRule::LogDirNotMounted).size() == 1);
    const Alert a = withRule(alerts, AlertRule::LogDirNotMounted)[0];
    CHECK(a.severity == AlertSeverity::Critical);
    CHECK(mentions(a, "log dir /mnt/data3 on broker 2 is not on its own disk"));
    CHECK(a.fix == FixAction::mountDisk(BrokerId(2), "/mnt/data3"));
    CHECK(withRule(alerts, AlertRule::LogDirOnRootFilesystem).empty());
}

TEST_CASE("a log dir on the root filesystem is a warning unless switched off", "[measure][alerts][rules]")
{
    LogDirSnapshot d = dirAt("/var/lib/docker/kafka", 30.0);
    d.rootFilesystem = true;
    d.ownMountPoint = false;
    const auto alerts = withRule(alertsOf(clusterAt(0, {brokerWith(1, {d})})), AlertRule::LogDirOnRootFilesystem);
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].severity == AlertSeverity::Warning);
    CHECK(mentions(alerts[0], "/var/lib/docker/kafka on broker 1 is on the root filesystem"));
    CHECK(alerts[0].fix.kind == FixKind::SwapDisk);
    AlertThresholds off;
    off.warnRootFilesystem = false;
    CHECK(withRule(alertsOf(clusterAt(0, {brokerWith(1, {d})}), off), AlertRule::LogDirOnRootFilesystem).empty());
}

TEST_CASE("a broker down is a warning, crashed is critical, up clears it", "[measure][alerts][rules]")
{
    AlertEngine engine;
    engine.evaluate(clusterAt(0, {brokerWith(2, {}, BrokerLiveness::Down)}));
    const Alert *a = engine.find("broker-down/broker-2");
    REQUIRE(a != nullptr);
    CHECK(a->severity == AlertSeverity::Warning);
    CHECK(a->fix == FixAction::startBroker(BrokerId(2)));

    BrokerSnapshot crashed = brokerWith(2, {}, BrokerLiveness::Crashed);
    crashed.stateDetail = "crashed (signal KILL)";
    const AlertChanges c = engine.evaluate(clusterAt(1, {crashed}));
    REQUIRE(c.raised.size() == 1);
    CHECK(c.raised.front().severity == AlertSeverity::Critical);
    CHECK(mentions(c.raised.front(), "broker 2 crashed (crashed (signal KILL))"));

    CHECK(engine.evaluate(clusterAt(2, {brokerWith(2, {})})).cleared.size() == 1);
    CHECK(engine.evaluate(clusterAt(3, {brokerWith(2, {}, BrokerLiveness::Unknown)})).empty());
}

TEST_CASE("corrupt indexes: one alert per partition with a rebuild", "[measure][alerts][rules]")
{
    ClusterSnapshot s = clusterAt(0, {brokerWith(1, {})});
    s.corruptIndexes = {
        {BrokerId(1), "/data0", "orders", PartitionId(3), "00000000000000000000.index", "entry 7 out of order"},
        {BrokerId(1), "/data0", "orders", PartitionId(3), "00000000000000000000.timeindex", "truncated"},
        {BrokerId(1), "/data1", "orders", PartitionId(4), "00000000000000001000.index", ""}};
    const auto alerts = withRule(alertsOf(s), AlertRule::CorruptIndex);
    REQUIRE(alerts.size() == 2);
    const auto &first = alerts[0].topic == "orders" && alerts[0].dir == "/data0" ? alerts[0] : alerts[1];
    CHECK(first.key == "corrupt-index/broker-1:/data0/orders-3");
    CHECK(mentions(first, "corrupt index in orders-3 (log dir /data0 on broker 1)"));
    CHECK(mentions(first, "(and 1 more file(s))"));
    CHECK(first.fix == FixAction::rebuildIndex(BrokerId(1), "/data0", "orders", PartitionId(3)));
    AlertEngine engine;
    engine.evaluate(s);
    CHECK(engine.activeCount() == 2);
    s.corruptIndexes.clear(); // rebuilt
    CHECK(engine.evaluate(s).cleared.size() == 2);
}

TEST_CASE("topics with replication factor 1 get an advice-only warning", "[measure][alerts][rules]")
{
    ClusterSnapshot s = clusterAt(0, {});
    s.topics = {{"orders", 12, 1, false}, {"payments", 6, 3, false}, {"__consumer_offsets", 50, 1, true}};
    const auto alerts = withRule(alertsOf(s), AlertRule::ReplicationFactorOne);
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].key == "replication-factor-one/topic/orders");
    CHECK(alerts[0].severity == AlertSeverity::Warning);
    CHECK(mentions(alerts[0], "topic orders has replication factor 1 (12 partition(s))"));
    CHECK(alerts[0].fix.kind == FixKind::AddReplicas);
    CHECK(alerts[0].fix.adviceOnly);
    CHECK(alerts[0].fix.describe().find("advice only") != std::string::npos);
    AlertThresholds t;
    t.includeInternalTopics = true;
    CHECK(withRule(alertsOf(s, t), AlertRule::ReplicationFactorOne).size() == 2);
}

TEST_CASE("consumer lag: growing is a warning, unread data deleted is critical", "[measure][alerts][rules]")
{
    ClusterSnapshot s = clusterAt(0, {});
    s.groups = {groupWith("billing", 50'000, Trend::Growing, 120.0), groupWith("fast", 50'000, Trend::Steady, 0.0),
                groupWith("tiny", 10, Trend::Growing, 5.0), groupWith("slowish", 50'000, Trend::Growing, 0.5)};
    auto alerts = withRule(alertsOf(s), AlertRule::ConsumerLagGrowing);
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].key == "consumer-lag-growing/group/billing");
    CHECK(alerts[0].severity == AlertSeverity::Warning);
    CHECK(mentions(alerts[0], "consumer group billing is 50000 messages behind and falling further behind"));
    CHECK(mentions(alerts[0], "most in orders"));
    CHECK(alerts[0].fix == FixAction::inspectConsumer("billing"));

    ConsumerGroupSnapshot losing;
    losing.lag = computeGroupLag({"archiver", {{"orders", PartitionId(0), 10, 500, 900}}});
    s.groups = {losing};
    alerts = withRule(alertsOf(s), AlertRule::ConsumerLagGrowing);
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].severity == AlertSeverity::Critical);
    CHECK(mentions(alerts[0], "retention has deleted unread messages on 1 partition(s)"));
}

TEST_CASE("disk skew above the threshold suggests moving partitions off the fullest disk", "[measure][alerts][rules]")
{
    auto cluster = [](std::int64_t bytes0, double threshold) {
        AlertThresholds t;
        t.skewThresholdPercent = threshold;
        LogDirSnapshot d0 = dirAt("/data0", 40.0, bytes0);
        LogDirSnapshot d1 = dirAt("/data1", 20.0, 10 * kGiB);
        LogDirSnapshot d2 = dirAt("/data2", 20.0, 10 * kGiB);
        return withRule(alertsOf(clusterAt(0, {brokerWith(3, {d0, d1, d2})}), t), AlertRule::DiskSkew);
    };
    auto alerts = cluster(25 * kGiB, 10.0);
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].key == "disk-skew/broker-3");
    CHECK(alerts[0].severity == AlertSeverity::Warning);
    CHECK(mentions(alerts[0], "broker 3's disks are out of balance: /data0 holds 67 % more"));
    CHECK(mentions(alerts[0], "skew 67 % > 10 %"));
    CHECK(alerts[0].fix == FixAction::movePartitions(BrokerId(3), "/data0"));
    CHECK(cluster(25 * kGiB, 70.0).empty()); // a looser threshold
    CHECK(cluster(10 * kGiB, 10.0).empty()); // balanced
}

TEST_CASE("dirs that are missing, offline or not mounted do not count for disk skew", "[measure][alerts][rules]")
{
    LogDirSnapshot unmounted = dirAt("/data2", 5.0, 0);
    unmounted.notMounted = NotMountedFinding{"/data2", "not a mount point"};
    LogDirSnapshot offline = dirAt("/data3", 5.0, 0);
    offline.offline = true;
    LogDirSnapshot missing;
    missing.path = "/data4";
    missing.exists = false;
    const BrokerSnapshot b = brokerWith(
        1, {dirAt("/data0", 20.0, 10 * kGiB), dirAt("/data1", 20.0, 10 * kGiB), unmounted, offline, missing});
    CHECK(b.diskLoad().disks.size() == 2);
    CHECK(withRule(alertsOf(clusterAt(0, {b})), AlertRule::DiskSkew).empty());
}

TEST_CASE("skew across brokers is advice to rebalance", "[measure][alerts][rules]")
{
    ClusterSnapshot s =
        clusterAt(0, {brokerWith(1, {dirAt("/d", 10.0, 10 * kGiB)}), brokerWith(2, {dirAt("/d", 10.0, 10 * kGiB)}),
                      brokerWith(3, {dirAt("/d", 30.0, 40 * kGiB)})});
    auto alerts = withRule(alertsOf(s), AlertRule::BrokerSkew);
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].severity == AlertSeverity::Info);
    CHECK(mentions(alerts[0], "broker 3 holds 100 % more Kafka data than the mean"));
    CHECK(alerts[0].fix == FixAction::rebalance(BrokerId(3)));
    CHECK(alerts[0].fix.adviceOnly);
    s.brokers[2].state = BrokerLiveness::Down; // a down broker is not part of the comparison
    CHECK(withRule(alertsOf(s), AlertRule::BrokerSkew).empty());
}

TEST_CASE("evaluateAlertRules gives one alert per key", "[measure][alerts][rules]")
{
    // The same missing dir listed twice (a config typo) must not raise two alerts.
    LogDirSnapshot missing;
    missing.path = "/data3";
    missing.exists = false;
    const auto alerts = evaluateAlertRules(clusterAt(0, {brokerWith(1, {missing, missing})}), AlertThresholds{});
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].key == "log-dir-missing/broker-1:/data3");
}
