// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace spillway::lab {

/// A process the lab started: its pid and its start time (field 22 of
/// /proc/<pid>/stat, clock ticks since boot). The pair names one process for
/// the machine's uptime, so a recycled pid is never mistaken for ours.
struct ProcessRef {
    pid_t pid = 0;
    std::uint64_t startTime = 0;
    bool operator==(const ProcessRef &) const = default;
};

/// The start time of a live process, nullopt when it is gone (or a zombie).
std::optional<std::uint64_t> processStartTime(pid_t pid);
/// The process `pid` as it is now, nullopt when it is gone.
std::optional<ProcessRef> currentProcess(pid_t pid);
/// True while the very process `ref` names runs (not a zombie, not a reused pid).
bool isRunning(const ProcessRef &ref);
/// argv of a live process (/proc/<pid>/cmdline), empty when unreadable.
std::vector<std::string> processArgv(pid_t pid);
/// Live processes whose argv[0] ends with `program` and whose argv contains
/// `argument` (e.g. spillway-labfs ... --mountpoint <dir>).
std::vector<ProcessRef> findProcesses(std::string_view program, std::string_view argument);

/// Starts `argv` detached from this process: a new session (setsid), stdin
/// from /dev/null, stdout and stderr appended to `logFile`, no other
/// descriptor inherited, reparented to init. Returns once exec succeeded.
Result<ProcessRef> spawnDetached(const std::vector<std::string> &argv, const std::filesystem::path &logFile);

/// Runs `argv` (a bare name is looked up in PATH) to completion with stdout and stderr appended to `logFile`
/// (a file, never a pipe, so that a daemonizing child cannot hold us up).
/// Returns the exit code; an error when it cannot start, is killed by a
/// signal, or overruns `timeout` (then it is killed).
Result<int> runToCompletion(const std::vector<std::string> &argv, const std::filesystem::path &logFile,
                            std::chrono::milliseconds timeout);

/// How stopProcess() went.
struct StopOutcome {
    bool wasRunning = false;
    bool killed = false; ///< needed SIGKILL after the grace period
};
/// SIGTERM, wait up to `grace`, then SIGKILL and wait again. Only ever signals
/// the process `ref` names (pid and start time both match).
StopOutcome stopProcess(const ProcessRef &ref, std::chrono::milliseconds grace);

/// Polls until `ref` has exited or `timeout` passes; true when it exited.
bool waitForExit(const ProcessRef &ref, std::chrono::milliseconds timeout);

} // namespace spillway::lab
