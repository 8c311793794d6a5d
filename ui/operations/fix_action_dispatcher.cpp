// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/operations/fix_action_dispatcher.h"

#include "ui/dialogs/disk_swap_dialog.h"
#include "ui/dialogs/index_rebuild_dialog.h"
#include "ui/dialogs/move_dialog.h"
#include "ui/dialogs/rebalance_dialog.h"
#include "ui/dialogs/retention_shrink_dialog.h"
#include "ui/operations/operation_runner.h"

#include <QMessageBox>

namespace spillway::ui {
namespace {

QString fromStd(const std::string &s) { return QString::fromStdString(s); }

} // namespace

FixActionDispatcher::FixActionDispatcher(QWidget *window, OperationRunner *runner, Sources sources, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_runner(runner)
    , m_sources(std::move(sources))
{}

std::optional<BrokerContext> FixActionDispatcher::brokerContext(qint32 broker) const
{
    const auto snapshot = m_sources.snapshot ? m_sources.snapshot() : nullptr;
    const auto *b = snapshot ? snapshot->broker(core::BrokerId{broker}) : nullptr;
    if (!b)
        return std::nullopt;
    BrokerContext context = BrokerContext::fromSnapshot(*b);
    if (m_sources.bootstrap)
        context.bootstrap = m_sources.bootstrap(broker);
    return context;
}

QWidget *FixActionDispatcher::present(QWidget *dialog)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_show) {
        dialog->show();
        dialog->raise();
        dialog->activateWindow();
    }
    return dialog;
}

QWidget *FixActionDispatcher::explain(const core::measure::FixAction &fix, const QString &text)
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("How to fix: %1").arg(fromStd(fix.describe())), text,
                                QMessageBox::Close, m_window);
    box->setModal(false);
    return present(box);
}

QWidget *FixActionDispatcher::openMove(qint32 broker, const QString &topic, int partition, const QString &fromDir,
                                       const QString &toDir)
{
    auto context = brokerContext(broker);
    if (!context)
        return nullptr;
    auto *dialog = new MoveDialog(std::move(*context), m_runner, m_window);
    dialog->setMove(topic, partition, fromDir, toDir);
    return present(dialog);
}

QWidget *FixActionDispatcher::dispatch(const core::measure::FixAction &fix)
{
    using core::measure::FixKind;
    if (fix.kind == FixKind::InspectConsumer) {
        Q_EMIT consumerRequested(fromStd(fix.group));
        return nullptr;
    }
    if (fix.kind == FixKind::None)
        return nullptr;
    std::optional<BrokerContext> context = fix.broker ? brokerContext(fix.broker->get()) : std::nullopt;
    const QString dir = fromStd(fix.dir);
    const bool needsBroker = fix.kind == FixKind::SwapDisk || fix.kind == FixKind::ShrinkRetention ||
                             fix.kind == FixKind::RebuildIndex || fix.kind == FixKind::MovePartitions;
    if (needsBroker && !context)
        return explain(fix, tr("The latest measurement has no broker %1, so Spillway cannot plan this fix now. "
                               "Wait for the next refresh, or check that the broker is reachable.")
                                .arg(fix.broker ? fix.broker->get() : -1));
    if (fix.adviceOnly && fix.kind != FixKind::Rebalance && fix.kind != FixKind::AddReplicas)
        return explain(fix, tr("Spillway explains this fix but does not run it: %1.").arg(fromStd(fix.describe())));

    switch (fix.kind) {
    case FixKind::SwapDisk: {
        const QStringList target = m_sources.swapTarget ? m_sources.swapTarget(context->broker) : QStringList{};
        auto *dialog = new DiskSwapDialog(std::move(*context), target, m_window);
        connect(dialog, &DiskSwapDialog::progress, this, &FixActionDispatcher::operationProgress);
        dialog->setFrom(dir);
        return present(dialog);
    }
    case FixKind::ShrinkRetention: {
        auto *dialog = new RetentionShrinkDialog(std::move(*context), m_runner, m_window);
        if (!fix.topic.empty())
            dialog->setTopicTarget({fromStd(fix.topic)}, 24 * 3'600'000LL);
        else if (const auto *d = context->dir(dir); d && d->freeBytes >= 0)
            dialog->setFreeTarget(dir, std::max<qint64>(qint64{1} << 30, d->kafkaBytes / 10));
        else
            dialog->setFreeTarget(dir, qint64{1} << 30);
        return present(dialog);
    }
    case FixKind::RebuildIndex: {
        const QStringList target = m_sources.swapTarget ? m_sources.swapTarget(context->broker) : QStringList{};
        auto *dialog = new IndexRebuildDialog(std::move(*context), m_runner, m_window);
        dialog->setCliTarget(target); // a running lab/registry broker: spillway-cli stops and starts it
        dialog->setScope(dir, fromStd(fix.topic), fix.partition ? fix.partition->get() : -1);
        return present(dialog);
    }
    case FixKind::MovePartitions:
        // Moves between the broker's own disks: the rebalance planner picks them.
        return present(new RebalanceDialog(std::move(*context), m_runner, m_window));
    case FixKind::Rebalance:
        return explain(fix, tr("Moving replicas between brokers is a cluster-wide reassignment Spillway does not "
                               "run: use kafka-reassign-partitions.sh (or Cruise Control) to move replicas away "
                               "from broker %1.")
                                .arg(fix.broker ? fix.broker->get() : -1));
    case FixKind::StartBroker:
        return explain(fix, tr("Start broker %1 from the cluster tree (Start), or with `spillway-cli brokers start`; "
                               "for the lab, `spillway-cli lab up`.")
                                .arg(fix.broker ? fix.broker->get() : -1));
    case FixKind::MountDisk:
        return explain(fix, tr("Mount the disk that belongs at %1 (check /etc/fstab), then restart the broker so "
                               "that Kafka writes to the disk and not to the filesystem underneath.")
                                .arg(dir));
    case FixKind::AddReplicas:
        return explain(fix, tr("Raise the replication factor of %1 with kafka-reassign-partitions.sh so that one "
                               "dead disk does not make it unavailable.")
                                .arg(fromStd(fix.topic)));
    default: return explain(fix, fromStd(fix.describe()));
    }
}

} // namespace spillway::ui
