// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/services/broker_entry.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace spillway::core {

/// Linux process plumbing for the broker supervisor: spawning a broker that
/// outlives the console, recognising it again later without being fooled by
/// pid reuse, and finding who holds a log dir. Free functions, any thread;
/// each is a handful of syscalls or /proc reads, fine on the GUI thread.

/// A process as the kernel knows it: pid plus its start time (clock ticks
/// after boot, field 22 of /proc/<pid>/stat), so a recycled pid never
/// passes for the broker that exited.
struct ProcessIdentity {
    pid_t pid = 0;
    std::uint64_t startTime = 0;
    bool operator==(const ProcessIdentity &) const = default;
};

enum class ProcessLiveness { Alive, Zombie, Gone };

/// Alive/Zombie/Gone and the start time, from /proc/<pid>/stat.
ProcessLiveness processLiveness(pid_t pid, std::uint64_t *startTime = nullptr);

/// The identity of a live process (nullopt when gone or a zombie).
std::optional<ProcessIdentity> identityOf(pid_t pid);

/// True when that very process (same start time) is running (not a zombie).
bool isRunning(const ProcessIdentity &id);

/// What to run: argv (never a shell string), its working directory,
/// variables added to (or replacing in) this process's environment, and
/// the file that receives its stdout and stderr (appended).
struct SpawnRequest {
    std::vector<std::string> argv;
    std::filesystem::path workingDir;
    std::vector<std::pair<std::string, std::string>> environment;
    std::filesystem::path outputFile;
};

/// Starts the program in a session of its own (setsid: no controlling
/// terminal, not in the console's process group, so closing the console or
/// its terminal does not signal it), with default signal dispositions, an
/// empty signal mask, stdin from /dev/null and no inherited descriptors
/// beyond 0-2. The caller's process stays its parent until it exits (so an
/// exit status is available to waitpid). Exec failures are returned.
Result<pid_t> spawnDetached(const SpawnRequest &request);

/// A pidfd for `pid` (readable once the process exits), or -1 when the
/// kernel has none (before Linux 5.3). Close it with ::close.
int openPidFd(pid_t pid) noexcept;

/// "exit code 1", "signal KILL"; from a waitpid status.
std::string describeWaitStatus(int status);
std::string signalName(int signal); ///< "KILL", "TERM", or the number

/// Who holds the POSIX lock on `<logDir>/.lock` (how Kafka and the lab
/// broker claim a log dir): nullopt when nobody; the pid, or 0 when the
/// holder is not visible (another pid namespace). F_GETLK first, then
/// /proc/locks by inode. Never takes the lock itself.
Result<std::optional<pid_t>> logDirLockHolder(const std::filesystem::path &logDir);

/// The first listener whose port is already bound by another socket (a
/// bind test with SO_REUSEADDR, so the TIME_WAIT of a just-stopped broker
/// does not count). nullopt when all are free or cannot be tested here.
std::optional<HostPort> listenerInUse(const std::vector<KafkaListener> &listeners);

/// The pid file of a supervised broker: "<stateDir>/broker.pid", a small
/// .properties file (pid, start_time, stopping). Replaced atomically.
struct PidFile {
    ProcessIdentity process;
    bool stopping = false; ///< a Spillway process has sent SIGTERM to it

    static std::optional<PidFile> read(const std::filesystem::path &file);
    [[nodiscard]] Status write(const std::filesystem::path &file) const;
    /// Removes the file only if it still names `process` (another Spillway
    /// process may have started a new broker and written its own).
    static void removeIfNames(const std::filesystem::path &file, const ProcessIdentity &process);
};

} // namespace spillway::core
