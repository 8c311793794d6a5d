// SPDX-License-Identifier: GPL-3.0-or-later
// The main window fed with generated monitor updates, offscreen: every tab
// renders, the alerts dock drives the fix signal, the journal is read on a
// worker thread, the trend chart forecasts.
#include "core/ops/journal.h"
#include "tests/support/qt_messages.h"
#include "tests/ui/generated_snapshot.h"
#include "ui/charts/disk_bars_chart.h"
#include "ui/charts/usage_trend_chart.h"
#include "ui/main_window.h"
#include "ui/models/alerts_model.h"
#include "ui/models/cluster_tree_model.h"
#include "ui/models/operations_model.h"
#include "ui/models/partition_list_model.h"
#include "ui/models/skew_model.h"
#include "ui/panels/alerts_panel.h"
#include "ui/panels/disk_details_dialog.h"
#include "ui/panels/disks_panel.h"
#include "ui/panels/operations_panel.h"
#include "ui/panels/skew_panel.h"
#include "ui/panels/trends_panel.h"
#include "ui/widgets/empty_state.h"
#include "ui/widgets/placeholder_view.h"

#include <catch2/catch.hpp>

#include <QComboBox>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

using namespace spillway;
using namespace spillway::ui;
using core::measure::AlertSeverity;
using core::measure::FixAction;
using test::GenBroker;
using test::GenDir;
using test::partitionsOf;

namespace {

std::vector<GenBroker> labLike()
{
    std::vector<GenBroker> out;
    for (int b = 1; b <= 3; ++b) {
        GenBroker broker{b, {}};
        for (int d = 0; d < 3; ++d)
            broker.dirs.push_back(GenDir{"/data" + std::to_string(d),
                                         partitionsOf(d == 0 ? "orders" : "clicks", b * 10, b * 10 + 4 + d * 3)});
        out.push_back(std::move(broker));
    }
    return out;
}

std::vector<core::measure::Alert> labAlerts()
{
    return {test::makeAlert("disk-usage/broker-2:/data1", AlertSeverity::Critical, 2, "/data1",
                            FixAction::movePartitions(core::BrokerId(2), "/data1")),
            test::makeAlert("disk-usage/broker-1:/data0", AlertSeverity::Warning, 1, "/data0",
                            FixAction::shrinkRetention(core::BrokerId(1), "/data0"))};
}

} // namespace

TEST_CASE("Main window accepts an update offscreen and every tab renders", "[ui][mainwindow]")
{
    const int before = test::unexpectedQtMessageCount();
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    auto update = test::makeUpdate(test::makeSnapshot(labLike()), labAlerts(), 7);
    w.applyUpdate(update);

    CHECK_FALSE(w.clusterTree()->showingEmptyState());
    CHECK(w.clusterModel()->rowCount() == 3);
    CHECK_FALSE(w.alertsPanel()->placeholder()->showingEmptyState());
    CHECK(w.alertsPanel()->model()->rowCount() == 2);
    CHECK(w.statusText().contains(QStringLiteral("round 7")));
    CHECK(w.windowTitle().contains(QStringLiteral("critical")));

    for (const char *tab : {"disks", "skew", "trends", "board", "consumers"}) {
        INFO(tab);
        REQUIRE(w.selectTab(QLatin1String(tab)));
        QCoreApplication::processEvents();
        const QPixmap shot = w.grab();
        CHECK_FALSE(shot.isNull());
        CHECK_FALSE(w.tabs()->currentWidget()->grab().isNull());
    }
    // Shown tabs were built from the update.
    CHECK(w.disksPanel()->chart()->bars().disks.size() == 9);
    CHECK_FALSE(w.disksPanel()->showingEmptyState());
    CHECK(w.skewPanel()->model()->rowCount() == 3);
    CHECK(w.trendsPanel()->diskBox()->count() == 9);

    // A second round with a broker gone and a dir added keeps the window sane.
    auto next = labLike();
    next.pop_back();
    next[0].dirs.push_back(GenDir{"/data9", partitionsOf("new", 0, 2)});
    w.applyUpdate(test::makeUpdate(test::makeSnapshot(next), {}, 8));
    CHECK(w.clusterModel()->rowCount() == 2);
    CHECK(w.alertsPanel()->placeholder()->showingEmptyState());
    CHECK(test::unexpectedQtMessageCount() == before);
}

TEST_CASE("The alerts dock names the fix and emits it", "[ui][mainwindow][alerts]")
{
    MainWindow w;
    w.applyUpdate(test::makeUpdate(test::makeSnapshot(labLike()), labAlerts()));
    QSignalSpy fixes(&w, &MainWindow::fixRequested);
    QSignalSpy acks(&w, &MainWindow::acknowledgeRequested);

    REQUIRE(w.alertsPanel()->selectAlert(QStringLiteral("disk-usage/broker-2:/data1")));
    CHECK(w.alertsPanel()->fixButton()->text() == QStringLiteral("Move partitions..."));
    w.alertsPanel()->fixButton()->click();
    REQUIRE(fixes.size() == 1);
    CHECK(fixes.front().front().value<FixAction>() == FixAction::movePartitions(core::BrokerId(2), "/data1"));

    REQUIRE(w.alertsPanel()->selectAlert(QStringLiteral("disk-usage/broker-1:/data0")));
    CHECK(w.alertsPanel()->fixButton()->text() == QStringLiteral("Shrink retention..."));
    REQUIRE(w.alertsPanel()->acknowledgeButton()->isEnabled());
    w.alertsPanel()->acknowledgeButton()->click();
    REQUIRE(acks.size() == 1);
    CHECK(acks.front().front().toString() == QStringLiteral("disk-usage/broker-1:/data0"));
    CHECK_FALSE(w.alertsPanel()->acknowledgeButton()->isEnabled());
}

