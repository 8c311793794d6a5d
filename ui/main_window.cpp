// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main_window.h"

#include "ui/charts/usage_trend_chart.h"
#include "ui/models/alerts_model.h"
#include "ui/models/cluster_tree_model.h"
#include "ui/models/operations_model.h"
#include "ui/models/skew_model.h"
#include "ui/panels/alerts_panel.h"
#include "ui/panels/disks_panel.h"
#include "ui/panels/operations_panel.h"
#include "ui/panels/skew_panel.h"
#include "ui/panels/trends_panel.h"
#include "ui/widgets/empty_state.h"
#include "ui/widgets/fill_bar_delegate.h"
#include "ui/widgets/placeholder_view.h"
#include "ui/widgets/table_export.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPixmap>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTreeView>

// Resources compiled into the static ui library must be registered by hand.
static void initUiResources() { Q_INIT_RESOURCE(spillway); }

namespace spillway::ui {
namespace {

const QString kNoBrokersText =
    QObject::tr("Spillway shows the brokers it owns here: their log dirs with usage, state and alerts, and the "
                "partitions on each disk. Add a local broker or start the lab cluster to begin.");

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_clusterModel(new ClusterTreeModel(this))
{
    initUiResources();
    setWindowTitle(tr("Spillway"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/spillway.svg")));
    setObjectName(QStringLiteral("mainWindow"));
    setDockNestingEnabled(true);

    buildClusterTree();
    buildCentre();
    buildDocks();
    buildMenus();
    buildStatusBar();
    setThresholds(m_thresholds);

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setToolTip(tr("Spillway"));
        m_tray->show();
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
    }
    resize(1400, 900);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildClusterTree()
{
    m_treeView = new QTreeView;
    m_treeView->setModel(m_clusterModel);
    m_treeView->setUniformRowHeights(true);
    m_treeView->setObjectName(QStringLiteral("clusterTreeView"));
    m_treeView->setAlternatingRowColors(true);
    m_usageDelegate = new FillBarDelegate(m_treeView);
    m_treeView->setItemDelegateForColumn(ClusterTreeModel::UsageColumn, m_usageDelegate);
    m_treeView->header()->setStretchLastSection(false);
    m_treeView->header()->setSectionResizeMode(ClusterTreeModel::NameColumn, QHeaderView::Stretch);
    // Paths are long and alike at the start ("/tmp/lab/broker-1/data0"): keep their ends.
    m_treeView->setTextElideMode(Qt::ElideMiddle);
    m_treeView->setIndentation(14);
    m_treeView->setColumnWidth(ClusterTreeModel::UsageColumn, 76);
    m_treeView->setColumnWidth(ClusterTreeModel::SizeColumn, 72);
    m_treeView->setColumnWidth(ClusterTreeModel::StateColumn, 70);
    m_treeView->setColumnWidth(ClusterTreeModel::AlertColumn, 88);
    m_treeView->setToolTip(tr("Brokers, their log dirs (filesystem usage, state, most severe alert) and the "
                              "partitions on each dir"));
    addCsvExportMenu(m_treeView, QStringLiteral("spillway-cluster.csv"));
    connect(m_treeView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &MainWindow::onTreeCurrentChanged);
    auto *empty = new EmptyState(tr("No brokers yet"), kNoBrokersText);
    m_clusterTree = new PlaceholderView(m_treeView, empty);
    m_clusterTree->setMinimumWidth(300);
}

void MainWindow::buildCentre()
{
    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("centreTabs"));
    m_tabs->setDocumentMode(true);

    // objectName "<short name>Tab" is what selectTab() and --tab look for.
    const auto addTab = [this](QWidget *page, const char *shortName, const QString &label, const QString &tip) {
        page->setObjectName(QLatin1String(shortName) + QStringLiteral("Tab"));
        const int i = m_tabs->addTab(page, label);
        m_tabs->setTabToolTip(i, tip);
    };

    m_disks = new DisksPanel;
    addTab(m_disks, "disks", tr("&Disks"), tr("Each disk's fill by topic against its capacity (Ctrl+1)"));
    m_skew = new SkewPanel;
    addTab(m_skew, "skew", tr("S&kew"), tr("Bytes and partitions per broker and disk (Ctrl+2)"));
    m_trends = new TrendsPanel;
    addTab(m_trends, "trends", tr("&Trends"), tr("Usage over time and the forecast to full (Ctrl+3)"));
    addTab(new EmptyState(tr("No disks to arrange"),
                          tr("One lane per disk of a broker, one tile per partition sized by its bytes. Drag a tile "
                             "onto another lane to plan a move.")),
           "board", tr("Disk &board"), tr("Plan partition moves between a broker's disks (Ctrl+4)"));
    addTab(new EmptyState(tr("No consumer groups"),
                          tr("Consumer groups appear here with their lag, its trend, and the disks their topics "
                             "grow on.")),
           "consumers", tr("&Consumers"), tr("Consumer groups and their lag (Ctrl+5)"));

    connect(m_disks, &DisksPanel::diskSelected, this, [this](core::BrokerId broker, const QString &dir) {
        const QModelIndex idx = m_clusterModel->indexOfDir(broker, dir.toStdString());
        if (idx.isValid())
            m_treeView->setCurrentIndex(idx);
    });
    connect(m_trends, &TrendsPanel::seriesRequested, this, &MainWindow::diskSeriesRequested);

    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(m_clusterTree);
    m_splitter->addWidget(m_tabs);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({520, 880});
    setCentralWidget(m_splitter);
}

void MainWindow::buildDocks()
{
    m_alerts = new AlertsPanel;
    connect(m_alerts, &AlertsPanel::acknowledgeRequested, this, &MainWindow::acknowledgeRequested);
    connect(m_alerts, &AlertsPanel::fixRequested, this, &MainWindow::fixRequested);
    auto *alertsDock = new QDockWidget(tr("Alerts"), this);
    alertsDock->setObjectName(QStringLiteral("alertsDock"));
    alertsDock->setWidget(m_alerts);
    alertsDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                            QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::BottomDockWidgetArea, alertsDock);

    m_operations = new OperationsPanel;
    auto *opsDock = new QDockWidget(tr("Operations"), this);
    opsDock->setObjectName(QStringLiteral("operationsDock"));
    opsDock->setWidget(m_operations);
    opsDock->setFeatures(alertsDock->features());
    addDockWidget(Qt::BottomDockWidgetArea, opsDock);
    tabifyDockWidget(alertsDock, opsDock);
    alertsDock->raise();
    resizeDocks({alertsDock}, {230}, Qt::Vertical);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *png = file->addAction(tr("Export current &chart as PNG..."), this, &MainWindow::exportPngInteractive);
    png->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    QMenu *csv = file->addMenu(tr("Export table as &CSV"));
    csv->addAction(tr("&Cluster tree..."), this,
                   [this] { exportCsvInteractive(m_clusterModel, QStringLiteral("spillway-cluster.csv")); });
    csv->addAction(tr("&Alerts..."), this,
                   [this] { exportCsvInteractive(m_alerts->model(), QStringLiteral("spillway-alerts.csv")); });
    csv->addAction(tr("&Operations..."), this,
                   [this] { exportCsvInteractive(m_operations->model(), QStringLiteral("spillway-operations.csv")); });
    csv->addAction(tr("&Skew..."), this,
                   [this] { exportCsvInteractive(m_skew->model(), QStringLiteral("spillway-skew.csv")); });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *refresh = view->addAction(tr("&Refresh now"), this, &MainWindow::refreshRequested);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setToolTip(tr("Measure the cluster now instead of waiting for the next round"));
    view->addSeparator();
    for (int i = 0; i < m_tabs->count(); ++i) {
        QAction *a = view->addAction(m_tabs->tabText(i).remove(QLatin1Char('&')));
        a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        connect(a, &QAction::triggered, m_tabs, [this, i] { m_tabs->setCurrentIndex(i); });
    }
    view->addSeparator();
    for (auto *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());

    m_help = menuBar()->addMenu(tr("&Help"));
    m_help->addAction(tr("&About Spillway"), this, &MainWindow::showAbout);
    m_help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

QMenu *MainWindow::addMenuBeforeHelp(QMenu *menu)
{
    menuBar()->insertMenu(m_help->menuAction(), menu);
    return menu;
}

void MainWindow::buildStatusBar()
{
    m_refreshLabel = new QLabel(tr("Last refresh: never"));
    m_costLabel = new QLabel;
    m_problemsLabel = new QLabel;
    m_refreshLabel->setToolTip(tr("When the monitor last measured the cluster (F5 measures now)"));
    m_costLabel->setToolTip(tr("Time the measurement round took on its worker thread"));
    statusBar()->addWidget(m_refreshLabel);
    statusBar()->addWidget(m_costLabel);
    statusBar()->addPermanentWidget(m_problemsLabel);
}

UsageTrendChart *MainWindow::trendChart() const { return m_trends->chart(); }

QString MainWindow::statusText() const
{
    return QStringList{m_refreshLabel->text(), m_costLabel->text(), m_problemsLabel->text()}.join(
        QStringLiteral(" · "));
}

void MainWindow::setThresholds(const core::measure::AlertThresholds &thresholds)
{
    m_thresholds = thresholds;
    m_clusterModel->setThresholds(thresholds.usageWarnPercent, thresholds.usageCriticalPercent);
    m_usageDelegate->setThresholds(thresholds.usageWarnPercent, thresholds.usageCriticalPercent);
    m_disks->setThresholds(thresholds.usageWarnPercent, thresholds.usageCriticalPercent,
                           thresholds.timeToFullCriticalHours);
    m_trends->chart()->setThresholds(thresholds.usageWarnPercent, thresholds.usageCriticalPercent);
    m_skew->setOptions({thresholds.skewThresholdPercent, thresholds.skewMinMeanBytes});
}

void MainWindow::setJournalFile(const std::filesystem::path &file) { m_operations->setJournalFile(file); }

void MainWindow::setNoClusterMessage(const QString &title, const QString &text)
{
    m_clusterTree->emptyState()->setTitle(title);
    m_clusterTree->emptyState()->setText(text);
}

void MainWindow::applyUpdate(std::shared_ptr<const core::MonitorUpdate> update)
{
    if (!update)
        return;
    m_last = update;
    // Aliasing pointers: the panels keep the whole update alive, not a copy.
    std::shared_ptr<const core::measure::ClusterSnapshot> snapshot(update, &update->snapshot);
    const bool firstData = m_clusterModel->rowCount() == 0;
    m_clusterModel->update(snapshot, update->alerts);
    if (firstData)
        m_treeView->expandToDepth(0);
    m_alerts->update(update->alerts);
    m_disks->setSnapshot(snapshot);
    m_skew->setSnapshot(snapshot);
    m_trends->setSnapshot(snapshot);

    const QDateTime when = QDateTime::fromMSecsSinceEpoch(update->snapshot.timeMs);
    m_refreshLabel->setText(tr("Last refresh: %1").arg(when.toString(QStringLiteral("HH:mm:ss"))));
    m_costLabel->setText(tr("round %1 took %2 ms").arg(update->round).arg(update->workerMs));
    if (update->problems.empty()) {
        m_problemsLabel->setText(tr("no problems"));
        m_problemsLabel->setToolTip(tr("Every source answered in the last round"));
    } else {
        m_problemsLabel->setText(tr("%n problem(s)", nullptr, static_cast<int>(update->problems.size())));
        QStringList lines;
        for (const auto &p : update->problems)
            lines << QString::fromStdString(p);
        m_problemsLabel->setToolTip(lines.join(QLatin1Char('\n')));
    }
    int critical = 0;
    for (const auto &a : update->alerts)
        critical += a.severity == core::measure::AlertSeverity::Critical ? 1 : 0;
    setWindowTitle(critical > 0 ? tr("Spillway — %n critical alert(s)", nullptr, critical) : tr("Spillway"));
    notifyCritical(*update);
}

void MainWindow::notifyCritical(const core::MonitorUpdate &update)
{
    if (!m_tray)
        return;
    QStringList texts;
    for (const auto &a : update.changes.raised)
        if (a.severity == core::measure::AlertSeverity::Critical && !a.acknowledged)
            texts << QString::fromStdString(a.text);
    if (texts.isEmpty())
        return;
    m_tray->showMessage(tr("Spillway: %n critical alert(s)", nullptr, static_cast<int>(texts.size())),
                        texts.join(QLatin1Char('\n')), QSystemTrayIcon::Critical, 15000);
}

void MainWindow::setDiskSeries(quint64 requestId, const std::vector<core::DiskHistoryPoint> &points)
{
    m_trends->setSeries(requestId, points);
}

void MainWindow::operationProgress(qint64 journalId, double fraction, const QString &message)
{
    m_operations->operationProgress(journalId, fraction, message);
}

void MainWindow::onTreeCurrentChanged()
{
    const auto loc = m_clusterModel->location(m_treeView->currentIndex());
    if (loc && !loc->dir.empty())
        m_trends->selectDisk(loc->broker, QString::fromStdString(loc->dir));
}

void MainWindow::replaceTab(const char *shortName, QWidget *widget)
{
    const QString name = QLatin1String(shortName) + QStringLiteral("Tab");
    for (int i = 0; i < m_tabs->count(); ++i) {
        QWidget *old = m_tabs->widget(i);
        if (old->objectName() != name)
            continue;
        const QString label = m_tabs->tabText(i);
        const QString tip = m_tabs->tabToolTip(i);
        const bool current = m_tabs->currentIndex() == i;
        widget->setObjectName(name);
        m_tabs->removeTab(i);
        m_tabs->insertTab(i, widget, label);
        m_tabs->setTabToolTip(i, tip);
        if (current)
            m_tabs->setCurrentIndex(i);
        old->deleteLater();
        return;
    }
}

void MainWindow::setBoardWidget(QWidget *widget) { replaceTab("board", widget); }
void MainWindow::setConsumersWidget(QWidget *widget) { replaceTab("consumers", widget); }

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

bool MainWindow::exportCurrentTabPng(const QString &file)
{
    QWidget *page = m_tabs->currentWidget();
    if (page == m_trends)
        return m_trends->chart()->savePng(file);
    return page && page->grab().save(file, "PNG");
}

void MainWindow::exportPngInteractive()
{
    const QString name = m_tabs->currentWidget()->objectName().remove(QStringLiteral("Tab"));
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Export chart as PNG"), QDir::home().filePath(QStringLiteral("spillway-%1.png").arg(name)),
        tr("PNG images (*.png)"));
    if (!file.isEmpty() && !exportCurrentTabPng(file))
        QMessageBox::warning(this, tr("Export failed"), tr("Cannot write %1").arg(file));
}

void MainWindow::exportCsvInteractive(QAbstractItemModel *model, const QString &suggestedName)
{
    const QString file = QFileDialog::getSaveFileName(this, tr("Export as CSV"), QDir::home().filePath(suggestedName),
                                                      tr("CSV files (*.csv)"));
    QString error;
    if (!file.isEmpty() && !exportModelCsv(*model, file, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
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
