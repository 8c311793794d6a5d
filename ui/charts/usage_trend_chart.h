// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/growth_estimator.h"
#include "core/services/history_store.h"

#include <QWidget>

#include <optional>
#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;

namespace spillway::ui {

/// Disk usage over time (percent of capacity) with the warning and critical
/// threshold lines, and the forecast from the last sample to 100 % along the
/// growth estimate, with a marker where it is reached. Horizontal zoom and
/// pan (mouse wheel, drag). Wraps QCustomPlot so that nothing outside ui/charts
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

    /// Shows `points` (oldest first) over [fromMs, toMs]; `growth` draws the
    /// forecast. Empty points: shows the empty text.
    void setSeries(const std::vector<core::DiskHistoryPoint> &points,
                   const std::optional<core::measure::GrowthEstimate> &growth, qint64 fromMs, qint64 toMs);
    /// The time the forecast reaches 100 %, in ms; nullopt when not growing.
    [[nodiscard]] std::optional<qint64> forecastFullMs() const { return m_fullMs; }
    /// Back to the range of the last setSeries().
    void resetZoom();
    bool savePng(const QString &file);

    /// The plot, for tests and PNG export.
    [[nodiscard]] QCustomPlot *plot() const { return m_plot; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void styleFromPalette();

    QCustomPlot *m_plot;
    QCPItemText *m_emptyLabel;
    QCPItemStraightLine *m_warnLine;
    QCPItemStraightLine *m_criticalLine;
    QCPGraph *m_usage = nullptr;
    QCPGraph *m_forecast = nullptr;
    QCPGraph *m_fullMarker = nullptr;
    QCPItemText *m_fullLabel = nullptr;
    std::optional<qint64> m_fullMs;
    double m_fromS = 0;
    double m_toS = 0;
};

} // namespace spillway::ui
