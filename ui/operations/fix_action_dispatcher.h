// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"
#include "core/measure/fix_action.h"
#include "ui/dialogs/broker_context.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

class QWidget;

namespace spillway::ui {

class OperationRunner;

/// Turns a measure::FixAction (the alerts panel's Fix button) into the
/// dialog that performs it: SwapDisk -> DiskSwapDialog, ShrinkRetention ->
/// RetentionShrinkDialog, RebuildIndex -> IndexRebuildDialog,
/// MovePartitions -> RebalanceDialog (moves between the broker's disks);
/// InspectConsumer asks for the consumers tab; StartBroker, MountDisk,
/// Rebalance (across brokers), AddReplicas and every advice-only fix explain
/// what to do. A board drop opens a MoveDialog (openMove). For a remote broker
/// (its dirs measured only through DescribeLogDirs) the dialog still opens: it
/// says why the actions that need the broker's files are off and keeps what
/// works online. Dialogs are non-modal and delete themselves on close. GUI thread.
class FixActionDispatcher : public QObject {
    Q_OBJECT
public:
    /// What the dispatcher asks the console about a broker.
    struct Sources {
        std::function<std::shared_ptr<const core::measure::ClusterSnapshot>()> snapshot;
        std::function<QString(qint32 broker)> bootstrap;      ///< may return empty
        std::function<QStringList(qint32 broker)> swapTarget; ///< spillway-cli ops swap-disk broker args
    };

    FixActionDispatcher(QWidget *window, OperationRunner *runner, Sources sources, QObject *parent = nullptr);

    /// Whether opened dialogs are shown (tests turn it off and inspect them).
    void setShowDialogs(bool show) { m_show = show; }
    /// The broker as the latest snapshot knows it.
    [[nodiscard]] std::optional<BrokerContext> brokerContext(qint32 broker) const;

public Q_SLOTS:
    /// Opens the dialog for `fix`; returns it (nullptr when there is none).
    QWidget *dispatch(const spillway::core::measure::FixAction &fix);
    /// The board's drop: a move dialog prefilled with the partition and dirs.
    QWidget *openMove(qint32 broker, const QString &topic, int partition, const QString &fromDir, const QString &toDir);

Q_SIGNALS:
    void consumerRequested(const QString &group);
    /// Progress of an operation a dialog runs as a spillway-cli child (the disk swap), for the Operations dock.
    void operationProgress(qint64 journalId, double fraction, const QString &message);

private:
    QWidget *present(QWidget *dialog);
    QWidget *explain(const core::measure::FixAction &fix, const QString &text);

    QPointer<QWidget> m_window;
    QPointer<OperationRunner> m_runner;
    Sources m_sources;
    bool m_show = true;
};

} // namespace spillway::ui
