// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/fileio.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

using namespace spillway::core;
using spillway::test::TempDir;

TEST_CASE("writeFileAtomic replaces a file and leaves no temp behind", "[common][fileio]")
{
    TempDir dir;
    const auto file = dir / "recovery-point-offset-checkpoint";
    REQUIRE(writeFileAtomic(file, "0\n0\n").ok());
    REQUIRE(writeFileAtomic(file, "0\n1\nt 0 5\n").ok());
    auto text = readFile(file);
    REQUIRE(text.ok());
    CHECK(*text == "0\n1\nt 0 5\n");
    CHECK_FALSE(std::filesystem::exists(dir / "recovery-point-offset-checkpoint.tmp"));
}

TEST_CASE("writeFileAtomic into a missing directory fails with a clear error", "[common][fileio]")
{
    TempDir dir;
    auto st = writeFileAtomic(dir / "missing" / "file", "x");
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == Errc::NotFound);
    CHECK(st.error().message.find("missing/file.tmp") != std::string::npos);
}

TEST_CASE("readFile of a missing file names the file", "[common][fileio]")
{
    TempDir dir;
    auto r = readFile(dir / "nope");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::NotFound);
    CHECK(r.error().message.find("nope") != std::string::npos);
}

TEST_CASE("MappedFile maps bytes and empty files", "[common][fileio]")
{
    TempDir dir;
    REQUIRE(writeFileAtomic(dir / "a", "hello").ok());
    REQUIRE(writeFileAtomic(dir / "empty", "").ok());
    auto a = MappedFile::open(dir / "a");
    REQUIRE(a.ok());
    CHECK(a->size() == 5);
    CHECK(static_cast<char>(a->bytes()[4]) == 'o');
    auto e = MappedFile::open(dir / "empty");
    REQUIRE(e.ok());
    CHECK(e->size() == 0);
    CHECK(e->bytes().empty());
}

TEST_CASE("isFileLockedByOtherProcess sees a lock held by another process", "[common][fileio]")
{
    TempDir dir;
    const auto lock = dir / ".lock";
    CHECK(isFileLockedByOtherProcess(lock).value() == false); // missing file
    REQUIRE(writeFileAtomic(lock, "").ok());
    CHECK(isFileLockedByOtherProcess(lock).value() == false);

    int ready[2];
    int release[2];
    REQUIRE(::pipe(ready) == 0);
    REQUIRE(::pipe(release) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // Hold the lock the way a JVM's FileChannel.tryLock() does: fcntl F_SETLK.
        const int fd = ::open(lock.c_str(), O_RDWR);
        struct flock fl {};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        const int rc = ::fcntl(fd, F_SETLK, &fl);
        char c = rc == 0 ? 'y' : 'n';
        (void)!::write(ready[1], &c, 1);
        (void)!::read(release[0], &c, 1);
        ::_exit(0);
    }
    char c = 0;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    REQUIRE(c == 'y');
    CHECK(isFileLockedByOtherProcess(lock).value() == true);
    (void)!::write(release[1], &c, 1);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(isFileLockedByOtherProcess(lock).value() == false);
    for (int fd : {ready[0], ready[1], release[0], release[1]})
        ::close(fd);
}
