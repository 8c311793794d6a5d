// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/operation_dialog.h"

class QComboBox;
class QSpinBox;

namespace spillway::ui {

/// Moves one partition between two log dirs of a broker. Offline: the
/// journaled copy-verify-switch of core/ops PartitionMove, which needs the
/// broker stopped (it says so, and the confirmation names broker and both
/// dirs). Online: core/ops OnlineMove (AlterReplicaLogDirs on the running
/// broker, throttled, progress from DescribeLogDirs), the default when the
/// broker is up and its address known.
/// Opened from a board drop or a MovePartitions fix. GUI thread.
class MoveDialog : public OperationDialog {
    Q_OBJECT
public:
    enum class Mode { Offline, Online };

    MoveDialog(BrokerContext broker, OperationRunner *runner, QWidget *parent = nullptr);

    /// Preselects the partition (added to the list if the snapshot lacks it).
    void setMove(const QString &topic, int partition, const QString &fromDir, const QString &toDir);
    void setMode(Mode mode);
    void setThrottle(qint64 bytesPerSecond);

    [[nodiscard]] QComboBox *sourceBox() const { return m_source; }
    [[nodiscard]] QComboBox *partitionBox() const { return m_partition; }
    [[nodiscard]] QComboBox *destinationBox() const { return m_destination; }
    [[nodiscard]] QComboBox *modeBox() const { return m_mode; }
    [[nodiscard]] QSpinBox *throttleBox() const { return m_throttle; }
    [[nodiscard]] Mode mode() const;
    /// Whether the broker can be reached for an online move (an address is known).
    [[nodiscard]] bool onlineAvailable() const;

protected:
    core::Result<std::function<core::Result<core::ops::Plan>()>> planJob() override;
    OperationRunner::Work executor(const core::ops::Plan &plan) override;
    [[nodiscard]] QString confirmationText(const core::ops::Plan &plan) const override;

private:
    void fillPartitions();
    void fillDestinations();
    void updateIntro();

    BrokerContext m_broker;
    QComboBox *m_source;
    QComboBox *m_partition;
    QComboBox *m_destination;
    QComboBox *m_mode;
    QSpinBox *m_throttle;
};

} // namespace spillway::ui
