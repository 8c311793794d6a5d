// SPDX-License-Identifier: GPL-3.0-or-later
// The spillway-labfs command line as `spillway-cli lab` uses it: mount
// returns once the disk is usable, unmounting ends the daemon and removes
// its control socket, bad mounts fail with a message, and where FUSE is
// unavailable mount and probe exit 3 so that callers fall back.
#include "tests/lab/lab_disk.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace spillway::test;

namespace {

bool isMountPoint(const std::filesystem::path &dir)
{
    std::ifstream mounts("/proc/self/mountinfo");
    std::string line;
    const std::string needle = " " + dir.string() + " ";
    while (std::getline(mounts, line)) {
        if (line.find(needle) != std::string::npos)
            return true;
    }
    return false;
}

/// Lazily unmounts `dir` on scope exit (for mounts that LabDisk does not own).
struct UnmountGuard {
    std::filesystem::path dir;
    ~UnmountGuard() { (void)runProcess({"fusermount3", "-u", "-z", dir.string()}); }
};

/// Runs `argv` in a private mount namespace where /dev/fuse is an empty
/// regular file, as on a machine without FUSE. Output goes to `outFile`.
/// Returns the exit code, or -2 when this process may not make namespaces.
int runWithoutFuse(const std::vector<std::string> &argv, const std::filesystem::path &fakeDevice,
                   const std::filesystem::path &outFile)
{
    std::vector<char *> args;
    for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
            ::mount(fakeDevice.c_str(), "/dev/fuse", nullptr, MS_BIND, nullptr) != 0)
            ::_exit(99);
        const int out = ::open(outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(out, STDERR_FILENO);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return code == 99 ? -2 : code;
}

} // namespace

