// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main_window.h"

#include "ui/charts/usage_trend_chart.h"
#include "ui/widgets/empty_state.h"
#include "ui/widgets/placeholder_view.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QHeaderView>
#include <QMenuBar>
#include <QMessageBox>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

// Resources compiled into the static ui library must be registered by hand.
static void initUiResources() { Q_INIT_RESOURCE(spillway); }

namespace spillway::ui {
namespace {

const QString kNoBrokersText =
    QObject::tr("Spillway shows the brokers it owns here: their log dirs with usage, state and alerts, and the "
                "partitions on each disk. Add a local broker or start the lab cluster to begin.");

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_clusterModel(new QStandardItemModel(0, 3, this))
    , m_alertsModel(new QStandardItemModel(0, 4, this))
{
    initUiResources();
    setWindowTitle(tr("Spillway"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/spillway.svg")));
    setObjectName(QStringLiteral("mainWindow"));
    setDockNestingEnabled(true);

    buildCentre();
    buildClusterTree();
    buildAlertsPanel();
    buildMenus();

    statusBar()->showMessage(tr("No brokers · last refresh: never"));
    resize(1280, 800);
}

void MainWindow::buildClusterTree()
{
    m_clusterModel->setHorizontalHeaderLabels({tr("Name"), tr("Used"), tr("State")});
    auto *tree = new QTreeView;
    tree->setModel(m_clusterModel);
    tree->setUniformRowHeights(true);
    tree->setObjectName(QStringLiteral("clusterTreeView"));
    auto *empty = new EmptyState(tr("No brokers yet"), kNoBrokersText);
    m_clusterTree = new PlaceholderView(tree, empty);

    auto *dock = new QDockWidget(tr("Cluster"), this);
    dock->setObjectName(QStringLiteral("clusterDock"));
    dock->setWidget(m_clusterTree);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    dock->setMinimumWidth(300);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
}

void MainWindow::buildCentre()
{
    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("centreTabs"));
    m_tabs->setDocumentMode(true);

    // objectName "<short name>Tab" is what selectTab() and --tab look for.
    const auto addTab = [this](QWidget *page, const char *shortName, const QString &label) {
        page->setObjectName(QLatin1String(shortName) + QStringLiteral("Tab"));
        m_tabs->addTab(page, label);
    };

    addTab(new EmptyState(tr("No disks to show"),
                          tr("Each log dir's filesystem appears here as a bar: Kafka data by topic, other data, "
                             "free space, the 80% and 90% thresholds and the time until it is full.")),
           "disks", tr("&Disks"));
    addTab(new EmptyState(tr("No partitions yet"),
                          tr("Partition count and bytes per broker and disk appear here as a heatmap, with the skew "
                             "index and the disks out of balance.")),
           "skew", tr("S&kew"));

    auto *trends = new QWidget;
    auto *trendsLayout = new QVBoxLayout(trends);
    m_trendChart = new UsageTrendChart;
    m_trendChart->setEmptyText(tr("No samples yet: usage history starts when a broker is added"));
    trendsLayout->addWidget(m_trendChart);
    addTab(trends, "trends", tr("&Trends"));

    addTab(new EmptyState(tr("No disks to arrange"),
                          tr("One lane per disk of a broker, one tile per partition sized by its bytes. Drag a tile "
                             "onto another lane to plan a move.")),
           "board", tr("Disk &board"));
    addTab(new EmptyState(tr("No consumer groups"),
                          tr("Consumer groups appear here with their lag, its trend, and the disks their topics "
                             "grow on.")),
           "consumers", tr("&Consumers"));
    setCentralWidget(m_tabs);
}

void MainWindow::buildAlertsPanel()
{
    m_alertsModel->setHorizontalHeaderLabels({tr("Severity"), tr("Time"), tr("Alert"), tr("Action")});
    auto *table = new QTableView;
    table->setModel(m_alertsModel);
    table->setObjectName(QStringLiteral("alertsView"));
    table->horizontalHeader()->setStretchLastSection(true);
    table->verticalHeader()->hide();
    auto *empty =
        new EmptyState(tr("No alerts"), tr("Disk usage, time to full, failed or missing log dirs, corrupt indexes, "
                                           "replication factor 1 and growing consumer lag are reported here."));
    m_alerts = new PlaceholderView(table, empty);

    auto *dock = new QDockWidget(tr("Alerts"), this);
    dock->setObjectName(QStringLiteral("alertsDock"));
    dock->setWidget(m_alerts);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    resizeDocks({dock}, {200}, Qt::Vertical);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count(); ++i) {
        QAction *a = view->addAction(m_tabs->tabText(i).remove(QLatin1Char('&')));
        a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        connect(a, &QAction::triggered, m_tabs, [this, i] { m_tabs->setCurrentIndex(i); });
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Spillway"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

bool MainWindow::selectTab(const QString &name)
{
    const QString wanted = name.trimmed().toLower();
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->widget(i)->objectName() == wanted + QStringLiteral("Tab")) {
            m_tabs->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Spillway"),
                       tr("<h3>Spillway %1</h3>"
                          "<p>An operations console for Apache Kafka storage: disks, log dirs, alerts and the "
                          "operations that fix them.</p>"
                          "<p>Copyright the Spillway developers. Licensed under the GNU General Public License, "
                          "version 3 or later. Uses QCustomPlot (GPL-3).</p>")
                           .arg(QStringLiteral(SPILLWAY_VERSION_STRING)));
}

} // namespace spillway::ui
