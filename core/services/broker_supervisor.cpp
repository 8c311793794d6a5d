// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/broker_supervisor.h"

#include <cerrno>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace spillway::core {
namespace {

std::string seconds(std::chrono::milliseconds ms)
{
    if (ms.count() % 1000 == 0)
        return std::to_string(ms.count() / 1000) + " s";
    return std::to_string(ms.count()) + " ms";
}

std::string joinArgv(const std::vector<std::string> &argv)
{
    std::string out;
    for (const auto &a : argv)
        out += (out.empty() ? "" : " ") + (a.find(' ') == std::string::npos ? a : "'" + a + "'");
    return out;
}

} // namespace

BrokerSupervisor::BrokerSupervisor(BrokerEntry entry, std::filesystem::path stateDir, SupervisorOptions options,
                                   QObject *parent)
    : QObject(parent)
    , m_entry(std::move(entry))
    , m_stateDir(std::move(stateDir))
    , m_options(options)
    , m_log(m_stateDir / "broker.log", options.log)
{
    m_exitPoll.setInterval(200);
    m_tick.setInterval(static_cast<int>(m_options.healthInterval.count()));
    m_startProbe.setInterval(static_cast<int>(m_options.startProbeInterval.count()));
    m_logTimer.setInterval(static_cast<int>(m_options.logPollInterval.count()));
    m_startDeadline.setSingleShot(true);
    m_killTimer.setSingleShot(true);
    connect(&m_exitPoll, &QTimer::timeout, this, &BrokerSupervisor::onProcessMaybeExited);
    connect(&m_tick, &QTimer::timeout, this, &BrokerSupervisor::onTick);
    connect(&m_startProbe, &QTimer::timeout, this, &BrokerSupervisor::probeNow);
    connect(&m_logTimer, &QTimer::timeout, this, &BrokerSupervisor::pollLog);
    connect(&m_startDeadline, &QTimer::timeout, this, &BrokerSupervisor::onStartTimeout);
    connect(&m_killTimer, &QTimer::timeout, this, &BrokerSupervisor::onKillTimeout);
    connect(&m_probe, &BrokerHealthProbe::finished, this, &BrokerSupervisor::onProbeFinished);
    if (!m_entry.isLocal())
        return;
    if (!m_entry.facts)
        refreshFacts(m_entry);
    m_log.seedFromFile();
    refresh();
    if (m_status.state == BrokerState::Stopped)
        loadLastExit();
    m_tick.start();
}

BrokerSupervisor::~BrokerSupervisor() { unwatchProcess(); }

void BrokerSupervisor::setState(BrokerState state)
{
    const BrokerState previous = m_status.state;
    if (previous == state)
        return;
    m_status.state = state;
    Q_EMIT stateChanged(state, previous);
    Q_EMIT statusChanged();
}

void BrokerSupervisor::setHealth(BrokerHealth health, std::string detail)
{
    const bool changed = m_status.health != health;
    const bool detailChanged = m_status.healthDetail != detail;
    m_status.health = health;
    m_status.healthDetail = std::move(detail);
    if (changed)
        Q_EMIT healthChanged(health);
    if (changed || detailChanged)
        Q_EMIT statusChanged();
}

void BrokerSupervisor::refresh()
{
    if (!m_entry.isLocal())
        return;
    switch (m_status.state) {
    case BrokerState::Stopped:
    case BrokerState::Crashed:
    case BrokerState::External:
        if (tryAttach())
            return;
        if (checkExternal())
            probeNow();
        return;
    case BrokerState::Running: probeNow(); return;
    case BrokerState::Starting:
    case BrokerState::Stopping: return;
    }
}

bool BrokerSupervisor::tryAttach()
{
    const auto pf = PidFile::read(pidFile());
    if (!pf)
        return false;
    if (!isRunning(pf->process)) {
        // Our own child from an earlier supervisor object is a zombie until
        // reaped; only that very process (same start time) is reaped here.
        std::uint64_t start = 0;
        int status = 0;
        bool haveStatus = false;
        if (processLiveness(pf->process.pid, &start) == ProcessLiveness::Zombie && start == pf->process.startTime)
            haveStatus = ::waitpid(pf->process.pid, &status, WNOHANG) == pf->process.pid;
        PidFile::removeIfNames(pidFile(), pf->process);
        if (m_status.state == BrokerState::Stopped && !pf->stopping) {
            m_status.detail = "exited while no Spillway process was watching (" +
                              (haveStatus ? describeWaitStatus(status) : std::string("exit status unknown")) + ")";
            recordLastExit();
            setState(BrokerState::Crashed);
        }
        return false;
    }
    m_process = pf->process;
    m_status.pid = m_process.pid;
    m_status.attached = true;
    m_status.exitCode.reset();
    m_status.exitSignal.reset();
    m_status.killedAfterTimeout = false;
    m_status.detail.clear();
    m_status.crashLog.clear();
    m_intent = StopIntent::None;
    watchProcess();
    m_log.seedFromFile();
    m_logTimer.start();
    setHealth(BrokerHealth::Unknown, {});
    // Another Spillway process may be stopping it; its own timer sends SIGKILL.
    setState(pf->stopping ? BrokerState::Stopping : BrokerState::Running);
    probeNow();
    return true;
}

