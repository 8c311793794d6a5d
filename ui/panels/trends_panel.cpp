// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/trends_panel.h"

#include "ui/charts/usage_trend_chart.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace spillway::ui {

namespace {
QString diskKey(int broker, const std::string &dir)
{
    return QStringLiteral("%1:%2").arg(broker).arg(QString::fromStdString(dir));
}
} // namespace

TrendsPanel::TrendsPanel(QWidget *parent)
    : QWidget(parent)
    , m_disks(new QComboBox)
    , m_range(new QComboBox)
    , m_resetZoom(new QPushButton(tr("Reset &zoom")))
    , m_chart(new UsageTrendChart)
{
    m_disks->setObjectName(QStringLiteral("trendDisk"));
    m_disks->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_disks->setToolTip(tr("The log dir whose filesystem usage is shown"));
    m_range->addItem(tr("Last hour"), 1);
    m_range->addItem(tr("Last 6 hours"), 6);
    m_range->addItem(tr("Last 24 hours"), 24);
    m_range->addItem(tr("Last 7 days"), 168);
    m_range->setToolTip(tr("Time range; the wheel zooms and dragging pans within the chart"));
    m_chart->setEmptyText(tr("No samples yet: usage history starts when a broker is added"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Disk:")));
    bar->addWidget(m_disks);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Range:")));
    bar->addWidget(m_range);
    bar->addWidget(m_resetZoom);
    bar->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(bar);
    layout->addWidget(m_chart, 1);

    connect(m_disks, &QComboBox::currentIndexChanged, this, &TrendsPanel::requestSeries);
    connect(m_range, &QComboBox::currentIndexChanged, this, &TrendsPanel::requestSeries);
    connect(m_resetZoom, &QPushButton::clicked, m_chart, &UsageTrendChart::resetZoom);
}

void TrendsPanel::setSnapshot(std::shared_ptr<const core::measure::ClusterSnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    const QString current = m_disks->currentData().toString();
    QStringList keys;
    QStringList labels;
    if (m_snapshot)
        for (const auto &b : m_snapshot->brokers)
            for (const auto &d : b.dirs) {
                keys << diskKey(b.id.get(), d.path);
                labels << QStringLiteral("%1  %2").arg(QString::fromStdString(b.displayName()),
                                                       QString::fromStdString(d.path));
            }
    bool same = keys.size() == m_disks->count();
    for (int i = 0; same && i < keys.size(); ++i)
        same = m_disks->itemData(i).toString() == keys[i];
    if (!same) {
        const QSignalBlocker block(m_disks);
        m_disks->clear();
        for (int i = 0; i < keys.size(); ++i)
            m_disks->addItem(labels[i], keys[i]);
        const int keep = m_disks->findData(current);
        m_disks->setCurrentIndex(keep >= 0 ? keep : (keys.isEmpty() ? -1 : 0));
    }
    m_dirty = true;
    if (isVisible())
        requestSeries();
}

bool TrendsPanel::selectDisk(core::BrokerId broker, const QString &dir)
{
    const int i = m_disks->findData(diskKey(broker.get(), dir.toStdString()));
    if (i < 0)
        return false;
    m_disks->setCurrentIndex(i);
    return true;
}

void TrendsPanel::setRangeHours(int hours)
{
    const int i = m_range->findData(hours);
    if (i >= 0)
        m_range->setCurrentIndex(i);
}

const core::measure::LogDirSnapshot *TrendsPanel::selectedDir() const
{
    if (!m_snapshot)
        return nullptr;
    const QString key = m_disks->currentData().toString();
    for (const auto &b : m_snapshot->brokers)
        for (const auto &d : b.dirs)
            if (diskKey(b.id.get(), d.path) == key)
                return &d;
    return nullptr;
}

void TrendsPanel::requestSeries()
{
    m_dirty = false;
    const QString key = m_disks->currentData().toString();
    if (key.isEmpty())
        return;
    const int colon = key.indexOf(QLatin1Char(':'));
    const int broker = key.left(colon).toInt();
    const QString dir = key.mid(colon + 1);
    m_toMs = m_snapshot && m_snapshot->timeMs > 0 ? m_snapshot->timeMs : QDateTime::currentMSecsSinceEpoch();
    m_fromMs = m_toMs - static_cast<qint64>(m_range->currentData().toInt()) * 3'600'000;
    Q_EMIT seriesRequested(++m_requestId, broker, dir, m_fromMs, m_toMs, 1200);
}

void TrendsPanel::setSeries(quint64 requestId, const std::vector<core::DiskHistoryPoint> &points)
{
    if (requestId != m_requestId)
        return;
    const auto *dir = selectedDir();
    m_chart->setSeries(points, dir ? dir->growth : std::nullopt, m_fromMs, m_toMs);
}

void TrendsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        requestSeries();
}

} // namespace spillway::ui
