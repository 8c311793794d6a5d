// SPDX-License-Identifier: GPL-3.0-or-later
// The cluster-wide alert rules, and the one entry point that runs them all.
#include "core/measure/alert_rules.h"

#include "core/measure/measure_format.h"
#include "core/measure/skew.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace spillway::core::measure {
namespace {

Alert makeAlert(AlertRule rule, AlertSeverity severity, std::string subject, std::string text, FixAction fix)
{
    Alert a;
    a.rule = rule;
    a.severity = severity;
    a.subject = std::move(subject);
    a.key = makeAlertKey(rule, a.subject);
    a.text = std::move(text);
    a.fix = std::move(fix);
    return a;
}

std::string brokerSubject(BrokerId id) { return "broker-" + std::to_string(id.get()); }

void addBrokerDownAlerts(const ClusterSnapshot &s, std::vector<Alert> &out)
{
    for (const auto &b : s.brokers) {
        if (b.state != BrokerLiveness::Down && b.state != BrokerLiveness::Crashed)
            continue;
        const bool crashed = b.state == BrokerLiveness::Crashed;
        std::string text = b.displayName() + (crashed ? " crashed" : " is down");
        if (!b.stateDetail.empty())
            text += " (" + b.stateDetail + ")";
        text += ": its replicas are not served; partitions without another in-sync replica are unavailable";
        Alert a = makeAlert(AlertRule::BrokerDown, crashed ? AlertSeverity::Critical : AlertSeverity::Warning,
                            brokerSubject(b.id), std::move(text), FixAction::startBroker(b.id));
        a.broker = b.id;
        out.push_back(std::move(a));
    }
}

void addCorruptIndexAlerts(const ClusterSnapshot &s, std::vector<Alert> &out)
{
    // One alert per partition, however many of its index files are bad.
    std::map<std::string, std::vector<const CorruptIndexFinding *>> byPartition;
    for (const auto &f : s.corruptIndexes) {
        const std::string subject =
            dirSubject(f.broker, f.dir) + "/" + f.topic + "-" + std::to_string(f.partition.get());
        byPartition[subject].push_back(&f);
    }
    for (const auto &[subject, findings] : byPartition) {
        const auto &f = *findings.front();
        const BrokerSnapshot *broker = s.broker(f.broker);
        const std::string brokerName = broker ? broker->displayName() : "broker " + std::to_string(f.broker.get());
        std::string text = "corrupt index in " + f.topic + "-" + std::to_string(f.partition.get()) + " (log dir " +
                           f.dir + " on " + brokerName + "): " + f.file + (f.detail.empty() ? "" : ": " + f.detail);
        if (findings.size() > 1)
            text += " (and " + std::to_string(findings.size() - 1) + " more file(s))";
        text += "; Kafka 0.9+ rebuilds it at startup, slowly; 0.8 refuses to start";
        Alert a = makeAlert(AlertRule::CorruptIndex, AlertSeverity::Warning, subject, std::move(text),
                            FixAction::rebuildIndex(f.broker, f.dir, f.topic, f.partition));
        a.broker = f.broker;
        a.dir = f.dir;
        a.topic = f.topic;
        out.push_back(std::move(a));
    }
}

void addReplicationFactorAlerts(const ClusterSnapshot &s, const AlertThresholds &t, std::vector<Alert> &out)
{
    if (!t.warnReplicationFactorOne)
        return;
    for (const auto &topic : s.topics) {
        if (topic.replicationFactor != 1 || (topic.internal && !t.includeInternalTopics))
            continue;
        Alert a = makeAlert(AlertRule::ReplicationFactorOne, AlertSeverity::Warning, "topic/" + topic.name,
                            "topic " + topic.name + " has replication factor 1 (" + std::to_string(topic.partitions) +
                                " partition(s)): one failed disk makes them unavailable and loses their data",
                            FixAction::addReplicas(topic.name));
        a.topic = topic.name;
        out.push_back(std::move(a));
    }
}

void addLagAlerts(const ClusterSnapshot &s, const AlertThresholds &t, std::vector<Alert> &out)
{
    for (const auto &g : s.groups) {
        const GroupLag &lag = g.lag;
        const bool losing = lag.partitionsBehindLogStart > 0;
        const bool growing = g.trend && g.trend->trend == Trend::Growing &&
                             g.trend->perSecond >= t.lagGrowthWarnPerSecond && lag.totalLag >= t.lagMinMessages;
        if (!losing && !growing)
            continue;
        std::string text = "consumer group " + lag.group + " is " + std::to_string(lag.totalLag) + " messages behind";
        if (g.trend && g.trend->trend == Trend::Growing) {
            char rate[64];
            std::snprintf(rate, sizeof rate, " and falling further behind (+%.0f msg/s over %s)", g.trend->perSecond,
                          formatDuration(static_cast<double>(g.trend->spanMs) / 1000.0).c_str());
            text += rate;
        }
        if (!lag.topics.empty()) {
            text += "; most in " + lag.topics.front().topic + " (" + std::to_string(lag.topics.front().lag) + ")";
        }
        if (losing)
            text += "; retention has deleted unread messages on " + std::to_string(lag.partitionsBehindLogStart) +
                    " partition(s)";
        Alert a = makeAlert(AlertRule::ConsumerLagGrowing, losing ? AlertSeverity::Critical : AlertSeverity::Warning,
                            "group/" + lag.group, std::move(text), FixAction::inspectConsumer(lag.group));
        a.group = lag.group;
        if (!lag.topics.empty())
            a.topic = lag.topics.front().topic;
        out.push_back(std::move(a));
    }
}

void addBrokerSkewAlert(const ClusterSnapshot &s, const AlertThresholds &t, std::vector<Alert> &out)
{
    std::vector<BrokerLoad> loads;
    for (const auto &b : s.brokers) {
        if (b.state == BrokerLiveness::Down || b.state == BrokerLiveness::Crashed)
            continue;
        BrokerLoad load;
        load.broker = b.id;
        for (const auto &d : b.dirs) {
            if (d.exists && !d.offline)
                load.disks.push_back({d.path, d.kafkaBytes, d.partitionCount, std::nullopt});
        }
        loads.push_back(std::move(load));
    }
    if (loads.size() < 2)
        return;
    const ClusterSkew skew = computeClusterSkew(loads, {t.brokerSkewThresholdPercent, t.skewMinMeanBytes});
    if (skew.balanced)
        return;
    const auto worst = std::max_element(skew.shares.begin(), skew.shares.end(), [](const auto &a, const auto &b) {
        return a.deviationPercent < b.deviationPercent;
    });
    char text[256];
    std::snprintf(text, sizeof text,
                  "brokers are out of balance: broker %d holds %.0f %% more Kafka data than the mean "
                  "(skew %.0f %% > %.0f %%)",
                  worst->broker.get(), worst->deviationPercent, skew.skewIndexPercent, t.brokerSkewThresholdPercent);
    Alert a =
        makeAlert(AlertRule::BrokerSkew, AlertSeverity::Info, "cluster", text, FixAction::rebalance(worst->broker));
    a.broker = worst->broker;
    out.push_back(std::move(a));
}

} // namespace

void addClusterAlerts(const ClusterSnapshot &snapshot, const AlertThresholds &thresholds, std::vector<Alert> &out)
{
    addBrokerDownAlerts(snapshot, out);
    addCorruptIndexAlerts(snapshot, out);
    addReplicationFactorAlerts(snapshot, thresholds, out);
    addLagAlerts(snapshot, thresholds, out);
    addBrokerSkewAlert(snapshot, thresholds, out);
}

std::vector<Alert> evaluateAlertRules(const ClusterSnapshot &snapshot, const AlertThresholds &thresholds,
                                      const PreviousSeverity &previous)
{
    std::vector<Alert> out;
    for (const auto &broker : snapshot.brokers)
        addLogDirAlerts(broker, thresholds, previous, out, snapshot.topics);
    addClusterAlerts(snapshot, thresholds, out);
    // One alert per key: the same dir listed twice keeps its worst alert.
    std::stable_sort(out.begin(), out.end(), [](const Alert &a, const Alert &b) {
        return a.key != b.key ? a.key < b.key : a.severity > b.severity;
    });
    out.erase(std::unique(out.begin(), out.end(), [](const Alert &a, const Alert &b) { return a.key == b.key; }),
              out.end());
    return out;
}

} // namespace spillway::core::measure
