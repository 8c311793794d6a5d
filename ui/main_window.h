// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QStandardItemModel;
class QTabWidget;

namespace spillway::ui {

class PlaceholderView;
class UsageTrendChart;

/// The console's main window: the cluster tree (brokers, log dirs,
/// partitions) on the left, the chart area as tabs in the centre, the alerts
/// panel below. Until a broker is added every area shows an honest empty
/// state. GUI thread.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    [[nodiscard]] QTabWidget *tabs() const { return m_tabs; }
    [[nodiscard]] PlaceholderView *clusterTree() const { return m_clusterTree; }
    [[nodiscard]] PlaceholderView *alertsPanel() const { return m_alerts; }
    [[nodiscard]] UsageTrendChart *trendChart() const { return m_trendChart; }

    /// Selects a centre tab by its short name (disks, skew, trends, board,
    /// consumers); false when there is no such tab.
    bool selectTab(const QString &name);

private:
    void buildClusterTree();
    void buildCentre();
    void buildAlertsPanel();
    void buildMenus();
    void showAbout();

    QStandardItemModel *m_clusterModel;
    QStandardItemModel *m_alertsModel;
    PlaceholderView *m_clusterTree = nullptr;
    PlaceholderView *m_alerts = nullptr;
    QTabWidget *m_tabs = nullptr;
    UsageTrendChart *m_trendChart = nullptr;
};

} // namespace spillway::ui
