// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/operations/console_wiring.h"

#include "core/ops/recovery.h"
#include "core/services/app_paths.h"
#include "ui/board/disk_board.h"
#include "ui/consumers/consumers_panel.h"
#include "ui/lab/lab_menu.h"
#include "ui/main_window.h"
#include "ui/operations/fix_action_dispatcher.h"
#include "ui/operations/operation_runner.h"
#include "ui/panels/alerts_panel.h"
#include "ui/settings/settings_dialog.h"

#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>

namespace spillway::ui {

OperationsWiring::OperationsWiring(MainWindow &window, std::filesystem::path journalFile)
    : QObject(&window)
    , m_window(window)
    , m_runner(new OperationRunner(std::move(journalFile), this))
    , m_board(new DiskBoard)
    , m_consumers(new ConsumersPanel)
{
    FixActionDispatcher::Sources sources;
    sources.snapshot = [this] { return m_snapshot; };
    sources.bootstrap = [this](qint32 broker) {
        for (const auto &b : m_config.localBrokers)
            if (b.id.get() == broker && !b.bootstrap.empty())
                return QString::fromStdString(b.bootstrap);
        return QString::fromStdString(m_config.bootstrap);
    };
    sources.swapTarget = [this](qint32 broker) {
        // The console's local brokers are the lab's; otherwise a registry broker by name.
        if (!m_config.localBrokers.empty())
            return QStringList{QStringLiteral("--lab"), QStringLiteral("--broker"), QString::number(broker)};
        const auto *b = m_snapshot ? m_snapshot->broker(core::BrokerId{broker}) : nullptr;
        return QStringList{QStringLiteral("--broker-name"),
                           b ? QString::fromStdString(b->name) : QString::number(broker)};
    };
    m_dispatcher = new FixActionDispatcher(&window, m_runner, std::move(sources), this);

    window.setBoardWidget(m_board);
    window.setConsumersWidget(m_consumers);
    connect(m_board, &DiskBoard::moveRequested, m_dispatcher, &FixActionDispatcher::openMove);
    connect(&window, &MainWindow::fixRequested, m_dispatcher, &FixActionDispatcher::dispatch);
    connect(m_dispatcher, &FixActionDispatcher::operationProgress, &window, &MainWindow::operationProgress);
    connect(m_dispatcher, &FixActionDispatcher::consumerRequested, this, [this](const QString &group) {
        m_window.selectTab(QStringLiteral("consumers"));
        m_consumers->showGroup(group);
    });
    connect(m_runner, &OperationRunner::progress, &window, &MainWindow::operationProgress);
    connect(m_runner, &OperationRunner::finished, this, [this](const OperationOutcome &outcome) {
        m_window.operationProgress(outcome.journalId, 1.0, outcome.message);
        // Disks changed: measure now rather than at the next tick.
        if (m_monitor)
            m_monitor->refreshNow();
        if (!m_toRecover.empty())
            recoverNext();
    });

    m_window.addMenuBeforeHelp(createLabMenu(&window));
    auto *ops = m_window.addMenuBeforeHelp(new QMenu(tr("&Operations"), &m_window));
    ops->addAction(tr("Recover interrupted operations…"), this, [this] {
        if (!offerRecovery())
            QMessageBox::information(&m_window, tr("Recover"), tr("No operation was interrupted."));
    });
    ops->addSeparator();
    ops->addAction(tr("&Settings…"), this, &OperationsWiring::openSettings);

    // After the window is up: a question box before it would have no parent to sit on.
    QTimer::singleShot(0, this, [this] { offerRecovery(); });
}

void OperationsWiring::setMonitorConfig(const core::MonitorConfig &config) { m_config = config; }

void OperationsWiring::attachMonitor(core::ClusterMonitor &monitor)
{
    m_monitor = &monitor;
    connect(&monitor, &core::ClusterMonitor::updated, this, &OperationsWiring::onUpdate);
    QSettings settings;
    if (settings.contains(QStringLiteral("alerts/usageWarnPercent"))) {
        const auto saved = ConsoleSettings::load(settings);
        monitor.setThresholds(saved.thresholds);
        m_window.setThresholds(saved.thresholds);
    }
    if (auto latest = monitor.latest())
        onUpdate(latest);
}

void OperationsWiring::onUpdate(const std::shared_ptr<const core::MonitorUpdate> &update)
{
    if (!update)
        return;
    m_snapshot = std::shared_ptr<const core::measure::ClusterSnapshot>(update, &update->snapshot);
    m_board->setSnapshot(m_snapshot);
    m_consumers->setSnapshot(m_snapshot);
}

void OperationsWiring::openSettings()
{
    QSettings settings;
    SettingsDialog dialog(settings, core::BrokerRegistry(core::AppPaths::fromEnvironment().dataDir.toStdString()),
                          &m_window);
    connect(&dialog, &SettingsDialog::settingsChanged, this, [this](const ConsoleSettings &s) {
        m_window.setThresholds(s.thresholds);
        if (m_monitor) {
            m_monitor->setThresholds(s.thresholds);
            m_monitor->setInterval(s.interval);
        }
    });
    dialog.exec();
}

bool OperationsWiring::offerRecovery()
{
    auto interrupted = m_runner->interrupted();
    if (!interrupted || interrupted->empty() || m_runner->isRunning())
        return false;
    QStringList lines;
    for (const auto &e : *interrupted)
        lines << tr("#%1 %2 on %3: %4")
                     .arg(e.id)
                     .arg(QString::fromStdString(e.kind), QString::fromStdString(e.broker),
                          QString::fromStdString(e.summary));
    const auto answer = QMessageBox::question(
        &m_window, tr("Interrupted operations"),
        tr("%n operation(s) did not finish (the console or the machine stopped while they ran):\n\n%1\n\nFinish or "
           "roll them back now? Each is completed where its copy is verified, and rolled back otherwise.",
           nullptr, static_cast<int>(interrupted->size()))
            .arg(lines.join(QLatin1Char('\n'))));
    if (answer != QMessageBox::Yes)
        return true;
    m_toRecover = std::move(*interrupted);
    recoverNext();
    return true;
}

void OperationsWiring::recoverNext()
{
    if (m_toRecover.empty() || m_runner->isRunning())
        return;
    const auto entry = m_toRecover.front();
    m_toRecover.erase(m_toRecover.begin());
    // A broker index rebuild (restart-broker) restarts its broker the same way.
    if (entry.kind == "disk-swap" ||
        (entry.kind == "index-rebuild" && core::ops::paramsFromJson(entry.params).count("restart-broker") > 0)) {
        // The swap stops and starts its broker through spillway-cli's broker
        // controls: let the CLI recover it (it recovers every entry left).
        m_toRecover.clear();
        auto *log = new LabLogDialog(spillwayCliPath(), {QStringLiteral("ops"), QStringLiteral("recover")}, &m_window);
        log->setAttribute(Qt::WA_DeleteOnClose);
        log->show();
        log->start();
        return;
    }
    m_runner->startRecovery(
        entry, [](core::ops::Journal &journal, const core::ops::JournalEntry &e, const core::ops::RunOptions &options) {
            core::ops::RecoveryContext context;
            context.options = options;
            return core::ops::recoverOperation(journal, e, context);
        });
}

OperationsWiring *wireOperations(MainWindow &window)
{
    return new OperationsWiring(window, core::ops::Journal::defaultPath());
}

} // namespace spillway::ui
