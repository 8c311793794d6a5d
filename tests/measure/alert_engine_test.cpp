// SPDX-License-Identifier: GPL-3.0-or-later
// The life cycle of an alert: raised once, deduplicated by key across
// evaluations, acknowledged, escalated, stepped down, cleared, raised again.
#include "core/measure/alert_engine.h"
#include "tests/measure/alert_test_support.h"

#include <catch2/catch.hpp>

using namespace spillway::core;
using namespace spillway::core::measure;
using namespace spillway::test;

namespace {

ClusterSnapshot usageAt(std::int64_t timeMs, double percent)
{
    return clusterAt(timeMs, {brokerWith(1, {dirAt("/data0", percent, 10 * kGiB)})});
}

const std::string kUsageKey = "disk-usage/broker-1:/data0";

} // namespace

TEST_CASE("disk usage alert: raised, deduplicated, acknowledged, escalated, stepped down, cleared",
          "[measure][alerts][engine]")
{
    AlertEngine engine;
    CHECK(engine.evaluate(usageAt(1000, 70.0)).empty());
    CHECK(engine.activeCount() == 0);

    // 85 %: a warning, once.
    AlertChanges c = engine.evaluate(usageAt(2000, 85.0));
    REQUIRE(c.raised.size() == 1);
    const Alert &raised = c.raised.front();
    CHECK(raised.key == kUsageKey);
    CHECK(raised.rule == AlertRule::DiskUsage);
    CHECK(raised.severity == AlertSeverity::Warning);
    CHECK(raised.firstSeenMs == 2000);
    CHECK(raised.broker == BrokerId(1));
    CHECK(raised.dir == "/data0");
    CHECK(mentions(raised, "/data0 on broker 1"));
    CHECK(mentions(raised, "85.0 % full"));
    CHECK(raised.fix == FixAction::shrinkRetention(BrokerId(1), "/data0"));
    CHECK_FALSE(raised.acknowledged);

    // The same condition again: the same alert, not a second one.
    c = engine.evaluate(usageAt(3000, 86.0));
    CHECK(c.raised.empty());
    REQUIRE(c.updated.size() == 1);
    CHECK(engine.activeCount() == 1);
    CHECK(engine.find(kUsageKey)->firstSeenMs == 2000);
    CHECK(engine.find(kUsageKey)->lastSeenMs == 3000);
    CHECK(mentions(*engine.find(kUsageKey), "86.0 % full"));

    // Acknowledged: survives re-evaluation while the condition holds.
    CHECK(engine.acknowledge(kUsageKey));
    CHECK_FALSE(engine.acknowledge("disk-usage/broker-9:/nowhere"));
    engine.evaluate(usageAt(4000, 87.0));
    CHECK(engine.find(kUsageKey)->acknowledged);

    // Escalation to critical raises it again, unacknowledged.
    c = engine.evaluate(usageAt(5000, 92.0));
    REQUIRE(c.raised.size() == 1);
    CHECK(c.raised.front().severity == AlertSeverity::Critical);
    CHECK_FALSE(c.raised.front().acknowledged);
    CHECK(c.raised.front().firstSeenMs == 2000);
    CHECK(engine.acknowledge(kUsageKey));

    // Hysteresis: 89 % keeps it critical (clears below 90 - 2).
    engine.evaluate(usageAt(6000, 89.0));
    CHECK(engine.find(kUsageKey)->severity == AlertSeverity::Critical);
    // 87 %: steps down to warning, still acknowledged.
    c = engine.evaluate(usageAt(7000, 87.0));
    CHECK(c.raised.empty());
    CHECK(engine.find(kUsageKey)->severity == AlertSeverity::Warning);
    CHECK(engine.find(kUsageKey)->acknowledged);
    // 79 % keeps the warning; 77 % clears it.
    engine.evaluate(usageAt(8000, 79.0));
    CHECK(engine.activeCount() == 1);
    c = engine.evaluate(usageAt(9000, 77.0));
    REQUIRE(c.cleared.size() == 1);
    CHECK(c.cleared.front().key == kUsageKey);
    CHECK(engine.activeCount() == 0);

    // Comes back: a new alert, first seen now, not acknowledged.
    c = engine.evaluate(usageAt(10000, 81.0));
    REQUIRE(c.raised.size() == 1);
    CHECK(c.raised.front().firstSeenMs == 10000);
    CHECK_FALSE(c.raised.front().acknowledged);
}

TEST_CASE("a fresh alert above the critical threshold is critical at once", "[measure][alerts][engine]")
{
    AlertEngine engine;
    const AlertChanges c = engine.evaluate(usageAt(1000, 95.0));
    REQUIRE(c.raised.size() == 1);
    CHECK(c.raised.front().severity == AlertSeverity::Critical);
    // Without a previous alert there is no hysteresis: 79 % is nothing.
    AlertEngine other;
    CHECK(other.evaluate(usageAt(1000, 79.0)).empty());
}

TEST_CASE("thresholds are configurable", "[measure][alerts][engine]")
{
    AlertThresholds t;
    t.usageWarnPercent = 50;
    t.usageCriticalPercent = 60;
    AlertEngine engine(t);
    engine.evaluate(usageAt(1000, 55.0));
    REQUIRE(engine.find(kUsageKey) != nullptr);
    CHECK(engine.find(kUsageKey)->severity == AlertSeverity::Warning);
    engine.evaluate(usageAt(2000, 65.0));
    CHECK(engine.find(kUsageKey)->severity == AlertSeverity::Critical);
    t.usageWarnPercent = 70;
    t.usageCriticalPercent = 80;
    t.usageClearMarginPercent = 0;
    engine.setThresholds(t);
    engine.evaluate(usageAt(3000, 65.0));
    CHECK(engine.activeCount() == 0);
}

TEST_CASE("active alerts come most severe first", "[measure][alerts][engine]")
{
    AlertEngine engine;
    engine.evaluate(clusterAt(
        1000, {brokerWith(1, {dirAt("/a", 85.0), dirAt("/b", 95.0)}), brokerWith(2, {}, BrokerLiveness::Down)}));
    const auto active = engine.active();
    REQUIRE(active.size() == 3);
    CHECK(active[0].severity == AlertSeverity::Critical);
    CHECK(active[1].severity == AlertSeverity::Warning);
    CHECK(active[2].severity == AlertSeverity::Warning);
}