bool BrokerSupervisor::checkExternal()
{
    if (!m_entry.facts)
        return false;
    for (const auto &dir : m_entry.facts->logDirs) {
        auto holder = logDirLockHolder(dir);
        if (!holder || !*holder)
            continue;
        const pid_t pid = **holder;
        const bool changed = m_status.state != BrokerState::External || m_status.pid != pid;
        m_status.pid = pid;
        m_status.attached = false;
        m_status.detail = (pid > 0 ? "process " + std::to_string(pid) : std::string("another process")) + " holds " +
                          (dir / ".lock").string();
        if (m_status.state != BrokerState::External) {
            setHealth(BrokerHealth::Unknown, {});
            setState(BrokerState::External);
        } else if (changed) {
            Q_EMIT statusChanged();
        }
        return true;
    }
    if (m_status.state == BrokerState::External) {
        m_status.pid = 0;
        m_status.detail.clear();
        setHealth(BrokerHealth::Unknown, {});
        setState(BrokerState::Stopped);
    }
    return false;
}

Status BrokerSupervisor::start()
{
    if (!m_entry.isLocal())
        return makeError(Errc::Unsupported, "cannot start '" + m_entry.id +
                                                "': " + capabilitiesOf(m_entry).reason(BrokerOperation::StartStop));
    switch (m_status.state) {
    case BrokerState::Starting:
    case BrokerState::Running:
    case BrokerState::Stopping:
        return makeError(Errc::InvalidArgument,
                         "broker '" + m_entry.id + "' is already " + std::string(toString(m_status.state)) +
                             (m_status.pid > 0 ? " (pid " + std::to_string(m_status.pid) + ")" : ""));
    case BrokerState::Stopped:
    case BrokerState::Crashed:
    case BrokerState::External: break;
    }
    auto facts = inspectServerPropertiesFile(m_entry.serverProperties, m_entry.workingDir);
    if (!facts) {
        refreshFacts(m_entry);
        return facts.error();
    }
    m_entry.bootstrapServers = facts->bootstrapServers;
    m_entry.facts = std::move(*facts);

    if (tryAttach())
        return makeError(Errc::InvalidArgument, "broker '" + m_entry.id + "' is already running (pid " +
                                                    std::to_string(m_process.pid) + ", started by Spillway)");
    if (checkExternal()) {
        probeNow();
        return makeError(Errc::Locked,
                         "broker '" + m_entry.id + "' is already running (not started by Spillway): " + m_status.detail,
                         "stop it where it was started (service manager, terminal), then start it here; Spillway "
                         "never starts a second instance on the same log dirs");
    }
    if (auto taken = listenerInUse(m_entry.facts->listeners)) {
        m_status.detail = "port " + taken->toString() + " is already in use";
        Q_EMIT statusChanged();
        return makeError(Errc::Locked,
                         "cannot start '" + m_entry.id + "': its listener port " + taken->toString() +
                             " is already in use by another program",
                         "stop that program or change listeners in " + m_entry.serverProperties.string());
    }

    std::error_code ec;
    std::filesystem::create_directories(m_stateDir, ec);
    if (ec)
        return makeError(Errc::Io, "cannot create " + m_stateDir.string() + ": " + ec.message());
    pollLog();
    (void)m_log.rotateIfNeeded();
    (void)m_log.appendNote("--- spillway " + utcTimestamp() + ": starting " + joinArgv(m_entry.startCommand) + " in " +
                           m_entry.workingDir.string());
    m_log.poll();

    auto pid = spawnDetached({m_entry.startCommand, m_entry.workingDir, m_entry.environment, logFile()});
    if (!pid) {
        m_status.detail = pid.error().message;
        Q_EMIT statusChanged();
        return pid.error();
    }
    std::uint64_t startTime = 0;
    processLiveness(*pid, &startTime);
    m_process = {*pid, startTime};
    m_status.pid = *pid;
    m_status.attached = false;
    m_status.exitCode.reset();
    m_status.exitSignal.reset();
    m_status.killedAfterTimeout = false;
    m_status.detail.clear();
    m_status.crashLog.clear();
    if (auto st = PidFile{m_process, false}.write(pidFile()); !st)
        m_status.detail =
            "the pid file could not be written, a later session will not find this broker: " + st.error().message;
    clearLastExit();
    m_intent = StopIntent::None;
    m_startFailure.clear();
    watchProcess();
    m_logTimer.start();
    setHealth(BrokerHealth::Unknown, {});
    setState(BrokerState::Starting);
    m_startDeadline.start(static_cast<int>(m_options.startTimeout.count()));
    m_startProbe.start();
    probeNow();
    return {};
}

