// SPDX-License-Identifier: GPL-3.0-or-later
// A remote broker (its log dirs measured only through DescribeLogDirs) in
// the operation dialogs, driven offscreen: the actions that need the
// broker's files are disabled and say why, the online ones stay; a broker
// measured by the local scan keeps every action (regression).
#include "tests/support/temp_dir.h"
#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/disk_swap_dialog.h"
#include "ui/dialogs/index_rebuild_dialog.h"
#include "ui/dialogs/move_dialog.h"
#include "ui/dialogs/rebalance_dialog.h"
#include "ui/dialogs/retention_shrink_dialog.h"
#include "ui/operations/fix_action_dispatcher.h"
#include "ui/operations/operation_runner.h"

#include <catch2/catch.hpp>

#include <QComboBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>

using namespace spillway;
using namespace spillway::ui;
using core::measure::MeasurementSource;
using spillway::test::TempDir;

namespace {

const QString kReason = QStringLiteral("broker 3's log dirs are on another host (kafka3:9092): Spillway can only "
                                       "reach them through the Kafka protocol");

/// Broker 3 with two dirs measured from `source`, orders-0 on the first.
core::measure::BrokerSnapshot brokerSnapshot(MeasurementSource source, const std::string &root = "/var/kafka")
{
    core::measure::BrokerSnapshot b;
    b.id = core::BrokerId{3};
    b.name = source == MeasurementSource::DescribeLogDirs ? "broker 3 (kafka3:9092)" : "broker 3";
    b.state = core::measure::BrokerLiveness::Up;
    for (const char *d : {"/data0", "/data1"}) {
        core::measure::LogDirSnapshot dir;
        dir.path = root + d;
        dir.source = source;
        dir.usage = core::measure::FilesystemUsage{std::int64_t{1} << 40, 0, 0};
        dir.usage->freeBytes = dir.usage->capacityBytes;
        b.dirs.push_back(std::move(dir));
    }
    b.dirs[0].partitions.push_back({"orders", core::PartitionId{0}, 5 << 20, false});
    b.dirs[0].kafkaBytes = 5 << 20;
    b.dirs[0].partitionCount = 1;
    return b;
}

BrokerContext context(MeasurementSource source, const QString &bootstrap = QStringLiteral("kafka1:9092"))
{
    BrokerContext c = BrokerContext::fromSnapshot(brokerSnapshot(source));
    c.bootstrap = bootstrap;
    return c;
}

bool itemEnabled(const QComboBox *box, int row)
{
    const auto *model = qobject_cast<const QStandardItemModel *>(box->model());
    return model && model->item(row) && model->item(row)->isEnabled();
}

bool showsReason(const QLabel *label, const QWidget *dialog)
{
    return label && label->isVisibleTo(dialog) && label->text().contains(kReason) && label->toolTip() == label->text();
}

} // namespace

TEST_CASE("Broker context tells local files from a remote broker's", "[ui][dialogs][remote]")
{
    const BrokerContext local = context(MeasurementSource::LocalScan);
    CHECK(local.filesLocal);
    CHECK(local.filesUnavailableReason().isEmpty());

    const BrokerContext remote = context(MeasurementSource::DescribeLogDirs);
    CHECK_FALSE(remote.filesLocal);
    CHECK(remote.filesUnavailableReason() == kReason);

    // One dir known only through the protocol is enough: the files are not all here.
    auto mixed = brokerSnapshot(MeasurementSource::LocalScan);
    mixed.dirs[1].source = MeasurementSource::DescribeLogDirs;
    CHECK_FALSE(BrokerContext::fromSnapshot(mixed).filesLocal);
    // A configured dir that does not exist was measured by nobody: it does not count.
    mixed.dirs[1].exists = false;
    CHECK(BrokerContext::fromSnapshot(mixed).filesLocal);

    // Without the address in the name, the bootstrap names the host.
    auto unnamed = brokerSnapshot(MeasurementSource::DescribeLogDirs);
    unnamed.name.clear();
    BrokerContext c = BrokerContext::fromSnapshot(unnamed);
    c.bootstrap = QStringLiteral("kafka3:9092");
    CHECK(c.filesUnavailableReason() == kReason);
}

