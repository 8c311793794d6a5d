// SPDX-License-Identifier: GPL-3.0-or-later
// The main window's models under QAbstractItemModelTester, fed with
// generated snapshots: updates that add and remove brokers, dirs and
// partitions keep rows (and persistent indexes) stable.
#include "tests/support/qt_messages.h"
#include "tests/ui/generated_snapshot.h"
#include "ui/models/alerts_model.h"
#include "ui/models/cluster_tree_model.h"
#include "ui/models/disk_bars.h"
#include "ui/models/model_roles.h"
#include "ui/models/operations_model.h"
#include "ui/models/partition_list_model.h"
#include "ui/models/skew_model.h"
#include "ui/widgets/table_export.h"

#include <catch2/catch.hpp>

#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QTreeView>

using namespace spillway;
using namespace spillway::ui;
using core::measure::AlertSeverity;
using core::measure::FixAction;
using test::GenBroker;
using test::GenDir;
using test::partitionsOf;

namespace {

std::shared_ptr<const core::measure::ClusterSnapshot> shared(core::measure::ClusterSnapshot s)
{
    return std::make_shared<const core::measure::ClusterSnapshot>(std::move(s));
}

QString keyOf(const QModelIndex &idx) { return idx.data(KeyRole).toString(); }

std::vector<GenBroker> baseCluster()
{
    return {
        GenBroker{1, {GenDir{"/data0", partitionsOf("orders", 0, 6)}, GenDir{"/data1", partitionsOf("logs", 0, 4)}}},
        GenBroker{3, {GenDir{"/data0", partitionsOf("orders", 6, 9)}}}};
}

} // namespace

TEST_CASE("Cluster tree passes the model tester across adds and removes", "[ui][models][tree]")
{
    const int before = test::unexpectedQtMessageCount();
    ClusterTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
    std::vector<core::measure::Alert> alerts{
        test::makeAlert("disk-usage/broker-1:/data0", AlertSeverity::Critical, 1, "/data0")};

    model.update(shared(test::makeSnapshot(baseCluster())), alerts);
    REQUIRE(model.rowCount() == 2);
    // The tester fetched every dir; broker 1 /data0 now lists its partitions.
    const QModelIndex b1 = model.index(0, 0);
    REQUIRE(model.rowCount(b1) == 2);
    const QModelIndex d0 = model.index(0, 0, b1);
    CHECK(d0.data().toString() == QStringLiteral("/data0"));
    CHECK(model.index(0, ClusterTreeModel::AlertColumn, b1).data(SeverityRole).toInt() ==
          static_cast<int>(AlertSeverity::Critical));
    CHECK(model.index(0, ClusterTreeModel::StateColumn, b1).data().toString() == QStringLiteral("online"));
    CHECK(model.index(0, ClusterTreeModel::UsageColumn, b1).data(RawValueRole).toDouble() > 0);

    // Broker 2 appears between 1 and 3; broker 1 loses /data1 and gains
    // /data2; partitions of /data0 change (0 and 3 go, 10..11 come).
    auto changed = baseCluster();
    changed[0].dirs[1] = GenDir{"/data2", partitionsOf("metrics", 0, 2)};
    changed[0].dirs[0].partitions = partitionsOf("orders", 1, 3);
    for (auto &p : partitionsOf("orders", 4, 6))
        changed[0].dirs[0].partitions.push_back(p);
    for (auto &p : partitionsOf("zeta", 10, 12))
        changed[0].dirs[0].partitions.push_back(p);
    changed.insert(changed.begin() + 1, GenBroker{2, {GenDir{"/data0", partitionsOf("orders", 20, 22)}}});
    model.update(shared(test::makeSnapshot(changed)), {});
    REQUIRE(model.rowCount() == 3);
    CHECK(model.index(1, 0).data().toString() == QStringLiteral("broker 2"));

    // And back down: broker 2 goes, broker 3's dir goes offline.
    changed.erase(changed.begin() + 1);
    changed[1].dirs[0].offline = true;
    model.update(shared(test::makeSnapshot(changed)), {});
    REQUIRE(model.rowCount() == 2);
    CHECK(model.index(0, ClusterTreeModel::StateColumn, model.index(1, 0)).data().toString() ==
          QStringLiteral("offline"));
    model.update(shared(test::makeSnapshot({})), {});
    CHECK(model.rowCount() == 0);
    CHECK(test::unexpectedQtMessageCount() == before);
}

