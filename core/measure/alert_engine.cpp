// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/alert_engine.h"

#include "core/measure/alert_rules.h"

#include <algorithm>
#include <set>

namespace spillway::core::measure {

AlertChanges AlertEngine::evaluate(const ClusterSnapshot &snapshot)
{
    const auto previous = [this](std::string_view key) -> std::optional<AlertSeverity> {
        const auto it = m_active.find(key);
        return it == m_active.end() ? std::nullopt : std::optional(it->second.severity);
    };
    std::vector<Alert> now = evaluateAlertRules(snapshot, m_thresholds, previous);

    AlertChanges changes;
    std::set<std::string, std::less<>> seen;
    for (auto &alert : now) {
        seen.insert(alert.key);
        alert.lastSeenMs = snapshot.timeMs;
        const auto it = m_active.find(alert.key);
        if (it == m_active.end()) {
            alert.firstSeenMs = snapshot.timeMs;
            alert.acknowledged = false;
            changes.raised.push_back(alert);
            m_active.emplace(alert.key, std::move(alert));
            continue;
        }
        Alert &old = it->second;
        const bool escalated = alert.severity > old.severity;
        alert.firstSeenMs = old.firstSeenMs;
        // An acknowledgement covers the severity it was given for, not worse.
        alert.acknowledged = old.acknowledged && !escalated;
        old = std::move(alert);
        (escalated ? changes.raised : changes.updated).push_back(old);
    }
    for (auto it = m_active.begin(); it != m_active.end();) {
        if (seen.contains(it->first)) {
            ++it;
            continue;
        }
        changes.cleared.push_back(std::move(it->second));
        it = m_active.erase(it);
    }
    return changes;
}

bool AlertEngine::acknowledge(std::string_view key)
{
    const auto it = m_active.find(key);
    if (it == m_active.end())
        return false;
    it->second.acknowledged = true;
    return true;
}

std::vector<Alert> AlertEngine::active() const
{
    std::vector<Alert> out;
    out.reserve(m_active.size());
    for (const auto &[key, alert] : m_active)
        out.push_back(alert);
    std::stable_sort(out.begin(), out.end(), [](const Alert &a, const Alert &b) { return a.severity > b.severity; });
    return out;
}

const Alert *AlertEngine::find(std::string_view key) const
{
    const auto it = m_active.find(key);
    return it == m_active.end() ? nullptr : &it->second;
}

} // namespace spillway::core::measure
