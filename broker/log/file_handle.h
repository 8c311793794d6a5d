// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <unistd.h>

namespace spillway::broker {

/// Owns one open file descriptor and closes it on destruction. Segments hand
/// out shared_ptrs to their `.log` handle in read regions, so a region being
/// sent with sendfile stays valid even if retention renames or deletes the
/// segment meanwhile. No thread affinity.
class FileHandle {
public:
    explicit FileHandle(int fd) noexcept : m_fd(fd) {}
    ~FileHandle()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileHandle(const FileHandle &) = delete;
    FileHandle &operator=(const FileHandle &) = delete;

    [[nodiscard]] int fd() const noexcept { return m_fd; }

private:
    int m_fd = -1;
};

} // namespace spillway::broker
