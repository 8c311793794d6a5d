// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/ops/journal.h"

#include <QWidget>

#include <filesystem>
#include <vector>

class QLabel;
class QTableView;
class QThread;
class QTimer;

namespace spillway::ui {

class JournalReader;
class JournalStepsModel;
class OperationsModel;
class PlaceholderView;

/// The operations dock: the journal's operations (kind, state, summary,
/// progress of running ones) and, beside them, the steps of the selected
/// one. The journal is read by a JournalReader on a worker thread every few
/// seconds, never on the GUI thread. GUI thread.
class OperationsPanel : public QWidget {
    Q_OBJECT
public:
    explicit OperationsPanel(QWidget *parent = nullptr);
    ~OperationsPanel() override;

    /// Starts reading `file` (the default journal unless set), now and then
    /// every `intervalMs`.
    void setJournalFile(const std::filesystem::path &file, int intervalMs = 5000);
    [[nodiscard]] OperationsModel *model() const { return m_model; }
    [[nodiscard]] JournalStepsModel *stepsModel() const { return m_steps; }
    [[nodiscard]] QTableView *view() const { return m_view; }
    [[nodiscard]] QTableView *stepsView() const { return m_stepsView; }

public Q_SLOTS:
    void refresh();
    /// Live progress of an operation the console runs (ui-ops connects it).
    void operationProgress(qint64 journalId, double fraction, const QString &message);

Q_SIGNALS:
    /// After each read of the journal has reached the model.
    void journalRead();

private:
    void applyEntries(std::vector<core::ops::JournalEntry> entries);
    void showSelectedSteps();

    OperationsModel *m_model;
    JournalStepsModel *m_steps;
    QTableView *m_view;
    QTableView *m_stepsView;
    PlaceholderView *m_placeholder;
    QLabel *m_status;
    QThread *m_thread = nullptr;
    JournalReader *m_reader = nullptr;
    QTimer *m_timer;
};

} // namespace spillway::ui