TEST_CASE("Clicking a disk opens its details", "[ui][mainwindow][disks]")
{
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    w.selectTab(QStringLiteral("disks"));
    w.applyUpdate(test::makeUpdate(test::makeSnapshot(labLike()), labAlerts()));
    QCoreApplication::processEvents();
    DiskBarsChart *chart = w.disksPanel()->chart();
    QSignalSpy clicked(chart, &DiskBarsChart::diskClicked);
    chart->plot()->replot();
    // The centre of the fourth bar (broker 2 /data0), from the axis.
    const int y = static_cast<int>(chart->plot()->yAxis->coordToPixel(3));
    const int x = static_cast<int>(chart->plot()->xAxis->coordToPixel(20));
    QTest::mouseClick(chart->plot(), Qt::LeftButton, {}, QPoint(x, y));
    REQUIRE(clicked.size() == 1);
    CHECK(clicked.front().front().toInt() == 3);
    DiskDetailsDialog *details = w.disksPanel()->detailsDialog();
    REQUIRE(details);
    CHECK(details->isVisible());
    CHECK(details->field(QStringLiteral("Directory")) == QStringLiteral("/data0"));
    CHECK(details->field(QStringLiteral("Own mount")) == QStringLiteral("yes"));
    CHECK(details->partitions()->rowCount() == 4);
    // The tree follows the click.
    const auto loc = w.clusterModel()->location(w.clusterTreeView()->currentIndex());
    REQUIRE(loc);
    CHECK(loc->broker == core::BrokerId(2));
    details->close();
}

TEST_CASE("Board and consumers tabs take ui-ops' widgets", "[ui][mainwindow]")
{
    MainWindow w;
    REQUIRE(w.selectTab(QStringLiteral("board")));
    auto *board = new QLabel(QStringLiteral("board"));
    w.setBoardWidget(board);
    CHECK(w.tabs()->currentWidget() == board);
    CHECK(board->objectName() == QStringLiteral("boardTab"));
    auto *consumers = new QLabel(QStringLiteral("consumers"));
    w.setConsumersWidget(consumers);
    REQUIRE(w.selectTab(QStringLiteral("consumers")));
    CHECK(w.tabs()->currentWidget() == consumers);
    CHECK(w.tabs()->count() == 5);
}

