// SPDX-License-Identifier: GPL-3.0-or-later
// Snapshots for the alert tests, built the way the console builds them.
#pragma once

#include "core/measure/alert_engine.h"
#include "core/measure/cluster_snapshot.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace spillway::test {

namespace measure = spillway::core::measure;

inline constexpr std::int64_t kGiB = std::int64_t{1} << 30;

/// A log dir on a 100 GiB filesystem of its own, `usedPercent` full.
inline measure::LogDirSnapshot dirAt(const std::string &path, double usedPercent, std::int64_t kafkaBytes = 0)
{
    measure::LogDirSnapshot d;
    d.path = path;
    d.device = "dev:" + path; // one filesystem per dir unless a test shares it
    d.mountPoint = path;
    d.ownMountPoint = true;
    const std::int64_t capacity = 100 * kGiB;
    const auto used = static_cast<std::int64_t>(static_cast<double>(capacity) * usedPercent / 100.0);
    d.usage = measure::FilesystemUsage{capacity, used, capacity - used};
    d.kafkaBytes = kafkaBytes;
    d.partitionCount = kafkaBytes > 0 ? 4 : 0;
    return d;
}

inline measure::BrokerSnapshot brokerWith(int id, std::vector<measure::LogDirSnapshot> dirs,
                                          measure::BrokerLiveness state = measure::BrokerLiveness::Up)
{
    measure::BrokerSnapshot b;
    b.id = spillway::core::BrokerId(id);
    b.state = state;
    b.dirs = std::move(dirs);
    return b;
}

inline measure::ClusterSnapshot clusterAt(std::int64_t timeMs, std::vector<measure::BrokerSnapshot> brokers)
{
    measure::ClusterSnapshot s;
    s.timeMs = timeMs;
    s.brokers = std::move(brokers);
    return s;
}

inline std::vector<measure::Alert> alertsOf(const measure::ClusterSnapshot &s, const measure::AlertThresholds &t = {})
{
    measure::AlertEngine engine(t);
    engine.evaluate(s);
    return engine.active();
}

inline std::vector<measure::Alert> withRule(const std::vector<measure::Alert> &alerts, measure::AlertRule rule)
{
    std::vector<measure::Alert> out;
    std::copy_if(alerts.begin(), alerts.end(), std::back_inserter(out),
                 [&](const measure::Alert &a) { return a.rule == rule; });
    return out;
}

inline bool mentions(const measure::Alert &a, std::string_view what) { return a.text.find(what) != std::string::npos; }

} // namespace spillway::test
