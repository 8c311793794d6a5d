// SPDX-License-Identifier: GPL-3.0-or-later
// Operation dialogs driven offscreen against real files: the move dialog
// plans and performs a real offline partition move, journaled; the runner
// reports progress and outcome; interrupted entries are found.
#include "core/ops/journal.h"
#include "tests/ops/ops_test_support.h"
#include "tests/storage/logdir/log_dir_fixture.h"
#include "tests/support/temp_dir.h"
#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/disk_swap_dialog.h"
#include "ui/dialogs/disk_usage_bars.h"
#include "ui/dialogs/index_rebuild_dialog.h"
#include "ui/dialogs/move_dialog.h"
#include "ui/dialogs/rebalance_dialog.h"
#include "ui/dialogs/retention_shrink_dialog.h"
#include "ui/operations/fix_action_dispatcher.h"
#include "ui/operations/operation_runner.h"

#include <catch2/catch.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include <fstream>
#include <random>
#include <thread>

using namespace spillway;
using namespace spillway::ui;
using spillway::test::TempDir;
namespace fs = std::filesystem;

namespace {

/// data0 holds orders-0 (2 MiB of log and its index files), data1 is empty.
struct TwoDirBroker {
    TempDir root;
    fs::path data0 = root / "data0";
    fs::path data1 = root / "data1";
    std::map<std::string, std::string> original;

    TwoDirBroker()
    {
        fs::create_directories(data0 / "orders-0");
        fs::create_directories(data1);
        std::mt19937 rng(11);
        std::string log(2 * 1024 * 1024 + 17, '\0');
        for (auto &c : log)
            c = static_cast<char>(rng());
        std::ofstream(data0 / "orders-0" / "00000000000000000000.log", std::ios::binary) << log;
        std::ofstream(data0 / "orders-0" / "00000000000000000000.index", std::ios::binary) << std::string(80, 'i');
        std::ofstream(data0 / "orders-0" / "00000000000000000000.timeindex", std::ios::binary) << std::string(12, 't');
        original = spillway::test::snapshotDir(data0 / "orders-0");
    }

    [[nodiscard]] BrokerContext context() const
    {
        core::measure::BrokerSnapshot b;
        b.id = core::BrokerId{1};
        b.name = "broker 1";
        for (const auto &d : {data0, data1}) {
            core::measure::LogDirSnapshot dir;
            dir.path = d.string();
            b.dirs.push_back(dir);
        }
        b.dirs[0].partitions.push_back({"orders", core::PartitionId{0}, 2 * 1024 * 1024 + 109, false});
        return BrokerContext::fromSnapshot(b);
    }
};

template <class Pred>
bool waitFor(Pred pred, int ms = 60000)
{
    for (int waited = 0; waited < ms && !pred(); waited += 20)
        QTest::qWait(20);
    return pred();
}

} // namespace

