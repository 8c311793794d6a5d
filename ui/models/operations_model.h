// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/ops/journal.h"

#include <QAbstractTableModel>

#include <map>
#include <vector>

namespace spillway::ui {

/// The operation journal as a table: id, kind, state, summary, progress,
/// last update. update() diffs by journal id; setProgress() carries the live
/// progress of operations the console runs (the journal has only steps).
/// Fed by JournalReader on a worker thread. GUI thread.
class OperationsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IdColumn, KindColumn, StateColumn, SummaryColumn, ProgressColumn, UpdatedColumn, ColumnCount };

    explicit OperationsModel(QObject *parent = nullptr);

    void update(std::vector<core::ops::JournalEntry> entries);
    void setProgress(qint64 journalId, double fraction, const QString &message);
    [[nodiscard]] const core::ops::JournalEntry *entry(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Progress {
        double fraction = 0;
        QString message;
    };
    std::vector<core::ops::JournalEntry> m_entries; ///< newest first
    std::map<qint64, Progress> m_progress;
};

/// The steps of one journal entry (seq, name, state, detail). GUI thread.
class JournalStepsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { SeqColumn, NameColumn, StateColumn, DetailColumn, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setSteps(std::vector<core::ops::JournalStep> steps);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<core::ops::JournalStep> m_steps;
};

} // namespace spillway::ui
