// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/alert.h"

namespace spillway::core::measure {

std::string_view toString(AlertSeverity severity) noexcept
{
    switch (severity) {
    case AlertSeverity::Info: return "info";
    case AlertSeverity::Warning: return "warning";
    case AlertSeverity::Critical: return "critical";
    }
    return "unknown";
}

std::string_view toString(AlertRule rule) noexcept
{
    switch (rule) {
    case AlertRule::DiskUsage: return "disk-usage";
    case AlertRule::TimeToFull: return "time-to-full";
    case AlertRule::LogDirOffline: return "log-dir-offline";
    case AlertRule::LogDirMissing: return "log-dir-missing";
    case AlertRule::LogDirNotMounted: return "log-dir-not-mounted";
    case AlertRule::LogDirOnRootFilesystem: return "log-dir-on-root-fs";
    case AlertRule::BrokerDown: return "broker-down";
    case AlertRule::CorruptIndex: return "corrupt-index";
    case AlertRule::ReplicationFactorOne: return "replication-factor-one";
    case AlertRule::ConsumerLagGrowing: return "consumer-lag-growing";
    case AlertRule::DiskSkew: return "disk-skew";
    case AlertRule::BrokerSkew: return "broker-skew";
    }
    return "unknown";
}

std::string makeAlertKey(AlertRule rule, std::string_view subject)
{
    std::string key(toString(rule));
    key += '/';
    key += subject;
    return key;
}

} // namespace spillway::core::measure
