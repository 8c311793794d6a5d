// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/alerts_panel.h"

#include "ui/models/alerts_model.h"
#include "ui/models/model_roles.h"
#include "ui/widgets/empty_state.h"
#include "ui/widgets/placeholder_view.h"
#include "ui/widgets/table_export.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace spillway::ui {

AlertsPanel::AlertsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new AlertsModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView)
    , m_ackButton(new QPushButton(tr("&Acknowledge")))
    , m_fixButton(new QPushButton(tr("Fix...")))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RawValueRole);
    m_view->setModel(m_proxy);
    m_view->setObjectName(QStringLiteral("alertsView"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(AlertsModel::SeverityColumn, Qt::DescendingOrder);
    m_view->verticalHeader()->hide();
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setSectionResizeMode(AlertsModel::TextColumn, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(AlertsModel::SeverityColumn, QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(AlertsModel::TimeColumn, QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(AlertsModel::AcknowledgedColumn, QHeaderView::ResizeToContents);
    m_view->setColumnWidth(AlertsModel::FixColumn, 240);
    addCsvExportMenu(m_view, QStringLiteral("spillway-alerts.csv"));

    auto *empty =
        new EmptyState(tr("No alerts"), tr("Disk usage, time to full, failed or missing log dirs, corrupt indexes, "
                                           "replication factor 1 and growing consumer lag are reported here."));
    m_placeholder = new PlaceholderView(m_view, empty);

    m_ackButton->setToolTip(tr("Mark the selected alert as seen: it stays listed until the condition clears, "
                               "but no longer notifies"));
    m_fixButton->setToolTip(tr("Open the operation that fixes the selected alert"));
    auto *buttons = new QVBoxLayout;
    buttons->addWidget(m_ackButton);
    buttons->addWidget(m_fixButton);
    buttons->addStretch();

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_placeholder, 1);
    layout->addLayout(buttons);

    connect(m_model, &AlertsModel::acknowledgeRequested, this, &AlertsPanel::acknowledgeRequested);
    connect(m_model, &AlertsModel::fixRequested, this, &AlertsPanel::fixRequested);
    connect(m_ackButton, &QPushButton::clicked, this, [this] {
        m_model->acknowledge(currentSourceRow());
        updateButtons();
    });
    connect(m_fixButton, &QPushButton::clicked, this, [this] { m_model->requestFix(currentSourceRow()); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AlertsPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &AlertsPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &AlertsPanel::updateButtons);
    connect(m_view, &QAbstractItemView::doubleClicked, this,
            [this](const QModelIndex &) { m_model->requestFix(currentSourceRow()); });
    updateButtons();
}

void AlertsPanel::update(std::span<const core::measure::Alert> alerts)
{
    m_model->update(alerts);
    if (!m_view->currentIndex().isValid() && m_proxy->rowCount() > 0)
        m_view->setCurrentIndex(m_proxy->index(0, 0));
    updateButtons();
}

bool AlertsPanel::selectAlert(const QString &key)
{
    const int row = m_model->rowOfKey(key);
    if (row < 0)
        return false;
    m_view->setCurrentIndex(m_proxy->mapFromSource(m_model->index(row, 0)));
    return true;
}

int AlertsPanel::currentSourceRow() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? m_proxy->mapToSource(current).row() : -1;
}

void AlertsPanel::updateButtons()
{
    const core::measure::Alert *a = m_model->alert(currentSourceRow());
    m_ackButton->setEnabled(a && !a->acknowledged);
    const QString fixText = a ? AlertsModel::fixButtonText(a->fix) : QString();
    m_fixButton->setText(fixText.isEmpty() ? tr("Fix...") : fixText);
    m_fixButton->setEnabled(!fixText.isEmpty());
    if (a && !fixText.isEmpty())
        m_fixButton->setToolTip(QString::fromStdString(a->fix.describe()));
}

} // namespace spillway::ui
