// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/models/disk_bars.h"

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPItemStraightLine;
class QCPItemText;
class QMouseEvent;

namespace spillway::ui {

/// The Disks tab's chart: one horizontal stacked bar per log dir, in percent
/// of its filesystem's capacity: the largest topics (one colour each across
/// all disks), other topics, other data on the filesystem, free. Vertical
/// lines at the warn and critical usage %, the time to full beside each bar.
/// Clicking a bar emits diskClicked. Wraps QCustomPlot (only ui/charts
/// includes qcustomplot.h). GUI thread.
class DiskBarsChart : public QWidget {
    Q_OBJECT
public:
    explicit DiskBarsChart(QWidget *parent = nullptr);

    void setBars(DiskBars bars);
    void setThresholds(double warnPercent, double criticalPercent);
    [[nodiscard]] const DiskBars &bars() const { return m_bars; }
    /// The disk row under a point of the plot widget, or -1.
    [[nodiscard]] int diskAt(const QPoint &pos) const;
    [[nodiscard]] QCustomPlot *plot() const { return m_plot; }
    bool savePng(const QString &file);

Q_SIGNALS:
    void diskClicked(int row);

protected:
    void changeEvent(QEvent *event) override;

private:
    void rebuild();
    void styleFromPalette();
    void onMousePress(QMouseEvent *event);
    void onMouseMove(QMouseEvent *event);
    QString tooltipFor(int row) const;

    QCustomPlot *m_plot;
    QCPItemStraightLine *m_warnLine;
    QCPItemStraightLine *m_criticalLine;
    QCPItemText *m_emptyLabel;
    std::vector<QCPBars *> m_layers;
    std::vector<QCPItemText *> m_labels;
    DiskBars m_bars;
    double m_warn = 80.0;
    double m_critical = 90.0;
};

} // namespace spillway::ui
