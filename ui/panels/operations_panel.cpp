// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/operations_panel.h"

#include "ui/models/journal_reader.h"
#include "ui/models/operations_model.h"
#include "ui/widgets/empty_state.h"
#include "ui/widgets/fill_bar_delegate.h"
#include "ui/widgets/placeholder_view.h"
#include "ui/widgets/table_export.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

namespace spillway::ui {

OperationsPanel::OperationsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new OperationsModel(this))
    , m_steps(new JournalStepsModel(this))
    , m_view(new QTableView)
    , m_stepsView(new QTableView)
    , m_status(new QLabel)
    , m_timer(new QTimer(this))
{
    m_view->setModel(m_model);
    m_view->setObjectName(QStringLiteral("operationsView"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(OperationsModel::SummaryColumn, QHeaderView::Stretch);
    m_view->setItemDelegateForColumn(OperationsModel::ProgressColumn, new FillBarDelegate(m_view));
    addCsvExportMenu(m_view, QStringLiteral("spillway-operations.csv"));
    m_stepsView->setModel(m_steps);
    m_stepsView->setObjectName(QStringLiteral("journalStepsView"));
    m_stepsView->verticalHeader()->hide();
    m_stepsView->horizontalHeader()->setStretchLastSection(true);
    m_stepsView->setToolTip(tr("The journal's steps of the selected operation: 'started' without 'done' was in "
                               "flight when it stopped"));
    addCsvExportMenu(m_stepsView, QStringLiteral("spillway-operation-steps.csv"));

    m_placeholder = new PlaceholderView(
        m_view, new EmptyState(tr("No operations yet"),
                               tr("Disk swaps, partition moves, retention changes and index rebuilds are journaled "
                                  "here with every step, so an interrupted one can be resumed or rolled back.")));
    auto *splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(m_placeholder);
    splitter->addWidget(m_stepsView);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);
    m_status->setVisible(false);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &OperationsPanel::showSelectedSteps);
    connect(m_timer, &QTimer::timeout, this, &OperationsPanel::refresh);
}

OperationsPanel::~OperationsPanel()
{
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
    }
}

void OperationsPanel::setJournalFile(const std::filesystem::path &file, int intervalMs)
{
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
        m_reader = nullptr;
    }
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("journal-reader"));
    m_reader = new JournalReader(file);
    m_reader->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_reader, &QObject::deleteLater);
    connect(m_reader, &JournalReader::entriesReady, this, &OperationsPanel::applyEntries);
    connect(m_reader, &JournalReader::failed, this, [this](const QString &message) {
        m_status->setText(tr("Cannot read the operation journal: %1").arg(message));
        m_status->setVisible(true);
    });
    m_thread->start();
    m_timer->start(intervalMs);
    refresh();
}

void OperationsPanel::refresh()
{
    if (m_reader)
        QMetaObject::invokeMethod(m_reader, &JournalReader::refresh, Qt::QueuedConnection);
}

void OperationsPanel::operationProgress(qint64 journalId, double fraction, const QString &message)
{
    m_model->setProgress(journalId, fraction, message);
}

void OperationsPanel::applyEntries(std::vector<core::ops::JournalEntry> entries)
{
    m_status->setVisible(false);
    m_model->update(std::move(entries));
    showSelectedSteps();
    Q_EMIT journalRead();
}

void OperationsPanel::showSelectedSteps()
{
    const core::ops::JournalEntry *e = m_model->entry(m_view->currentIndex().row());
    m_steps->setSteps(e ? e->steps : std::vector<core::ops::JournalStep>{});
}

} // namespace spillway::ui
