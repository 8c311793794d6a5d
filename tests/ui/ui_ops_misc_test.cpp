// SPDX-License-Identifier: GPL-3.0-or-later
// The consumers model, the lab menu's argv lists and the settings.
#include "core/services/broker_registry.h"
#include "tests/support/temp_dir.h"
#include "tests/ui/ui_ops_support.h"
#include "ui/consumers/consumers_model.h"
#include "ui/consumers/consumers_panel.h"
#include "ui/dialogs/disk_usage_bars.h"
#include "ui/lab/lab_commands.h"
#include "ui/lab/lab_menu.h"
#include "ui/main_window.h"
#include "ui/operations/console_wiring.h"
#include "ui/settings/console_settings.h"
#include "ui/settings/settings_dialog.h"

#include <catch2/catch.hpp>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDoubleSpinBox>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>

#include <fstream>

using namespace spillway;
using namespace spillway::ui;
using spillway::test::TempDir;

TEST_CASE("Consumers model passes QAbstractItemModelTester and links lag to disks", "[ui][consumers]")
{
    ConsumersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto snapshot = test::makeSnapshot(3, 5, 600, 0);
    model.setSnapshot(snapshot);
    REQUIRE(model.rowCount() == 200);
    // group-1 reads topic-10..19; topic-10 is partitions 500..549 of each
    // broker, spread over every dir.
    int row = -1;
    for (int r = 0; r < model.rowCount(); ++r)
        if (model.index(r, 0).data(ConsumersModel::GroupRole) == QStringLiteral("group-1") &&
            model.index(r, 0).data(ConsumersModel::TopicRole) == QStringLiteral("topic-10"))
            row = r;
    REQUIRE(row >= 0);
    CHECK(model.index(row, ConsumersModel::LagColumn).data(ConsumersModel::RawRole).toLongLong() == 1000);
    CHECK(model.index(row, ConsumersModel::TrendColumn).data().toString().startsWith(QStringLiteral("growing")));
    const QStringList disks = model.index(row, 0).data(ConsumersModel::DisksRole).toStringList();
    CHECK(disks.size() == 15);
    CHECK(disks.contains(QStringLiteral("broker 2:/data/b2/d3")));
    // A topic nobody hosts says so rather than showing nothing.
    int far = -1;
    for (int r = 0; r < model.rowCount(); ++r)
        if (model.index(r, 0).data(ConsumersModel::TopicRole) == QStringLiteral("topic-150"))
            far = r;
    REQUIRE(far >= 0);
    CHECK(model.index(far, ConsumersModel::DisksColumn).data(ConsumersModel::DisksRole).toStringList().isEmpty());

    // Next round: same rows, values in place, history grows.
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setSnapshot(test::makeSnapshot(3, 5, 600, 1));
    CHECK(resets.count() == 0);
    const auto history =
        model.index(row, ConsumersModel::HistoryColumn).data(ConsumersModel::HistoryRole).value<QList<double>>();
    CHECK(history == QList<double>{1000.0, 1010.0});
    // A group gone: reset, and its history is dropped.
    snapshot.groups.pop_back();
    model.setSnapshot(snapshot);
    CHECK(resets.count() == 1);
    CHECK(model.rowCount() == 190);
}

TEST_CASE("Consumers panel sorts by raw lag and filters by group", "[ui][consumers]")
{
    ConsumersPanel panel;
    // Hidden: the snapshot is only kept; shown: the model catches up.
    panel.setSnapshot(std::make_shared<const core::measure::ClusterSnapshot>(test::makeSnapshot(1, 2, 100, 0)));
    auto *proxy = panel.proxy();
    CHECK(proxy->rowCount() == 0);
    panel.show();
    REQUIRE(proxy->rowCount() == 200);
    proxy->sort(ConsumersModel::LagColumn, Qt::DescendingOrder);
    CHECK(proxy->index(0, ConsumersModel::LagColumn).data(ConsumersModel::RawRole).toLongLong() == 10000);
    panel.showGroup(QStringLiteral("group-7"));
    CHECK(proxy->rowCount() == 10);
    CHECK_FALSE(panel.grab().isNull());
}

