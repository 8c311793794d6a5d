// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <sys/mount.h>

namespace spillway::test {

/// A real tmpfs of `size` ("8m") mounted on `dir` (created if needed) for
/// the scope's lifetime and unmounted on exit, even when a REQUIRE fails.
/// Needs root (CI runs as root): check mounted() and say why with error().
/// Declare it after the TempDir holding `dir`, so that it unmounts first.
class TmpfsMount {
public:
    TmpfsMount(const std::filesystem::path &dir, const std::string &size) : m_dir(dir)
    {
        std::filesystem::create_directories(dir);
        const std::string options = "size=" + size;
        m_mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0;
        if (!m_mounted)
            m_error = "cannot mount a tmpfs on " + dir.string() + ": " + std::strerror(errno) + " (needs root)";
    }
    ~TmpfsMount()
    {
        if (m_mounted)
            ::umount2(m_dir.c_str(), MNT_DETACH);
    }
    TmpfsMount(const TmpfsMount &) = delete;
    TmpfsMount &operator=(const TmpfsMount &) = delete;

    [[nodiscard]] bool mounted() const { return m_mounted; }
    [[nodiscard]] const std::string &error() const { return m_error; }
    [[nodiscard]] const std::filesystem::path &path() const { return m_dir; }

private:
    std::filesystem::path m_dir;
    std::string m_error;
    bool m_mounted = false;
};

} // namespace spillway::test
