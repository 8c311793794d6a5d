// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/models/disk_bars.h"

#include "core/measure/measure_format.h"

#include <QObject>

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace spillway::ui {

namespace measure = core::measure;

DiskBars DiskBars::build(const measure::ClusterSnapshot &snapshot, int topTopics, double criticalHours)
{
    // Topic totals over the cluster; string_views point into the snapshot.
    // A dir lists a topic's partitions mostly one after another: add up
    // each run before touching the hash map.
    std::unordered_map<std::string_view, double> totals;
    for (const auto &b : snapshot.brokers) {
        for (const auto &d : b.dirs) {
            std::string_view run;
            double runBytes = 0;
            for (const auto &p : d.partitions) {
                if (p.topic != run) {
                    if (!run.empty())
                        totals[run] += runBytes;
                    run = p.topic;
                    runBytes = 0;
                }
                runBytes += static_cast<double>(p.bytes);
            }
            if (!run.empty())
                totals[run] += runBytes;
        }
    }
    std::vector<std::pair<std::string_view, double>> ranked(totals.begin(), totals.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (ranked.size() > static_cast<std::size_t>(std::max(0, topTopics)))
        ranked.resize(static_cast<std::size_t>(std::max(0, topTopics)));

    DiskBars out;
    std::unordered_map<std::string_view, std::size_t> layer;
    for (std::size_t i = 0; i < ranked.size(); ++i) {
        out.topics << QString::fromUtf8(ranked[i].first.data(), static_cast<qsizetype>(ranked[i].first.size()));
        layer.emplace(ranked[i].first, i);
    }

    for (const auto &b : snapshot.brokers) {
        for (const auto &d : b.dirs) {
            DiskBar bar;
            bar.broker = b.id;
            bar.dir = d.path;
            bar.label =
                QStringLiteral("%1  %2").arg(QString::fromStdString(b.displayName()), QString::fromStdString(d.path));
            bar.state = !d.exists      ? QObject::tr("missing")
                        : d.offline    ? QObject::tr("offline")
                        : d.notMounted ? QObject::tr("not mounted")
                                       : QObject::tr("online");
            bar.topicBytes.assign(ranked.size(), 0.0);
            double inTopics = 0;
            std::string_view run;
            double *runLayer = nullptr;
            for (const auto &p : d.partitions) {
                if (p.topic != run) {
                    run = p.topic;
                    const auto it = layer.find(run);
                    runLayer = it != layer.end() ? &bar.topicBytes[it->second] : nullptr;
                }
                if (runLayer)
                    *runLayer += static_cast<double>(p.bytes);
                inTopics += static_cast<double>(p.bytes);
            }
            // Only totals known (DescribeLogDirs without sizes): all "other topics".
            const double kafka = std::max(static_cast<double>(d.kafkaBytes), inTopics);
            double listed = 0;
            for (double v : bar.topicBytes)
                listed += v;
            bar.otherTopicsBytes = std::max(0.0, kafka - listed);
            if (d.usage && d.usage->capacityBytes > 0) {
                bar.capacityBytes = static_cast<double>(d.usage->capacityBytes);
                bar.freeBytes = static_cast<double>(d.usage->freeBytes);
                // Root's reserve counts as used, as in df.
                const double used = bar.capacityBytes - bar.freeBytes;
                bar.otherDataBytes = std::max(0.0, used - kafka);
                // Apparent sizes (sparse, preallocated index files) can exceed
                // what the filesystem has allocated: draw Kafka's layers
                // within the used bytes so the bar still sums to capacity.
                if (kafka > used && kafka > 0) {
                    const double scale = used / kafka;
                    for (double &v : bar.topicBytes)
                        v *= scale;
                    bar.otherTopicsBytes *= scale;
                }
                bar.usedPercent = d.usage->usedPercent();
                if (d.usage->freeBytes <= 0) {
                    bar.detail = QObject::tr("full");
                    bar.urgent = true;
                } else if (d.growth) {
                    if (auto s = measure::secondsToFull(d.usage->freeBytes, *d.growth)) {
                        bar.detail = QObject::tr("full in %1").arg(QString::fromStdString(measure::formatDuration(*s)));
                        bar.urgent = *s <= criticalHours * 3600.0;
                    } else {
                        bar.detail = d.growth->trend == measure::Trend::Shrinking ? QObject::tr("shrinking")
                                                                                  : QObject::tr("steady");
                    }
                } else {
                    bar.detail = QObject::tr("growth: measuring");
                }
            } else {
                bar.detail = bar.state == QObject::tr("online") ? QObject::tr("capacity unknown") : bar.state;
            }
            out.disks.push_back(std::move(bar));
        }
    }
    return out;
}

} // namespace spillway::ui
