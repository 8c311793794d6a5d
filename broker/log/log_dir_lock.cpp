// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/log/log_dir_lock.h"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace spillway::broker {

using core::Errc;
using core::Error;
using core::Result;

LogDirLock &LogDirLock::operator=(LogDirLock &&other) noexcept
{
    if (this != &other) {
        release();
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

Result<LogDirLock> LogDirLock::acquire(const std::filesystem::path &logDir)
{
    const auto file = logDir / ".lock";
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot open lock file " + file.string());
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd, F_SETLK, &fl) != 0) {
        const int err = errno;
        if (err == EACCES || err == EAGAIN) {
            struct flock holder {};
            holder.l_type = F_WRLCK;
            holder.l_whence = SEEK_SET;
            std::string who = "another process";
            if (::fcntl(fd, F_GETLK, &holder) == 0 && holder.l_type != F_UNLCK)
                who = "process " + std::to_string(holder.l_pid);
            ::close(fd);
            return makeError(Errc::Locked,
                             "log dir " + logDir.string() + " is in use: " + who + " holds the lock on " +
                                 file.string(),
                             "stop the broker using it first, or give this broker its own log.dirs");
        }
        ::close(fd);
        return Error::fromErrno(err, "cannot lock " + file.string());
    }
    LogDirLock lock;
    lock.m_fd = fd;
    return lock;
}

void LogDirLock::release() noexcept
{
    if (m_fd >= 0) {
        ::close(m_fd); // closing drops the POSIX lock
        m_fd = -1;
    }
}

} // namespace spillway::broker
