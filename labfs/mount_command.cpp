// SPDX-License-Identifier: GPL-3.0-or-later
// runMount: check, mount, daemonize once the mount is live, serve, clean up.
#include "labfs/commands.h"
#include "labfs/control_server.h"
#include "labfs/fuse_ops.h"
#include "labfs/fuse_probe.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spillway::labfs {

namespace {

void say(const std::string &line) { std::fprintf(stderr, "spillway-labfs: %s\n", line.c_str()); }

/// The kernel holds one O_PATH descriptor of ours per file it knows: allow
/// as many as the hard limit permits.
void raiseFileLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        (void)::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

std::string mountedLine(const DiskConfig &disk)
{
    return disk.name + " mounted on " + disk.mountpoint.string() + " (capacity " + std::to_string(disk.capacity) +
           " bytes, backing " + disk.backing.string() + ", control " + disk.control.string() + ")";
}

/// A mounted FUSE session; unmounts and destroys it on scope exit.
class Session {
public:
    Session() = default;
    ~Session()
    {
        if (m_session == nullptr)
            return;
        if (m_mounted)
            fuse_session_unmount(m_session);
        fuse_session_destroy(m_session);
    }
    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;

    /// Creates the session for `fs` and mounts it; "" or what failed.
    std::string mount(LabFilesystem &fs)
    {
        const DiskConfig &disk = fs.config();
        const std::string options =
            "fsname=spillway-labfs:" + disk.name + ",subtype=spillway-labfs,default_permissions";
        std::string arg0 = "spillway-labfs";
        std::string dashO = "-o";
        std::string opts = options;
        char *argv[] = {arg0.data(), dashO.data(), opts.data(), nullptr};
        fuse_args args = FUSE_ARGS_INIT(3, argv);
        m_session = fuse_session_new(&args, &fuseops::operations(), sizeof(fuse_lowlevel_ops), &fs);
        fuse_opt_free_args(&args);
        if (m_session == nullptr)
            return "cannot create the FUSE session";
        if (fuse_session_mount(m_session, disk.mountpoint.c_str()) != 0)
            return "cannot mount on " + disk.mountpoint.string() + " (see the message above)";
        m_mounted = true;
        fs.attach(m_session);
        return {};
    }

    int serve()
    {
        fuse_loop_config *config = fuse_loop_cfg_create();
        fuse_loop_cfg_set_clone_fd(config, 1);
        fuse_loop_cfg_set_max_threads(config, 16);
        fuse_loop_cfg_set_idle_threads(config, 4);
        const int rc = fuse_session_loop_mt(m_session, config);
        fuse_loop_cfg_destroy(config);
        return rc;
    }

    /// For the parent of a daemon that died before the mount was live.
    void unmountOnly()
    {
        if (m_mounted)
            fuse_session_unmount(m_session);
        m_mounted = false;
    }

    fuse_session *get() const { return m_session; }

private:
    fuse_session *m_session = nullptr;
    bool m_mounted = false;
};

/// The caller's side of daemonizing: waits until the daemon reports the
/// mount live ('R') or dies. Never returns.
[[noreturn]] void awaitDaemon(int readyFd, Session &session, const DiskConfig &disk)
{
    char c = 0;
    ssize_t n;
    do {
        n = ::read(readyFd, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n == 1 && c == 'R') {
        std::printf("spillway-labfs: %s\n", mountedLine(disk).c_str());
        std::fflush(stdout);
        ::_exit(kExitOk);
    }
    say("the daemon exited before " + disk.mountpoint.string() + " was ready; unmounting");
    session.unmountOnly();
    ::unlink(disk.control.c_str());
    ::_exit(kExitFailed);
}

/// In the daemon, once the kernel's INIT has been answered: detach from the
/// caller's terminal and pipes, then release the waiting caller.
void detach(int readyFd)
{
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, STDIN_FILENO);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        ::close(null);
    }
    const char ready = 'R';
    [[maybe_unused]] const ssize_t n = ::write(readyFd, &ready, 1);
    ::close(readyFd);
}

} // namespace

int runMount(const MountOptions &options)
{
    // The daemon outlives the caller: it must not keep the caller's
    // descriptors open (a file on another mount would keep that one busy).
    ::close_range(3, ~0U, 0);
    auto disk = prepareDisk(options);
    if (!disk) {
        say(disk.error().describe());
        return kExitFailed;
    }
    if (auto fuse = probeFuse(); !fuse) {
        say("FUSE unavailable: " + fuse.error().message +
            (fuse.error().hint.empty() ? "" : " (hint: " + fuse.error().hint + ")"));
        return kExitFuseUnavailable;
    }
    auto fs = LabFilesystem::open(*disk);
    if (!fs) {
        say(fs.error().describe());
        return kExitFailed;
    }
    if ((*fs)->ledger().used() > disk->capacity)
        say("warning: " + disk->backing.string() + " already holds " + std::to_string((*fs)->ledger().used()) +
            " bytes, more than the capacity; the disk starts full");
    auto control = ControlServer::listen(disk->control);
    if (!control) {
        say(control.error().describe());
        return kExitFailed;
    }
    raiseFileLimit();

    Session session;
    if (const std::string err = session.mount(**fs); !err.empty()) {
        say("FUSE unavailable: " + err);
        return kExitFuseUnavailable;
    }

    if (!options.foreground) {
        int pipeFds[2];
        if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
            say(std::string("cannot create a pipe: ") + std::strerror(errno));
            return kExitFailed;
        }
        const pid_t pid = ::fork();
        if (pid < 0) {
            say(std::string("cannot fork the daemon: ") + std::strerror(errno));
            return kExitFailed;
        }
        if (pid > 0) {
            ::close(pipeFds[1]);
            awaitDaemon(pipeFds[0], session, *disk);
        }
        ::close(pipeFds[0]);
        ::setsid();
        const int readyFd = pipeFds[1];
        (*fs)->setReadyCallback([readyFd] { detach(readyFd); });
    } else {
        const DiskConfig shown = *disk;
        (*fs)->setReadyCallback([shown] {
            std::printf("spillway-labfs: %s\n", mountedLine(shown).c_str());
            std::fflush(stdout);
        });
    }

    // Every path we use is absolute: keep no directory busy.
    if (::chdir("/") != 0)
        say(std::string("cannot chdir to /: ") + std::strerror(errno));
    if (fuse_set_signal_handlers(session.get()) != 0) {
        say("cannot install signal handlers");
        return kExitFailed;
    }
    LabFilesystem *raw = fs->get();
    (*control)->start([raw](std::string_view line) { return raw->handleControl(line); });
    // Modes arrive already masked by the caller's umask; ours must not mask again.
    ::umask(0);
    const int rc = session.serve();
    (*control)->stop();
    fuse_remove_signal_handlers(session.get());
    // libfuse reports the signal that ended the loop (SIGTERM, SIGINT,
    // SIGHUP) as its result: for us that is a clean stop too.
    return rc == 0 || rc == SIGTERM || rc == SIGINT || rc == SIGHUP ? kExitOk : kExitFailed;
}

} // namespace spillway::labfs