TEST_CASE("Lab menu builds argv lists, never shell strings", "[ui][lab]")
{
    CHECK(labUpArguments() == QStringList{QStringLiteral("lab"), QStringLiteral("up")});
    CHECK(labDownArguments() == QStringList{QStringLiteral("lab"), QStringLiteral("down")});
    CHECK(labLoadArguments(QStringLiteral("512KiB/s"), QString()) ==
          QStringList{QStringLiteral("lab"), QStringLiteral("load"), QStringLiteral("--produce-rate"),
                      QStringLiteral("512KiB/s")});
    CHECK(labLoadArguments(QStringLiteral(" 1000msg/s "), QStringLiteral("0")) ==
          QStringList{QStringLiteral("lab"), QStringLiteral("load"), QStringLiteral("--produce-rate"),
                      QStringLiteral("1000msg/s"), QStringLiteral("--consume-rate"), QStringLiteral("0")});
    CHECK(labLoadArguments(QString(), QString()).isEmpty());

    LabDrillArgs fill;
    fill.name = QStringLiteral("fill-disk");
    fill.broker = 1;
    fill.disk = QStringLiteral("data2");
    fill.leave = QStringLiteral("16MiB");
    fill.percent = 90; // --leave wins; both would be a usage error
    fill.topic = QStringLiteral("ignored: fill-disk has no --topic");
    CHECK(labDrillArguments(fill) == QStringList{QStringLiteral("lab"), QStringLiteral("drill"),
                                                 QStringLiteral("fill-disk"), QStringLiteral("--broker"),
                                                 QStringLiteral("1"), QStringLiteral("--disk"), QStringLiteral("data2"),
                                                 QStringLiteral("--leave"), QStringLiteral("16MiB")});
    fill.remove = true;
    CHECK(labDrillArguments(fill).endsWith(QStringLiteral("--remove")));

    LabDrillArgs corrupt;
    corrupt.name = QStringLiteral("corrupt-index");
    corrupt.broker = 2;
    corrupt.disk = QStringLiteral("data0");
    corrupt.topic = QStringLiteral("orders; rm -rf /");
    corrupt.partition = 3;
    // The topic is one argv element, whatever it contains.
    CHECK(labDrillArguments(corrupt) ==
          QStringList{QStringLiteral("lab"), QStringLiteral("drill"), QStringLiteral("corrupt-index"),
                      QStringLiteral("--broker"), QStringLiteral("2"), QStringLiteral("--topic"),
                      QStringLiteral("orders; rm -rf /"), QStringLiteral("--partition"), QStringLiteral("3")});

    // Every drill of the catalog is in the menu; breaking ones confirm.
    const QStringList names = drillNames();
    CHECK(names.contains(QStringLiteral("fail-disk")));
    CHECK(names.contains(QStringLiteral("restore")));
    CHECK(drillIsDestructive(QStringLiteral("fail-disk")));
    CHECK(drillIsDestructive(QStringLiteral("corrupt-index")));
    CHECK_FALSE(drillIsDestructive(QStringLiteral("restore")));
    CHECK_FALSE(drillIsDestructive(QStringLiteral("no-such-drill")));
    CHECK(drillOptions(QStringLiteral("slow-disk")) == QStringList{QStringLiteral("--disk"), QStringLiteral("--ms")});

    QWidget parent;
    QMenu *menu = createLabMenu(&parent);
    QStringList drillActions;
    for (QAction *a : menu->findChildren<QAction *>())
        if (a->data().isValid())
            drillActions << a->data().toString();
    drillActions.sort();
    QStringList sorted = names;
    sorted.sort();
    CHECK(drillActions == sorted);
}