TEST_CASE("Move dialog previews, asks for confirmation and performs a real offline move", "[ui][dialogs][move]")
{
    TwoDirBroker broker;
    TempDir state;
    OperationRunner runner(state / "journal.sqlite");
    MoveDialog dialog(broker.context(), &runner);
    dialog.setMove(QStringLiteral("orders"), 0, QString::fromStdString(broker.data0.string()),
                   QString::fromStdString(broker.data1.string()));
    CHECK(dialog.mode() == MoveDialog::Mode::Offline);
    CHECK_FALSE(dialog.applyButton()->isEnabled());

    QSignalSpy planned(&dialog, &OperationDialog::planReady);
    dialog.previewButton()->click();
    REQUIRE(waitFor([&] { return planned.count() == 1; }));
    REQUIRE(planned.at(0).at(0).toBool());
    REQUIRE(dialog.plan().has_value());
    CHECK(dialog.plan()->kind == "partition-move");
    CHECK(dialog.bars()->changes().size() == 2);
    CHECK(dialog.planText()->toPlainText().contains(QStringLiteral("orders")));
    // The confirmation names the broker and both dirs.
    REQUIRE(dialog.needsConfirmation());
    const QString confirm = dialog.confirmationLabel()->text();
    CHECK(confirm.contains(QStringLiteral("broker 1")));
    CHECK(confirm.contains(QString::fromStdString(broker.data0.string())));
    CHECK(confirm.contains(QString::fromStdString(broker.data1.string())));
    // Not confirmed: nothing runs.
    CHECK_FALSE(dialog.applyButton()->isEnabled());
    CHECK_FALSE(dialog.apply());
    CHECK(fs::exists(broker.data0 / "orders-0"));

    dialog.confirmation()->setChecked(true);
    CHECK(dialog.applyButton()->isEnabled());
    QSignalSpy finished(&dialog, &OperationDialog::operationFinished);
    QSignalSpy progress(&runner, &OperationRunner::progress);
    dialog.applyButton()->click();
    REQUIRE(waitFor([&] { return finished.count() == 1; }));
    REQUIRE(dialog.outcome().has_value());
    const auto outcome = *dialog.outcome();
    INFO(outcome.message.toStdString());
    CHECK(outcome.ok);
    CHECK(outcome.state == core::ops::OperationState::Done);
    REQUIRE(outcome.journalId > 0);
    CHECK(progress.count() > 0);
    // Progress carried the journal id once the operation had recorded itself.
    CHECK(progress.last().at(0).toLongLong() == outcome.journalId);

    // The files moved, byte for byte, and nothing is left behind.
    CHECK_FALSE(fs::exists(broker.data0 / "orders-0"));
    REQUIRE(fs::exists(broker.data1 / "orders-0"));
    CHECK(spillway::test::snapshotDir(broker.data1 / "orders-0") == broker.original);
    CHECK(spillway::test::entriesStartingWith(broker.data0, "orders-0.").empty());
    CHECK(spillway::test::entriesStartingWith(broker.data1, "orders-0.").empty());

    // And the journal says so.
    auto journal = core::ops::Journal::open(state / "journal.sqlite");
    REQUIRE(journal.ok());
    auto entry = journal->get(outcome.journalId);
    REQUIRE(entry.ok());
    CHECK(entry->kind == "partition-move");
    CHECK(entry->state == core::ops::OperationState::Done);
    CHECK(entry->stepDone("verify"));
    CHECK(entry->stepDone("remove-source"));
    // A spent plan cannot be applied twice.
    CHECK_FALSE(dialog.apply());
}

TEST_CASE("Move dialog refuses while the broker holds the log dir's lock", "[ui][dialogs][move]")
{
    TwoDirBroker broker;
    TempDir state;
    spillway::test::LockHolder lock(broker.data0 / ".lock");
    OperationRunner runner(state / "journal.sqlite");
    MoveDialog dialog(broker.context(), &runner);
    dialog.setMove(QStringLiteral("orders"), 0, QString::fromStdString(broker.data0.string()),
                   QString::fromStdString(broker.data1.string()));
    QSignalSpy planned(&dialog, &OperationDialog::planReady);
    dialog.preview();
    REQUIRE(waitFor([&] { return planned.count() == 1; }));
    CHECK_FALSE(planned.at(0).at(0).toBool());
    CHECK_FALSE(dialog.plan().has_value());
    CHECK(dialog.statusLabel()->text().startsWith(QStringLiteral("Cannot plan")));
    CHECK_FALSE(dialog.applyButton()->isEnabled());
    CHECK(fs::exists(broker.data0 / "orders-0"));
}

