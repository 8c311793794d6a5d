// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/alert.h"
#include "core/measure/cluster_snapshot.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core::measure {

/// What one evaluation changed, for the alerts panel and notifications.
struct AlertChanges {
    std::vector<Alert> raised;  ///< new, back after being cleared, or escalated (unacknowledged again)
    std::vector<Alert> updated; ///< still active: text, last-seen, or a lower severity
    std::vector<Alert> cleared; ///< no longer hold; removed from the active set
    [[nodiscard]] bool empty() const { return raised.empty() && updated.empty() && cleared.empty(); }
};

/// Owns the set of active alerts and their life cycle. Each evaluate() runs
/// every rule on a snapshot and reconciles by key: a condition that still
/// holds keeps its alert (first-seen and acknowledgement survive), one that
/// no longer holds is cleared, one that comes back or gets worse is raised
/// again, unacknowledged. Not thread-safe: one owner thread (the console's
/// measurement worker), snapshots passed by value from anywhere.
class AlertEngine {
public:
    explicit AlertEngine(AlertThresholds thresholds = {}) : m_thresholds(thresholds) {}

    [[nodiscard]] const AlertThresholds &thresholds() const { return m_thresholds; }
    void setThresholds(const AlertThresholds &thresholds) { m_thresholds = thresholds; }

    AlertChanges evaluate(const ClusterSnapshot &snapshot);

    /// Marks an active alert acknowledged; false when no such alert is active.
    bool acknowledge(std::string_view key);

    /// Active alerts, the most severe first, then by key.
    [[nodiscard]] std::vector<Alert> active() const;
    [[nodiscard]] const Alert *find(std::string_view key) const;
    [[nodiscard]] std::size_t activeCount() const { return m_active.size(); }

private:
    AlertThresholds m_thresholds;
    std::map<std::string, Alert, std::less<>> m_active;
};

} // namespace spillway::core::measure
