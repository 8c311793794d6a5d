// SPDX-License-Identifier: GPL-3.0-or-later
// The move dialog's online mode against a real spillway-broker: plan with
// DescribeLogDirs, AlterReplicaLogDirs, progress, journal.
#include "core/admin/admin_client.h"
#include "core/ops/journal.h"
#include "tests/admin/lab_broker.h"
#include "tests/support/temp_dir.h"
#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/move_dialog.h"
#include "ui/operations/operation_runner.h"

#include <catch2/catch.hpp>

#include <QCheckBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>

using namespace spillway;
using namespace spillway::ui;
using spillway::test::TempDir;

TEST_CASE("Move dialog moves a partition of a running broker online, journaled", "[ui][dialogs][move][online]")
{
    test::AdminLabBroker broker(2);
    auto admin = core::admin::AdminClient::create(core::admin::AdminOptions{broker.bootstrap(), {}, false});
    REQUIRE(admin.ok());
    auto created = (*admin)->createTopics({{"board", 1, 1, {}}});
    REQUIRE(created.ok());
    REQUIRE(created->front().error == core::KafkaError::None);
    auto where = [&]() -> std::string {
        auto dirs = (*admin)->describeLogDirs(core::BrokerId{1});
        REQUIRE(dirs.ok());
        for (const auto &d : *dirs)
            for (const auto &p : d.partitions)
                if (p.topic == "board" && !p.isFuture)
                    return d.path;
        return {};
    };
    const std::string source = where();
    REQUIRE_FALSE(source.empty());
    const std::string destination =
        broker.logDirs()[0].string() == source ? broker.logDirs()[1].string() : broker.logDirs()[0].string();

    core::measure::BrokerSnapshot snapshot;
    snapshot.id = core::BrokerId{1};
    snapshot.name = "broker 1";
    snapshot.state = core::measure::BrokerLiveness::Up;
    for (const auto &d : broker.logDirs()) {
        core::measure::LogDirSnapshot dir;
        dir.path = d.string();
        if (dir.path == source)
            dir.partitions.push_back({"board", core::PartitionId{0}, 0, false});
        snapshot.dirs.push_back(dir);
    }
    BrokerContext context = BrokerContext::fromSnapshot(snapshot);
    context.bootstrap = QString::fromStdString(broker.bootstrap());

    TempDir state;
    OperationRunner runner(state / "journal.sqlite");
    MoveDialog dialog(context, &runner);
    // Up and reachable: online is the default.
    CHECK(dialog.mode() == MoveDialog::Mode::Online);
    dialog.setMove(QStringLiteral("board"), 0, QString::fromStdString(source), QString::fromStdString(destination));
    dialog.setThrottle(10 << 20);
    QSignalSpy planned(&dialog, &OperationDialog::planReady);
    dialog.preview();
    REQUIRE(QTest::qWaitFor([&] { return planned.count() == 1; }, 30000));
    INFO(dialog.statusLabel()->text().toStdString());
    REQUIRE(planned.at(0).at(0).toBool());
    CHECK(dialog.plan()->kind == "online-move");
    REQUIRE(dialog.needsConfirmation());
    CHECK(dialog.confirmationLabel()->text().contains(QString::fromStdString(destination)));
    dialog.confirmation()->setChecked(true);
    QSignalSpy finished(&dialog, &OperationDialog::operationFinished);
    REQUIRE(dialog.apply());
    REQUIRE(QTest::qWaitFor([&] { return finished.count() == 1; }, 120000));
    const auto outcome = *dialog.outcome();
    INFO(outcome.message.toStdString());
    CHECK(outcome.ok);
    CHECK(where() == destination);
    auto journal = core::ops::Journal::open(state / "journal.sqlite");
    REQUIRE(journal.ok());
    auto entry = journal->get(outcome.journalId);
    REQUIRE(entry.ok());
    CHECK(entry->kind == "online-move");
    CHECK(entry->state == core::ops::OperationState::Done);
}
