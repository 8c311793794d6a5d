// SPDX-License-Identifier: GPL-3.0-or-later
// A failed disk (scenario B): stat(2) errors other than "not there" read as an
// unreadable (offline) dir, not a missing one, and the offline alert names the
// partitions that were on the dir and whether another replica of them exists.
#include "core/measure/alert_rules.h"
#include "core/measure/disk_probe.h"
#include "tests/measure/alert_test_support.h"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace spillway::core;
using namespace spillway::core::measure;
using namespace spillway::test;

namespace {

LogDirSnapshot offlineDirWith(const std::string &path, const std::vector<std::pair<std::string, int>> &partitions)
{
    LogDirSnapshot d;
    d.path = path;
    d.offline = true;
    d.ioErrors = {"cannot stat log dir " + path + ": Input/output error"};
    for (const auto &[topic, p] : partitions)
        d.partitions.push_back({topic, PartitionId(p), 0, false});
    d.partitionCount = static_cast<std::int64_t>(partitions.size());
    return d;
}

ClusterSnapshot withTopics(ClusterSnapshot s, std::vector<TopicSnapshot> topics)
{
    s.topics = std::move(topics);
    return s;
}

Alert offlineAlert(const std::vector<Alert> &alerts)
{
    const auto offline = withRule(alerts, AlertRule::LogDirOffline);
    REQUIRE(offline.size() == 1);
    return offline.front();
}

} // namespace

TEST_CASE("stat errors other than ENOENT/ENOTDIR mean the dir is there but unreadable", "[measure][probe]")
{
    CHECK(classifyStatErrno(ENOENT) == StatFailure::Missing);
    CHECK(classifyStatErrno(ENOTDIR) == StatFailure::Missing);
    CHECK(classifyStatErrno(EIO) == StatFailure::Unreadable);
    CHECK(classifyStatErrno(EACCES) == StatFailure::Unreadable);
    CHECK(classifyStatErrno(EUCLEAN) == StatFailure::Unreadable);
    CHECK(classifyStatErrno(ELOOP) == StatFailure::Unreadable);
}

TEST_CASE("an offline dir's alert lists its partitions; RF 1 means the data is lost", "[measure][alerts][rules]")
{
    const auto dir = offlineDirWith("/x/data3", {{"testKafka", 7}, {"testKafka", 3}});
    const auto snapshot = withTopics(clusterAt(0, {brokerWith(1, {dir})}), {{"testKafka", 8, 1, false}});
    const Alert a = offlineAlert(alertsOf(snapshot));
    INFO(a.text);
    CHECK(a.key == "log-dir-offline/broker-1:/x/data3");
    CHECK(a.severity == AlertSeverity::Critical);
    CHECK(a.fix == FixAction::swapDisk(BrokerId(1), "/x/data3"));
    CHECK(mentions(a, "log dir /x/data3 on broker 1 is offline: cannot stat log dir /x/data3: Input/output error"));
    CHECK(mentions(a, "2 partitions were on it: testKafka-3, testKafka-7; no other replica (replication factor 1): "
                      "data lost unless the disk comes back"));
    CHECK_FALSE(mentions(a, "last seen"));
}

TEST_CASE("an offline dir's alert says when its partitions have other replicas", "[measure][alerts][rules]")
{
    auto dir = offlineDirWith("/data1", {{"orders", 0}, {"orders", 1}});
    dir.partitionsAsOfMs = 1000; // remembered from an earlier round
    const auto snapshot = withTopics(clusterAt(2000, {brokerWith(2, {dir})}), {{"orders", 2, 3, false}});
    const Alert a = offlineAlert(alertsOf(snapshot));
    INFO(a.text);
    CHECK(mentions(a, "2 partitions were on it (as last seen): orders-0, orders-1; other replicas exist "
                      "(replication factor 3)"));
    CHECK_FALSE(mentions(a, "data lost"));
}

TEST_CASE("an offline dir's alert with many partitions and mixed replication lists a few and counts the rest",
          "[measure][alerts][rules]")
{
    std::vector<std::pair<std::string, int>> parts;
    for (int p = 0; p < 10; ++p)
        parts.emplace_back("logs", p);
    parts.emplace_back("orders", 0);
    parts.emplace_back("unknown-topic", 4);
    const auto dir = offlineDirWith("/data0", parts);
    const auto snapshot =
        withTopics(clusterAt(0, {brokerWith(1, {dir})}), {{"logs", 10, 1, false}, {"orders", 1, 2, false}});
    const Alert a = offlineAlert(alertsOf(snapshot));
    INFO(a.text);
    CHECK(mentions(a, "12 partitions were on it: logs-0, logs-1, logs-2, logs-3, logs-4, logs-5, logs-6, logs-7 and "
                      "4 more"));
    CHECK(mentions(a, "no other replica (replication factor 1) of logs-0, logs-1, logs-2, logs-3, logs-4, logs-5, "
                      "logs-6, logs-7 and 2 more: data lost unless the disk comes back"));
    CHECK(mentions(a, "the other one has replicas on other brokers"));
    CHECK(mentions(a, "replication factor unknown for unknown-topic-4"));
}

TEST_CASE("an offline dir with no known partitions and a dir with I/O errors keep the general text",
          "[measure][alerts][rules]")
{
    const auto offline = offlineDirWith("/data3", {});
    LogDirSnapshot failing = dirAt("/data2", 10.0);
    failing.ioErrors = {"cannot read /data2/orders-3/00000000000000000000.log: Input/output error"};
    failing.partitions = {{"orders", PartitionId(3), 100, false}};
    const auto alerts = withRule(alertsOf(clusterAt(0, {brokerWith(3, {offline, failing})})), AlertRule::LogDirOffline);
    REQUIRE(alerts.size() == 2);
    for (const auto &a : alerts) {
        INFO(a.text);
        CHECK(mentions(a, "its partitions are unavailable here until the disk is replaced"));
        CHECK_FALSE(mentions(a, "were on it"));
    }
}
