// SPDX-License-Identifier: GPL-3.0-or-later
// Faults switched at runtime through `spillway-labfs ctl`: a failed disk
// answers EIO to everything and heals; a read-only one refuses changes with
// EROFS and serves reads; a slow one delays every operation and stays correct.
#include "tests/lab/lab_disk.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

using spillway::test::LabDisk;
using spillway::test::TempDir;

namespace {

void writeFile(const std::filesystem::path &path, const std::string &data)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
    REQUIRE(::fsync(fd) == 0);
    REQUIRE(::close(fd) == 0);
}

std::string readAt(int fd, std::size_t size)
{
    std::string out(size, '\0');
    const ssize_t n = ::pread(fd, out.data(), size, 0);
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
}

/// errno of a failed call, 0 when it succeeded.
int errOf(int rc) { return rc < 0 ? errno : 0; }

} // namespace

TEST_CASE("labfs failed disk answers EIO to reads, writes and stat, then heals", "[labfs][faults]")
{
    TempDir dir;
    LabDisk disk(dir.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    const std::string data(64 * 1024, 'k');
    writeFile(disk / "00000000000000000000.log", data);
    REQUIRE(::mkdir((disk / "topic-0").c_str(), 0755) == 0);
    const int rfd = ::open((disk / "00000000000000000000.log").c_str(), O_RDONLY | O_CLOEXEC);
    const int wfd = ::open((disk / "other.log").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(rfd >= 0);
    REQUIRE(wfd >= 0);
    // Not from the page cache: the read must reach the disk.
    REQUIRE(::posix_fadvise(rfd, 0, 0, POSIX_FADV_DONTNEED) == 0);

    const auto failed = disk.ctl({"fail"});
    REQUIRE(failed.exitCode == 0);
    CHECK(failed.out.find(R"("ok":true,"name":"data0","mode":"failed")") != std::string::npos);

    char buf[16];
    CHECK(errOf(static_cast<int>(::pread(rfd, buf, sizeof buf, 0))) == EIO);
    CHECK(errOf(static_cast<int>(::write(wfd, "x", 1))) == EIO);
    CHECK(errOf(::fsync(wfd)) == EIO);
    struct stat st {};
    CHECK(errOf(::stat((disk / "00000000000000000000.log").c_str(), &st)) == EIO);
    CHECK(errOf(::stat((disk / "topic-0").c_str(), &st)) == EIO);
    CHECK(errOf(::open((disk / "00000000000000000000.log").c_str(), O_RDONLY | O_CLOEXEC)) == EIO);
    CHECK(errOf(::open((disk / "new.log").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == EIO);
    CHECK(errOf(::mkdir((disk / "topic-1").c_str(), 0755)) == EIO);
    CHECK(errOf(::unlink((disk / "other.log").c_str())) == EIO);
    struct statvfs sv {};
    CHECK(errOf(::statvfs(disk.mountpoint().c_str(), &sv)) == EIO);
    DIR *d = ::opendir(disk.mountpoint().c_str());
    CHECK(d == nullptr);
    if (d != nullptr)
        ::closedir(d);

    const auto healed = disk.ctl({"healthy"});
    REQUIRE(healed.exitCode == 0);
    CHECK(healed.out.find(R"("mode":"healthy")") != std::string::npos);
    CHECK(readAt(rfd, data.size()) == data);
    CHECK(::write(wfd, "x", 1) == 1);
    CHECK(::fsync(wfd) == 0);
    CHECK(::stat((disk / "topic-0").c_str(), &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK(::statvfs(disk.mountpoint().c_str(), &sv) == 0);
    ::close(rfd);
    ::close(wfd);
    CHECK(disk.unmount()); // the daemon ends by itself
}

TEST_CASE("labfs read-only disk refuses changes with EROFS and serves reads", "[labfs][faults]")
{
    TempDir dir;
    LabDisk disk(dir.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    writeFile(disk / "a.log", "hello");
    REQUIRE(::mkdir((disk / "d").c_str(), 0755) == 0);
    const int wfd = ::open((disk / "a.log").c_str(), O_WRONLY | O_CLOEXEC);
    REQUIRE(wfd >= 0);

    const auto ro = disk.ctl({"readonly"});
    REQUIRE(ro.exitCode == 0);
    CHECK(ro.out.find(R"("mode":"readonly")") != std::string::npos);

    const int rfd = ::open((disk / "a.log").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(rfd >= 0);
    CHECK(readAt(rfd, 100) == "hello");
    ::close(rfd);
    struct stat st {};
    CHECK(::stat((disk / "a.log").c_str(), &st) == 0);
    struct statvfs sv {};
    CHECK(::statvfs(disk.mountpoint().c_str(), &sv) == 0);

    CHECK(errOf(static_cast<int>(::write(wfd, "x", 1))) == EROFS);
    CHECK(errOf(::open((disk / "a.log").c_str(), O_WRONLY | O_CLOEXEC)) == EROFS);
    CHECK(errOf(::open((disk / "b.log").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == EROFS);
    CHECK(errOf(::mkdir((disk / "e").c_str(), 0755)) == EROFS);
    CHECK(errOf(::rmdir((disk / "d").c_str())) == EROFS);
    CHECK(errOf(::unlink((disk / "a.log").c_str())) == EROFS);
    CHECK(errOf(::rename((disk / "a.log").c_str(), (disk / "c.log").c_str())) == EROFS);
    CHECK(errOf(::truncate((disk / "a.log").c_str(), 0)) == EROFS);
    CHECK(errOf(::chmod((disk / "a.log").c_str(), 0600)) == EROFS);

    REQUIRE(disk.ctl({"healthy"}).exitCode == 0);
    CHECK(::pwrite(wfd, "J", 1, 0) == 1);
    ::close(wfd);
    const int again = ::open((disk / "a.log").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(again >= 0);
    CHECK(readAt(again, 100) == "Jello");
    ::close(again);
}

TEST_CASE("labfs slow disk delays every operation and stays correct", "[labfs][faults]")
{
    TempDir dir;
    LabDisk disk(dir.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    const auto slow = disk.ctl({"slow", "50"});
    REQUIRE(slow.exitCode == 0);
    CHECK(slow.out.find(R"("mode":"slow","slow_ms":50)") != std::string::npos);

    // statvfs always reaches the daemon, which sleeps 50 ms before answering:
    // a lower bound the implementation guarantees, however loaded the machine.
    struct statvfs sv {};
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(::statvfs(disk.mountpoint().c_str(), &sv) == 0);
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(50));

    const std::string data(256 * 1024, 'q');
    writeFile(disk / "slow.log", data);
    REQUIRE(::rename((disk / "slow.log").c_str(), (disk / "renamed.log").c_str()) == 0);
    const int fd = ::open((disk / "renamed.log").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    CHECK(readAt(fd, data.size()) == data);
    ::close(fd);

    REQUIRE(disk.ctl({"slow", "0"}).out.find(R"("mode":"healthy","slow_ms":0)") != std::string::npos);
}