TEST_CASE("Index rebuild dialog verifies a healthy dir and names the broker in its confirmation",
          "[ui][dialogs][index]")
{
    TwoDirBroker broker;
    TempDir state;
    OperationRunner runner(state / "journal.sqlite");
    IndexRebuildDialog dialog(broker.context(), &runner);
    // A topic without a partition is refused before any work.
    dialog.setScope(QString::fromStdString(broker.data1.string()), QStringLiteral("orders"), -1);
    QSignalSpy planned(&dialog, &OperationDialog::planReady);
    dialog.preview();
    REQUIRE(waitFor([&] { return planned.count() == 1; }));
    CHECK_FALSE(planned.at(0).at(0).toBool());
    // The empty dir: nothing bad, a plan with only the verify step.
    dialog.setScope(QString::fromStdString(broker.data1.string()));
    dialog.preview();
    REQUIRE(waitFor([&] { return planned.count() == 2; }));
    REQUIRE(planned.at(1).at(0).toBool());
    REQUIRE(dialog.plan().has_value());
    CHECK(dialog.plan()->kind == "index-rebuild");
    CHECK(dialog.confirmationLabel()->text().contains(QStringLiteral("broker 1")));
    CHECK(dialog.confirmationLabel()->text().contains(QString::fromStdString(broker.data1.string())));
}

TEST_CASE("Operation runner runs one operation at a time and finds interrupted entries", "[ui][operations]")
{
    TempDir state;
    OperationRunner runner(state / "journal.sqlite");
    std::atomic<bool> release{false};
    QSignalSpy finished(&runner, &OperationRunner::finished);
    REQUIRE(runner.start(QStringLiteral("test"), "test-kind",
                         [&](core::ops::Journal &journal, const core::ops::RunOptions &options) {
                             auto id = journal.begin("test-kind", "broker 1", "{}", "a test operation");
                             options.report(0.5, "half way");
                             while (!release.load() && !options.cancelled())
                                 std::this_thread::sleep_for(std::chrono::milliseconds(5));
                             return id;
                         }));
    CHECK(runner.isRunning());
    CHECK_FALSE(runner.start(QStringLiteral("second"), "test-kind",
                             [](core::ops::Journal &, const core::ops::RunOptions &) -> core::Result<std::int64_t> {
                                 return std::int64_t{0};
                             }));
    runner.cancel();
    REQUIRE(waitFor([&] { return finished.count() == 1; }));
    CHECK_FALSE(runner.isRunning());
    const auto outcome = finished.at(0).at(0).value<OperationOutcome>();
    // The work began an entry and never finished it: it is left "running",
    // exactly what a crash leaves, and the console offers to recover it.
    CHECK(outcome.journalId > 0);
    CHECK(outcome.state == core::ops::OperationState::Running);
    CHECK_FALSE(outcome.ok);
    auto interrupted = runner.interrupted();
    REQUIRE(interrupted.ok());
    REQUIRE(interrupted->size() == 1);
    CHECK(interrupted->front().kind == "test-kind");
}

TEST_CASE("Rebalance dialog plans moves off the full disk and runs them offline, journaled", "[ui][dialogs][rebalance]")
{
    TwoDirBroker broker;
    // A second, smaller partition, so that the planner has a choice.
    fs::create_directories(broker.data0 / "orders-1");
    std::ofstream(broker.data0 / "orders-1" / "00000000000000000000.log", std::ios::binary)
        << std::string(512 * 1024, 'x');
    BrokerContext context = broker.context();
    auto &snap = context.snapshot;
    snap.dirs[0].partitions.push_back({"orders", core::PartitionId{1}, 512 * 1024, false});
    for (auto &d : snap.dirs) {
        d.kafkaBytes = 0;
        for (const auto &p : d.partitions)
            d.kafkaBytes += p.bytes;
        d.usage = core::measure::FilesystemUsage{std::int64_t{10} << 30, d.kafkaBytes,
                                                 (std::int64_t{10} << 30) - d.kafkaBytes};
    }
    TempDir state;
    OperationRunner runner(state / "journal.sqlite");
    RebalanceDialog dialog(context, &runner);
    dialog.setOffline(true);
    QSignalSpy planned(&dialog, &OperationDialog::planReady);
    dialog.preview();
    REQUIRE(waitFor([&] { return planned.count() == 1; }));
    INFO(dialog.statusLabel()->text().toStdString());
    REQUIRE(planned.at(0).at(0).toBool());
    REQUIRE(dialog.plan().has_value());
    CHECK_FALSE(dialog.plan()->steps.empty());
    CHECK(dialog.bars()->changes().size() == 2);
    REQUIRE(dialog.needsConfirmation());
    CHECK(dialog.confirmationLabel()->text().contains(QStringLiteral("broker 1")));
    dialog.confirmation()->setChecked(true);
    QSignalSpy finished(&dialog, &OperationDialog::operationFinished);
    REQUIRE(dialog.apply());
    REQUIRE(waitFor([&] { return finished.count() == 1; }));
    const auto outcome = *dialog.outcome();
    INFO(outcome.message.toStdString());
    CHECK(outcome.ok);
    // data1 received a partition; every partition is live in exactly one dir.
    int live = 0;
    for (const char *p : {"orders-0", "orders-1"})
        live += (fs::exists(broker.data0 / p) ? 1 : 0) + (fs::exists(broker.data1 / p) ? 1 : 0);
    CHECK(live == 2);
    CHECK((fs::exists(broker.data1 / "orders-0") || fs::exists(broker.data1 / "orders-1")));
    auto journal = core::ops::Journal::open(state / "journal.sqlite");
    REQUIRE(journal.ok());
    auto entries = journal->list();
    REQUIRE(entries.ok());
    REQUIRE_FALSE(entries->empty());
    for (const auto &e : *entries) {
        CHECK(e.kind == "partition-move");
        CHECK(e.state == core::ops::OperationState::Done);
    }
}