TEST_CASE("Cluster tree keeps rows, selection and expansion across a refresh", "[ui][models][tree]")
{
    ClusterTreeModel model;
    QTreeView view;
    view.setModel(&model);
    model.update(shared(test::makeSnapshot(baseCluster())), {});

    const QModelIndex b3 = model.index(1, 0);
    const QModelIndex b3d0 = model.index(0, 0, b3);
    view.expand(b3);
    view.setCurrentIndex(b3d0);
    const QPersistentModelIndex persistentDir(b3d0);

    // A dir's partitions come only when it is expanded (lazy).
    const QModelIndex b1d0 = model.index(0, 0, model.index(0, 0));
    CHECK(model.rowCount(b1d0) == 0);
    REQUIRE(model.canFetchMore(b1d0));
    model.fetchMore(b1d0);
    REQUIRE(model.rowCount(b1d0) == 6);
    const QPersistentModelIndex persistentPartition(model.index(4, 0, b1d0));
    CHECK(persistentPartition.data().toString() == QStringLiteral("orders-4"));

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    auto next = baseCluster();
    next.insert(next.begin(), GenBroker{0, {GenDir{"/d", partitionsOf("a", 0, 1)}}}); // a new first broker
    next[1].dirs[0].partitions.erase(next[1].dirs[0].partitions.begin());             // orders-0 goes
    next[2].dirs[0].bytesPerPartition = 20 << 20;                                     // broker 3 grows
    model.update(shared(test::makeSnapshot(next)), {});

    CHECK(resets.isEmpty());
    CHECK_FALSE(changes.isEmpty());
    REQUIRE(persistentDir.isValid());
    CHECK(persistentDir.row() == 0);
    CHECK(keyOf(persistentDir) == QStringLiteral("broker/3:/data0"));
    CHECK(view.currentIndex() == QModelIndex(persistentDir));
    CHECK(view.isExpanded(persistentDir.parent()));
    REQUIRE(persistentPartition.isValid());
    CHECK(persistentPartition.data().toString() == QStringLiteral("orders-4"));
    CHECK(persistentPartition.row() == 3);

    // An unchanged snapshot emits nothing at all.
    changes.clear();
    model.update(shared(test::makeSnapshot(next)), {});
    CHECK(changes.isEmpty());
}

TEST_CASE("Cluster tree refills a dir whose partitions changed everywhere", "[ui][models][tree]")
{
    ClusterTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
    std::vector<GenBroker> a{GenBroker{1, {GenDir{"/d", {}}}}};
    for (int p = 0; p < 4000; p += 2)
        a[0].dirs[0].partitions.emplace_back("t", p);
    model.update(shared(test::makeSnapshot(a)), {});
    std::vector<GenBroker> b{GenBroker{1, {GenDir{"/d", {}}}}};
    for (int p = 1; p < 4000; p += 2)
        b[0].dirs[0].partitions.emplace_back("t", p);
    model.update(shared(test::makeSnapshot(b)), {});
    const QModelIndex dir = model.index(0, 0, model.index(0, 0));
    REQUIRE(model.rowCount(dir) == 2000);
    CHECK(model.index(0, 0, dir).data().toString() == QStringLiteral("t-1"));
    CHECK(model.index(1999, 0, dir).data().toString() == QStringLiteral("t-3999"));
}

TEST_CASE("Alerts model diffs by key, acknowledges and emits the fix", "[ui][models][alerts]")
{
    const int before = test::unexpectedQtMessageCount();
    AlertsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
    const FixAction swap = FixAction::swapDisk(core::BrokerId(2), "/data3");
    std::vector<core::measure::Alert> alerts{
        test::makeAlert("log-dir-offline/broker-2:/data3", AlertSeverity::Critical, 2, "/data3", swap),
        test::makeAlert("disk-usage/broker-1:/data0", AlertSeverity::Warning, 1, "/data0",
                        FixAction::shrinkRetention(core::BrokerId(1), "/data0"))};
    model.update(alerts);
    REQUIRE(model.rowCount() == 2);
    const QPersistentModelIndex second(model.index(1, AlertsModel::TextColumn));

    QSignalSpy acks(&model, &AlertsModel::acknowledgeRequested);
    QSignalSpy fixes(&model, &AlertsModel::fixRequested);
    model.acknowledge(0);
    REQUIRE(acks.size() == 1);
    CHECK(acks.front().front().toString() == QStringLiteral("log-dir-offline/broker-2:/data3"));
    CHECK(model.index(0, AlertsModel::AcknowledgedColumn).data(RawValueRole).toBool());
    REQUIRE(model.requestFix(0));
    REQUIRE(fixes.size() == 1);
    CHECK(fixes.front().front().value<FixAction>() == swap);

    // The first alert clears, a new one comes: the second keeps its row data.
    alerts.erase(alerts.begin());
    alerts.push_back(
        test::makeAlert("corrupt-index/broker-1:/data1/orders-3", AlertSeverity::Critical, 1, "/data1",
                        FixAction::rebuildIndex(core::BrokerId(1), "/data1", "orders", core::PartitionId(3))));
    model.update(alerts);
    REQUIRE(model.rowCount() == 2);
    REQUIRE(second.isValid());
    CHECK(second.row() == 0);
    CHECK(second.data().toString().contains(QStringLiteral("disk-usage")));
    CHECK_FALSE(model.requestFix(5));
    CHECK(test::unexpectedQtMessageCount() == before);
}

