// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/processes.h"

#include "core/common/fileio.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace spillway::lab {
namespace {

std::vector<char *> cArgs(const std::vector<std::string> &argv)
{
    std::vector<char *> args;
    args.reserve(argv.size() + 1);
    for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    return args;
}

/// In a freshly forked child: default signal handling, nothing blocked,
/// stdin from /dev/null, stdout+stderr appended to `logFd`, every other
/// descriptor closed on exec. Only async-signal-safe calls.
void prepareChild(int logFd)
{
    for (int sig = 1; sig < NSIG; ++sig)
        std::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const int devNull = ::open("/dev/null", O_RDONLY);
    if (devNull >= 0)
        ::dup2(devNull, STDIN_FILENO);
    if (logFd >= 0) {
        ::dup2(logFd, STDOUT_FILENO);
        ::dup2(logFd, STDERR_FILENO);
    }
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
}

bool writeAll(int fd, const void *data, std::size_t size)
{
    const auto *p = static_cast<const char *>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

/// Reads exactly `size` bytes unless EOF comes first; returns what was read.
std::size_t readAll(int fd, void *data, std::size_t size)
{
    auto *p = static_cast<char *>(data);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::read(fd, p + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    return done;
}

std::string programName(const std::vector<std::string> &argv)
{
    return argv.empty() ? std::string("(nothing)") : argv.front();
}

} // namespace

std::optional<std::uint64_t> processStartTime(pid_t pid)
{
    if (pid <= 0)
        return std::nullopt;
    auto stat = core::readFile("/proc/" + std::to_string(pid) + "/stat");
    if (!stat)
        return std::nullopt;
    // The command name (field 2) may hold spaces and parentheses: fields
    // resume after the last ')'.
    const auto close = stat->rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::vector<std::string_view> fields;
    std::string_view rest = std::string_view(*stat).substr(close + 1);
    while (!rest.empty()) {
        const auto start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos)
            break;
        rest.remove_prefix(start);
        const auto end = rest.find(' ');
        fields.push_back(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    }
    // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
    if (fields.size() < 20 || fields[0] == "Z" || fields[0] == "X")
        return std::nullopt;
    try {
        return std::stoull(std::string(fields[19]));
    } catch (...) {
        return std::nullopt;
    }
}

std::optional<ProcessRef> currentProcess(pid_t pid)
{
    const auto start = processStartTime(pid);
    if (!start)
        return std::nullopt;
    return ProcessRef{pid, *start};
}

bool isRunning(const ProcessRef &ref)
{
    const auto start = processStartTime(ref.pid);
    return start && *start == ref.startTime;
}

std::vector<std::string> processArgv(pid_t pid)
{
    std::vector<std::string> argv;
    auto text = core::readFile("/proc/" + std::to_string(pid) + "/cmdline");
    if (!text)
        return argv;
    std::size_t start = 0;
    while (start < text->size()) {
        const auto end = text->find('\0', start);
        argv.push_back(text->substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return argv;
}

std::vector<ProcessRef> findProcesses(std::string_view program, std::string_view argument)
{
    std::vector<ProcessRef> found;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        const pid_t pid = static_cast<pid_t>(std::stol(name));
        const auto argv = processArgv(pid);
        if (argv.empty() || std::filesystem::path(argv.front()).filename() != program)
            continue;
        if (std::find(argv.begin(), argv.end(), argument) == argv.end())
            continue;
        if (auto ref = currentProcess(pid))
            found.push_back(*ref);
    }
    return found;
}

Result<ProcessRef> spawnDetached(const std::vector<std::string> &argv, const std::filesystem::path &logFile)
{
    auto args = cArgs(argv);
    const int logFd = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logFd < 0)
        return Error::fromErrno(errno, "cannot open " + logFile.string());
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) {
        const int err = errno;
        ::close(logFd);
        return Error::fromErrno(err, "cannot create a pipe to start " + programName(argv));
    }
    const pid_t middle = ::fork();
    if (middle < 0) {
        const int err = errno;
        ::close(logFd);
        ::close(report[0]);
        ::close(report[1]);
        return Error::fromErrno(err, "cannot fork to start " + programName(argv));
    }
    if (middle == 0) {
        // The middle child starts a session and forks the real one, which is
        // then reparented to init: nobody has to reap it.
        ::setsid();
        const pid_t child = ::fork();
        if (child == 0) {
            prepareChild(logFd);
            // Never hold the caller's working directory (it may be a lab disk).
            [[maybe_unused]] const int rc = ::chdir("/");
            ::execv(args[0], args.data());
            const int err = errno;
            writeAll(report[1], &err, sizeof err);
            ::_exit(127);
        }
        const pid_t sent = child;
        writeAll(report[1], &sent, sizeof sent);
        ::_exit(child < 0 ? 1 : 0);
    }
    ::close(report[1]);
    ::close(logFd);
    pid_t child = -1;
    const bool gotPid = readAll(report[0], &child, sizeof child) == sizeof child;
    int execErrno = 0;
    const bool execFailed = gotPid && readAll(report[0], &execErrno, sizeof execErrno) == sizeof execErrno;
    ::close(report[0]);
    int status = 0;
    ::waitpid(middle, &status, 0);
    if (!gotPid || child < 0)
        return makeError(Errc::Io, "cannot start " + programName(argv) + ": fork failed");
    if (execFailed)
        return Error::fromErrno(execErrno, "cannot run " + programName(argv));
    // Exec succeeded (the pipe closed on exec); its start time names it.
    auto ref = currentProcess(child);
    if (!ref)
        return makeError(Errc::Io, programName(argv) + " exited at once; see " + logFile.string());
    return *ref;
}

Result<int> runToCompletion(const std::vector<std::string> &argv, const std::filesystem::path &logFile,
                            std::chrono::milliseconds timeout)
{
    auto args = cArgs(argv);
    const int logFd = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logFd < 0)
        return Error::fromErrno(errno, "cannot open " + logFile.string());
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(logFd);
        return Error::fromErrno(err, "cannot fork to run " + programName(argv));
    }
    if (pid == 0) {
        prepareChild(logFd);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(logFd);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return Error::fromErrno(errno, "cannot wait for " + programName(argv));
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return makeError(Errc::Io,
                             programName(argv) + " did not finish within " +
                                 std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                                 " s and was killed; see " + logFile.string());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (WIFSIGNALED(status))
        return makeError(Errc::Io, programName(argv) + " was killed by signal " + std::to_string(WTERMSIG(status)) +
                                       "; see " + logFile.string());
    const int code = WEXITSTATUS(status);
    if (code == 127)
        return makeError(Errc::NotFound, "cannot run " + programName(argv) + " (exit 127); see " + logFile.string());
    return code;
}

bool waitForExit(const ProcessRef &ref, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (isRunning(ref)) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

StopOutcome stopProcess(const ProcessRef &ref, std::chrono::milliseconds grace)
{
    StopOutcome outcome;
    if (!isRunning(ref))
        return outcome;
    outcome.wasRunning = true;
    ::kill(ref.pid, SIGTERM);
    if (waitForExit(ref, grace))
        return outcome;
    if (isRunning(ref)) {
        ::kill(ref.pid, SIGKILL);
        outcome.killed = true;
        waitForExit(ref, std::chrono::seconds(10));
    }
    return outcome;
}

} // namespace spillway::lab
