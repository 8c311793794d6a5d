// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/alert.h"
#include "core/services/cluster_monitor.h"

#include <QMainWindow>

#include <filesystem>
#include <memory>

class QAbstractItemModel;
class QLabel;
class QMenu;
class QSplitter;
class QSystemTrayIcon;
class QTabWidget;
class QTreeView;

namespace spillway::ui {

class AlertsPanel;
class ClusterTreeModel;
class DisksPanel;
class EmptyState;
class FillBarDelegate;
class OperationsPanel;
class PlaceholderView;
class SkewPanel;
class TrendsPanel;
class UsageTrendChart;

/// The console's main window: the cluster tree (brokers, log dirs,
/// partitions) left of the tabs (disks, skew, trends, board, consumers) in a
/// splitter, the alerts and operations docks below, a status bar with the
/// last refresh, and a tray notification for new critical alerts. It is fed
/// by applyUpdate() (ClusterMonitor's immutable updates, or generated ones in
/// tests) and talks back through signals; connectMonitor() wires it to a
/// ClusterMonitor. Until data arrives every area shows an honest empty
/// state. GUI thread.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    [[nodiscard]] QTabWidget *tabs() const { return m_tabs; }
    [[nodiscard]] PlaceholderView *clusterTree() const { return m_clusterTree; }
    [[nodiscard]] QTreeView *clusterTreeView() const { return m_treeView; }
    [[nodiscard]] ClusterTreeModel *clusterModel() const { return m_clusterModel; }
    [[nodiscard]] AlertsPanel *alertsPanel() const { return m_alerts; }
    [[nodiscard]] OperationsPanel *operationsPanel() const { return m_operations; }
    [[nodiscard]] DisksPanel *disksPanel() const { return m_disks; }
    [[nodiscard]] SkewPanel *skewPanel() const { return m_skew; }
    [[nodiscard]] TrendsPanel *trendsPanel() const { return m_trends; }
    [[nodiscard]] UsageTrendChart *trendChart() const;
    [[nodiscard]] std::shared_ptr<const core::MonitorUpdate> lastUpdate() const { return m_last; }
    [[nodiscard]] QString statusText() const;

    /// Selects a centre tab by its short name (disks, skew, trends, board,
    /// consumers); false when there is no such tab.
    bool selectTab(const QString &name);
    /// Replaces the board / consumers tab's empty state with ui-ops' widget
    /// (the window takes ownership).
    void setBoardWidget(QWidget *widget);
    void setConsumersWidget(QWidget *widget);
    /// Adds a menu to the menu bar before Help (which stays last, as the
    /// platform guidelines have it); returns `menu`.
    QMenu *addMenuBeforeHelp(QMenu *menu);
    /// The empty state of the cluster tree while no broker is known, e.g.
    /// "The lab is not running" with how to start it.
    void setNoClusterMessage(const QString &title, const QString &text);
    void setThresholds(const core::measure::AlertThresholds &thresholds);
    /// Reads the operation journal at `file` on a worker thread.
    void setJournalFile(const std::filesystem::path &file);
    /// Writes the current tab as PNG (charts through QCustomPlot, tables as
    /// rendered); false when it cannot be written.
    bool exportCurrentTabPng(const QString &file);

public Q_SLOTS:
    /// One monitor round: tree, alerts, tabs, status bar, tray. Cheap on the
    /// GUI thread: models diff, hidden tabs only remember the snapshot.
    void applyUpdate(std::shared_ptr<const spillway::core::MonitorUpdate> update);
    void setDiskSeries(quint64 requestId, const std::vector<spillway::core::DiskHistoryPoint> &points);
    /// Live progress of an operation the console runs (ui-ops connects it).
    void operationProgress(qint64 journalId, double fraction, const QString &message);

Q_SIGNALS:
    void refreshRequested();
    void acknowledgeRequested(const QString &alertKey);
    void fixRequested(const spillway::core::measure::FixAction &fix);
    void diskSeriesRequested(quint64 requestId, int brokerId, const QString &dir, qint64 fromMs, qint64 toMs,
                             int maxPoints);

private:
    void buildClusterTree();
    void buildCentre();
    void buildDocks();
    void buildMenus();
    void buildStatusBar();
    void replaceTab(const char *shortName, QWidget *widget);
    void exportPngInteractive();
    void exportCsvInteractive(QAbstractItemModel *model, const QString &suggestedName);
    void notifyCritical(const core::MonitorUpdate &update);
    void onTreeCurrentChanged();
    void showAbout();

    std::shared_ptr<const core::MonitorUpdate> m_last;
    core::measure::AlertThresholds m_thresholds;
    ClusterTreeModel *m_clusterModel;
    FillBarDelegate *m_usageDelegate = nullptr;
    QTreeView *m_treeView = nullptr;
    PlaceholderView *m_clusterTree = nullptr;
    QSplitter *m_splitter = nullptr;
    QTabWidget *m_tabs = nullptr;
    DisksPanel *m_disks = nullptr;
    SkewPanel *m_skew = nullptr;
    TrendsPanel *m_trends = nullptr;
    AlertsPanel *m_alerts = nullptr;
    OperationsPanel *m_operations = nullptr;
    QLabel *m_refreshLabel = nullptr;
    QLabel *m_costLabel = nullptr;
    QLabel *m_problemsLabel = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_help = nullptr;
};

/// Wires a window to a monitor: updates, refresh (F5), acknowledgement and
/// the trend series requests. Both must outlive the connections (the
/// connections die with either object).
void connectMonitor(MainWindow &window, core::ClusterMonitor &monitor);

} // namespace spillway::ui
