// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/alert.h"
#include "core/measure/cluster_snapshot.h"

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace spillway::core::measure {

/// The severity an alert had after the previous evaluation, if it was
/// active; lets rules with hysteresis (disk usage) keep an alert up until
/// the value falls clearly below the threshold.
using PreviousSeverity = std::function<std::optional<AlertSeverity>(std::string_view key)>;

/// Every rule applied to one snapshot: the alerts that hold now, each with
/// key, severity, subject, text and fix (times and acknowledgement are the
/// engine's). At most one alert per key. Pure; any thread.
std::vector<Alert> evaluateAlertRules(const ClusterSnapshot &snapshot, const AlertThresholds &thresholds,
                                      const PreviousSeverity &previous = {});

/// The rules on log dirs and their filesystems: missing, offline / I/O
/// errors, not mounted, root filesystem, usage, time to full, disk skew.
/// `topics` (replication factors) tell an offline dir's alert whether its
/// partitions have another replica.
void addLogDirAlerts(const BrokerSnapshot &broker, const AlertThresholds &thresholds, const PreviousSeverity &previous,
                     std::vector<Alert> &out, const std::vector<TopicSnapshot> &topics = {});

/// The rules on the cluster: broker down or crashed, corrupt indexes,
/// replication factor 1, growing consumer lag, skew across brokers.
void addClusterAlerts(const ClusterSnapshot &snapshot, const AlertThresholds &thresholds, std::vector<Alert> &out);

/// "broker-1:/data/kafka0": the subject part of a dir's alert keys.
std::string dirSubject(BrokerId broker, std::string_view dir);

} // namespace spillway::core::measure
