// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Helpers shared by the ops tests: partition dirs on disk, snapshots of them,
// and a child process that holds a log dir's `.lock` as a running broker does.

#include "tests/support/process.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace spillway::test {

/// name -> bytes of every file in a directory (flat, as a partition dir is).
inline std::map<std::string, std::string> snapshotDir(const std::filesystem::path &dir)
{
    std::map<std::string, std::string> out;
    for (const auto &e : std::filesystem::directory_iterator(dir)) {
        out[e.path().filename().string()] = slurp(e.path().string());
    }
    return out;
}

/// Names in `dir` that start with `prefix`.
inline std::vector<std::string> entriesStartingWith(const std::filesystem::path &dir, const std::string &prefix)
{
    std::vector<std::string> out;
    for (const auto &e : std::filesystem::directory_iterator(dir))
        if (e.path().filename().string().rfind(prefix, 0) == 0)
            out.push_back(e.path().filename().string());
    return out;
}

/// A child process holding an fcntl write lock on `file` until destroyed.
class LockHolder {
public:
    explicit LockHolder(const std::filesystem::path &file)
    {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        m_pid = ::fork();
        REQUIRE(m_pid >= 0);
        if (m_pid == 0) {
            const int fd = ::open(file.c_str(), O_RDWR | O_CREAT, 0644);
            struct flock fl {};
            fl.l_type = F_WRLCK;
            fl.l_whence = SEEK_SET;
            const char ok = (fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0) ? 'y' : 'n';
            (void)!::write(fds[1], &ok, 1);
            for (;;)
                ::pause();
        }
        ::close(fds[1]);
        char ok = 'n';
        REQUIRE(::read(fds[0], &ok, 1) == 1);
        ::close(fds[0]);
        REQUIRE(ok == 'y');
    }
    ~LockHolder()
    {
        ::kill(m_pid, SIGKILL);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
    }
    LockHolder(const LockHolder &) = delete;
    LockHolder &operator=(const LockHolder &) = delete;

private:
    pid_t m_pid = -1;
};

} // namespace spillway::test
