// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/operation_dialog.h"

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace spillway::ui {

/// `spillway-cli ops rebuild-index` argv (without the program) for a broker
/// the CLI can stop and start: `target` is "--lab", "--broker", "1" or
/// "--broker-name", "kafka-1"; scope an empty dir (every dir) or a dir, an
/// empty topic (every partition) or a topic and partition.
QStringList indexRebuildArguments(const QStringList &target, const QString &journal, const QString &dir,
                                  const QString &topic, int partition);

/// Verifies the indexes of a partition, a log dir or the whole broker
/// (Preview: the plan lists each bad segment with its first problem), then
/// rebuilds them offline (core/ops IndexRebuildOperation), keeping the old
/// files as `.corrupt-<time>`. A stopped broker is rebuilt in-process. A
/// running one whose files are local and that the CLI can stop and start
/// (setCliTarget(): the lab's broker or one of the registry) is verified
/// while it runs, and Apply, after a confirmation that it will be stopped
/// and started again, runs `spillway-cli ops rebuild-index ... --yes` as a
/// child process (argv list) in the runner, on the same journal, with
/// progress read from the journal steps the child records. GUI thread.
class IndexRebuildDialog : public OperationDialog {
    Q_OBJECT
public:
    IndexRebuildDialog(BrokerContext broker, OperationRunner *runner, QWidget *parent = nullptr);

    /// The broker flags of `spillway-cli ops rebuild-index` for this broker
    /// (empty: none; a running broker then cannot be rebuilt from here).
    void setCliTarget(const QStringList &target);
    [[nodiscard]] const QStringList &cliTarget() const { return m_target; }
    /// Whether Apply runs the CLI (the broker runs and a target is set).
    [[nodiscard]] bool viaCli() const;
    /// The argv Apply gives spillway-cli (viaCli()).
    [[nodiscard]] QStringList applyArguments() const;

    /// Limits the scope: an empty dir means every dir; an empty topic every partition.
    void setScope(const QString &dir, const QString &topic = {}, int partition = -1);

    [[nodiscard]] QComboBox *dirBox() const { return m_dir; }
    [[nodiscard]] QLineEdit *topicEdit() const { return m_topic; }
    [[nodiscard]] QSpinBox *partitionBox() const { return m_partition; }

protected:
    core::Result<std::function<core::Result<core::ops::Plan>()>> planJob() override;
    OperationRunner::Work executor(const core::ops::Plan &plan) override;
    [[nodiscard]] QString confirmationText(const core::ops::Plan &plan) const override;

private:
    void updateIntro();

    BrokerContext m_broker;
    QStringList m_target;
    QComboBox *m_dir;
    QLineEdit *m_topic;
    QSpinBox *m_partition;
};

} // namespace spillway::ui