TEST_CASE("labfs unmount ends the daemon and removes the control socket", "[labfs][lifecycle]")
{
    TempDir dir;
    LabDisk disk(dir.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    CHECK(disk.output().find("data0 mounted on " + disk.mountpoint().string()) != std::string::npos);
    REQUIRE(disk.daemonPid() > 0);
    CHECK(std::filesystem::exists(disk.control()));
    CHECK(isMountPoint(disk.mountpoint()));
    // Usable as soon as mount returned.
    std::ofstream(disk / "hello") << "world";
    CHECK(slurp((disk.backing() / "hello").string()) == "world");

    const auto r = runProcess({"fusermount3", "-u", disk.mountpoint().string()});
    REQUIRE(r.exitCode == 0);
    CHECK(LabDisk::waitGone(disk.daemonPid(), std::chrono::seconds(20)));
    CHECK_FALSE(std::filesystem::exists(disk.control()));
    CHECK_FALSE(isMountPoint(disk.mountpoint()));
    const auto gone = disk.ctl({"status"});
    CHECK(gone.exitCode == 2);
    CHECK(gone.out.find("cannot connect to the control socket") != std::string::npos);
    // The data stays in the backing dir for the next mount.
    CHECK(slurp((disk.backing() / "hello").string()) == "world");
}

TEST_CASE("labfs failed disk with an open file unmounts lazily", "[labfs][lifecycle]")
{
    TempDir dir;
    LabDisk disk(dir.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    const int fd = ::open((disk / "segment.log").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(disk.ctl({"fail"}).exitCode == 0);
    CHECK(runProcess({"fusermount3", "-u", disk.mountpoint().string()}).exitCode != 0); // busy
    CHECK(runProcess({"fusermount3", "-u", "-z", disk.mountpoint().string()}).exitCode == 0);
    CHECK_FALSE(isMountPoint(disk.mountpoint()));
    ::close(fd); // the last reference: now the daemon ends
    CHECK(LabDisk::waitGone(disk.daemonPid(), std::chrono::seconds(20)));
    CHECK_FALSE(std::filesystem::exists(disk.control()));
}

TEST_CASE("labfs mount in the foreground serves until SIGTERM", "[labfs][lifecycle]")
{
    TempDir dir;
    std::filesystem::create_directories(dir / "fg");
    std::filesystem::create_directories(dir / "fg.backing");
    UnmountGuard guard{dir / "fg"};
    BackgroundProcess fg({kLabfsBinary, "mount", "--foreground", "--backing", (dir / "fg.backing").string(),
                          "--mountpoint", (dir / "fg").string(), "--capacity=1GiB", "--control",
                          (dir / "fg.sock").string()},
                         (dir / "fg.log").string());
    ProcessResult status;
    for (int i = 0; i < 500 && status.exitCode != 0 && fg.running(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        status = runProcess({kLabfsBinary, "ctl", (dir / "fg.sock").string(), "status"});
    }
    if (status.exitCode != 0 && slurp((dir / "fg.log").string()).find("FUSE unavailable") != std::string::npos) {
        WARN("SKIPPED: FUSE is unavailable here: " << slurp((dir / "fg.log").string()));
        return;
    }
    REQUIRE(status.exitCode == 0);
    CHECK(status.out.find(R"("name":"fg","mode":"healthy","slow_ms":0,"capacity":1073741824,)") != std::string::npos);
    CHECK(LabDisk::pidFromStatus(status.out) == fg.pid());
    std::ofstream(dir / "fg" / "x") << "y";
    CHECK(slurp((dir / "fg.backing" / "x").string()) == "y");

    const int wait = fg.stop(SIGTERM, std::chrono::seconds(20));
    CHECK(WIFEXITED(wait));
    CHECK(WEXITSTATUS(wait) == 0);
    CHECK_FALSE(isMountPoint(dir / "fg"));
    CHECK_FALSE(std::filesystem::exists(dir / "fg.sock"));
    CHECK(slurp((dir / "fg.log").string()).find("fg mounted on") != std::string::npos);
}

TEST_CASE("labfs mount refuses bad mountpoints, sizes and a busy control socket", "[labfs][lifecycle]")
{
    TempDir dir;
    std::filesystem::create_directories(dir / "b");
    std::filesystem::create_directories(dir / "full");
    std::ofstream(dir / "full" / "file") << "x";

    auto missing = runProcess({kLabfsBinary, "mount", "--backing", (dir / "b").string(), "--mountpoint",
                               (dir / "nope").string(), "--capacity", "16M"});
    CHECK(missing.exitCode == 1);
    CHECK(missing.out.find("mountpoint " + (dir / "nope").string() + " does not exist") != std::string::npos);

    auto full = runProcess({kLabfsBinary, "mount", "--backing", (dir / "b").string(), "--mountpoint",
                            (dir / "full").string(), "--capacity", "16M"});
    CHECK(full.exitCode == 1);
    CHECK(full.out.find("is not empty") != std::string::npos);

    auto size = runProcess({kLabfsBinary, "mount", "--backing", (dir / "b").string(), "--mountpoint",
                            (dir / "m").string(), "--capacity", "lots"});
    CHECK(size.exitCode == 2);
    CHECK(size.out.find("invalid size 'lots'") != std::string::npos);
    CHECK(runProcess({kLabfsBinary, "mount", "--backing", (dir / "b").string()}).exitCode == 2);
    CHECK(runProcess({kLabfsBinary, "frobnicate"}).exitCode == 2);
    CHECK(runProcess({kLabfsBinary, "ctl", (dir / "b.ctl").string(), "explode"}).exitCode == 2);
    CHECK(runProcess({kLabfsBinary, "ctl", (dir / "b.ctl").string(), "status"}).exitCode == 2);

    LabDisk disk(dir.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    std::filesystem::create_directories(dir / "second");
    auto twice = runProcess({kLabfsBinary, "mount", "--backing", disk.backing().string(), "--mountpoint",
                             (dir / "second").string(), "--capacity", "16M"});
    CHECK(twice.exitCode == 1);
    CHECK(twice.out.find("is in use by a running spillway-labfs") != std::string::npos);
    CHECK_FALSE(isMountPoint(dir / "second"));
    CHECK(disk.ctl({"status"}).exitCode == 0);
}

TEST_CASE("labfs probe and mount exit 3 where FUSE is unavailable", "[labfs][lifecycle]")
{
    TempDir dir;
    const auto probe = runProcess({kLabfsBinary, "probe"});
    if (probe.exitCode == 3) {
        WARN("SKIPPED: FUSE is unavailable here: " << probe.out);
        return;
    }
    REQUIRE(probe.exitCode == 0);
    CHECK(probe.out.find("FUSE available") != std::string::npos);

    // The same binaries on a machine without FUSE (a namespace where /dev/fuse is no device).
    std::ofstream(dir / "not-a-device").flush();
    std::filesystem::create_directories(dir / "b");
    std::filesystem::create_directories(dir / "m");
    const int noFuse = runWithoutFuse({kLabfsBinary, "probe"}, dir / "not-a-device", dir / "probe.out");
    if (noFuse == -2) {
        WARN("SKIPPED: cannot create a mount namespace here (not root?)");
        return;
    }
    CHECK(noFuse == 3);
    CHECK(slurp((dir / "probe.out").string()).rfind("FUSE unavailable: ", 0) == 0);
    const int mount = runWithoutFuse({kLabfsBinary, "mount", "--backing", (dir / "b").string(), "--mountpoint",
                                      (dir / "m").string(), "--capacity", "16M"},
                                     dir / "not-a-device", dir / "mount.out");
    CHECK(mount == 3);
    CHECK(slurp((dir / "mount.out").string()).find("FUSE unavailable: ") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "b.ctl"));
    if (std::filesystem::exists(dir / "b.ctl")) {
        // Mounted after all, inside the namespace, out of fusermount3's reach: stop that daemon.
        const pid_t pid =
            LabDisk::pidFromStatus(runProcess({kLabfsBinary, "ctl", (dir / "b.ctl").string(), "status"}).out);
        if (pid > 0)
            ::kill(pid, SIGTERM);
        CHECK(LabDisk::waitGone(pid, std::chrono::seconds(20)));
    }
}
