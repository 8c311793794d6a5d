// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Generated cluster snapshots for the UI tests: brokers, dirs and partitions
// built from a compact description, no broker needed.

#include "core/measure/alert.h"
#include "core/measure/cluster_snapshot.h"
#include "core/services/cluster_monitor.h"

#include <memory>
#include <string>
#include <vector>

namespace spillway::test {

struct GenDir {
    std::string path;
    std::vector<std::pair<std::string, int>> partitions; ///< topic, partition
    std::int64_t bytesPerPartition = 10 << 20;
    std::int64_t capacity = std::int64_t{1} << 30;
    bool offline = false;
};

struct GenBroker {
    int id = 1;
    std::vector<GenDir> dirs;
};

inline core::measure::ClusterSnapshot makeSnapshot(const std::vector<GenBroker> &brokers,
                                                   std::int64_t timeMs = 1'700'000'000'000)
{
    core::measure::ClusterSnapshot s;
    s.timeMs = timeMs;
    for (const auto &gb : brokers) {
        core::measure::BrokerSnapshot b;
        b.id = core::BrokerId(gb.id);
        b.name = "broker " + std::to_string(gb.id);
        b.state = core::measure::BrokerLiveness::Up;
        for (const auto &gd : gb.dirs) {
            core::measure::LogDirSnapshot d;
            d.path = gd.path;
            d.offline = gd.offline;
            d.device = "8:" + std::to_string(gb.id * 16 + static_cast<int>(b.dirs.size()));
            d.mountPoint = gd.path;
            d.ownMountPoint = true;
            for (const auto &[topic, p] : gd.partitions) {
                d.partitions.push_back({topic, core::PartitionId(p), gd.bytesPerPartition, false});
                d.kafkaBytes += gd.bytesPerPartition;
            }
            d.partitionCount = static_cast<std::int64_t>(d.partitions.size());
            const std::int64_t used = d.kafkaBytes + (16 << 20);
            d.usage = core::measure::FilesystemUsage{gd.capacity, used, gd.capacity - used};
            b.dirs.push_back(std::move(d));
        }
        s.brokers.push_back(std::move(b));
    }
    return s;
}

inline std::vector<std::pair<std::string, int>> partitionsOf(const std::string &topic, int from, int to)
{
    std::vector<std::pair<std::string, int>> out;
    for (int p = from; p < to; ++p)
        out.emplace_back(topic, p);
    return out;
}

inline core::measure::Alert makeAlert(const std::string &key, core::measure::AlertSeverity severity, int broker,
                                      const std::string &dir, core::measure::FixAction fix = {})
{
    core::measure::Alert a;
    a.key = key;
    a.severity = severity;
    a.broker = core::BrokerId(broker);
    a.dir = dir;
    a.subject = "broker-" + std::to_string(broker) + ":" + dir;
    a.text = "alert " + key + " on broker " + std::to_string(broker) + " " + dir;
    a.fix = std::move(fix);
    a.firstSeenMs = 1'700'000'000'000;
    a.lastSeenMs = a.firstSeenMs;
    return a;
}

inline std::shared_ptr<const core::MonitorUpdate> makeUpdate(core::measure::ClusterSnapshot snapshot,
                                                             std::vector<core::measure::Alert> alerts = {},
                                                             std::uint64_t round = 1)
{
    auto u = std::make_shared<core::MonitorUpdate>();
    u->snapshot = std::move(snapshot);
    u->alerts = std::move(alerts);
    u->changes.raised = u->alerts;
    u->round = round;
    u->workerMs = 12;
    return u;
}

} // namespace spillway::test
