// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"

#include <QWidget>

#include <memory>

class QLabel;
class QStackedWidget;

namespace spillway::ui {

class DiskBarsChart;
class DiskDetailsDialog;
class EmptyState;

/// The Disks tab: DiskBarsChart over the latest snapshot, rebuilt only while
/// the tab is visible (a hidden tab just remembers the snapshot). Clicking a
/// disk opens DiskDetailsDialog and emits diskSelected. GUI thread.
class DisksPanel : public QWidget {
    Q_OBJECT
public:
    explicit DisksPanel(QWidget *parent = nullptr);

    void setSnapshot(std::shared_ptr<const core::measure::ClusterSnapshot> snapshot);
    void setThresholds(double warnPercent, double criticalPercent, double criticalHours);
    [[nodiscard]] DiskBarsChart *chart() const { return m_chart; }
    [[nodiscard]] DiskDetailsDialog *detailsDialog() const { return m_details; }
    [[nodiscard]] bool showingEmptyState() const;
    /// Opens the details of the disk at this chart row.
    void openDetails(int row);

Q_SIGNALS:
    void diskSelected(core::BrokerId broker, const QString &dir);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void rebuild();

    std::shared_ptr<const core::measure::ClusterSnapshot> m_snapshot;
    bool m_dirty = false;
    double m_criticalHours = 1.0;
    QStackedWidget *m_stack;
    EmptyState *m_empty;
    DiskBarsChart *m_chart;
    QLabel *m_hint;
    DiskDetailsDialog *m_details = nullptr;
};

} // namespace spillway::ui
