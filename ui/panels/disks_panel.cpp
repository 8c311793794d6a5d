// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/disks_panel.h"

#include "ui/charts/disk_bars_chart.h"
#include "ui/panels/disk_details_dialog.h"
#include "ui/widgets/empty_state.h"

#include <QLabel>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace spillway::ui {

DisksPanel::DisksPanel(QWidget *parent)
    : QWidget(parent)
    , m_stack(new QStackedWidget)
    , m_empty(new EmptyState(tr("No disks to show"),
                             tr("Each log dir's filesystem appears here as a bar: Kafka data by topic, other data, "
                                "free space, the warning and critical thresholds and the time until it is full.")))
    , m_chart(new DiskBarsChart)
    , m_hint(new QLabel(tr("Bars show each log dir's filesystem by topic, other data and free space; dashed lines "
                           "are the warning and critical thresholds. Click a disk for its details.")))
{
    m_hint->setWordWrap(true);
    auto *page = new QWidget;
    auto *pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(0, 0, 0, 0);
    pageLayout->addWidget(m_hint);
    pageLayout->addWidget(m_chart, 1);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(page);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_stack);
    connect(m_chart, &DiskBarsChart::diskClicked, this, &DisksPanel::openDetails);
}

void DisksPanel::setThresholds(double warnPercent, double criticalPercent, double criticalHours)
{
    m_chart->setThresholds(warnPercent, criticalPercent);
    m_criticalHours = criticalHours;
}

void DisksPanel::setSnapshot(std::shared_ptr<const core::measure::ClusterSnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    m_dirty = true;
    if (isVisible())
        rebuild();
    else
        m_stack->setCurrentIndex(m_snapshot && !m_snapshot->brokers.empty() ? 1 : 0);
}

bool DisksPanel::showingEmptyState() const { return m_stack->currentIndex() == 0; }

void DisksPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        rebuild();
}

void DisksPanel::rebuild()
{
    m_dirty = false;
    if (!m_snapshot) {
        m_stack->setCurrentIndex(0);
        return;
    }
    DiskBars bars = DiskBars::build(*m_snapshot, 6, m_criticalHours);
    m_stack->setCurrentIndex(bars.disks.empty() ? 0 : 1);
    m_chart->setBars(std::move(bars));
    if (m_details && m_details->isVisible()) {
        for (const auto &b : m_snapshot->brokers)
            if (b.id == m_details->broker())
                for (const auto &d : b.dirs)
                    if (d.path == m_details->dir())
                        m_details->setDir(QString::fromStdString(b.displayName()), b.id, d);
    }
}

void DisksPanel::openDetails(int row)
{
    if (!m_snapshot || row < 0 || row >= static_cast<int>(m_chart->bars().disks.size()))
        return;
    const DiskBar &bar = m_chart->bars().disks[static_cast<std::size_t>(row)];
    const core::measure::BrokerSnapshot *broker = m_snapshot->broker(bar.broker);
    if (!broker)
        return;
    for (const auto &d : broker->dirs) {
        if (d.path != bar.dir)
            continue;
        if (!m_details)
            m_details = new DiskDetailsDialog(this);
        m_details->setDir(QString::fromStdString(broker->displayName()), broker->id, d);
        // Already open: bring it forward; otherwise showing it is enough.
        if (m_details->isVisible())
            m_details->raise();
        else
            m_details->show();
        Q_EMIT diskSelected(broker->id, QString::fromStdString(d.path));
        return;
    }
}

} // namespace spillway::ui
