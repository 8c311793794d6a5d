// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/broker_process.h"

#include "core/common/fileio.h"
#include "core/common/properties.h"

#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netdb.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace spillway::core {
namespace {

template <class T>
std::optional<T> parseNumber(std::string_view text, int base = 10)
{
    T v{};
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
    if (ec != std::errc{} || ptr != text.data() + text.size())
        return std::nullopt;
    return v;
}

/// RAII for posix_spawn's attribute and file action objects.
struct SpawnSetup {
    posix_spawnattr_t attr{};
    posix_spawn_file_actions_t actions{};
    SpawnSetup()
    {
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_init(&actions);
    }
    ~SpawnSetup()
    {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup &) = delete;
    SpawnSetup &operator=(const SpawnSetup &) = delete;
};

bool portBound(const addrinfo &ai)
{
    const int fd = ::socket(ai.ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const bool inUse = ::bind(fd, ai.ai_addr, ai.ai_addrlen) != 0 && errno == EADDRINUSE;
    ::close(fd);
    return inUse;
}

} // namespace

ProcessLiveness processLiveness(pid_t pid, std::uint64_t *startTime)
{
    if (pid <= 0)
        return ProcessLiveness::Gone;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!in || !std::getline(in, line))
        return ProcessLiveness::Gone;
    // "pid (comm) S ppid ..." — comm may hold spaces and parentheses, so
    // fields are counted from the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos)
        return ProcessLiveness::Gone;
    std::istringstream fields(line.substr(close + 1));
    std::string field;
    std::string state;
    for (int i = 3; i <= 22 && fields >> field; ++i) {
        if (i == 3)
            state = field;
        if (i == 22 && startTime)
            *startTime = parseNumber<std::uint64_t>(field).value_or(0);
    }
    if (state == "Z" || state == "X" || state == "x")
        return ProcessLiveness::Zombie;
    return ProcessLiveness::Alive;
}

std::optional<ProcessIdentity> identityOf(pid_t pid)
{
    std::uint64_t start = 0;
    if (processLiveness(pid, &start) != ProcessLiveness::Alive)
        return std::nullopt;
    return ProcessIdentity{pid, start};
}

bool isRunning(const ProcessIdentity &id)
{
    const auto now = identityOf(id.pid);
    return now && now->startTime == id.startTime;
}

