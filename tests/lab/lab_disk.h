// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tests/support/process.h"

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <vector>

namespace spillway::test {

inline const std::string kLabfsBinary = SPILLWAY_BINARY_DIR "/app/spillway-labfs";

/// A real spillway-labfs disk for one test: `<root>/<name>` over
/// `<root>/<name>.backing`, control socket `<root>/<name>.backing.ctl`,
/// mounted by running the real binary (it daemonizes once the mount is
/// live). The destructor always runs `fusermount3 -u -z` and waits for the
/// daemon to exit (SIGKILL as a last resort), so that no mount and no
/// process is left behind even when a check fails. Declare it after the
/// TempDir holding it and before anything that keeps files open on it.
class LabDisk {
public:
    LabDisk(const std::filesystem::path &root, const std::string &name, const std::string &capacity)
        : m_mountpoint(root / name)
        , m_backing(root / (name + ".backing"))
        , m_control(root / (name + ".backing.ctl"))
    {
        // The daemon (a grandchild) is re-parented to us rather than to init,
        // so that waitGone() reaps it and can tell that it really ended.
        ::prctl(PR_SET_CHILD_SUBREAPER, 1);
        std::filesystem::create_directories(m_mountpoint);
        std::filesystem::create_directories(m_backing);
        auto r = runProcess({kLabfsBinary, "mount", "--backing", m_backing.string(), "--mountpoint",
                             m_mountpoint.string(), "--capacity", capacity, "--name", name});
        m_output = r.out;
        m_exitCode = r.exitCode;
        if (m_exitCode == 0)
            m_pid = pidFromStatus(ctl({"status"}).out);
    }
    ~LabDisk() { unmount(); }
    LabDisk(const LabDisk &) = delete;
    LabDisk &operator=(const LabDisk &) = delete;

    [[nodiscard]] bool mounted() const { return m_exitCode == 0; }
    /// Exit 3: no FUSE here; the test skips (with a WARN) instead of failing.
    [[nodiscard]] bool fuseUnavailable() const { return m_exitCode == 3; }
    [[nodiscard]] const std::string &output() const { return m_output; }
    [[nodiscard]] pid_t daemonPid() const { return m_pid; }
    [[nodiscard]] const std::filesystem::path &mountpoint() const { return m_mountpoint; }
    [[nodiscard]] const std::filesystem::path &backing() const { return m_backing; }
    [[nodiscard]] const std::filesystem::path &control() const { return m_control; }
    [[nodiscard]] std::filesystem::path operator/(const std::string &name) const { return m_mountpoint / name; }

    /// `spillway-labfs ctl <control> <words...>`
    [[nodiscard]] ProcessResult ctl(const std::vector<std::string> &words) const
    {
        std::vector<std::string> argv{kLabfsBinary, "ctl", m_control.string()};
        argv.insert(argv.end(), words.begin(), words.end());
        return runProcess(argv);
    }

    /// "used" of a status reply (-1 when there is no answer).
    [[nodiscard]] std::int64_t used() const
    {
        const std::string json = ctl({"status"}).out;
        const auto at = json.find("\"used\":");
        return at == std::string::npos ? -1 : std::stoll(json.substr(at + 7));
    }

    /// Unmounts (lazily, so open files cannot block it) and waits until the
    /// daemon is gone. Idempotent. Returns whether the daemon exited by itself.
    bool unmount()
    {
        if (m_exitCode != 0 || m_unmounted)
            return m_cleanExit;
        m_unmounted = true;
        (void)runProcess({"fusermount3", "-u", "-z", m_mountpoint.string()});
        m_cleanExit = waitGone(m_pid, std::chrono::seconds(20));
        if (!m_cleanExit && m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            (void)waitGone(m_pid, std::chrono::seconds(5));
        }
        return m_cleanExit;
    }

    /// Whether `pid` no longer runs: reaped here (we are its subreaper), or
    /// absent, or a zombie waiting for another parent.
    static bool processGone(pid_t pid)
    {
        int status = 0;
        const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
        if (reaped == pid)
            return true;
        if (reaped == 0)
            return false;
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string line;
        if (!std::getline(stat, line))
            return true;
        const auto close = line.rfind(')');
        return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
    }

    static bool waitGone(pid_t pid, std::chrono::milliseconds timeout)
    {
        if (pid <= 0)
            return false;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!processGone(pid)) {
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return true;
    }

    /// The "pid" of a status reply, 0 when there is none.
    static pid_t pidFromStatus(const std::string &json)
    {
        const auto at = json.find("\"pid\":");
        return at == std::string::npos ? 0 : static_cast<pid_t>(std::stol(json.substr(at + 6)));
    }

private:
    std::filesystem::path m_mountpoint;
    std::filesystem::path m_backing;
    std::filesystem::path m_control;
    std::string m_output;
    int m_exitCode = -1;
    pid_t m_pid = 0;
    bool m_unmounted = false;
    bool m_cleanExit = false;
};

} // namespace spillway::test

/// Skips the rest of a test case, with a visible warning, when FUSE cannot
/// mount here (spillway-labfs exit 3); fails it when the mount failed for
/// any other reason.
#define SPILLWAY_REQUIRE_LAB_DISK(disk)                                                                                \
    do {                                                                                                               \
        if (!(disk).mounted()) {                                                                                       \
            if ((disk).fuseUnavailable()) {                                                                            \
                WARN("SKIPPED: FUSE is unavailable here, the lab disk test does not run: " << (disk).output());        \
                return;                                                                                                \
            }                                                                                                          \
            FAIL("spillway-labfs mount failed: " << (disk).output());                                                  \
        }                                                                                                              \
    } while (false)
