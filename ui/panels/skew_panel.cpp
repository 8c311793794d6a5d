// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/skew_panel.h"

#include "ui/models/skew_model.h"
#include "ui/widgets/empty_state.h"
#include "ui/widgets/fill_bar_delegate.h"
#include "ui/widgets/placeholder_view.h"
#include "ui/widgets/table_export.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QRadioButton>
#include <QTableView>
#include <QVBoxLayout>

namespace spillway::ui {

SkewPanel::SkewPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new SkewModel(this))
    , m_view(new QTableView)
    , m_summary(new QLabel)
    , m_mode(new QButtonGroup(this))
{
    m_view->setModel(m_model);
    m_view->setObjectName(QStringLiteral("skewView"));
    m_view->setItemDelegate(new HeatCellDelegate(m_view));
    m_view->setWordWrap(true);
    m_view->setShowGrid(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(64);
    m_view->setToolTip(tr("Brokers x disks: darker cells hold more; a framed cell is outside +-10 % of its "
                          "broker's mean"));
    addCsvExportMenu(m_view, QStringLiteral("spillway-skew.csv"));
    m_placeholder = new PlaceholderView(
        m_view, new EmptyState(tr("No partitions yet"),
                               tr("Partition count and bytes per broker and disk appear here as a heatmap, with the "
                                  "skew index and the disks out of balance.")));

    auto *bytes = new QRadioButton(tr("By &bytes"));
    auto *partitions = new QRadioButton(tr("By &partition count"));
    bytes->setChecked(true);
    m_mode->addButton(bytes, 0);
    m_mode->addButton(partitions, 1);
    connect(m_mode, &QButtonGroup::idClicked, this, [this](int id) { showPartitions(id == 1); });

    auto *bar = new QHBoxLayout;
    bar->addWidget(bytes);
    bar->addWidget(partitions);
    bar->addSpacing(16);
    bar->addWidget(m_summary, 1);
    m_summary->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(bar);
    layout->addWidget(m_placeholder, 1);
}

void SkewPanel::setSnapshot(std::shared_ptr<const core::measure::ClusterSnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    m_dirty = true;
    if (isVisible())
        rebuild();
}

void SkewPanel::setOptions(const core::measure::SkewOptions &options)
{
    m_options = options;
    m_dirty = true;
    if (isVisible())
        rebuild();
}

void SkewPanel::showPartitions(bool partitions)
{
    m_model->setMode(partitions ? SkewModel::Mode::Partitions : SkewModel::Mode::Bytes);
    if (auto *b = m_mode->button(partitions ? 1 : 0))
        b->setChecked(true);
    m_summary->setText(m_model->summary());
}

void SkewPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        rebuild();
}

void SkewPanel::rebuild()
{
    m_dirty = false;
    if (!m_snapshot)
        return;
    m_model->update(*m_snapshot, m_options);
    m_summary->setText(m_model->summary());
}

} // namespace spillway::ui