TEST_CASE("Fix buttons are named after the alert's FixAction", "[ui][models][alerts]")
{
    CHECK(AlertsModel::fixButtonText(FixAction::swapDisk(core::BrokerId(1), "/d")) == QStringLiteral("Swap disk..."));
    CHECK(AlertsModel::fixButtonText(FixAction::shrinkRetention(core::BrokerId(1), "/d")) ==
          QStringLiteral("Shrink retention..."));
    CHECK(AlertsModel::fixButtonText(FixAction::rebuildIndex(core::BrokerId(1), "/d", "t", core::PartitionId(0))) ==
          QStringLiteral("Rebuild index..."));
    CHECK(AlertsModel::fixButtonText(FixAction::movePartitions(core::BrokerId(1), "/d")) ==
          QStringLiteral("Move partitions..."));
    CHECK(AlertsModel::fixButtonText(FixAction{}).isEmpty());
}

TEST_CASE("Skew model flags the disks out of balance and toggles bytes/partitions", "[ui][models][skew]")
{
    const int before = test::unexpectedQtMessageCount();
    SkewModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
    // Broker 1: 10 partitions of 10 MiB on /a, 2 on /b: far out of balance.
    std::vector<GenBroker> cluster{
        GenBroker{1, {GenDir{"/a", partitionsOf("t", 0, 10)}, GenDir{"/b", partitionsOf("t", 10, 12)}}},
        GenBroker{2, {GenDir{"/a", partitionsOf("u", 0, 6)}, GenDir{"/b", partitionsOf("u", 6, 12)}}}};
    model.update(test::makeSnapshot(cluster));
    REQUIRE(model.rowCount() == 2);
    REQUIRE(model.columnCount() == 3);
    CHECK(model.index(0, 1).data(OutOfBalanceRole).toBool());
    CHECK(model.index(0, 2).data(OutOfBalanceRole).toBool());
    CHECK_FALSE(model.index(1, 1).data(OutOfBalanceRole).toBool());
    CHECK(model.index(0, SkewModel::kIndexColumn).data(RawValueRole).toDouble() > 10.0);
    CHECK(model.heat(model.index(0, 1)) == Approx(1.0));
    CHECK(model.index(0, 1).data(RawValueRole).toDouble() == Approx(100.0 * (1 << 20)));

    model.setMode(SkewModel::Mode::Partitions);
    CHECK(model.index(0, 1).data(RawValueRole).toDouble() == Approx(10.0));
    CHECK(model.summary().contains(QStringLiteral("out of balance")));

    // A dead disk on broker 1 is shown after its live disks, not counted.
    GenDir dead{"/dead", partitionsOf("t", 12, 14)};
    dead.offline = true;
    cluster[0].dirs.push_back(dead);
    model.update(test::makeSnapshot(cluster));
    REQUIRE(model.columnCount() == 4);
    const QModelIndex deadCell = model.index(0, 3);
    CHECK(deadCell.data().toString().contains(QStringLiteral("offline")));
    CHECK(deadCell.data(KeyRole).toString() == QStringLiteral("/dead"));
    CHECK_FALSE(deadCell.data(RawValueRole).isValid());
    CHECK(model.heat(deadCell) == Approx(0.0));
    CHECK(deadCell.data(Qt::BackgroundRole).isValid());
    CHECK_FALSE(model.index(1, 3).data().isValid());                        // broker 2 has no fourth cell
    CHECK(model.index(0, 1).data(RawValueRole).toDouble() == Approx(10.0)); // balance unchanged

    // Shape change: a third disk on broker 2, broker 1 gone.
    cluster.erase(cluster.begin());
    cluster[0].dirs.push_back(GenDir{"/c", partitionsOf("u", 12, 18)});
    model.update(test::makeSnapshot(cluster));
    CHECK(model.rowCount() == 1);
    CHECK(model.columnCount() == 4);
    CHECK(test::unexpectedQtMessageCount() == before);
}