TEST_CASE("Move dialog offers only the online move for a remote broker", "[ui][dialogs][remote][move]")
{
    TempDir state;
    OperationRunner runner(state / "journal.sqlite");

    MoveDialog remote(context(MeasurementSource::DescribeLogDirs), &runner);
    CHECK(remote.mode() == MoveDialog::Mode::Online);
    CHECK_FALSE(itemEnabled(remote.modeBox(), 0)); // offline
    CHECK(itemEnabled(remote.modeBox(), 1));       // online
    CHECK(remote.modeBox()->itemData(0, Qt::ToolTipRole).toString() == kReason);
    CHECK(showsReason(remote.limitationLabel(), &remote));
    CHECK(remote.previewButton()->isEnabled());
    CHECK_FALSE(remote.unavailable());
    remote.setMode(MoveDialog::Mode::Offline);
    CHECK(remote.mode() == MoveDialog::Mode::Online);
    // Even forced to offline, planning refuses before touching any file.
    remote.modeBox()->setCurrentIndex(0);
    QSignalSpy planned(&remote, &OperationDialog::planReady);
    remote.preview();
    REQUIRE(planned.count() == 1);
    CHECK_FALSE(planned.at(0).at(0).toBool());
    CHECK(remote.statusLabel()->text().contains(kReason));
    CHECK_FALSE(remote.plan().has_value());

    // Remote and no address for the protocol either: nothing can run.
    MoveDialog unreachable(context(MeasurementSource::DescribeLogDirs, QString()), &runner);
    CHECK(unreachable.unavailable());
    CHECK(showsReason(unreachable.limitationLabel(), &unreachable));
    CHECK_FALSE(unreachable.previewButton()->isEnabled());
    CHECK_FALSE(unreachable.applyButton()->isEnabled());

    // Local broker: both modes, no limitation shown.
    MoveDialog local(context(MeasurementSource::LocalScan), &runner);
    CHECK(itemEnabled(local.modeBox(), 0));
    CHECK(itemEnabled(local.modeBox(), 1));
    CHECK_FALSE(local.limitationLabel()->isVisibleTo(&local));
    CHECK(local.previewButton()->isEnabled());
    local.setMode(MoveDialog::Mode::Offline);
    CHECK(local.mode() == MoveDialog::Mode::Offline);
}

TEST_CASE("Rebalance dialog offers only online moves for a remote broker", "[ui][dialogs][remote][rebalance]")
{
    TempDir state;
    OperationRunner runner(state / "journal.sqlite");

    RebalanceDialog remote(context(MeasurementSource::DescribeLogDirs), &runner);
    CHECK(remote.modeBox()->currentData().toBool()); // online
    CHECK(itemEnabled(remote.modeBox(), 0));
    CHECK_FALSE(itemEnabled(remote.modeBox(), 1));
    CHECK(remote.modeBox()->itemData(1, Qt::ToolTipRole).toString() == kReason);
    CHECK(showsReason(remote.limitationLabel(), &remote));
    CHECK(remote.previewButton()->isEnabled());
    remote.setOffline(true);
    CHECK(remote.modeBox()->currentData().toBool());
    remote.modeBox()->setCurrentIndex(1);
    QSignalSpy planned(&remote, &OperationDialog::planReady);
    remote.preview();
    REQUIRE(planned.count() == 1);
    CHECK_FALSE(planned.at(0).at(0).toBool());
    CHECK(remote.statusLabel()->text().contains(kReason));

    RebalanceDialog local(context(MeasurementSource::LocalScan), &runner);
    CHECK(itemEnabled(local.modeBox(), 0));
    CHECK(itemEnabled(local.modeBox(), 1));
    CHECK_FALSE(local.limitationLabel()->isVisibleTo(&local));
    local.setOffline(true);
    CHECK_FALSE(local.modeBox()->currentData().toBool());
}

TEST_CASE("Index rebuild, disk swap and retention shrink say why they cannot run on a remote broker",
          "[ui][dialogs][remote]")
{
    TempDir state;
    OperationRunner runner(state / "journal.sqlite");

    IndexRebuildDialog index(context(MeasurementSource::DescribeLogDirs), &runner);
    CHECK(index.unavailable());
    CHECK(showsReason(index.limitationLabel(), &index));
    CHECK_FALSE(index.previewButton()->isEnabled());
    CHECK_FALSE(index.applyButton()->isEnabled());
    CHECK(index.previewButton()->toolTip().contains(kReason));
    QSignalSpy planned(&index, &OperationDialog::planReady);
    index.preview();
    REQUIRE(planned.count() == 1);
    CHECK_FALSE(planned.at(0).at(0).toBool());
    CHECK_FALSE(index.apply());
    // Editing the scope does not bring the buttons back.
    index.setScope(QStringLiteral("/var/kafka/data0"), QStringLiteral("orders"), 0);
    CHECK_FALSE(index.previewButton()->isEnabled());

    DiskSwapDialog swap(context(MeasurementSource::DescribeLogDirs),
                        {QStringLiteral("--broker-name"), QStringLiteral("broker 3")});
    CHECK(showsReason(swap.limitationLabel(), &swap));
    CHECK_FALSE(swap.previewButton()->isEnabled());
    CHECK_FALSE(swap.applyButton()->isEnabled());
    swap.setSpare(QStringLiteral("/data/spare"));
    swap.preview(); // does not start spillway-cli
    CHECK(swap.output()->toPlainText().isEmpty());
    CHECK_FALSE(swap.apply());
    CHECK_FALSE(swap.previewButton()->isEnabled());

    RetentionShrinkDialog shrink(context(MeasurementSource::DescribeLogDirs), &runner);
    // The shrink stays available online, planned from the protocol as an estimate (rshrink).
    CHECK_FALSE(shrink.unavailable());
    CHECK(showsReason(shrink.limitationLabel(), &shrink));
    CHECK(shrink.limitationLabel()->text().contains(QStringLiteral("estimate from offsets")));
    CHECK(shrink.previewButton()->isEnabled());
    CHECK_FALSE(shrink.applyButton()->isEnabled());
    shrink.setTopicTarget({QStringLiteral("orders")}, 3'600'000);
    CHECK(shrink.previewButton()->isEnabled());
    // Restoring an earlier online shrink needs only the protocol: it stays.
    bool restoreEnabled = false;
    for (const auto *button : shrink.findChildren<QPushButton *>())
        if (button->text().startsWith(QStringLiteral("Restore")))
            restoreEnabled = button->isEnabled();
    CHECK(restoreEnabled);

    // Local broker: everything as before.
    IndexRebuildDialog localIndex(context(MeasurementSource::LocalScan), &runner);
    CHECK_FALSE(localIndex.unavailable());
    CHECK_FALSE(localIndex.limitationLabel()->isVisibleTo(&localIndex));
    CHECK(localIndex.previewButton()->isEnabled());
    DiskSwapDialog localSwap(context(MeasurementSource::LocalScan),
                             {QStringLiteral("--lab"), QStringLiteral("--broker"), QStringLiteral("3")});
    CHECK_FALSE(localSwap.limitationLabel()->isVisibleTo(&localSwap));
    CHECK(localSwap.previewButton()->isEnabled());
    RetentionShrinkDialog localShrink(context(MeasurementSource::LocalScan), &runner);
    CHECK_FALSE(localShrink.unavailable());
    CHECK_FALSE(localShrink.limitationLabel()->isVisibleTo(&localShrink));
    CHECK(localShrink.previewButton()->isEnabled());
}

