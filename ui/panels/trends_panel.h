// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"
#include "core/services/history_store.h"

#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QPushButton;

namespace spillway::ui {

class UsageTrendChart;

/// The Trends tab: one disk's usage over a time range (1 h, 6 h, 24 h, 7 d)
/// from the history store, with the forecast to 100 % from the snapshot's
/// growth estimate. It asks for series with seriesRequested (the monitor
/// answers on its worker thread) and ignores answers to older requests.
/// Requests only while visible. GUI thread.
class TrendsPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrendsPanel(QWidget *parent = nullptr);

    void setSnapshot(std::shared_ptr<const core::measure::ClusterSnapshot> snapshot);
    /// Shows the disk (if known) and asks for its series.
    bool selectDisk(core::BrokerId broker, const QString &dir);
    /// Range in hours: 1, 6, 24 or 168.
    void setRangeHours(int hours);
    [[nodiscard]] UsageTrendChart *chart() const { return m_chart; }
    [[nodiscard]] QComboBox *diskBox() const { return m_disks; }
    [[nodiscard]] quint64 lastRequestId() const { return m_requestId; }

public Q_SLOTS:
    void setSeries(quint64 requestId, const std::vector<spillway::core::DiskHistoryPoint> &points);
    void requestSeries();

Q_SIGNALS:
    void seriesRequested(quint64 requestId, int brokerId, const QString &dir, qint64 fromMs, qint64 toMs,
                         int maxPoints);

protected:
    void showEvent(QShowEvent *event) override;

private:
    [[nodiscard]] const core::measure::LogDirSnapshot *selectedDir() const;

    std::shared_ptr<const core::measure::ClusterSnapshot> m_snapshot;
    QComboBox *m_disks;
    QComboBox *m_range;
    QPushButton *m_resetZoom;
    UsageTrendChart *m_chart;
    quint64 m_requestId = 0;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    bool m_dirty = false;
};

} // namespace spillway::ui
