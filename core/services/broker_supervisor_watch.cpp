// SPDX-License-Identifier: GPL-3.0-or-later
// BrokerSupervisor, the watching half: the process exit (pidfd), health
// probes, the periodic tick, the log, and the record of the last crash.
// The commands (start, stop, restart, attach) are in broker_supervisor.cpp.
#include "core/services/broker_supervisor.h"

#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace spillway::core {
namespace {

QStringList toQt(const std::vector<std::string> &lines)
{
    QStringList out;
    out.reserve(static_cast<qsizetype>(lines.size()));
    for (const auto &l : lines)
        out.append(QString::fromStdString(l));
    return out;
}

} // namespace

void BrokerSupervisor::watchProcess()
{
    unwatchProcess();
    m_pidFd = openPidFd(m_process.pid);
    if (m_pidFd >= 0) {
        m_exitNotifier = new QSocketNotifier(static_cast<qintptr>(m_pidFd), QSocketNotifier::Read, this);
        connect(m_exitNotifier, &QSocketNotifier::activated, this, &BrokerSupervisor::onProcessMaybeExited);
    } else {
        m_exitPoll.start();
    }
}

void BrokerSupervisor::unwatchProcess()
{
    m_exitPoll.stop();
    if (m_exitNotifier) {
        m_exitNotifier->setEnabled(false);
        m_exitNotifier->deleteLater();
        m_exitNotifier = nullptr;
    }
    if (m_pidFd >= 0) {
        ::close(m_pidFd);
        m_pidFd = -1;
    }
}

void BrokerSupervisor::onProcessMaybeExited()
{
    int status = 0;
    const pid_t r = ::waitpid(m_process.pid, &status, WNOHANG);
    const bool haveStatus = r == m_process.pid;
    if (r == 0)
        return; // our child, still running
    if (!haveStatus && isRunning(m_process))
        return; // not our child (attached), still running

    unwatchProcess();
    m_killTimer.stop();
    m_startDeadline.stop();
    m_startProbe.stop();
    m_probe.cancel();
    pollLog();
    m_logTimer.stop();

    const auto pf = PidFile::read(pidFile());
    const bool stoppedByOther = pf && pf->process == m_process && pf->stopping;
    PidFile::removeIfNames(pidFile(), m_process);
    if (haveStatus && WIFEXITED(status))
        m_status.exitCode = WEXITSTATUS(status);
    if (haveStatus && WIFSIGNALED(status))
        m_status.exitSignal = WTERMSIG(status);
    const std::string how = haveStatus
                                ? describeWaitStatus(status)
                                : std::string("exit status not visible here: another Spillway process started it");
    const StopIntent intent = m_intent;
    m_intent = StopIntent::None;
    m_status.pid = 0;
    setHealth(BrokerHealth::Unknown, {});

    if (intent == StopIntent::FailedStart) {
        m_status.detail = m_startFailure + "; stopped it (" + how + ")";
        m_status.crashLog = m_log.lastLines(m_options.crashLogLines);
        recordLastExit();
        setState(BrokerState::Crashed);
        return;
    }
    if (intent == StopIntent::User || intent == StopIntent::Restart || stoppedByOther ||
        m_status.state == BrokerState::Stopping) {
        m_status.detail = m_status.killedAfterTimeout
                              ? "killed with SIGKILL: no exit within the stop timeout after SIGTERM"
                              : how + (intent == StopIntent::None ? ", stopped by another Spillway process" : "");
        m_status.crashLog.clear();
        clearLastExit();
        setState(BrokerState::Stopped);
        if (m_restartPending) {
            m_restartPending = false;
            QTimer::singleShot(0, this, [this] {
                if (auto st = start(); !st) {
                    m_status.detail = "restart failed: " + st.error().message;
                    Q_EMIT statusChanged();
                }
            });
        }
        return;
    }
    m_restartPending = false;
    m_status.detail = how;
    m_status.crashLog = m_log.lastLines(m_options.crashLogLines);
    recordLastExit();
    setState(BrokerState::Crashed);
}

void BrokerSupervisor::probeNow()
{
    if (!m_entry.facts || !m_entry.facts->probeAddress || m_probe.busy())
        return;
    m_probe.probe(*m_entry.facts->probeAddress, m_entry.facts->probeTls, m_options.probeTimeout);
}

void BrokerSupervisor::onProbeFinished(const ProbeResult &result)
{
    std::string detail;
    if (!result.answered)
        detail = result.address + ": " + result.error;
    else if (m_entry.facts && m_entry.facts->probeTls)
        detail = "TLS port " + result.address + " accepts connections";
    else
        detail = "ApiVersions from " + result.address + " in " + std::to_string(result.latencyMs) + " ms";
    switch (m_status.state) {
    case BrokerState::Starting:
        if (!result.answered) {
            setHealth(BrokerHealth::Unknown, std::move(detail));
            return;
        }
        m_startDeadline.stop();
        m_startProbe.stop();
        setHealth(BrokerHealth::Healthy, std::move(detail));
        setState(BrokerState::Running);
        return;
    case BrokerState::Running:
    case BrokerState::External:
        setHealth(result.answered ? BrokerHealth::Healthy : BrokerHealth::Unresponsive, std::move(detail));
        return;
    case BrokerState::Stopped:
    case BrokerState::Stopping:
    case BrokerState::Crashed: return;
    }
}

void BrokerSupervisor::onTick()
{
    if (m_status.state == BrokerState::Running || m_status.state == BrokerState::Starting ||
        m_status.state == BrokerState::Stopping)
        (void)m_log.rotateIfNeeded();
    if (m_status.state == BrokerState::External && checkExternal()) {
        probeNow();
        return;
    }
    refresh();
}

void BrokerSupervisor::pollLog()
{
    auto lines = m_log.poll();
    if (!lines.empty())
        Q_EMIT logLinesAppended(toQt(lines));
}

void BrokerSupervisor::recordLastExit()
{
    LastExitRecord r{m_status.detail, utcTimestamp(), m_status.exitCode, m_status.exitSignal};
    (void)r.write(m_stateDir / "last-exit");
}

void BrokerSupervisor::loadLastExit()
{
    const auto r = LastExitRecord::read(m_stateDir / "last-exit");
    if (!r)
        return;
    m_status.detail = r->detail + (r->time.empty() ? "" : ", at " + r->time);
    m_status.exitCode = r->exitCode;
    m_status.exitSignal = r->exitSignal;
    if (auto lines = BrokerLogTail::readLastLines(logFile(), m_options.crashLogLines))
        m_status.crashLog = std::move(*lines);
    setState(BrokerState::Crashed);
}

void BrokerSupervisor::clearLastExit() { LastExitRecord::remove(m_stateDir / "last-exit"); }

} // namespace spillway::core
