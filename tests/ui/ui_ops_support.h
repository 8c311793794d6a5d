// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Snapshots for the ui-ops tests and the console benchmark: brokers with log
// dirs full of partitions, built in memory.

#include "core/measure/cluster_snapshot.h"

#include <string>

namespace spillway::test {

/// `brokers` brokers x `dirs` dirs x `partitions` partitions per broker, spread
/// round-robin over the dirs; sizes vary with `round` so successive
/// snapshots differ only in values.
inline core::measure::ClusterSnapshot makeSnapshot(int brokers, int dirs, int partitions, int round = 0)
{
    core::measure::ClusterSnapshot s;
    s.timeMs = 1'700'000'000'000 + round * 5000LL;
    for (int b = 1; b <= brokers; ++b) {
        core::measure::BrokerSnapshot broker;
        broker.id = core::BrokerId{b};
        broker.name = "broker " + std::to_string(b);
        broker.state = core::measure::BrokerLiveness::Up;
        for (int d = 0; d < dirs; ++d) {
            core::measure::LogDirSnapshot dir;
            dir.path = "/data/b" + std::to_string(b) + "/d" + std::to_string(d);
            dir.usage = core::measure::FilesystemUsage{std::int64_t{1} << 40, 0, 0};
            broker.dirs.push_back(std::move(dir));
        }
        for (int p = 0; p < partitions; ++p) {
            auto &dir = broker.dirs[static_cast<std::size_t>(p % dirs)];
            // A few big partitions and a long tail of small ones, as in real clusters.
            const std::int64_t bytes =
                (p % 97 == 0 ? (std::int64_t{1} << 30) : (std::int64_t{1} << 20) * (p % 13 + 1)) +
                round * 4096LL * (p % 7);
            dir.partitions.push_back({"topic-" + std::to_string(p / 50), core::PartitionId{p % 50}, bytes, false});
            dir.kafkaBytes += bytes;
            dir.partitionCount += 1;
        }
        for (auto &dir : broker.dirs) {
            dir.usage->usedBytes = dir.kafkaBytes;
            dir.usage->freeBytes = dir.usage->capacityBytes - dir.kafkaBytes;
        }
        s.brokers.push_back(std::move(broker));
    }
    for (int g = 0; g < 20; ++g) {
        core::measure::ConsumerGroupSnapshot group;
        group.lag.group = "group-" + std::to_string(g);
        for (int t = 0; t < 10; ++t) {
            const std::string topic = "topic-" + std::to_string(g * 10 + t);
            const std::int64_t lag = 1000 * (t + 1) + round * 10 * g;
            group.lag.topics.push_back({topic, lag, 50});
            group.lag.totalLag += lag;
            for (int p = 0; p < 3; ++p)
                group.lag.partitions.push_back({topic, core::PartitionId{p}, 0, 0, lag / 3, lag / 3, false, false});
        }
        group.trend = core::measure::GrowthEstimate{};
        group.trend->trend = g % 2 ? core::measure::Trend::Growing : core::measure::Trend::Steady;
        group.trend->perSecond = g % 2 ? 12.5 : 0.0;
        s.groups.push_back(std::move(group));
    }
    return s;
}

} // namespace spillway::test
