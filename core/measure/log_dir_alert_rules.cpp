// SPDX-License-Identifier: GPL-3.0-or-later
// The alert rules about log dirs and their filesystems (see README.md).
#include "core/measure/alert_rules.h"
#include "core/measure/measure_format.h"
#include "core/measure/skew.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace spillway::core::measure {
namespace {

Alert makeDirAlert(AlertRule rule, AlertSeverity severity, const BrokerSnapshot &broker, const std::string &dir,
                   std::string text, FixAction fix)
{
    Alert a;
    a.rule = rule;
    a.severity = severity;
    a.subject = dirSubject(broker.id, dir);
    a.key = makeAlertKey(rule, a.subject);
    a.text = std::move(text);
    a.broker = broker.id;
    a.dir = dir;
    a.fix = std::move(fix);
    return a;
}

std::string where(const BrokerSnapshot &broker, const std::string &dir)
{
    return "log dir " + dir + " on " + broker.displayName();
}

/// "/data0 (and /data1, on the same filesystem)"
std::string dirList(const std::vector<const LogDirSnapshot *> &dirs)
{
    std::string text = dirs.front()->path;
    if (dirs.size() > 1) {
        text += " (and ";
        for (std::size_t i = 1; i < dirs.size(); ++i)
            text += (i > 1 ? ", " : "") + dirs[i]->path;
        text += ", on the same filesystem)";
    }
    return text;
}

std::optional<AlertSeverity> usageSeverity(double percent, const AlertThresholds &t, std::optional<AlertSeverity> prev)
{
    const double margin = prev ? t.usageClearMarginPercent : 0.0;
    if (percent >= t.usageCriticalPercent - (prev == AlertSeverity::Critical ? margin : 0.0))
        return AlertSeverity::Critical;
    if (percent >= t.usageWarnPercent - margin)
        return AlertSeverity::Warning;
    return std::nullopt;
}

void addFilesystemAlerts(const BrokerSnapshot &broker, const std::vector<const LogDirSnapshot *> &dirs,
                         const AlertThresholds &t, const PreviousSeverity &previous, std::vector<Alert> &out)
{
    const LogDirSnapshot &first = *dirs.front();
    const FilesystemUsage usage = *first.usage;
    std::int64_t kafkaBytes = 0;
    for (const auto *d : dirs)
        kafkaBytes += d->kafkaBytes;
    const std::string subjectDir = first.path;

    const std::string usageKey = makeAlertKey(AlertRule::DiskUsage, dirSubject(broker.id, subjectDir));
    const auto prev = previous ? previous(usageKey) : std::nullopt;
    const double pct = usage.usedPercent();
    if (const auto severity = usageSeverity(pct, t, prev)) {
        std::string text = dirList(dirs) + " on " + broker.displayName() + ": filesystem" +
                           (first.mountPoint.empty() ? std::string() : " " + first.mountPoint) + " is " +
                           formatPercent(pct) + " full (" + formatByteSize(usage.usedBytes) + " used, " +
                           formatByteSize(usage.freeBytes) + " free of " + formatByteSize(usage.capacityBytes) +
                           "; Kafka data " + formatByteSize(kafkaBytes) + ")";
        out.push_back(makeDirAlert(AlertRule::DiskUsage, *severity, broker, subjectDir, std::move(text),
                                   FixAction::shrinkRetention(broker.id, subjectDir)));
    }

    const LogDirSnapshot *withGrowth = nullptr;
    for (const auto *d : dirs) {
        if (d->growth && !withGrowth)
            withGrowth = d;
    }
    if (withGrowth == nullptr)
        return;
    const auto seconds = secondsToFull(usage.freeBytes, *withGrowth->growth);
    if (!seconds)
        return;
    const double hours = *seconds / 3600.0;
    std::optional<AlertSeverity> severity;
    if (hours < t.timeToFullCriticalHours)
        severity = AlertSeverity::Critical;
    else if (hours < t.timeToFullWarnHours)
        severity = AlertSeverity::Warning;
    if (!severity)
        return;
    const auto &g = *withGrowth->growth;
    std::string text = dirList(dirs) + " on " + broker.displayName() + " full in " + formatDuration(*seconds) +
                       " at the rate of the last " + formatDuration(static_cast<double>(g.spanMs) / 1000.0) + " (" +
                       formatByteRatePerHour(g.perSecond) + ", " + formatByteSize(usage.freeBytes) + " free" +
                       (g.retentionActive ? "; retention is deleting, yet the high-water mark rises" : "") + ")";
    out.push_back(makeDirAlert(AlertRule::TimeToFull, *severity, broker, subjectDir, std::move(text),
                               FixAction::shrinkRetention(broker.id, subjectDir)));
}

constexpr std::size_t kListedPartitions = 8;

/// "testKafka-3, testKafka-7" (the first few, then "and N more").
std::string partitionNames(const std::vector<const PartitionSize *> &parts)
{
    std::string text;
    for (std::size_t i = 0; i < parts.size() && i < kListedPartitions; ++i)
        text += (i > 0 ? ", " : "") + parts[i]->topic + "-" + std::to_string(parts[i]->partition.get());
    if (parts.size() > kListedPartitions)
        text += " and " + std::to_string(parts.size() - kListedPartitions) + " more";
    return text;
}

/// "2 partitions were on it: a-3, a-7; no other replica (replication factor
/// 1): data lost unless the disk comes back". Empty when none are known.
std::string offlinePartitionsText(const LogDirSnapshot &d, const std::vector<TopicSnapshot> &topics)
{
    std::vector<const PartitionSize *> parts;
    for (const auto &p : d.partitions) {
        if (!p.isFuture)
            parts.push_back(&p);
    }
    if (parts.empty())
        return {};
    std::sort(parts.begin(), parts.end(), [](const PartitionSize *a, const PartitionSize *b) {
        return a->topic != b->topic ? a->topic < b->topic : a->partition.get() < b->partition.get();
    });
    std::vector<const PartitionSize *> single;  // replication factor 1: this was the only copy
    std::vector<const PartitionSize *> unknown; // topic not in the snapshot
    int maxFactor = 0;
    for (const auto *p : parts) {
        const auto t =
            std::find_if(topics.begin(), topics.end(), [&](const TopicSnapshot &x) { return x.name == p->topic; });
        if (t == topics.end() || t->replicationFactor <= 0)
            unknown.push_back(p);
        else if (t->replicationFactor == 1)
            single.push_back(p);
        else
            maxFactor = std::max(maxFactor, t->replicationFactor);
    }
    std::string text = std::to_string(parts.size()) + (parts.size() == 1 ? " partition was" : " partitions were") +
                       " on it" + (d.partitionsAsOfMs != 0 ? " (as last seen)" : "") + ": " + partitionNames(parts);
    const std::size_t replicated = parts.size() - single.size() - unknown.size();
    if (single.size() == parts.size()) {
        text += "; no other replica (replication factor 1): data lost unless the disk comes back";
    } else if (replicated == parts.size()) {
        text += "; other replicas exist (replication factor " + std::to_string(maxFactor) +
                "): served from other brokers, under-replicated until the disk is swapped";
    } else if (unknown.size() == parts.size()) {
        text += "; replication factor unknown (no topic metadata): data lost unless the disk comes back or "
                "another broker holds a replica";
    } else {
        if (!single.empty())
            text += "; no other replica (replication factor 1) of " + partitionNames(single) +
                    ": data lost unless the disk comes back";
        if (replicated > 0)
            text += replicated == 1 ? std::string("; the other one has replicas on other brokers")
                                    : "; the other " + std::to_string(replicated) + " have replicas on other brokers";
        if (!unknown.empty())
            text += "; replication factor unknown for " + partitionNames(unknown);
    }
    return text;
}

void addSkewAlert(const BrokerSnapshot &broker, const AlertThresholds &t, std::vector<Alert> &out)
{
    const BrokerLoad load = broker.diskLoad();
    if (load.disks.size() < 2)
        return;
    const BrokerSkew skew = computeBrokerSkew(load, {t.skewThresholdPercent, t.skewMinMeanBytes});
    if (skew.balanced)
        return;
    const auto worst = std::max_element(skew.disks.begin(), skew.disks.end(), [](const auto &a, const auto &b) {
        return std::abs(a.deviationPercent) < std::abs(b.deviationPercent);
    });
    const auto fullest = std::max_element(skew.disks.begin(), skew.disks.end(), [](const auto &a, const auto &b) {
        return a.deviationPercent < b.deviationPercent;
    });
    const bool above = worst->deviationPercent > 0;
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.0f %%", std::abs(worst->deviationPercent));
    char index[64];
    std::snprintf(index, sizeof index, "skew %.0f %% > %.0f %%", skew.skewIndexPercent, t.skewThresholdPercent);
    Alert a;
    a.rule = AlertRule::DiskSkew;
    a.severity = AlertSeverity::Warning;
    a.subject = "broker-" + std::to_string(broker.id.get());
    a.key = makeAlertKey(a.rule, a.subject);
    a.text = broker.displayName() + "'s disks are out of balance: " + worst->dir + " holds " + pct +
             (above ? " more " : " less ") +
             (skew.basis == SkewBasis::Utilisation ? "of its capacity than the mean" : "Kafka data than the mean") +
             " (" + formatByteSize(worst->kafkaBytes) + ", " + std::to_string(worst->partitions) + " partition(s); " +
             index + ")";
    a.broker = broker.id;
    a.dir = fullest->dir;
    a.fix = FixAction::movePartitions(broker.id, fullest->dir);
    out.push_back(std::move(a));
}

} // namespace