TEST_CASE("Fix actions open the dialog that performs them", "[ui][dialogs][fix]")
{
    TwoDirBroker broker;
    TempDir state;
    OperationRunner runner(state / "journal.sqlite");
    core::measure::ClusterSnapshot snapshot;
    snapshot.brokers.push_back(broker.context().snapshot);
    const auto shared = std::make_shared<const core::measure::ClusterSnapshot>(snapshot);
    FixActionDispatcher::Sources sources;
    sources.snapshot = [shared] { return shared; };
    sources.swapTarget = [](qint32 b) {
        return QStringList{QStringLiteral("--lab"), QStringLiteral("--broker"), QString::number(b)};
    };
    QWidget window;
    FixActionDispatcher dispatcher(&window, &runner, sources);
    dispatcher.setShowDialogs(false);
    const QString data0 = QString::fromStdString(broker.data0.string());

    std::unique_ptr<QWidget> rebuild(dispatcher.dispatch(core::measure::FixAction::rebuildIndex(
        core::BrokerId{1}, broker.data0.string(), "orders", core::PartitionId{0})));
    auto *index = qobject_cast<IndexRebuildDialog *>(rebuild.get());
    REQUIRE(index);
    CHECK(index->dirBox()->currentData().toString() == data0);
    CHECK(index->topicEdit()->text() == QStringLiteral("orders"));
    CHECK(index->partitionBox()->value() == 0);

    std::unique_ptr<QWidget> swap(
        dispatcher.dispatch(core::measure::FixAction::swapDisk(core::BrokerId{1}, broker.data0.string())));
    auto *swapDialog = qobject_cast<DiskSwapDialog *>(swap.get());
    REQUIRE(swapDialog);
    swapDialog->setSpare(QStringLiteral("/data/spare"));
    CHECK(swapDialog->previewArguments() == QStringList{QStringLiteral("ops"), QStringLiteral("swap-disk"),
                                                        QStringLiteral("--lab"), QStringLiteral("--broker"),
                                                        QStringLiteral("1"), QStringLiteral("--from"), data0,
                                                        QStringLiteral("--to"), QStringLiteral("/data/spare")});
    CHECK(swapDialog->applyArguments().endsWith(QStringLiteral("--yes")));
    // Not previewed, not confirmed: it does not run.
    CHECK_FALSE(swapDialog->apply());
    CHECK(swapDialog->confirmation()->text().contains(data0));
    CHECK(swapDialog->confirmation()->text().contains(QStringLiteral("/data/spare")));

    std::unique_ptr<QWidget> moves(
        dispatcher.dispatch(core::measure::FixAction::movePartitions(core::BrokerId{1}, broker.data0.string())));
    CHECK(qobject_cast<RebalanceDialog *>(moves.get()));
    std::unique_ptr<QWidget> shrink(
        dispatcher.dispatch(core::measure::FixAction::shrinkRetention(core::BrokerId{1}, broker.data0.string())));
    CHECK(qobject_cast<RetentionShrinkDialog *>(shrink.get()));

    QSignalSpy consumer(&dispatcher, &FixActionDispatcher::consumerRequested);
    CHECK(dispatcher.dispatch(core::measure::FixAction::inspectConsumer("billing")) == nullptr);
    REQUIRE(consumer.count() == 1);
    CHECK(consumer.at(0).at(0).toString() == QStringLiteral("billing"));

    // A broker the snapshot does not know, and advice: explained, not run.
    std::unique_ptr<QWidget> unknown(dispatcher.dispatch(core::measure::FixAction::swapDisk(core::BrokerId{9}, "/x")));
    CHECK(qobject_cast<QMessageBox *>(unknown.get()));
    std::unique_ptr<QWidget> advice(dispatcher.dispatch(core::measure::FixAction::addReplicas("orders")));
    CHECK(qobject_cast<QMessageBox *>(advice.get()));

    // The board's drop opens a prefilled move dialog.
    std::unique_ptr<QWidget> move(
        dispatcher.openMove(1, QStringLiteral("orders"), 0, data0, QString::fromStdString(broker.data1.string())));
    auto *moveDialog = qobject_cast<MoveDialog *>(move.get());
    REQUIRE(moveDialog);
    CHECK(moveDialog->destinationBox()->currentData().toString() == QString::fromStdString(broker.data1.string()));
    CHECK(dispatcher.openMove(5, QStringLiteral("orders"), 0, data0, data0) == nullptr);
}