TEST_CASE("Operations model diffs journal entries and shows live progress", "[ui][models][operations]")
{
    const int before = test::unexpectedQtMessageCount();
    OperationsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
    const auto entry = [](std::int64_t id, core::ops::OperationState state) {
        core::ops::JournalEntry e;
        e.id = id;
        e.kind = "partition-move";
        e.state = state;
        e.summary = "move orders-" + std::to_string(id);
        e.steps.push_back({1, "copy", "started", ""});
        return e;
    };
    model.update({entry(1, core::ops::OperationState::Done), entry(2, core::ops::OperationState::Running)});
    REQUIRE(model.rowCount() == 2);
    CHECK(model.index(0, OperationsModel::IdColumn).data().toLongLong() == 2); // newest first
    const QPersistentModelIndex running(model.index(0, OperationsModel::ProgressColumn));
    CHECK(running.data().toString().contains(QStringLiteral("copy")));
    model.setProgress(2, 0.5, QStringLiteral("copied 5 of 10 segments"));
    CHECK(running.data().toString() == QStringLiteral("50 %"));

    model.update({entry(1, core::ops::OperationState::Done), entry(2, core::ops::OperationState::Done),
                  entry(3, core::ops::OperationState::Running)});
    REQUIRE(model.rowCount() == 3);
    CHECK(running.row() == 1);
    CHECK(model.index(1, OperationsModel::StateColumn).data().toString() == QStringLiteral("done"));
    model.update({entry(3, core::ops::OperationState::Failed)});
    CHECK(model.rowCount() == 1);

    JournalStepsModel steps;
    QAbstractItemModelTester stepsTester(&steps, QAbstractItemModelTester::FailureReportingMode::Warning);
    steps.setSteps(model.entry(0)->steps);
    CHECK(steps.rowCount() == 1);
    CHECK(steps.index(0, JournalStepsModel::NameColumn).data().toString() == QStringLiteral("copy"));
    CHECK(test::unexpectedQtMessageCount() == before);
}

TEST_CASE("Partition list model passes the model tester", "[ui][models]")
{
    PartitionListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
    const auto snapshot = test::makeSnapshot(baseCluster());
    model.setPartitions(snapshot.brokers[0].dirs[0].partitions);
    CHECK(model.rowCount() == 6);
    CHECK(model.index(0, PartitionListModel::ShareColumn).data(RawValueRole).toDouble() == Approx(100.0 / 6));
}

TEST_CASE("Disk bars split each disk into top topics, other topics, other data and free", "[ui][models][disks]")
{
    std::vector<GenBroker> cluster{
        GenBroker{1, {GenDir{"/a", partitionsOf("big", 0, 8)}, GenDir{"/b", partitionsOf("small", 0, 1)}}}};
    cluster[0].dirs[0].partitions.emplace_back("mid", 0);
    cluster[0].dirs[0].partitions.emplace_back("mid", 1);
    const auto snapshot = test::makeSnapshot(cluster);
    const DiskBars bars = DiskBars::build(snapshot, 2);
    REQUIRE(bars.topics == QStringList{QStringLiteral("big"), QStringLiteral("mid")});
    REQUIRE(bars.disks.size() == 2);
    const DiskBar &a = bars.disks[0];
    CHECK(a.topicBytes[0] == Approx(8.0 * (10 << 20)));
    CHECK(a.topicBytes[1] == Approx(2.0 * (10 << 20)));
    CHECK(a.otherTopicsBytes == Approx(0));
    CHECK(bars.disks[1].otherTopicsBytes == Approx(10 << 20));
    const double sum = a.topicBytes[0] + a.topicBytes[1] + a.otherTopicsBytes + a.otherDataBytes + a.freeBytes;
    CHECK(sum == Approx(a.capacityBytes));
    CHECK(a.otherDataBytes == Approx(16 << 20));
    CHECK(a.detail == QStringLiteral("growth: measuring"));
}

TEST_CASE("Tables export as CSV with quoting", "[ui][export]")
{
    AlertsModel model;
    auto alert = test::makeAlert("k", AlertSeverity::Warning, 1, "/d");
    alert.text = "disk \"/d\" at 85 %, growing";
    model.update(std::vector{alert});
    const QString csv = modelToCsv(model);
    const QStringList lines = csv.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == QStringLiteral("Severity,Since,Alert,Fix,Acknowledged"));
    CHECK(lines[1].contains(QStringLiteral("\"disk \"\"/d\"\" at 85 %, growing\"")));
}
