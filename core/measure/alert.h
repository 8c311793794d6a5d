// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"
#include "core/measure/fix_action.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spillway::core::measure {

enum class AlertSeverity { Info = 0, Warning = 1, Critical = 2 };
std::string_view toString(AlertSeverity severity) noexcept;

enum class AlertRule {
    DiskUsage,              ///< filesystem usage above warn/critical %
    TimeToFull,             ///< free / growth below warn/critical hours
    LogDirOffline,          ///< the broker took the dir offline, or I/O errors
    LogDirMissing,          ///< a configured dir does not exist
    LogDirNotMounted,       ///< the dir's disk is not mounted: Kafka writes to the parent fs
    LogDirOnRootFilesystem, ///< a full log dir takes the whole machine down
    BrokerDown,             ///< stopped (warning) or crashed (critical)
    CorruptIndex,           ///< an .index/.timeindex failed verification
    ReplicationFactorOne,   ///< a topic that one dead disk makes unavailable
    ConsumerLagGrowing,     ///< a group falls behind; its backlog grows on disk
    DiskSkew,               ///< a broker's disks are out of balance
    BrokerSkew,             ///< the brokers are out of balance
};
/// The stable identifier used in alert keys: "disk-usage", "time-to-full", ...
std::string_view toString(AlertRule rule) noexcept;

/// Thresholds of every rule, with the defaults the console ships.
struct AlertThresholds {
    double usageWarnPercent = 80.0;
    double usageCriticalPercent = 90.0;
    /// An active usage alert clears (or steps down) only this far below its
    /// threshold, so that a disk hovering at 80 % does not flap.
    double usageClearMarginPercent = 2.0;
    double timeToFullWarnHours = 6.0;
    double timeToFullCriticalHours = 1.0;
    /// Lag alerts: growing by at least this many messages per second, with
    /// at least `lagMinMessages` behind. Critical when retention has deleted
    /// unread messages (committed < log start).
    double lagGrowthWarnPerSecond = 1.0;
    std::int64_t lagMinMessages = 1000;
    double skewThresholdPercent = 10.0;
    std::int64_t skewMinMeanBytes = std::int64_t{1} << 20;
    double brokerSkewThresholdPercent = 10.0;
    bool warnRootFilesystem = true;
    bool warnReplicationFactorOne = true;
    bool includeInternalTopics = false; ///< RF-1 check on __consumer_offsets etc.
};

/// A raised alert. `key` = "<rule>/<subject>" is stable across evaluations,
/// so the same condition on the same subject is one alert, not many.
struct Alert {
    std::string key;
    AlertRule rule = AlertRule::DiskUsage;
    AlertSeverity severity = AlertSeverity::Warning;
    std::string subject; ///< "broker-1:/data/kafka0", "topic/orders", "group/billing"
    std::string text;    ///< names broker and dir/topic/group; says why and how bad
    std::optional<BrokerId> broker;
    std::string dir;
    std::string topic;
    std::string group;
    FixAction fix;
    std::int64_t firstSeenMs = 0;
    std::int64_t lastSeenMs = 0;
    bool acknowledged = false;
};

std::string makeAlertKey(AlertRule rule, std::string_view subject);

} // namespace spillway::core::measure
