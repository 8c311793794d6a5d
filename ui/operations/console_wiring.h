// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/ops/journal.h"
#include "core/services/cluster_monitor.h"

#include <QObject>
#include <QPointer>

#include <filesystem>
#include <memory>
#include <vector>

namespace spillway::ui {

class ConsumersPanel;
class DiskBoard;
class FixActionDispatcher;
class MainWindow;
class OperationRunner;

/// ui-ops' part of the console, wired into a MainWindow: the disk board and
/// consumers tabs, the operation runner (progress to the operations panel,
/// a refresh after each operation), the fix dispatcher for the alerts
/// panel, the Lab and Operations menus (settings, recovery), and at start
/// the offer to recover operations a crash left running. Owned by the
/// window. GUI thread.
class OperationsWiring : public QObject {
    Q_OBJECT
public:
    OperationsWiring(MainWindow &window, std::filesystem::path journalFile);

    /// Before the monitor is made from `config`: the brokers' addresses.
    void setMonitorConfig(const core::MonitorConfig &config);
    /// The monitor's updates feed the board and consumers; settings apply to it.
    void attachMonitor(core::ClusterMonitor &monitor);
    /// Offers to recover interrupted operations (asks first); false if none.
    bool offerRecovery();

    [[nodiscard]] OperationRunner *runner() const { return m_runner; }
    [[nodiscard]] FixActionDispatcher *dispatcher() const { return m_dispatcher; }
    [[nodiscard]] DiskBoard *board() const { return m_board; }
    [[nodiscard]] ConsumersPanel *consumers() const { return m_consumers; }

private:
    void onUpdate(const std::shared_ptr<const core::MonitorUpdate> &update);
    void openSettings();
    void recoverNext();

    MainWindow &m_window;
    OperationRunner *m_runner;
    DiskBoard *m_board;
    ConsumersPanel *m_consumers;
    FixActionDispatcher *m_dispatcher;
    QPointer<core::ClusterMonitor> m_monitor;
    std::shared_ptr<const core::measure::ClusterSnapshot> m_snapshot;
    core::MonitorConfig m_config;
    std::vector<core::ops::JournalEntry> m_toRecover;
};

/// Creates the wiring (owned by `window`) with the default journal.
OperationsWiring *wireOperations(MainWindow &window);

} // namespace spillway::ui
