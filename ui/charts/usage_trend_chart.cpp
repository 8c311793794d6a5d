// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/charts/usage_trend_chart.h"

#include "ui/widgets/severity_style.h"

#include <qcustomplot.h>

#include <QDateTime>
#include <QEvent>
#include <QVBoxLayout>

namespace spillway::ui {
UsageTrendChart::UsageTrendChart(QWidget *parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
    , m_emptyLabel(new QCPItemText(m_plot))
    , m_warnLine(new QCPItemStraightLine(m_plot))
    , m_criticalLine(new QCPItemStraightLine(m_plot))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);

    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeFormat(QStringLiteral("HH:mm\nd MMM"));
    m_plot->xAxis->setTicker(ticker);
    // Seconds when zoomed in, dates only when zoomed far out.
    connect(m_plot->xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, [ticker](const QCPRange &range) {
        const double span = range.size();
        ticker->setDateTimeFormat(span < 900.0         ? QStringLiteral("HH:mm:ss\nd MMM")
                                  : span < 3.0 * 86400 ? QStringLiteral("HH:mm\nd MMM")
                                                       : QStringLiteral("d MMM"));
    });
    m_plot->xAxis->setLabel(tr("Time"));
    m_plot->yAxis->setLabel(tr("Used (% of capacity)"));
    m_plot->yAxis->setRange(0, 100);
    const double now = static_cast<double>(QDateTime::currentSecsSinceEpoch());
    m_plot->xAxis->setRange(now - 3600.0, now);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->setToolTip(tr("Wheel: zoom time, drag: pan. The dashed line is the forecast to 100 %."));
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);

    m_emptyLabel->setPositionAlignment(Qt::AlignCenter);
    m_emptyLabel->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_emptyLabel->position->setCoords(0.5, 0.5);
    m_emptyLabel->setClipToAxisRect(false);

    m_fullLabel = new QCPItemText(m_plot);
    m_fullLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    m_fullLabel->setPadding(QMargins(0, 0, 12, 6)); // clear of the marker
    m_fullLabel->setVisible(false);

    styleFromPalette();
    setThresholds(80.0, 90.0);
    setEmptyText(tr("No samples yet"));
}

void UsageTrendChart::setThresholds(double warnPercent, double criticalPercent)
{
    // A straight line through (0, y) and (1, y) in plot coordinates is horizontal.
    m_warnLine->point1->setCoords(0, warnPercent);
    m_warnLine->point2->setCoords(1, warnPercent);
    m_criticalLine->point1->setCoords(0, criticalPercent);
    m_criticalLine->point2->setCoords(1, criticalPercent);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void UsageTrendChart::setEmptyText(const QString &text)
{
    m_emptyLabel->setText(text);
    m_emptyLabel->setVisible(!text.isEmpty());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void UsageTrendChart::setSeries(const std::vector<core::DiskHistoryPoint> &points,
                                const std::optional<core::measure::GrowthEstimate> &growth, qint64 fromMs, qint64 toMs)
{
    if (!m_usage) {
        m_usage = m_plot->addGraph();
        m_usage->setName(tr("used"));
        m_forecast = m_plot->addGraph();
        m_forecast->setName(tr("forecast"));
        m_fullMarker = m_plot->addGraph();
        m_fullMarker->setName(tr("full"));
        m_fullMarker->setLineStyle(QCPGraph::lsNone);
        styleFromPalette();
    }

    QVector<double> t;
    QVector<double> v;
    t.reserve(static_cast<qsizetype>(points.size()));
    v.reserve(static_cast<qsizetype>(points.size()));
    for (const auto &p : points) {
        const double denom = p.usedBytes + p.freeBytes;
        if (denom <= 0)
            continue;
        t << static_cast<double>(p.timeMs) / 1000.0;
        v << p.usedBytes / denom * 100.0;
    }
    m_usage->setData(t, v, true);
    m_forecast->data()->clear();
    m_fullMarker->data()->clear();
    m_fullLabel->setVisible(false);
    m_fullMs.reset();

    if (!points.empty() && growth && growth->perSecond > 0 && !t.isEmpty()) {
        const auto &last = points.back();
        const double seconds = last.freeBytes / growth->perSecond;
        const double lastT = t.back();
        const double fullT = lastT + seconds;
        m_forecast->setData(QVector<double>{lastT, fullT}, QVector<double>{v.back(), 100.0}, true);
        m_fullMarker->setData(QVector<double>{fullT}, QVector<double>{100.0}, true);
        m_fullMs = static_cast<qint64>(fullT * 1000.0);
        m_fullLabel->position->setCoords(fullT, 99.0);
        m_fullLabel->setText(tr("full %1").arg(
            QDateTime::fromSecsSinceEpoch(static_cast<qint64>(fullT)).toString(QStringLiteral("d MMM HH:mm"))));
        m_fullLabel->setVisible(true);
    }

    m_fromS = static_cast<double>(fromMs) / 1000.0;
    m_toS = static_cast<double>(toMs) / 1000.0;
    const double rangeWidth = m_toS - m_fromS;
    // History shorter than the range: show the history, not an empty hour.
    if (!t.isEmpty() && t.front() > m_fromS && m_toS > t.front())
        m_fromS = t.front() - (m_toS - t.front()) * 0.05;
    // Leave room for the forecast when it falls within the range's width.
    if (m_fullMs) {
        const double fullT = static_cast<double>(*m_fullMs) / 1000.0;
        if (fullT > m_toS && fullT < m_toS + rangeWidth)
            m_toS = fullT + (fullT - m_fromS) * 0.04;
    }
    setEmptyText(t.isEmpty() ? tr("No samples yet for this disk in the selected range") : QString());
    resetZoom();
}

void UsageTrendChart::resetZoom()
{
    if (m_toS > m_fromS)
        m_plot->xAxis->setRange(m_fromS, m_toS);
    m_plot->yAxis->setRange(0, 105);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool UsageTrendChart::savePng(const QString &file) { return m_plot->savePng(file, 0, 0, 1.0, -1); }

QString UsageTrendChart::emptyText() const { return m_emptyLabel->text(); }

void UsageTrendChart::styleFromPalette()
{
    const QPalette pal = palette();
    const QColor fg = pal.color(QPalette::WindowText);
    const QColor grid = pal.color(QPalette::Mid);
    m_plot->setBackground(pal.brush(QPalette::Base));
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setBasePen(QPen(fg));
        axis->setTickPen(QPen(fg));
        axis->setSubTickPen(QPen(fg));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
        axis->grid()->setPen(QPen(grid, 0, Qt::DotLine));
    }
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_emptyLabel->setFont(f);
    m_emptyLabel->setColor(pal.color(QPalette::PlaceholderText));
    m_warnLine->setPen(QPen(severityColor(core::measure::AlertSeverity::Warning, pal), 1.0, Qt::DashLine));
    m_criticalLine->setPen(QPen(severityColor(core::measure::AlertSeverity::Critical, pal), 1.0, Qt::DashLine));
    if (m_usage) {
        QColor fill = pal.color(QPalette::Highlight);
        m_usage->setPen(QPen(fill, 2));
        fill.setAlpha(50);
        m_usage->setBrush(fill);
        const QColor critical = severityColor(core::measure::AlertSeverity::Critical, pal);
        m_forecast->setPen(QPen(critical, 1.5, Qt::DashLine));
        m_fullMarker->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, critical, critical, 11));
        m_fullLabel->setColor(critical);
    }
}

void UsageTrendChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // A light/dark switch (or a new style) while the console runs: re-colour now.
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        styleFromPalette();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

} // namespace spillway::ui
