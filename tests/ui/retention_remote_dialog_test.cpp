// SPDX-License-Identifier: GPL-3.0-or-later
// The retention shrink dialog for a broker whose log dirs are not here
// (filesLocal false), offscreen against a real spillway-broker: available,
// online only, and its preview is the protocol-only estimate, worded so.
#include "core/admin/admin_client.h"
#include "tests/admin/lab_broker.h"
#include "tests/support/temp_dir.h"
#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/retention_shrink_dialog.h"
#include "ui/operations/fix_action_dispatcher.h"
#include "ui/operations/operation_runner.h"

#include <catch2/catch.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>

using namespace spillway;
using namespace spillway::ui;
using spillway::test::TempDir;

namespace {

/// Broker 1 as a remote cluster shows it: its dirs measured by DescribeLogDirs only.
core::measure::BrokerSnapshot remoteSnapshot(const test::AdminLabBroker &broker)
{
    core::measure::BrokerSnapshot snapshot;
    snapshot.id = core::BrokerId{1};
    snapshot.name = "broker 1 (kafka1:9092)";
    snapshot.state = core::measure::BrokerLiveness::Up;
    for (const auto &d : broker.logDirs()) {
        core::measure::LogDirSnapshot dir;
        dir.path = d.string();
        dir.source = core::measure::MeasurementSource::DescribeLogDirs;
        snapshot.dirs.push_back(dir);
    }
    return snapshot;
}

} // namespace

TEST_CASE("The retention shrink dialog is available for a remote broker and previews the estimate",
          "[ui][dialogs][remote][retention]")
{
    test::AdminLabBroker broker(2);
    auto admin = core::admin::AdminClient::create(core::admin::AdminOptions{broker.bootstrap(), {}, false});
    REQUIRE(admin.ok());
    auto created = (*admin)->createTopics({{"board", 1, 1, {}}});
    REQUIRE(created.ok());
    REQUIRE(created->front().error == core::KafkaError::None);
    broker.produce("board", 0, 500);

    BrokerContext context = BrokerContext::fromSnapshot(remoteSnapshot(broker));
    REQUIRE_FALSE(context.filesLocal);
    context.bootstrap = QString::fromStdString(broker.bootstrap());

    TempDir state;
    OperationRunner runner(state / "journal.sqlite");
    RetentionShrinkDialog dialog(context, &runner);
    CHECK_FALSE(dialog.unavailable());
    CHECK(dialog.previewButton()->isEnabled());
    // The limitation says why offline is off and that the plan is an estimate.
    const QString limitation = dialog.limitationLabel()->text();
    CHECK(dialog.limitationLabel()->isVisibleTo(&dialog));
    CHECK(limitation.contains(context.filesUnavailableReason()));
    CHECK(limitation.contains(QStringLiteral("estimate from offsets")));
    CHECK(limitation.contains(QStringLiteral("measured after apply")));
    // Only the online shrink: the offline one deletes files here.
    QComboBox *mode = nullptr;
    for (auto *box : dialog.findChildren<QComboBox *>())
        if (box->count() == 2 && box->itemText(1).startsWith(QStringLiteral("Offline")))
            mode = box;
    REQUIRE(mode);
    CHECK_FALSE(mode->currentData().toBool());
    const auto *model = qobject_cast<const QStandardItemModel *>(mode->model());
    REQUIRE(model);
    CHECK_FALSE(model->item(1)->isEnabled());
    dialog.setOffline(true);
    CHECK_FALSE(mode->currentData().toBool());

    dialog.setTopicTarget({QStringLiteral("board")}, 3'600'000);
    QSignalSpy planned(&dialog, &OperationDialog::planReady);
    dialog.preview();
    REQUIRE(QTest::qWaitFor([&] { return planned.count() == 1; }, 30000));
    INFO(dialog.statusLabel()->text().toStdString());
    REQUIRE(planned.at(0).at(0).toBool());
    REQUIRE(dialog.plan().has_value());
    CHECK(dialog.plan()->params.at("source") == "remote");
    CHECK(dialog.plan()->disks.size() == 2);
    const QString text = dialog.planText()->toPlainText();
    INFO(text.toStdString());
    CHECK(text.contains(QStringLiteral("protocol only")));
    CHECK(text.contains(QStringLiteral("an estimate from offsets")));
    CHECK(text.contains(QStringLiteral("segment granularity unknown")));
    CHECK(text.contains(QStringLiteral("the exact figure is measured")));
    REQUIRE(dialog.needsConfirmation());
    CHECK(dialog.confirmationLabel()->text().contains(QStringLiteral("by the estimate at most")));
    // The long confirmation wraps instead of stretching the dialog.
    CHECK(dialog.minimumSizeHint().width() < 1000);

    // No address for the protocol either: nothing can plan.
    BrokerContext unreachable = context;
    unreachable.bootstrap.clear();
    RetentionShrinkDialog none(unreachable, &runner);
    CHECK(none.unavailable());
    CHECK_FALSE(none.previewButton()->isEnabled());
}

TEST_CASE("A disk-filling alert's shrink fix opens an available dialog for a remote broker",
          "[ui][dialogs][remote][retention][fix]")
{
    test::AdminLabBroker broker(2);
    const auto shared = std::make_shared<const core::measure::ClusterSnapshot>([&] {
        core::measure::ClusterSnapshot s;
        s.brokers.push_back(remoteSnapshot(broker));
        return s;
    }());
    FixActionDispatcher::Sources sources;
    sources.snapshot = [shared] { return shared; };
    const QString bootstrap = QString::fromStdString(broker.bootstrap());
    sources.bootstrap = [bootstrap](qint32) { return bootstrap; };
    TempDir state;
    OperationRunner runner(state / "journal.sqlite");
    QWidget window;
    FixActionDispatcher dispatcher(&window, &runner, sources);
    dispatcher.setShowDialogs(false);
    std::unique_ptr<QWidget> shrink(dispatcher.dispatch(
        core::measure::FixAction::shrinkRetention(core::BrokerId{1}, broker.logDirs()[0].string())));
    auto *dialog = qobject_cast<RetentionShrinkDialog *>(shrink.get());
    REQUIRE(dialog);
    CHECK_FALSE(dialog->unavailable());
    CHECK(dialog->previewButton()->isEnabled());
    CHECK(dialog->limitationLabel()->text().contains(QStringLiteral("estimate")));
}
