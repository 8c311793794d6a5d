// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the broker registry, supervisor and `spillway-cli brokers` tests:
// a lab broker's files in a temp dir, and an event-loop wait.
#pragma once

#include "core/services/broker_entry.h"
#include "core/services/broker_process.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace spillway::test {

inline const std::string kBrokerBinary = SPILLWAY_BINARY_DIR "/app/spillway-broker";
inline const std::string kCliBinary = SPILLWAY_BINARY_DIR "/app/spillway-cli";

/// Runs the Qt event loop until `done()` holds or `timeout` passes (a
/// QTRY_-style loop: the timeout is a safety net, never the assertion).
inline bool waitUntil(const std::function<bool()> &done, std::chrono::milliseconds timeout = std::chrono::seconds(60))
{
    QDeadlineTimer deadline(timeout.count());
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

/// True once `pid` has exited (reaping it if it is our zombie child; a
/// zombie of another parent counts as exited).
inline bool processGone(pid_t pid)
{
    int status = 0;
    ::waitpid(pid, &status, WNOHANG);
    return core::processLiveness(pid) != core::ProcessLiveness::Alive;
}

/// A lab broker's configuration in a temp dir: server.properties with a free
/// port and one log dir, the supervisor's state dir, and a registry entry.
/// Kills whatever broker process its pid file names on destruction, so that
/// a failed test leaves nothing running.
struct LabBrokerFiles {
    TempDir dir;
    int port = freePort();

    explicit LabBrokerFiles(const std::string &extra = {}, const std::string &listeners = {})
    {
        std::filesystem::create_directories(dir / "data0");
        std::ofstream(dir / "server.properties")
            << "# A lab broker for the supervisor tests.\n"
            << "broker.id=3\n"
            << "listeners=" << (listeners.empty() ? "PLAINTEXT://127.0.0.1:" + std::to_string(port) : listeners) << "\n"
            << "log.dirs=" << (dir / "data0").string() << "\n"
            << extra;
    }
    ~LabBrokerFiles()
    {
        if (auto pf = core::PidFile::read(stateDir() / "broker.pid"); pf && core::isRunning(pf->process)) {
            ::kill(::getpgid(pf->process.pid) == pf->process.pid ? -pf->process.pid : pf->process.pid, SIGKILL);
            int status = 0;
            ::waitpid(pf->process.pid, &status, 0);
        }
    }
    LabBrokerFiles(const LabBrokerFiles &) = delete;
    LabBrokerFiles &operator=(const LabBrokerFiles &) = delete;

    [[nodiscard]] std::filesystem::path properties() const { return dir / "server.properties"; }
    [[nodiscard]] std::filesystem::path dataDir() const { return dir / "spillway-data"; }
    [[nodiscard]] std::filesystem::path stateDir() const { return dataDir() / "brokers" / "lab"; }

    [[nodiscard]] core::BrokerEntry entry(std::vector<std::string> command = {}) const
    {
        core::BrokerEntry e;
        e.id = "lab";
        e.kind = core::BrokerKind::Lab;
        e.serverProperties = properties();
        e.startCommand = command.empty() ? std::vector<std::string>{kBrokerBinary, properties().string()} : command;
        e.workingDir = dir.path();
        auto completed = core::completeLocalEntry(e);
        if (!completed)
            throw std::runtime_error(completed.error().describe());
        return *completed;
    }
};

} // namespace spillway::test