TEST_CASE("Fix actions on a remote broker open the dialog that says why", "[ui][dialogs][remote][fix]")
{
    TempDir state;
    OperationRunner runner(state / "journal.sqlite");
    core::measure::ClusterSnapshot snapshot;
    snapshot.brokers.push_back(brokerSnapshot(MeasurementSource::DescribeLogDirs));
    const auto shared = std::make_shared<const core::measure::ClusterSnapshot>(snapshot);
    FixActionDispatcher::Sources sources;
    sources.snapshot = [shared] { return shared; };
    sources.bootstrap = [](qint32) { return QStringLiteral("kafka1:9092"); };
    sources.swapTarget = [](qint32) { return QStringList{QStringLiteral("--broker-name"), QStringLiteral("b3")}; };
    QWidget window;
    FixActionDispatcher dispatcher(&window, &runner, sources);
    dispatcher.setShowDialogs(false);
    const std::string dir = "/var/kafka/data0";

    const auto context3 = dispatcher.brokerContext(3);
    REQUIRE(context3);
    CHECK_FALSE(context3->filesLocal);

    std::unique_ptr<QWidget> rebuild(dispatcher.dispatch(
        core::measure::FixAction::rebuildIndex(core::BrokerId{3}, dir, "orders", core::PartitionId{0})));
    auto *index = qobject_cast<IndexRebuildDialog *>(rebuild.get());
    REQUIRE(index);
    CHECK(showsReason(index->limitationLabel(), index));
    CHECK_FALSE(index->previewButton()->isEnabled());

    std::unique_ptr<QWidget> swap(dispatcher.dispatch(core::measure::FixAction::swapDisk(core::BrokerId{3}, dir)));
    auto *swapDialog = qobject_cast<DiskSwapDialog *>(swap.get());
    REQUIRE(swapDialog);
    CHECK(showsReason(swapDialog->limitationLabel(), swapDialog));
    CHECK_FALSE(swapDialog->previewButton()->isEnabled());

    std::unique_ptr<QWidget> shrink(
        dispatcher.dispatch(core::measure::FixAction::shrinkRetention(core::BrokerId{3}, dir)));
    auto *shrinkDialog = qobject_cast<RetentionShrinkDialog *>(shrink.get());
    REQUIRE(shrinkDialog);
    CHECK(showsReason(shrinkDialog->limitationLabel(), shrinkDialog));
    CHECK(shrinkDialog->previewButton()->isEnabled()); // protocol-only estimate (rshrink)

    std::unique_ptr<QWidget> moves(
        dispatcher.dispatch(core::measure::FixAction::movePartitions(core::BrokerId{3}, dir)));
    auto *rebalance = qobject_cast<RebalanceDialog *>(moves.get());
    REQUIRE(rebalance);
    CHECK(rebalance->modeBox()->currentData().toBool());
    CHECK(rebalance->previewButton()->isEnabled());

    std::unique_ptr<QWidget> move(dispatcher.openMove(3, QStringLiteral("orders"), 0, QString::fromStdString(dir),
                                                      QStringLiteral("/var/kafka/data1")));
    auto *moveDialog = qobject_cast<MoveDialog *>(move.get());
    REQUIRE(moveDialog);
    CHECK(moveDialog->mode() == MoveDialog::Mode::Online);
    CHECK(showsReason(moveDialog->limitationLabel(), moveDialog));
}
