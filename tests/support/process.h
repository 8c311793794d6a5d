// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace spillway::test {

/// Output and exit status of a finished child process.
struct ProcessResult {
    int exitCode = -1; ///< -1 when killed by a signal
    int signal = 0;
    std::string out; ///< stdout and stderr, interleaved
};

/// Runs a program with an argument vector (never a shell string), waits at
/// most `timeout`, and returns what it printed. A child that overruns is
/// killed with SIGKILL and reported with signal 9.
ProcessResult runProcess(const std::vector<std::string> &argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// Output of a finished child with stdout and stderr kept apart.
struct SplitProcessResult {
    int exitCode = -1; ///< -1 when killed by a signal
    std::string out;   ///< stdout
    std::string err;   ///< stderr
};

/// Like runProcess, but stdout and stderr are captured separately (through
/// files in `scratchDir`, so that neither can fill a pipe and block).
SplitProcessResult runProcessSplit(const std::vector<std::string> &argv, const std::string &scratchDir);

/// A child process running in the background (e.g. a broker), killed on
/// destruction if still running. Its output goes to `logFile`.
class BackgroundProcess {
public:
    BackgroundProcess(const std::vector<std::string> &argv, const std::string &logFile);
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess &) = delete;
    BackgroundProcess &operator=(const BackgroundProcess &) = delete;

    [[nodiscard]] pid_t pid() const { return m_pid; }
    /// Sends `sig` and waits for the exit; returns the wait status.
    int stop(int sig, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    [[nodiscard]] bool running();

private:
    pid_t m_pid = -1;
    bool m_reaped = false;
};

/// Polls until a TCP connect to 127.0.0.1:port succeeds.
bool waitForPort(int port, std::chrono::milliseconds timeout);
/// A port that was free a moment ago (bind to 0, read it, close).
int freePort();
/// Contents of a file ("" when missing).
std::string slurp(const std::string &path);

} // namespace spillway::test
