// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/operation_dialog.h"

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace spillway::ui {

/// Verifies the indexes of a partition, a log dir or the whole broker
/// (Preview: the plan lists each bad segment with its first problem), then
/// rebuilds them offline (core/ops IndexRebuildOperation), keeping the old
/// files as `.corrupt-<time>`. The broker must be stopped; the confirmation
/// names it and the dirs. GUI thread.
class IndexRebuildDialog : public OperationDialog {
    Q_OBJECT
public:
    IndexRebuildDialog(BrokerContext broker, OperationRunner *runner, QWidget *parent = nullptr);

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
    BrokerContext m_broker;
    QComboBox *m_dir;
    QLineEdit *m_topic;
    QSpinBox *m_partition;
};

} // namespace spillway::ui