TEST_CASE("Trends ask for a series and draw the forecast to 100 percent", "[ui][mainwindow][trends]")
{
    MainWindow w;
    w.show();
    auto snapshot = test::makeSnapshot(labLike());
    core::measure::GrowthEstimate growth;
    growth.perSecond = 1024.0 * 1024.0; // 1 MiB/s
    growth.trend = core::measure::Trend::Growing;
    snapshot.brokers[0].dirs[0].growth = growth;
    QSignalSpy requests(&w, &MainWindow::diskSeriesRequested);
    w.applyUpdate(test::makeUpdate(snapshot));
    REQUIRE(w.selectTab(QStringLiteral("trends")));
    QCoreApplication::processEvents();
    REQUIRE_FALSE(requests.isEmpty());
    const auto args = requests.back();
    CHECK(args.at(1).toInt() == 1);
    CHECK(args.at(2).toString() == QStringLiteral("/data0"));

    // Answer with three samples ending at the snapshot time, 100 MiB free.
    std::vector<core::DiskHistoryPoint> points;
    const std::int64_t t0 = snapshot.timeMs - 120'000;
    for (int i = 0; i < 3; ++i) {
        core::DiskHistoryPoint p;
        p.timeMs = t0 + i * 60'000;
        p.capacityBytes = 1 << 30;
        p.freeBytes = 100.0 * (1 << 20);
        p.usedBytes = p.capacityBytes - p.freeBytes;
        points.push_back(p);
    }
    w.setDiskSeries(args.at(0).toULongLong() + 99, points); // a stale id is ignored
    CHECK_FALSE(w.trendChart()->forecastFullMs());
    w.setDiskSeries(args.at(0).toULongLong(), points);
    REQUIRE(w.trendChart()->forecastFullMs());
    CHECK(*w.trendChart()->forecastFullMs() == Approx(snapshot.timeMs + 100'000).margin(2));
    CHECK(w.trendChart()->emptyText().isEmpty());
}

TEST_CASE("The operations dock reads the journal on a worker thread", "[ui][mainwindow][operations]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const std::filesystem::path file = dir.filePath(QStringLiteral("journal.sqlite")).toStdString();
    {
        auto journal = core::ops::Journal::open(file);
        REQUIRE(journal);
        auto id = journal->begin("partition-move", "1", "{}", "move orders-3 from /data0 to /data1");
        REQUIRE(id);
        REQUIRE(journal->stepStarted(*id, 1, "copy"));
        REQUIRE(journal->stepDone(*id, 1));
        REQUIRE(journal->stepStarted(*id, 2, "swap"));
    }
    OperationsPanel panel;
    QSignalSpy read(&panel, &OperationsPanel::journalRead);
    panel.setJournalFile(file, 60'000);
    REQUIRE(read.wait(10'000));
    REQUIRE(panel.model()->rowCount() == 1);
    CHECK(panel.model()->index(0, OperationsModel::StateColumn).data().toString() == QStringLiteral("running"));
    panel.view()->setCurrentIndex(panel.model()->index(0, 0));
    CHECK(panel.stepsModel()->rowCount() == 2);
    panel.operationProgress(panel.model()->entry(0)->id, 0.25, QStringLiteral("swapping"));
    CHECK(panel.model()->index(0, OperationsModel::ProgressColumn).data().toString() == QStringLiteral("25 %"));
}

TEST_CASE("A missing journal is an empty operations list, not an error", "[ui][mainwindow][operations]")
{
    QTemporaryDir dir;
    OperationsPanel panel;
    QSignalSpy read(&panel, &OperationsPanel::journalRead);
    const std::filesystem::path file = dir.filePath(QStringLiteral("none/journal.sqlite")).toStdString();
    panel.setJournalFile(file, 60'000);
    REQUIRE(read.wait(10'000));
    CHECK(panel.model()->rowCount() == 0);
    CHECK_FALSE(std::filesystem::exists(file));
}

TEST_CASE("The current tab exports as PNG", "[ui][mainwindow][export]")
{
    QTemporaryDir dir;
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    w.applyUpdate(test::makeUpdate(test::makeSnapshot(labLike()), labAlerts()));
    for (const char *tab : {"disks", "skew", "trends"}) {
        REQUIRE(w.selectTab(QLatin1String(tab)));
        const QString file = dir.filePath(QLatin1String(tab) + QStringLiteral(".png"));
        REQUIRE(w.exportCurrentTabPng(file));
        QImage image(file);
        CHECK_FALSE(image.isNull());
        CHECK(image.width() > 200);
    }
}

TEST_CASE("A 300,000-partition cluster refreshes without materialising partitions", "[ui][mainwindow][scale]")
{
    // 3 brokers x 5 disks x 20,000 partitions, as the performance target.
    std::vector<GenBroker> big;
    for (int b = 1; b <= 3; ++b) {
        GenBroker broker{b, {}};
        for (int d = 0; d < 5; ++d) {
            GenDir dir{"/data" + std::to_string(d), {}, 1 << 20, std::int64_t{64} << 30};
            for (int t = 0; t < 100; ++t)
                for (auto &p : partitionsOf("topic-" + std::to_string(t), d * 200, d * 200 + 200))
                    dir.partitions.push_back(std::move(p));
            broker.dirs.push_back(std::move(dir));
        }
        big.push_back(std::move(broker));
    }
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    REQUIRE(w.selectTab(QStringLiteral("disks")));
    auto first = test::makeUpdate(test::makeSnapshot(big), labAlerts(), 1);
    big[0].dirs[0].partitions.pop_back();
    auto second = test::makeUpdate(test::makeSnapshot(big), labAlerts(), 2);

    QElapsedTimer timer;
    timer.start();
    w.applyUpdate(first);
    const qint64 firstMs = timer.restart();
    w.applyUpdate(second);
    const qint64 secondMs = timer.elapsed();
    WARN("applyUpdate on the GUI thread, disks tab shown: first " << firstMs << " ms, refresh " << secondMs << " ms");

    const QModelIndex dir = w.clusterModel()->index(0, 0, w.clusterModel()->index(0, 0));
    CHECK(w.clusterModel()->rowCount(dir) == 0); // not expanded: not materialised
    CHECK(w.clusterModel()->canFetchMore(dir));
    CHECK(w.disksPanel()->chart()->bars().disks.size() == 15);
    w.clusterTreeView()->expand(dir);
    CHECK(w.clusterModel()->rowCount(dir) == 19'999);
}

TEST_CASE("Without a cluster the tree says how to start the lab", "[ui][mainwindow]")
{
    MainWindow w;
    w.setNoClusterMessage(QStringLiteral("The lab is not running"), QStringLiteral("spillway-cli lab up"));
    REQUIRE(w.clusterTree()->showingEmptyState());
    CHECK(w.clusterTree()->emptyState()->title() == QStringLiteral("The lab is not running"));
    CHECK(w.clusterTree()->emptyState()->text().contains(QStringLiteral("lab up")));
    // The first update replaces the empty state with the brokers.
    w.applyUpdate(test::makeUpdate(test::makeSnapshot(labLike())));
    CHECK_FALSE(w.clusterTree()->showingEmptyState());
}