TEST_CASE("Settings persist thresholds and interval, and add a Kafka installation to the registry", "[ui][settings]")
{
    TempDir dir;
    QSettings settings(QString::fromStdString((dir / "console.ini").string()), QSettings::IniFormat);
    const auto defaults = ConsoleSettings::load(settings);
    CHECK(defaults.thresholds.usageWarnPercent == Approx(80.0));
    CHECK(defaults.interval == std::chrono::seconds(5));

    SettingsDialog dialog(settings, core::BrokerRegistry(dir / "data"));
    QSignalSpy changed(&dialog, &SettingsDialog::settingsChanged);
    dialog.usageWarnBox()->setValue(70.0);
    dialog.intervalBox()->setValue(15);
    dialog.save();
    CHECK(changed.count() == 1);
    {
        QSettings reread(QString::fromStdString((dir / "console.ini").string()), QSettings::IniFormat);
        const auto loaded = ConsoleSettings::load(reread);
        CHECK(loaded.thresholds.usageWarnPercent == Approx(70.0));
        CHECK(loaded.interval == std::chrono::seconds(15));
        CHECK(loaded.thresholds.usageCriticalPercent == Approx(90.0));
    }

    // An Apache Kafka installation: server.properties + start command.
    std::filesystem::create_directories(dir / "kafka" / "logs");
    std::ofstream(dir / "kafka" / "server.properties")
        << "broker.id=7\nlog.dirs=" << (dir / "kafka" / "logs").string() << "\nlisteners=PLAINTEXT://127.0.0.1:19092\n";
    std::ofstream(dir / "kafka" / "start.sh") << "#!/bin/sh\n";
    std::filesystem::permissions(dir / "kafka" / "start.sh", std::filesystem::perms::owner_all);
    QSignalSpy brokers(&dialog, &SettingsDialog::brokersChanged);
    auto added = dialog.addKafkaInstallation(
        QStringLiteral("kafka-7"), QString::fromStdString((dir / "kafka" / "server.properties").string()),
        QStringLiteral("\"%1\" \"%2\"")
            .arg(QString::fromStdString((dir / "kafka" / "start.sh").string()),
                 QString::fromStdString((dir / "kafka" / "server.properties").string())),
        QString::fromStdString((dir / "kafka").string()));
    INFO((added ? std::string() : added.error().describe()));
    REQUIRE(added.ok());
    CHECK(brokers.count() == 1);
    CHECK(added->startCommand.size() == 2);
    REQUIRE(dialog.brokerList()->count() == 1);
    auto stored = core::BrokerRegistry(dir / "data").find("kafka-7");
    REQUIRE(stored.ok());
    CHECK(stored->kind == core::BrokerKind::KafkaInstall);
    REQUIRE(stored->facts.has_value());
    CHECK(stored->facts->brokerId == 7);

    // Single quotes work as in a shell; a pipeline is refused (no shell runs it), nothing added.
    auto quoted = dialog.addKafkaInstallation(QStringLiteral("kafka-9"),
                                              QString::fromStdString((dir / "kafka" / "server.properties").string()),
                                              QStringLiteral("'%1' '--override' 'log.retention.hours=1'")
                                                  .arg(QString::fromStdString((dir / "kafka" / "start.sh").string())),
                                              QString());
    REQUIRE(quoted.ok());
    CHECK(quoted->startCommand ==
          std::vector<std::string>{(dir / "kafka" / "start.sh").string(), "--override", "log.retention.hours=1"});
    REQUIRE(dialog.removeBroker(QStringLiteral("kafka-9")).ok());
    auto piped = dialog.addKafkaInstallation(QStringLiteral("kafka-10"),
                                             QString::fromStdString((dir / "kafka" / "server.properties").string()),
                                             QStringLiteral("start.sh config | tee log"), QString());
    REQUIRE_FALSE(piped.ok());
    CHECK(piped.error().message.find("unquoted '|'") != std::string::npos);
    CHECK(dialog.brokerList()->count() == 1);

    // A missing file is refused with the registry's own words, nothing added.
    auto bad = dialog.addKafkaInstallation(QStringLiteral("kafka-8"), QStringLiteral("/nonexistent/server.properties"),
                                           QStringLiteral("/bin/true"), QString());
    CHECK_FALSE(bad.ok());
    CHECK(dialog.brokerList()->count() == 1);
    REQUIRE(dialog.removeBroker(QStringLiteral("kafka-7")).ok());
    CHECK(dialog.brokerList()->count() == 0);
}

TEST_CASE("The Lab and Operations menus come before Help, which stays last", "[ui][menus]")
{
    TempDir dir;
    MainWindow window;
    new OperationsWiring(window, dir / "journal.sqlite"); // owned by the window
    QStringList titles;
    for (QAction *a : window.menuBar()->actions())
        titles << a->text().remove(QLatin1Char('&'));
    CHECK(titles.join(QLatin1Char(',')).toStdString() == "File,View,Lab,Operations,Help");
}

TEST_CASE("Disk usage bars say 'free space unknown' when the broker does not report it", "[ui][dialogs]")
{
    const core::ops::DiskUsageChange known{"/data0", 10 << 20, 4 << 20, 100 << 20, 106 << 20};
    const core::ops::DiskUsageChange unknown{"/data1", 10 << 20, 4 << 20, -1, -1};
    CHECK(DiskUsageBars::barText(true, known).contains(QStringLiteral("free")));
    CHECK_FALSE(DiskUsageBars::barText(true, known).contains(QStringLiteral("unknown")));
    CHECK(DiskUsageBars::barText(false, unknown).contains(QStringLiteral("free space unknown")));
    CHECK(DiskUsageBars::barText(true, unknown).contains(QStringLiteral("free space unknown")));
    CHECK_FALSE(DiskUsageBars::barText(true, unknown).contains(QStringLiteral("-")));
    DiskUsageBars bars;
    bars.setChanges({known, unknown});
    bars.resize(bars.sizeHint());
    CHECK_FALSE(bars.grab().isNull()); // paints both without dividing by a negative room
}
