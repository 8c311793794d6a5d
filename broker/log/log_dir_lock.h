// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <filesystem>

namespace spillway::broker {

/// The exclusive lock on `<log dir>/.lock` that a running broker holds, as
/// Kafka does (FileChannel.tryLock = fcntl F_SETLK on Linux, so a Kafka
/// broker and Spillway exclude each other). POSIX locks belong to the
/// process and vanish when any fd of the file closes, so nothing else in the
/// broker may open `.lock`. Move-only; released on destruction. Any thread.
class LogDirLock {
public:
    LogDirLock() = default;
    LogDirLock(LogDirLock &&other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
    LogDirLock &operator=(LogDirLock &&other) noexcept;
    LogDirLock(const LogDirLock &) = delete;
    LogDirLock &operator=(const LogDirLock &) = delete;
    ~LogDirLock() { release(); }

    /// Creates `.lock` if needed and locks it; Errc::Locked naming the file
    /// and the holder's pid when another process has it.
    static core::Result<LogDirLock> acquire(const std::filesystem::path &logDir);
    void release() noexcept;
    [[nodiscard]] bool held() const noexcept { return m_fd >= 0; }

private:
    int m_fd = -1;
};

} // namespace spillway::broker
