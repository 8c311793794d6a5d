// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QCustomPlot;
class QCPItemStraightLine;
class QCPItemText;

namespace spillway::ui {

/// Disk usage over time (percent of capacity) with the warning and critical
/// threshold lines. Wraps QCustomPlot so that nothing outside ui/charts
/// includes qcustomplot.h. Shows "No samples yet" until data arrives.
/// GUI thread.
class UsageTrendChart : public QWidget {
    Q_OBJECT
public:
    explicit UsageTrendChart(QWidget *parent = nullptr);

    /// Thresholds in percent of capacity, drawn as horizontal lines.
    void setThresholds(double warnPercent, double criticalPercent);
    void setEmptyText(const QString &text);
    [[nodiscard]] QString emptyText() const;

    /// The plot, for tests and PNG export.
    [[nodiscard]] QCustomPlot *plot() const { return m_plot; }

private:
    void styleFromPalette();

    QCustomPlot *m_plot;
    QCPItemText *m_emptyLabel;
    QCPItemStraightLine *m_warnLine;
    QCPItemStraightLine *m_criticalLine;
};

} // namespace spillway::ui
