// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/dialogs/broker_context.h"

#include <QDialog>
#include <QProcess>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace spillway::ui {

/// `spillway-cli ops swap-disk` argv (without the program): `target` picks
/// the broker ("--lab", "--broker", "1" or "--broker-name", "kafka-1").
QStringList diskSwapArguments(const QStringList &target, const QString &from, const QString &to, bool acceptLoss,
                              bool execute);

/// Swaps a failed or retiring log dir for a spare (core/ops DiskSwap). The
/// swap stops and starts the broker through a BrokerControl, which lives in
/// spillway-cli (the lab's session, or the registry's supervisor), so this
/// dialog runs `spillway-cli ops swap-disk` as a child process with an argv
/// list: Preview without --yes (the plan: partitions re-created, lost),
/// Apply with --yes after a confirmation naming the broker and both dirs;
/// the report (re-created and lost partitions) is shown as the CLI prints
/// it, and the operation is in the same journal. The CLI's progress lines
/// ("progress: <id> <pct>% <message>": the steps, then the re-sync until
/// the broker is back in the ISR of its replicated partitions) go to the
/// status line and out as progress() for the Operations dock; "Stop
/// waiting" sends the CLI SIGTERM, which ends the re-sync wait (the swap
/// stays done; before the config edit it cancels and rolls back). GUI thread.
class DiskSwapDialog : public QDialog {
    Q_OBJECT
public:
    DiskSwapDialog(BrokerContext broker, QStringList target, QWidget *parent = nullptr);
    ~DiskSwapDialog() override;

    void setFrom(const QString &dir);
    void setSpare(const QString &dir);
    [[nodiscard]] QStringList previewArguments() const;
    [[nodiscard]] QStringList applyArguments() const;
    [[nodiscard]] QCheckBox *confirmation() const { return m_confirm; }
    [[nodiscard]] QPlainTextEdit *output() const { return m_output; }
    [[nodiscard]] QPushButton *previewButton() const { return m_previewButton; }
    [[nodiscard]] QPushButton *applyButton() const { return m_applyButton; }
    [[nodiscard]] QPushButton *stopWaitingButton() const { return m_stopButton; }
    [[nodiscard]] QLabel *statusLabel() const { return m_status; }
    /// Why the swap cannot run for this broker (hidden when it can).
    [[nodiscard]] QLabel *limitationLabel() const { return m_limitation; }

public Q_SLOTS:
    void preview();
    bool apply();

Q_SIGNALS:
    void finished(int exitCode);
    /// A progress line of the running swap (journalId 0 until known).
    void progress(qint64 journalId, double fraction, const QString &message);

private:
    void run(const QStringList &arguments);
    void updateConfirmation();
    void readOutput();

    BrokerContext m_broker;
    QStringList m_target;
    QComboBox *m_from;
    QLineEdit *m_spare;
    QCheckBox *m_acceptLoss;
    QCheckBox *m_confirm;
    QPlainTextEdit *m_output;
    QLabel *m_status;
    QLabel *m_limitation;
    QPushButton *m_previewButton;
    QPushButton *m_applyButton;
    QPushButton *m_stopButton;
    QByteArray m_pending;   ///< output not yet ended by a newline
    bool m_syncing = false; ///< the last progress line was the re-sync wait
    QProcess m_process;
    bool m_previewed = false;
};

} // namespace spillway::ui