Status BrokerSupervisor::stop(std::optional<std::chrono::milliseconds> timeout)
{
    if (!m_entry.isLocal())
        return makeError(Errc::Unsupported, "cannot stop '" + m_entry.id +
                                                "': " + capabilitiesOf(m_entry).reason(BrokerOperation::StartStop));
    switch (m_status.state) {
    case BrokerState::Stopped:
    case BrokerState::Crashed:
    case BrokerState::Stopping: return {};
    case BrokerState::External:
        return makeError(Errc::Locked,
                         "broker '" + m_entry.id + "' was not started by Spillway (" + m_status.detail +
                             "); Spillway does not signal it",
                         "stop it where it was started");
    case BrokerState::Starting:
    case BrokerState::Running: break;
    }
    m_intent = StopIntent::User;
    sendTerm(timeout.value_or(m_options.stopTimeout));
    return {};
}

Status BrokerSupervisor::restart()
{
    switch (m_status.state) {
    case BrokerState::Stopped:
    case BrokerState::Crashed:
    case BrokerState::External: return start();
    case BrokerState::Stopping: m_restartPending = true; return {};
    case BrokerState::Starting:
    case BrokerState::Running: break;
    }
    m_restartPending = true;
    m_intent = StopIntent::Restart;
    sendTerm(m_options.stopTimeout);
    return {};
}

void BrokerSupervisor::sendTerm(std::chrono::milliseconds timeout)
{
    m_startDeadline.stop();
    m_startProbe.stop();
    m_probe.cancel();
    if (!isRunning(m_process)) {
        setState(BrokerState::Stopping);
        onProcessMaybeExited();
        return;
    }
    // Mark the pid file first, so that another Spillway process watching this
    // broker reads its exit as a stop, not a crash.
    (void)PidFile{m_process, true}.write(pidFile());
    (void)m_log.appendNote("--- spillway " + utcTimestamp() + ": SIGTERM to pid " + std::to_string(m_process.pid) +
                           " (SIGKILL after " + seconds(timeout) + ")");
    ::kill(m_process.pid, SIGTERM);
    m_killTimer.start(static_cast<int>(timeout.count()));
    setState(BrokerState::Stopping);
}

void BrokerSupervisor::onKillTimeout()
{
    if (m_status.state != BrokerState::Stopping || !isRunning(m_process))
        return;
    (void)m_log.appendNote("--- spillway " + utcTimestamp() + ": pid " + std::to_string(m_process.pid) +
                           " did not exit after SIGTERM; SIGKILL");
    m_status.killedAfterTimeout = true;
    // The broker leads the session and process group Spillway created for
    // it: SIGKILL the group, so that children of a wrapper script (which
    // did not pass SIGTERM on) do not outlive it holding the port and .lock.
    if (::getpgid(m_process.pid) == m_process.pid)
        ::kill(-m_process.pid, SIGKILL);
    else
        ::kill(m_process.pid, SIGKILL);
}

void BrokerSupervisor::onStartTimeout()
{
    if (m_status.state != BrokerState::Starting)
        return;
    const auto &f = *m_entry.facts;
    m_startFailure = "failed to start: no ApiVersions answer from " +
                     (f.probeAddress ? f.probeAddress->toString() : std::string("its listener")) + " within " +
                     seconds(m_options.startTimeout) +
                     (m_status.healthDetail.empty() ? "" : " (" + m_status.healthDetail + ")");
    m_intent = StopIntent::FailedStart;
    m_restartPending = false;
    sendTerm(m_options.stopTimeout);
}

} // namespace spillway::core
