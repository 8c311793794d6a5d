// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/charts/disk_bars_chart.h"
#include "ui/charts/usage_trend_chart.h"
#include "ui/main_window.h"
#include "ui/panels/alerts_panel.h"
#include "ui/panels/disks_panel.h"
#include "ui/widgets/empty_state.h"
#include "ui/widgets/placeholder_view.h"

#include <catch2/catch.hpp>

#include <QAbstractItemView>
#include <QDockWidget>
#include <QGuiApplication>
#include <QPalette>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <qcustomplot.h>

using namespace spillway::ui;

TEST_CASE("Tests run on the offscreen platform", "[ui]")
{
    CHECK(QGuiApplication::platformName() == QStringLiteral("offscreen"));
}

TEST_CASE("Main window has the cluster tree, the chart tabs and the alerts panel", "[ui][mainwindow]")
{
    MainWindow w;
    w.show();

    QStringList tabs;
    for (int i = 0; i < w.tabs()->count(); ++i)
        tabs << w.tabs()->tabText(i).remove(QLatin1Char('&'));
    CHECK(tabs == QStringList{QStringLiteral("Disks"), QStringLiteral("Skew"), QStringLiteral("Trends"),
                              QStringLiteral("Disk board"), QStringLiteral("Consumers")});

    const auto docks = w.findChildren<QDockWidget *>();
    QStringList dockTitles;
    for (auto *d : docks)
        dockTitles << d->windowTitle();
    CHECK(dockTitles.contains(QStringLiteral("Alerts")));
    CHECK(dockTitles.contains(QStringLiteral("Operations")));
    // The cluster tree sits left of the tabs in the central splitter.
    auto *splitter = w.findChild<QSplitter *>(QStringLiteral("mainSplitter"));
    REQUIRE(splitter);
    CHECK(splitter->widget(0) == w.clusterTree());
    CHECK(splitter->widget(1) == w.tabs());
}

TEST_CASE("With no brokers the console shows honest empty states, not data", "[ui][mainwindow]")
{
    MainWindow w;
    REQUIRE(w.clusterTree()->showingEmptyState());
    CHECK(w.clusterTree()->emptyState()->title() == QStringLiteral("No brokers yet"));
    CHECK(w.clusterTree()->view()->model()->rowCount() == 0);
    REQUIRE(w.alertsPanel()->placeholder()->showingEmptyState());
    CHECK(w.alertsPanel()->placeholder()->emptyState()->title() == QStringLiteral("No alerts"));
    CHECK(w.disksPanel()->showingEmptyState());
    CHECK(w.trendChart()->plot()->graphCount() == 0);
    CHECK(w.trendChart()->emptyText().startsWith(QStringLiteral("No samples yet")));
}

TEST_CASE("PlaceholderView swaps between the view and the empty state as rows come and go", "[ui][widgets]")
{
    QStandardItemModel model;
    auto *view = new QTableView;
    view->setModel(&model);
    PlaceholderView pv(view, new EmptyState(QStringLiteral("Empty"), QStringLiteral("nothing")));
    CHECK(pv.showingEmptyState());
    model.appendRow(new QStandardItem(QStringLiteral("broker 1")));
    CHECK_FALSE(pv.showingEmptyState());
    model.removeRow(0);
    CHECK(pv.showingEmptyState());
}

TEST_CASE("selectTab opens a tab by its short name", "[ui][mainwindow]")
{
    MainWindow w;
    REQUIRE(w.selectTab(QStringLiteral("trends")));
    CHECK(w.tabs()->tabText(w.tabs()->currentIndex()).remove(QLatin1Char('&')) == QStringLiteral("Trends"));
    REQUIRE(w.selectTab(QStringLiteral("Board")));
    CHECK(w.tabs()->tabText(w.tabs()->currentIndex()).remove(QLatin1Char('&')) == QStringLiteral("Disk board"));
    CHECK_FALSE(w.selectTab(QStringLiteral("nope")));
}

TEST_CASE("Charts follow a palette switch while the console runs", "[ui][charts]")
{
    QPalette light;
    light.setColor(QPalette::Base, QColor(255, 255, 255));
    light.setColor(QPalette::WindowText, QColor(0, 0, 0));
    QPalette dark;
    dark.setColor(QPalette::Base, QColor(20, 20, 20));
    dark.setColor(QPalette::WindowText, QColor(230, 230, 230));

    DiskBarsChart bars;
    UsageTrendChart trend;
    bars.setPalette(light);
    trend.setPalette(light);
    CHECK(bars.plot()->xAxis->tickLabelColor() == QColor(0, 0, 0));
    trend.setSeries({}, std::nullopt, 0, 1000);
    bars.setPalette(dark);
    trend.setPalette(dark);
    CHECK(bars.plot()->xAxis->tickLabelColor() == QColor(230, 230, 230));
    CHECK(bars.plot()->axisRect()->backgroundBrush().color() == QColor(20, 20, 20));
    CHECK(trend.plot()->xAxis->tickLabelColor() == QColor(230, 230, 230));
    CHECK(trend.plot()->graph(0)->pen().color() == dark.color(QPalette::Highlight));
}