Result<pid_t> spawnDetached(const SpawnRequest &request)
{
    if (request.argv.empty())
        return makeError(Errc::InvalidArgument, "nothing to start: empty command");
    const int out = ::open(request.outputFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (out < 0)
        return Error::fromErrno(errno, "cannot open the broker log " + request.outputFile.string());

    // Everything the child needs is built before posix_spawn: after the
    // fork nothing may allocate.
    std::vector<char *> argv;
    for (const auto &a : request.argv)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> env;
    for (char **e = environ; *e; ++e) {
        const std::string_view kv(*e);
        const auto name = kv.substr(0, kv.find('='));
        bool replaced = false;
        for (const auto &[k, v] : request.environment)
            replaced |= k == name;
        if (!replaced)
            env.emplace_back(kv);
    }
    for (const auto &[k, v] : request.environment)
        env.push_back(k + "=" + v);
    std::vector<char *> envp;
    for (auto &e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    SpawnSetup s;
    sigset_t none;
    sigemptyset(&none);
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&s.attr, &none);
    // An ignored SIGTERM or SIGPIPE in the console would otherwise be
    // inherited by the broker across exec.
    posix_spawnattr_setsigdefault(&s.attr, &all);
    posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawn_file_actions_addopen(&s.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&s.actions, out, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&s.actions, out, STDERR_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
    if (!request.workingDir.empty())
        posix_spawn_file_actions_addchdir_np(&s.actions, request.workingDir.c_str());

    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, argv[0], &s.actions, &s.attr, argv.data(), envp.data());
    ::close(out);
    if (rc != 0)
        return Error::fromErrno(rc, "cannot start " + request.argv.front() +
                                        (request.workingDir.empty() ? "" : " in " + request.workingDir.string()));
    return pid;
}

int openPidFd(pid_t pid) noexcept
{
#ifdef SYS_pidfd_open
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

std::string signalName(int signal)
{
    if (const char *abbrev = ::sigabbrev_np(signal))
        return abbrev;
    return std::to_string(signal);
}

std::string describeWaitStatus(int status)
{
    if (WIFEXITED(status))
        return "exit code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return "signal " + signalName(WTERMSIG(status)) + (WCOREDUMP(status) ? ", core dumped" : "");
    return "wait status " + std::to_string(status);
}

Result<std::optional<pid_t>> logDirLockHolder(const std::filesystem::path &logDir)
{
    const auto file = logDir / ".lock";
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return std::optional<pid_t>{};
        return Error::fromErrno(errno, "cannot open " + file.string());
    }
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    struct stat st {};
    const bool queried = ::fcntl(fd, F_GETLK, &fl) == 0;
    const int err = errno;
    const bool statted = ::fstat(fd, &st) == 0;
    ::close(fd);
    if (!queried)
        return Error::fromErrno(err, "cannot query the lock on " + file.string());
    if (fl.l_type == F_UNLCK)
        return std::optional<pid_t>{};
    if (fl.l_pid > 0)
        return std::optional<pid_t>{fl.l_pid};
    // Open file description locks and other pid namespaces report no pid;
    // /proc/locks lists "N: POSIX ADVISORY WRITE <pid> <maj>:<min>:<inode> ...".
    std::ifstream locks("/proc/locks");
    std::string line;
    std::string wanted;
    if (statted) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%02x:%02x:%lu", major(st.st_dev), minor(st.st_dev),
                      static_cast<unsigned long>(st.st_ino));
        wanted = buf;
    }
    while (!wanted.empty() && std::getline(locks, line)) {
        std::istringstream fields(line);
        std::string n, type, mode, access, pid, where;
        if (!(fields >> n >> type))
            continue;
        if (type == "->") // a waiter, not the holder
            continue;
        if (!(fields >> mode >> access >> pid >> where))
            continue;
        if (where == wanted)
            if (auto p = parseNumber<pid_t>(pid); p && *p > 0)
                return std::optional<pid_t>{*p};
    }
    return std::optional<pid_t>{0};
}

std::optional<HostPort> listenerInUse(const std::vector<KafkaListener> &listeners)
{
    for (const auto &l : listeners) {
        if (l.port == 0)
            continue;
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
        const std::string port = std::to_string(l.port);
        const bool wildcard = l.host.empty() || l.host == "0.0.0.0";
        addrinfo *res = nullptr;
        if (::getaddrinfo(wildcard ? "0.0.0.0" : l.host.c_str(), port.c_str(), &hints, &res) != 0)
            continue;
        bool inUse = false;
        for (auto *ai = res; ai && !inUse; ai = ai->ai_next)
            inUse = portBound(*ai);
        ::freeaddrinfo(res);
        if (inUse)
            return HostPort{wildcard ? std::string("0.0.0.0") : l.host, l.port};
    }
    return std::nullopt;
}

std::optional<PidFile> PidFile::read(const std::filesystem::path &file)
{
    auto text = readFile(file);
    if (!text)
        return std::nullopt;
    auto doc = PropertiesDocument::parse(*text);
    if (!doc)
        return std::nullopt;
    const auto pid = parseNumber<pid_t>(doc->get("pid").value_or(""));
    const auto start = parseNumber<std::uint64_t>(doc->get("start_time").value_or(""));
    if (!pid || !start || *pid <= 0)
        return std::nullopt;
    PidFile p;
    p.process = {*pid, *start};
    p.stopping = doc->get("stopping").value_or("") == "true";
    return p;
}

Status PidFile::write(const std::filesystem::path &file) const
{
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    const std::string text = "# The broker process Spillway started (pid and /proc start time).\n"
                             "pid=" +
                             std::to_string(process.pid) + "\nstart_time=" + std::to_string(process.startTime) +
                             "\nstopping=" + (stopping ? "true" : "false") + "\n";
    return writeFileAtomic(file, text, ".spillway-tmp");
}

void PidFile::removeIfNames(const std::filesystem::path &file, const ProcessIdentity &process)
{
    if (auto p = read(file); p && p->process == process) {
        std::error_code ec;
        std::filesystem::remove(file, ec);
    }
}

} // namespace spillway::core
