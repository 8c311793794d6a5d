// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/lab/lab_commands.h"

#include <QDialog>
#include <QProcess>

#include <functional>

class QMenu;
class QPlainTextEdit;
class QPushButton;
class QLabel;
class QWidget;

namespace spillway::ui {

/// Runs one `spillway-cli` command (argv list) as a QProcess and shows its
/// output as it comes, then the exit status. Stop terminates only this
/// process. Deletes itself when closed after the command ended. GUI thread.
class LabLogDialog : public QDialog {
    Q_OBJECT
public:
    LabLogDialog(QString program, QStringList arguments, QWidget *parent = nullptr);
    ~LabLogDialog() override;
    void start();

    [[nodiscard]] QPlainTextEdit *log() const { return m_log; }
    [[nodiscard]] bool finished() const { return m_finished; }

Q_SIGNALS:
    void commandFinished(int exitCode);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QString m_program;
    QStringList m_arguments;
    QProcess m_process;
    QPlainTextEdit *m_log;
    QLabel *m_status;
    QPushButton *m_stop;
    bool m_finished = false;
};

/// Asks the options of one drill (only those the drill reads).
class DrillDialog : public QDialog {
    Q_OBJECT
public:
    explicit DrillDialog(const QString &drill, QWidget *parent = nullptr);
    [[nodiscard]] LabDrillArgs arguments() const;

private:
    LabDrillArgs m_base;
    std::function<void(LabDrillArgs &)> m_collect;
};

/// The Lab menu: Lab up / down / status, Load rates…, and every drill of
/// the catalog (destructive ones confirm first, naming broker and disk);
/// each runs spillway-cli in a LabLogDialog.
QMenu *createLabMenu(QWidget *parent);

} // namespace spillway::ui