std::string dirSubject(BrokerId broker, std::string_view dir)
{
    return "broker-" + std::to_string(broker.get()) + ":" + std::string(dir);
}

void addLogDirAlerts(const BrokerSnapshot &broker, const AlertThresholds &t, const PreviousSeverity &previous,
                     std::vector<Alert> &out, const std::vector<TopicSnapshot> &topics)
{
    std::map<std::string, std::vector<const LogDirSnapshot *>> filesystems; // by device (or path)
    std::vector<std::string> order;
    for (const auto &d : broker.dirs) {
        if (!d.exists) {
            std::string text = where(broker, d.path) + " does not exist";
            text += d.notMounted ? ": " + d.notMounted->reason : "; Kafka takes it offline (or will not start)";
            out.push_back(makeDirAlert(AlertRule::LogDirMissing, AlertSeverity::Critical, broker, d.path,
                                       std::move(text), FixAction::mountDisk(broker.id, d.path)));
            continue;
        }
        if (d.offline || !d.ioErrors.empty()) {
            std::string text = where(broker, d.path) + (d.offline ? " is offline" : " has I/O errors");
            if (!d.ioErrors.empty())
                text += ": " + d.ioErrors.front() +
                        (d.ioErrors.size() > 1 ? " (and " + std::to_string(d.ioErrors.size() - 1) + " more)" : "");
            const std::string lost = d.offline ? offlinePartitionsText(d, topics) : std::string();
            text += lost.empty() ? "; its partitions are unavailable here until the disk is replaced" : "; " + lost;
            out.push_back(makeDirAlert(AlertRule::LogDirOffline, AlertSeverity::Critical, broker, d.path,
                                       std::move(text), FixAction::swapDisk(broker.id, d.path)));
            continue;
        }
        if (d.notMounted) {
            out.push_back(makeDirAlert(AlertRule::LogDirNotMounted, AlertSeverity::Critical, broker, d.path,
                                       where(broker, d.path) + " is not on its own disk: " + d.notMounted->reason,
                                       FixAction::mountDisk(broker.id, d.notMounted->expectedMountPoint)));
        } else if (d.rootFilesystem && t.warnRootFilesystem) {
            out.push_back(makeDirAlert(AlertRule::LogDirOnRootFilesystem, AlertSeverity::Warning, broker, d.path,
                                       where(broker, d.path) +
                                           " is on the root filesystem: when Kafka fills it, the whole machine "
                                           "stops (no temp files, no logins)",
                                       FixAction::swapDisk(broker.id, d.path)));
        }
        if (d.usage) {
            const std::string fsKey = d.device.empty() ? "path:" + d.path : d.device;
            if (!filesystems.contains(fsKey))
                order.push_back(fsKey);
            filesystems[fsKey].push_back(&d);
        }
    }
    for (const auto &fsKey : order)
        addFilesystemAlerts(broker, filesystems[fsKey], t, previous, out);
    addSkewAlert(broker, t, out);
}

} // namespace spillway::core::measure
