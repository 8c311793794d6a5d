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
/// it, and the operation is in the same journal. GUI thread.
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
    /// Why the swap cannot run for this broker (hidden when it can).
    [[nodiscard]] QLabel *limitationLabel() const { return m_limitation; }

public Q_SLOTS:
    void preview();
    bool apply();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void run(const QStringList &arguments);
    void updateConfirmation();

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
    QProcess m_process;
    bool m_previewed = false;
};

} // namespace spillway::ui
