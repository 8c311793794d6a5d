// SPDX-License-Identifier: GPL-3.0-or-later
// What a Kafka log dir does on a lab disk: pwrite at offsets, truncate both
// ways, fsync, rename over a file and of a directory, readdir, utimens,
// chmod, mmap reads, flock and fcntl locks on `.lock`, files past 4 GiB;
// and what a lab disk refuses so that nothing leads out of its backing dir.
#include "core/common/fileio.h"
#include "tests/lab/lab_disk.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <set>
#include <string>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using spillway::test::LabDisk;
using spillway::test::runProcess;
using spillway::test::TempDir;

namespace {

std::string readAll(const std::filesystem::path &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return "<open failed: " + std::string(std::strerror(errno)) + ">";
    std::string out;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0)
        out.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return out;
}

void writeFile(const std::filesystem::path &path, const std::string &data)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
    REQUIRE(::close(fd) == 0);
}

std::set<std::string> list(const std::filesystem::path &dir)
{
    std::set<std::string> names;
    DIR *d = ::opendir(dir.c_str());
    REQUIRE(d != nullptr);
    while (const dirent *e = ::readdir(d)) {
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
            names.insert(e->d_name);
    }
    ::closedir(d);
    return names;
}

/// Runs `check` in a child process (another lock owner) and returns its exit code.
template <class Check>
int inChild(Check check)
{
    const pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(check());
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

TEST_CASE("labfs serves the file operations of a Kafka log dir", "[labfs][posix]")
{
    TempDir dir;
    LabDisk disk(dir.path(), "data0", "64M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    const auto part = disk / "orders-0";
    REQUIRE(::mkdir(part.c_str(), 0755) == 0);

    SECTION("pwrite at offsets, fsync and fdatasync")
    {
        const int fd = ::open((part / "00000000000000000000.log").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        REQUIRE(fd >= 0);
        REQUIRE(::pwrite(fd, "head", 4, 0) == 4);
        REQUIRE(::pwrite(fd, "tail", 4, 10000) == 4);
        CHECK(::fdatasync(fd) == 0);
        CHECK(::fsync(fd) == 0);
        struct stat st {};
        REQUIRE(::fstat(fd, &st) == 0);
        CHECK(st.st_size == 10004);
        char buf[4];
        REQUIRE(::pread(fd, buf, 4, 10000) == 4);
        CHECK(std::string(buf, 4) == "tail");
        REQUIRE(::pread(fd, buf, 4, 5000) == 4);
        CHECK(std::string(buf, 4) == std::string(4, '\0'));
        const int dfd = ::open(part.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        REQUIRE(dfd >= 0);
        CHECK(::fsync(dfd) == 0);
        ::close(dfd);
        ::close(fd);
    }
    SECTION("O_APPEND appends")
    {
        writeFile(part / "leader-epoch-checkpoint", "0\n");
        const int fd = ::open((part / "leader-epoch-checkpoint").c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, "1\n", 2) == 2);
        ::close(fd);
        CHECK(readAll(part / "leader-epoch-checkpoint") == "0\n1\n");
    }
    SECTION("ftruncate and truncate grow and shrink")
    {
        const auto index = part / "00000000000000000000.index";
        const int fd = ::open(index.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        REQUIRE(fd >= 0);
        REQUIRE(::ftruncate(fd, 10 << 20) == 0);
        REQUIRE(::pwrite(fd, "entry___", 8, 0) == 8);
        REQUIRE(::ftruncate(fd, 8) == 0);
        struct stat st {};
        REQUIRE(::fstat(fd, &st) == 0);
        CHECK(st.st_size == 8);
        ::close(fd);
        REQUIRE(::truncate(index.c_str(), 4) == 0);
        CHECK(readAll(index) == "entr");
        // O_TRUNC on open empties it.
        const int again = ::open(index.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
        REQUIRE(again >= 0);
        ::close(again);
        CHECK(readAll(index).empty());
    }
    SECTION("rename over an existing file replaces it and frees its space")
    {
        writeFile(part / "recovery-point-offset-checkpoint", std::string(1 << 20, 'o'));
        writeFile(part / "recovery-point-offset-checkpoint.tmp", "0\n1\norders 0 42\n");
        const std::int64_t usedWithBoth = disk.used();
        REQUIRE(::rename((part / "recovery-point-offset-checkpoint.tmp").c_str(),
                         (part / "recovery-point-offset-checkpoint").c_str()) == 0);
        CHECK(readAll(part / "recovery-point-offset-checkpoint") == "0\n1\norders 0 42\n");
        CHECK(list(part) == std::set<std::string>{"recovery-point-offset-checkpoint"});
        CHECK(disk.used() <= usedWithBoth - (1 << 20)); // the replaced file's blocks are free
        // Through the library the broker uses: temp file, fsync, rename, dir fsync.
        REQUIRE(spillway::core::writeFileAtomic(part / "meta.properties", "version=0\n").ok());
        CHECK(readAll(part / "meta.properties") == "version=0\n");
    }
    SECTION("a directory rename keeps open files working")
    {
        const int fd = ::open((part / "00000000000000000000.log").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, "before", 6) == 6);
        // Kafka renames a deleted partition to <topic>-<partition>.<id>-delete.
        const auto renamed = disk / "orders-0.8f2c5e1d0a3b4c6d-delete";
        REQUIRE(::rename(part.c_str(), renamed.c_str()) == 0);
        REQUIRE(::write(fd, "+after", 6) == 6);
        ::close(fd);
        CHECK(readAll(renamed / "00000000000000000000.log") == "before+after");
        CHECK(list(disk.mountpoint()) == std::set<std::string>{"orders-0.8f2c5e1d0a3b4c6d-delete"});
        REQUIRE(::unlink((renamed / "00000000000000000000.log").c_str()) == 0);
        REQUIRE(::rmdir(renamed.c_str()) == 0);
        CHECK(list(disk.mountpoint()).empty());
    }
    SECTION("readdir lists every entry")
    {
        std::set<std::string> expected;
        for (int i = 0; i < 300; ++i) {
            char name[32];
            std::snprintf(name, sizeof name, "%020d.log", i * 1000);
            writeFile(part / name, "");
            expected.insert(name);
        }
        CHECK(list(part) == expected);
    }
    SECTION("utimens and chmod")
    {
        writeFile(part / "f", "x");
        const timespec times[2] = {{1700000000, 0}, {1700000123, 456}};
        REQUIRE(::utimensat(AT_FDCWD, (part / "f").c_str(), times, 0) == 0);
        REQUIRE(::chmod((part / "f").c_str(), 0600) == 0);
        struct stat st {};
        REQUIRE(::stat((part / "f").c_str(), &st) == 0);
        CHECK(st.st_mtim.tv_sec == 1700000123);
        CHECK(st.st_mtim.tv_nsec == 456);
        CHECK((st.st_mode & 07777) == 0600);
    }
    SECTION("mmap reads the file")
    {
        std::string data(256 * 1024, '\0');
        for (std::size_t i = 0; i < data.size(); ++i)
            data[i] = static_cast<char>(i * 7);
        writeFile(part / "00000000000000000000.timeindex", data);
        const int fd = ::open((part / "00000000000000000000.timeindex").c_str(), O_RDONLY | O_CLOEXEC);
        REQUIRE(fd >= 0);
        void *map = ::mmap(nullptr, data.size(), PROT_READ, MAP_SHARED, fd, 0);
        REQUIRE(map != MAP_FAILED);
        CHECK(std::memcmp(map, data.data(), data.size()) == 0);
        ::munmap(map, data.size());
        ::close(fd);
        // The index reader's own mapping.
        auto mapped = spillway::core::MappedFile::open(part / "00000000000000000000.timeindex");
        REQUIRE(mapped.ok());
        REQUIRE(mapped->size() == data.size());
        CHECK(std::memcmp(mapped->bytes().data(), data.data(), data.size()) == 0);
    }
    SECTION("flock and fcntl locks on .lock exclude other owners")
    {
        const auto lockFile = disk / ".lock";
        const int fd = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        REQUIRE(fd >= 0);
        // flock: another open file description cannot take it.
        REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
        const int other = ::open(lockFile.c_str(), O_RDWR | O_CLOEXEC);
        REQUIRE(other >= 0);
        CHECK(::flock(other, LOCK_EX | LOCK_NB) == -1);
        CHECK(errno == EWOULDBLOCK);
        ::close(other);
        REQUIRE(::flock(fd, LOCK_UN) == 0);

        // fcntl (what Kafka's FileChannel.tryLock and our LogDirLock use): another process is refused.
        struct flock fl {};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        REQUIRE(::fcntl(fd, F_SETLK, &fl) == 0);
        const pid_t me = ::getpid();
        const int child = inChild([&] {
            const int cfd = ::open(lockFile.c_str(), O_RDWR | O_CLOEXEC);
            if (cfd < 0)
                return 10;
            struct flock try_ {};
            try_.l_type = F_WRLCK;
            try_.l_whence = SEEK_SET;
            if (::fcntl(cfd, F_SETLK, &try_) == 0)
                return 11; // took a lock the parent holds
            if (errno != EAGAIN && errno != EACCES)
                return 12;
            struct flock who {};
            who.l_type = F_WRLCK;
            who.l_whence = SEEK_SET;
            if (::fcntl(cfd, F_GETLK, &who) != 0 || who.l_type == F_UNLCK || who.l_pid != me)
                return 13;
            return 0;
        });
        CHECK(child == 0);
        auto lockedByOther = spillway::core::isFileLockedByOtherProcess(lockFile);
        REQUIRE(lockedByOther.ok());
        CHECK_FALSE(*lockedByOther); // our own lock, seen from our own process
        ::close(fd);                 // closing drops the POSIX lock
        const int after = inChild([&] {
            const int cfd = ::open(lockFile.c_str(), O_RDWR | O_CLOEXEC);
            struct flock try_ {};
            try_.l_type = F_WRLCK;
            try_.l_whence = SEEK_SET;
            return cfd >= 0 && ::fcntl(cfd, F_SETLK, &try_) == 0 ? 0 : 1;
        });
        CHECK(after == 0);
    }
    SECTION("files larger than 4 GiB")
    {
        const auto big = part / "00000000004294967296.log";
        const int fd = ::open(big.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        REQUIRE(fd >= 0);
        const off_t far = (5LL << 30) + 123;
        REQUIRE(::pwrite(fd, "far away", 8, far) == 8);
        char buf[8];
        REQUIRE(::pread(fd, buf, 8, far) == 8);
        CHECK(std::string(buf, 8) == "far away");
        struct stat st {};
        REQUIRE(::fstat(fd, &st) == 0);
        CHECK(st.st_size == far + 8);
        ::close(fd);
    }
}

TEST_CASE("labfs refuses symlinks, hard links and special files so nothing leads out of the backing dir",
          "[labfs][posix][security]")
{
    TempDir dir;
    std::filesystem::create_directories(dir / "outside");
    writeFile(dir / "outside" / "secret", "do not read");
    LabDisk disk(dir.path(), "data0", "16M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    writeFile(disk / "file", "inside");

    CHECK(::symlink((dir / "outside" / "secret").c_str(), (disk / "link").c_str()) == -1);
    CHECK(errno == EPERM);
    CHECK(::link((disk / "file").c_str(), (disk / "hard").c_str()) == -1);
    CHECK(errno == EPERM);
    CHECK(::mkfifo((disk / "fifo").c_str(), 0644) == -1);
    CHECK(errno == EPERM);

    // A symlink planted in the backing dir is shown but never followed.
    REQUIRE(::symlink((dir / "outside").c_str(), (disk.backing() / "escape").c_str()) == 0);
    REQUIRE(::symlink((dir / "outside" / "secret").c_str(), (disk.backing() / "escape-file").c_str()) == 0);
    CHECK(readAll(disk / "escape" / "secret").rfind("<open failed", 0) == 0);
    CHECK(readAll(disk / "escape-file").rfind("<open failed", 0) == 0);
    char target[256];
    CHECK(::readlink((disk / "escape").c_str(), target, sizeof target) == -1);
    struct stat st {};
    CHECK(::stat((disk / "escape" / "secret").c_str(), &st) == -1);
    REQUIRE(::lstat((disk / "escape").c_str(), &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
    // It can be removed through the disk.
    CHECK(::unlink((disk / "escape").c_str()) == 0);
    CHECK(readAll(dir / "outside" / "secret") == "do not read");
    CHECK(list(disk.mountpoint()) == std::set<std::string>{"escape-file", "file"});
}

// Regression: readdir replied while still holding its directory handle's
// mutex, so a program that closed the directory as soon as it had the reply
// let releasedir free the handle under the worker, whose unlock then wrote
// into freed memory (later an InodeTable map node: segfaults in lookups and
// at exit). Many threads reading, closing, looking up, creating, renaming and
// unlinking at once; the daemon must stay up, see every stable file each
// time, answer status and exit cleanly when unmounted.
TEST_CASE("labfs survives many threads reading directories while others create rename and unlink",
          "[labfs][posix][stress]")
{
    TempDir dir;
    LabDisk disk(dir.path(), "data0", "64M");
    SPILLWAY_REQUIRE_LAB_DISK(disk);
    const auto part = disk / "orders-0";
    REQUIRE(::mkdir(part.c_str(), 0755) == 0);
    constexpr int kStable = 24;
    for (int i = 0; i < kStable; ++i)
        writeFile(part / ("stable-" + std::to_string(i)), "x");

    constexpr int kReaders = 8;
    constexpr int kChurners = 4;
    constexpr int kRounds = 4000;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kReaders; ++t) {
        threads.emplace_back([&] {
            for (int round = 0; round < kRounds; ++round) {
                DIR *d = ::opendir(part.c_str());
                if (d == nullptr) {
                    ++failures;
                    continue;
                }
                int stable = 0;
                while (const dirent *e = ::readdir(d)) {
                    if (std::strncmp(e->d_name, "stable-", 7) == 0)
                        ++stable;
                }
                ::closedir(d); // at once: releasedir races the end of the last readdir
                if (stable != kStable)
                    ++failures;
                struct stat st {};
                const auto name = part / ("stable-" + std::to_string(round % kStable));
                if (::stat(name.c_str(), &st) != 0 || st.st_size != 1)
                    ++failures;
            }
        });
    }
    for (int t = 0; t < kChurners; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < kRounds / 4; ++round) {
                // A new name each round: new inodes for the table, forgotten after the unlink.
                const auto a = part / ("churn-" + std::to_string(t) + "-" + std::to_string(round));
                const auto b = part / ("churn-" + std::to_string(t) + "-" + std::to_string(round) + ".renamed");
                const int fd = ::open(a.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                if (fd < 0) {
                    ++failures;
                    continue;
                }
                if (::write(fd, "data", 4) != 4)
                    ++failures;
                ::close(fd);
                struct stat st {};
                if (::rename(a.c_str(), b.c_str()) != 0 || ::stat(b.c_str(), &st) != 0 || st.st_size != 4 ||
                    ::unlink(b.c_str()) != 0)
                    ++failures;
            }
        });
    }
    for (auto &thread : threads)
        thread.join();
    CHECK(failures.load() == 0);
    CHECK(list(part).size() == static_cast<std::size_t>(kStable));

    const auto status = disk.ctl({"status"});
    CHECK(status.exitCode == 0);
    CHECK(LabDisk::pidFromStatus(status.out) == disk.daemonPid());

    // The daemon must also exit cleanly (its InodeTable destroyed intact):
    // reap it here (we are its subreaper) to see how it ended.
    const pid_t pid = disk.daemonPid();
    REQUIRE(pid > 0);
    REQUIRE(runProcess({"fusermount3", "-u", "-z", disk.mountpoint().string()}).exitCode == 0);
    int wstatus = 0;
    pid_t reaped = 0;
    for (int i = 0; i < 2000 && reaped == 0; ++i) {
        reaped = ::waitpid(pid, &wstatus, WNOHANG);
        if (reaped == 0)
            ::usleep(10000);
    }
    REQUIRE(reaped == pid);
    CHECK(WIFEXITED(wstatus));
    CHECK((WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1) == 0);
}
