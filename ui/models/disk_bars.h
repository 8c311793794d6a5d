// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"
#include "core/measure/cluster_snapshot.h"

#include <QString>
#include <QStringList>

#include <string>
#include <vector>

namespace spillway::ui {

/// One log dir as the Disks tab draws it: bytes by layer against capacity.
struct DiskBar {
    core::BrokerId broker{0};
    std::string dir;
    QString label;                  ///< "broker 1  /data0"
    QString state;                  ///< "online", "offline", "missing", "not mounted"
    QString detail;                 ///< time to full, or why there is no bar
    double capacityBytes = 0;       ///< 0: unknown (no bar)
    std::vector<double> topicBytes; ///< per DiskBars::topics entry
    double otherTopicsBytes = 0;
    double otherDataBytes = 0; ///< used by anything but Kafka on this filesystem
    double freeBytes = 0;
    double usedPercent = 0;
    bool urgent = false; ///< full within the critical hours
};

/// Everything the Disks tab needs, computed from a snapshot. The topic
/// layers are the cluster's largest topics (by bytes over all dirs) so that a
/// topic has one colour on every disk. Pure; any thread.
struct DiskBars {
    QStringList topics; ///< the top N topics, largest first
    std::vector<DiskBar> disks;

    static DiskBars build(const core::measure::ClusterSnapshot &snapshot, int topTopics = 5,
                          double criticalHours = 1.0);
};

} // namespace spillway::ui