TEST_CASE("Index rebuild dialog shows the bad index and rebuilds it, journaled", "[ui][dialogs][index]")
{
    TwoDirBroker broker;
    const fs::path partition = broker.data1 / "clicks-3";
    fs::create_directories(partition);
    spillway::test::writeSegment(partition, 0, 40, 5);
    // Garbage where the offset index should be: entries pointing past the log.
    spillway::test::writeBytes(partition / "00000000000000000000.index", std::string(64, '\xff'));
    TempDir state;
    OperationRunner runner(state / "journal.sqlite");
    IndexRebuildDialog dialog(broker.context(), &runner);
    dialog.setScope(QString::fromStdString(broker.data1.string()), QStringLiteral("clicks"), 3);
    QSignalSpy planned(&dialog, &OperationDialog::planReady);
    dialog.preview();
    REQUIRE(waitFor([&] { return planned.count() == 1; }));
    INFO(dialog.statusLabel()->text().toStdString());
    REQUIRE(planned.at(0).at(0).toBool());
    // What is bad is shown before anything changes: the segment and its problem.
    CHECK(dialog.planText()->toPlainText().contains(QStringLiteral("00000000000000000000.log")));
    REQUIRE(dialog.plan()->steps.size() == 2);
    CHECK(dialog.confirmationLabel()->text().contains(QStringLiteral("rebuild 1 index segment")));
    dialog.confirmation()->setChecked(true);
    QSignalSpy finished(&dialog, &OperationDialog::operationFinished);
    REQUIRE(dialog.apply());
    REQUIRE(waitFor([&] { return finished.count() == 1; }));
    const auto outcome = *dialog.outcome();
    INFO(outcome.message.toStdString());
    CHECK(outcome.ok);
    CHECK(spillway::test::slurp((partition / "00000000000000000000.index").string()) != std::string(64, '\xff'));
    CHECK(spillway::test::entriesStartingWith(partition, "00000000000000000000.index.corrupt-").size() == 1);
    auto journal = core::ops::Journal::open(state / "journal.sqlite");
    REQUIRE(journal.ok());
    auto entry = journal->get(outcome.journalId);
    REQUIRE(entry.ok());
    CHECK(entry->kind == "index-rebuild");
    CHECK(entry->state == core::ops::OperationState::Done);
}
