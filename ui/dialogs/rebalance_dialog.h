// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/operation_dialog.h"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace spillway::ui {

/// The disk rebalance of one broker: core/ops planRebalance over the
/// measured snapshot (every disk within the threshold of the mean), shown
/// with per-disk before/after bars, then run online (one OnlineMove of every
/// planned partition, throttled) or offline on a stopped broker (one
/// journaled PartitionMove after the other, stopping at the first failure).
/// GUI thread.
class RebalanceDialog : public OperationDialog {
    Q_OBJECT
public:
    RebalanceDialog(BrokerContext broker, OperationRunner *runner, QWidget *parent = nullptr);

    [[nodiscard]] QDoubleSpinBox *thresholdBox() const { return m_threshold; }
    [[nodiscard]] QComboBox *modeBox() const { return m_mode; }
    [[nodiscard]] QSpinBox *throttleBox() const { return m_throttle; }
    void setOffline(bool offline);

protected:
    core::Result<std::function<core::Result<core::ops::Plan>()>> planJob() override;
    OperationRunner::Work executor(const core::ops::Plan &plan) override;
    [[nodiscard]] QString confirmationText(const core::ops::Plan &plan) const override;

private:
    BrokerContext m_broker;
    QDoubleSpinBox *m_threshold;
    QSpinBox *m_maxMoves;
    QComboBox *m_mode;
    QSpinBox *m_throttle;
};

} // namespace spillway::ui
