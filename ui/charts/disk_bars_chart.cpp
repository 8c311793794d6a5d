// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/charts/disk_bars_chart.h"

#include "core/measure/measure_format.h"
#include "ui/widgets/severity_style.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QFontMetrics>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>

namespace spillway::ui {

namespace {

// A qualitative palette that reads on light and dark backgrounds.
const QColor kTopicColors[] = {QColor(0x4E, 0x79, 0xA7), QColor(0xF2, 0x8E, 0x2B), QColor(0x59, 0xA1, 0x4F),
                               QColor(0xB0, 0x7A, 0xA1), QColor(0x76, 0xB7, 0xB2), QColor(0xED, 0xC9, 0x48),
                               QColor(0xFF, 0x9D, 0xA7), QColor(0x9C, 0x75, 0x5F)};

QString bytes(double b) { return QString::fromStdString(core::measure::formatByteSize(static_cast<std::int64_t>(b))); }

} // namespace

DiskBarsChart::DiskBarsChart(QWidget *parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
    , m_warnLine(new QCPItemStraightLine(m_plot))
    , m_criticalLine(new QCPItemStraightLine(m_plot))
    , m_emptyLabel(new QCPItemText(m_plot))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setMouseTracking(true);

    auto xTicker = QSharedPointer<QCPAxisTickerText>::create();
    for (int p = 0; p <= 100; p += 20)
        xTicker->addTick(p, QStringLiteral("%1 %").arg(p));
    m_plot->xAxis->setTicker(xTicker);
    m_plot->xAxis->setRange(0, 101);
    m_plot->xAxis->setLabel(tr("Share of the filesystem's capacity"));
    m_plot->yAxis->setRangeReversed(true);
    m_plot->yAxis->grid()->setVisible(false);

    m_plot->legend->setVisible(true);
    auto *legendRect = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(1, 0, legendRect);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setWrap(8);
    // Out of the axis rect's inset first, so that adding it elsewhere is a move.
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->axisRect()->insetLayout()->simplify();
    legendRect->addElement(0, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);

    m_emptyLabel->setPositionAlignment(Qt::AlignCenter);
    m_emptyLabel->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_emptyLabel->position->setCoords(0.5, 0.5);
    m_emptyLabel->setText(tr("No log dirs measured yet"));

    connect(m_plot, &QCustomPlot::mousePress, this, &DiskBarsChart::onMousePress);
    connect(m_plot, &QCustomPlot::mouseMove, this, &DiskBarsChart::onMouseMove);
    styleFromPalette();
    setThresholds(80.0, 90.0);
    rebuild();
}

void DiskBarsChart::setThresholds(double warnPercent, double criticalPercent)
{
    m_warn = warnPercent;
    m_critical = criticalPercent;
    m_warnLine->point1->setCoords(warnPercent, 0);
    m_warnLine->point2->setCoords(warnPercent, 1);
    m_criticalLine->point1->setCoords(criticalPercent, 0);
    m_criticalLine->point2->setCoords(criticalPercent, 1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void DiskBarsChart::setBars(DiskBars bars)
{
    m_bars = std::move(bars);
    rebuild();
}

void DiskBarsChart::rebuild()
{
    for (QCPBars *b : m_layers)
        m_plot->removePlottable(b);
    m_layers.clear();
    for (QCPItemText *t : m_labels)
        m_plot->removeItem(t);
    m_labels.clear();

    const QPalette pal = palette();
    const int n = static_cast<int>(m_bars.disks.size());
    m_emptyLabel->setVisible(n == 0);

    auto yTicker = QSharedPointer<QCPAxisTickerText>::create();
    QVector<double> keys;
    for (int i = 0; i < n; ++i) {
        const auto &d = m_bars.disks[static_cast<std::size_t>(i)];
        keys << i;
        yTicker->addTick(i, d.label);
    }
    m_plot->yAxis->setTicker(yTicker);
    m_plot->yAxis->setRange(-0.6, std::max(0, n - 1) + 0.6);

    const auto percentOf = [](double v, const DiskBar &d) {
        return d.capacityBytes > 0 ? v / d.capacityBytes * 100.0 : 0.0;
    };
    QCPBars *below = nullptr;
    const auto addLayer = [&](const QString &name, const QBrush &brush, const QPen &pen, auto valueOf) {
        auto *bars = new QCPBars(m_plot->yAxis, m_plot->xAxis);
        bars->setName(name);
        bars->setWidth(0.62);
        bars->setBrush(brush);
        bars->setPen(pen);
        bars->setStackingGap(0);
        QVector<double> values;
        for (const auto &d : m_bars.disks)
            values << percentOf(valueOf(d), d);
        bars->setData(keys, values, true);
        if (below)
            bars->moveAbove(below);
        below = bars;
        m_layers.push_back(bars);
    };
    for (int t = 0; t < m_bars.topics.size(); ++t) {
        const QColor c = kTopicColors[static_cast<std::size_t>(t) % std::size(kTopicColors)];
        addLayer(m_bars.topics[t], c, QPen(c.darker(130)),
                 [t](const DiskBar &d) { return d.topicBytes[static_cast<std::size_t>(t)]; });
    }
    const QColor others = isDarkPalette(pal) ? QColor(0x9A, 0xA0, 0xA6) : QColor(0x80, 0x86, 0x8B);
    addLayer(tr("other topics"), others, QPen(others.darker(130)), [](const DiskBar &d) { return d.otherTopicsBytes; });
    QColor otherData = pal.color(QPalette::WindowText);
    otherData.setAlpha(60);
    addLayer(tr("other data on the filesystem"), QBrush(otherData, Qt::BDiagPattern), QPen(pal.color(QPalette::Mid)),
             [](const DiskBar &d) { return d.otherDataBytes; });
    QColor freeColor = pal.color(QPalette::Mid);
    freeColor.setAlpha(40);
    addLayer(tr("free"), freeColor, QPen(pal.color(QPalette::Mid)), [](const DiskBar &d) { return d.freeBytes; });

    QFont bold = font();
    bold.setBold(true);
    int labelWidth = 0;
    for (int i = 0; i < n; ++i) {
        const auto &d = m_bars.disks[static_cast<std::size_t>(i)];
        auto *label = new QCPItemText(m_plot);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        label->position->setCoords(101, i);
        label->setPadding(QMargins(8, 0, 0, 0));
        QString text =
            d.capacityBytes > 0 ? QStringLiteral("%1 %  ·  %2").arg(d.usedPercent, 0, 'f', 1).arg(d.detail) : d.detail;
        if (d.state != tr("online") && d.capacityBytes > 0)
            text = d.state + QStringLiteral("  ·  ") + text;
        label->setText(text);
        const bool bad = d.urgent || d.usedPercent >= m_critical || d.state != tr("online");
        label->setColor(bad ? severityColor(core::measure::AlertSeverity::Critical, pal)
                            : (d.usedPercent >= m_warn ? severityColor(core::measure::AlertSeverity::Warning, pal)
                                                       : pal.color(QPalette::WindowText)));
        if (bad)
            label->setFont(bold);
        label->setClipToAxisRect(false);
        m_labels.push_back(label);
        labelWidth = std::max(labelWidth, QFontMetrics(bad ? bold : font()).horizontalAdvance(text));
    }
    // The labels live in the axis rect's right margin, sized to the longest.
    m_plot->axisRect()->setAutoMargins(QCP::msLeft | QCP::msTop | QCP::msBottom);
    m_plot->axisRect()->setMargins(QMargins(0, 0, labelWidth + 24, 0));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void DiskBarsChart::styleFromPalette()
{
    const QPalette pal = palette();
    const QColor fg = pal.color(QPalette::WindowText);
    m_plot->setBackground(pal.brush(QPalette::Base));
    m_plot->axisRect()->setBackground(pal.brush(QPalette::Base));
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setBasePen(QPen(fg));
        axis->setTickPen(QPen(fg));
        axis->setSubTickPen(Qt::NoPen);
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
        axis->grid()->setPen(QPen(pal.color(QPalette::Mid), 0, Qt::DotLine));
    }
    m_plot->legend->setBrush(pal.brush(QPalette::Base));
    m_plot->legend->setTextColor(fg);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_warnLine->setPen(QPen(severityColor(core::measure::AlertSeverity::Warning, pal), 1.5, Qt::DashLine));
    m_criticalLine->setPen(QPen(severityColor(core::measure::AlertSeverity::Critical, pal), 1.5, Qt::DashLine));
    m_emptyLabel->setColor(pal.color(QPalette::PlaceholderText));
}

void DiskBarsChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // A light/dark switch (or a new style) while the console runs: re-colour now.
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        styleFromPalette();
        rebuild();
    }
}

int DiskBarsChart::diskAt(const QPoint &pos) const
{
    if (!m_plot->axisRect()->rect().contains(pos) && !m_plot->yAxis->axisRect()->outerRect().contains(pos))
        return -1;
    const double key = m_plot->yAxis->pixelToCoord(pos.y());
    const int row = static_cast<int>(std::lround(key));
    if (row < 0 || row >= static_cast<int>(m_bars.disks.size()) || std::abs(key - row) > 0.45)
        return -1;
    return row;
}

void DiskBarsChart::onMousePress(QMouseEvent *event)
{
    const int row = diskAt(event->pos());
    if (row >= 0)
        Q_EMIT diskClicked(row);
}

void DiskBarsChart::onMouseMove(QMouseEvent *event)
{
    const int row = diskAt(event->pos());
    m_plot->setCursor(row >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    if (row >= 0)
        QToolTip::showText(event->globalPosition().toPoint(), tooltipFor(row), m_plot);
    else
        QToolTip::hideText();
}

QString DiskBarsChart::tooltipFor(int row) const
{
    const auto &d = m_bars.disks[static_cast<std::size_t>(row)];
    QString text = QStringLiteral("<b>%1</b> (%2)<br>").arg(d.label.toHtmlEscaped(), d.state);
    if (d.capacityBytes <= 0)
        return text + d.detail.toHtmlEscaped();
    for (int t = 0; t < m_bars.topics.size(); ++t)
        if (d.topicBytes[static_cast<std::size_t>(t)] > 0)
            text += tr("topic %1: %2<br>")
                        .arg(m_bars.topics[t].toHtmlEscaped(), bytes(d.topicBytes[static_cast<std::size_t>(t)]));
    text += tr("other topics: %1<br>other data: %2<br>free: %3 of %4<br>%5<br><i>Click for details</i>")
                .arg(bytes(d.otherTopicsBytes), bytes(d.otherDataBytes), bytes(d.freeBytes), bytes(d.capacityBytes),
                     d.detail.toHtmlEscaped());
    return text;
}

bool DiskBarsChart::savePng(const QString &file) { return m_plot->savePng(file, 0, 0, 1.0, -1); }

} // namespace spillway::ui
