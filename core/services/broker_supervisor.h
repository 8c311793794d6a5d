// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/services/broker_entry.h"
#include "core/services/broker_health_probe.h"
#include "core/services/broker_log_tail.h"
#include "core/services/broker_process.h"
#include "core/services/broker_status.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

class QSocketNotifier;

namespace spillway::core {

/// Timeouts and limits of a supervisor. Kafka's controlled shutdown can
/// take tens of seconds, and its log recovery after an unclean stop minutes.
struct SupervisorOptions {
    std::chrono::milliseconds startTimeout{std::chrono::seconds(120)};
    std::chrono::milliseconds stopTimeout{std::chrono::seconds(30)};
    std::chrono::milliseconds healthInterval{std::chrono::seconds(5)};
    std::chrono::milliseconds startProbeInterval{std::chrono::milliseconds(500)};
    std::chrono::milliseconds probeTimeout{std::chrono::seconds(3)};
    std::chrono::milliseconds logPollInterval{std::chrono::milliseconds(250)};
    BrokerLogTail::Limits log{};
    std::size_t crashLogLines = 40;
};

/// Runs and watches one local broker (lab or Apache Kafka installation).
///
/// The broker is spawned with its argv in a session of its own, its output
/// going to `<stateDir>/broker.log`, and its pid and /proc start time in
/// `<stateDir>/broker.pid`: it keeps running when the console exits, and a
/// new supervisor (this session or the next, or spillway-cli) attaches to it.
/// stop() sends SIGTERM to that pid only — for kafka-server-start.sh the
/// script execs kafka-run-class.sh, which execs java, so the pid is the JVM —
/// then SIGKILL after the stop timeout, to the process group Spillway created
/// for it (so a wrapper's children go too). Never a stop script: Kafka's
/// kafka-server-stop.sh signals every Kafka on the host.
///
/// Starting becomes Running when the broker answers ApiVersions on its
/// listener; while running it is probed every healthInterval and a process
/// whose port stops answering is Running but Unresponsive.
///
/// Lives on the thread that creates it (the GUI thread): everything is
/// asynchronous (pidfd + QSocketNotifier for the exit, QTcpSocket for
/// probes, timers for the log); no call blocks. Destroying it leaves the
/// broker running.
class BrokerSupervisor : public QObject {
    Q_OBJECT
public:
    BrokerSupervisor(BrokerEntry entry, std::filesystem::path stateDir, SupervisorOptions options = {},
                     QObject *parent = nullptr);
    ~BrokerSupervisor() override;
    BrokerSupervisor(const BrokerSupervisor &) = delete;
    BrokerSupervisor &operator=(const BrokerSupervisor &) = delete;

    [[nodiscard]] const BrokerEntry &entry() const { return m_entry; }
    [[nodiscard]] BrokerState state() const { return m_status.state; }
    [[nodiscard]] BrokerHealth health() const { return m_status.health; }
    [[nodiscard]] const BrokerStatus &status() const { return m_status; }
    [[nodiscard]] std::filesystem::path logFile() const { return m_stateDir / "broker.log"; }
    [[nodiscard]] std::filesystem::path pidFile() const { return m_stateDir / "broker.pid"; }

    /// Refused (with the reason) for remote brokers, when already running,
    /// when another process holds a log dir's .lock (state becomes External),
    /// when a listener port is taken, or when the program cannot be executed.
    Status start();
    /// SIGTERM to the broker's pid, then SIGKILL to its process group after
    /// `timeout` (default: options.stopTimeout).
    /// Stopped/Crashed: nothing to do. External: refused.
    Status stop(std::optional<std::chrono::milliseconds> timeout = std::nullopt);
    /// stop() then start() once stopped.
    Status restart();
    /// Looks again now: attach to a broker another Spillway process started,
    /// notice an external one, probe health.
    void refresh();

    /// The last `n` lines of the broker's stdout and stderr.
    [[nodiscard]] std::vector<std::string> logTail(std::size_t n) const { return m_log.lastLines(n); }

Q_SIGNALS:
    void stateChanged(spillway::core::BrokerState state, spillway::core::BrokerState previous);
    void healthChanged(spillway::core::BrokerHealth health);
    /// Any change of status(): state, health, detail. Coarse, for views.
    void statusChanged();
    void logLinesAppended(const QStringList &lines);

private:
    enum class StopIntent { None, User, Restart, FailedStart };

    void setState(BrokerState state);
    void setHealth(BrokerHealth health, std::string detail);
    bool tryAttach();
    bool checkExternal();
    void watchProcess();
    void unwatchProcess();
    void onProcessMaybeExited();
    void onProbeFinished(const ProbeResult &result);
    void onTick();
    void onStartTimeout();
    void onKillTimeout();
    void probeNow();
    void pollLog();
    void sendTerm(std::chrono::milliseconds timeout);
    void recordLastExit();
    void loadLastExit();
    void clearLastExit();

    BrokerEntry m_entry;
    std::filesystem::path m_stateDir;
    SupervisorOptions m_options;
    BrokerStatus m_status;
    BrokerLogTail m_log;
    BrokerHealthProbe m_probe;
    ProcessIdentity m_process;
    int m_pidFd = -1;
    QSocketNotifier *m_exitNotifier = nullptr;
    QTimer m_exitPoll; ///< fallback when the kernel has no pidfd
    QTimer m_tick;     ///< health / attach / external checks
    QTimer m_startProbe;
    QTimer m_startDeadline;
    QTimer m_killTimer;
    QTimer m_logTimer;
    StopIntent m_intent = StopIntent::None;
    std::string m_startFailure;
    bool m_restartPending = false;
};

} // namespace spillway::core
