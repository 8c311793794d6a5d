// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/charts/usage_trend_chart.h"

#include <qcustomplot.h>

#include <QDateTime>
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
    m_plot->xAxis->setLabel(tr("Time"));
    m_plot->yAxis->setLabel(tr("Used (% of capacity)"));
    m_plot->yAxis->setRange(0, 100);
    const double now = static_cast<double>(QDateTime::currentSecsSinceEpoch());
    m_plot->xAxis->setRange(now - 3600.0, now);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);

    m_warnLine->setPen(QPen(QColor(0xE6, 0xA1, 0x00), 1.0, Qt::DashLine));
    m_criticalLine->setPen(QPen(QColor(0xD0, 0x31, 0x2D), 1.0, Qt::DashLine));

    m_emptyLabel->setPositionAlignment(Qt::AlignCenter);
    m_emptyLabel->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_emptyLabel->position->setCoords(0.5, 0.5);
    m_emptyLabel->setClipToAxisRect(false);

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
}

} // namespace spillway::ui
