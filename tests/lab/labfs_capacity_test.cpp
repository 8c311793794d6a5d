// SPDX-License-Identifier: GPL-3.0-or-later
// A real 16 MiB lab disk: statvfs shows the capacity, writes stop with
// ENOSPC at the limit and keep what fit, deleting frees the space, a file
// deleted while open keeps its blocks until it is closed, and a sparse
// preallocation costs nothing until written.
#include "tests/lab/lab_disk.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <thread>
#include <unistd.h>

using spillway::test::LabDisk;
using spillway::test::TempDir;

namespace {

constexpr std::int64_t kCapacity = 16 << 20;
constexpr std::int64_t kBlock = 4096;

char patternAt(std::int64_t pos) { return static_cast<char>('a' + pos % 23); }

} // namespace

TEST_CASE("labfs statvfs reports the capacity in 4 KiB blocks", "[labfs][mount]")
{
    TempDir dir;
    LabDisk disk(dir.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);

    struct statvfs sv {};
    REQUIRE(::statvfs(disk.mountpoint().c_str(), &sv) == 0);
    CHECK(sv.f_bsize == 4096);
    CHECK(sv.f_frsize == 4096);
    CHECK(sv.f_blocks == kCapacity / kBlock);
    CHECK(sv.f_bfree == sv.f_bavail);
    CHECK(static_cast<std::int64_t>(sv.f_bfree) == (kCapacity - disk.used()) / kBlock);
    CHECK(sv.f_files > sv.f_ffree);

    const auto status = disk.ctl({"status"});
    CHECK(status.exitCode == 0);
    CHECK(status.out.find(R"("name":"data0","mode":"healthy","slow_ms":0,"capacity":16777216,)") != std::string::npos);
    CHECK(status.out.find(R"("mountpoint":")" + disk.mountpoint().string() + "\"") != std::string::npos);
    CHECK(status.out.find(R"("backing":")" + disk.backing().string() + "\"") != std::string::npos);
}

TEST_CASE("labfs writes stop with ENOSPC at the capacity and deleting frees the space", "[labfs][mount]")
{
    TempDir dir;
    LabDisk disk(dir.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    struct statvfs before {};
    REQUIRE(::statvfs(disk.mountpoint().c_str(), &before) == 0);
    const std::int64_t usedBefore = disk.used();

    const auto file = disk / "fill";
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    std::string chunk(1 << 20, '\0');
    std::int64_t written = 0;
    int err = 0;
    for (int i = 0; i < 64 && err == 0; ++i) {
        for (std::size_t k = 0; k < chunk.size(); ++k)
            chunk[k] = patternAt(written + static_cast<std::int64_t>(k));
        std::size_t done = 0;
        while (done < chunk.size()) {
            const ssize_t n = ::write(fd, chunk.data() + done, chunk.size() - done);
            if (n < 0) {
                err = errno;
                break;
            }
            done += static_cast<std::size_t>(n);
            written += n;
        }
    }
    CHECK(err == ENOSPC);
    // Everything up to the last whole free block was written; nothing past the capacity.
    CHECK(written <= kCapacity - usedBefore - 256);
    CHECK(written >= kCapacity - 64 * 1024);
    CHECK(::write(fd, "x", 1) == -1);
    CHECK(errno == ENOSPC);
    CHECK(::fsync(fd) == 0);
    ::close(fd);

    struct stat backing {};
    REQUIRE(::stat((disk.backing() / "fill").c_str(), &backing) == 0);
    CHECK(backing.st_size == written);
    CHECK(disk.used() <= kCapacity);
    struct statvfs full {};
    REQUIRE(::statvfs(disk.mountpoint().c_str(), &full) == 0);
    CHECK(full.f_bavail == 0);
    CHECK(::mkdir((disk / "more").c_str(), 0755) == -1);
    CHECK(errno == ENOSPC);

    // The data before the limit reads back intact.
    const int rfd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(rfd >= 0);
    std::string back(1 << 20, '\0');
    std::int64_t pos = 0;
    bool same = true;
    while (pos < written) {
        const ssize_t n = ::pread(rfd, back.data(), back.size(), pos);
        REQUIRE(n > 0);
        for (ssize_t k = 0; k < n && same; ++k)
            same = back[static_cast<std::size_t>(k)] == patternAt(pos + k);
        pos += n;
    }
    ::close(rfd);
    CHECK(same);
    CHECK(pos == written);

    // Delete: the space is back, and a new file takes it.
    REQUIRE(::unlink(file.c_str()) == 0);
    CHECK(disk.used() == usedBefore);
    struct statvfs after {};
    REQUIRE(::statvfs(disk.mountpoint().c_str(), &after) == 0);
    CHECK(after.f_bfree == before.f_bfree);
    const int again = ::open((disk / "again").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(again >= 0);
    const std::string eight(8 << 20, 'z');
    CHECK(::write(again, eight.data(), eight.size()) == static_cast<ssize_t>(eight.size()));
    CHECK(::fdatasync(again) == 0);
    ::close(again);
    CHECK(disk.unmount()); // the daemon ends by itself
}

TEST_CASE("labfs keeps the blocks of a file deleted while open until its last close", "[labfs][mount]")
{
    TempDir dir;
    LabDisk disk(dir.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    const std::int64_t empty = disk.used();
    const int fd = ::open((disk / "segment.log").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    const std::string data(4 << 20, 's');
    REQUIRE(::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
    const std::int64_t withFile = disk.used();
    CHECK(withFile >= empty + static_cast<std::int64_t>(data.size()));

    REQUIRE(::unlink((disk / "segment.log").c_str()) == 0);
    CHECK(disk.used() == withFile); // as df shows on a real disk
    char c = 0;
    CHECK(::pread(fd, &c, 1, 4096) == 1);
    CHECK(c == 's');
    ::close(fd);
    // release reaches the daemon right after close returns; poll briefly for it.
    std::int64_t now = disk.used();
    for (int i = 0; i < 1000 && now != empty; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        now = disk.used();
    }
    CHECK(now == empty);
}

TEST_CASE("labfs sparse preallocation costs nothing until it is written", "[labfs][mount]")
{
    TempDir dir;
    LabDisk disk(dir.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    const int fd = ::open((disk / "00000000000000000000.index").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    const std::int64_t empty = disk.used();
    // Kafka preallocates each active index to log.index.size.max.bytes (10 MiB) with setLength.
    REQUIRE(::ftruncate(fd, 10 << 20) == 0);
    struct stat st {};
    REQUIRE(::fstat(fd, &st) == 0);
    CHECK(st.st_size == 10 << 20);
    CHECK(disk.used() == empty);
    // Writing into the hole allocates, up to the capacity.
    const std::string entry(8, 'e');
    REQUIRE(::pwrite(fd, entry.data(), entry.size(), 5 << 20) == 8);
    CHECK(disk.used() == empty + kBlock);
    // Filling the preallocated file and beyond runs into ENOSPC like any write.
    const std::string big(20 << 20, 'f');
    const ssize_t n = ::pwrite(fd, big.data(), big.size(), 0);
    CHECK(n > 0);
    CHECK(n < static_cast<ssize_t>(big.size()));
    CHECK(::pwrite(fd, big.data(), big.size(), n) == -1);
    CHECK(errno == ENOSPC);
    CHECK(disk.used() <= kCapacity);
    // Trimming at roll-over frees what lies past the new size.
    REQUIRE(::ftruncate(fd, 8192) == 0);
    CHECK(disk.used() == empty + 2 * kBlock);
    ::close(fd);
}
