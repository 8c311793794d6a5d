// SPDX-License-Identifier: GPL-3.0-or-later
// The disk probe on real small filesystems: tmpfs mounts made by the test
// (root required, as in CI), never numbers typed in.
#include "core/measure/disk_probe.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tmpfs_mount.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>

using namespace spillway::core;
using namespace spillway::core::measure;
using spillway::test::TempDir;
using spillway::test::TmpfsMount;

namespace {

constexpr std::int64_t kMiB = std::int64_t{1} << 20;

DiskProbe systemProbe()
{
    auto probe = DiskProbe::fromSystem();
    REQUIRE(probe.ok());
    return std::move(probe).value();
}

bool onRootDevice(const std::filesystem::path &p)
{
    struct stat a {};
    struct stat b {};
    REQUIRE(::stat(p.c_str(), &a) == 0);
    REQUIRE(::stat("/", &b) == 0);
    return a.st_dev == b.st_dev;
}

void writeFile(const std::filesystem::path &file, std::size_t bytes)
{
    std::ofstream out(file, std::ios::binary);
    const std::string chunk(bytes, 'k');
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    REQUIRE(out.good());
}

} // namespace

TEST_CASE("a log dir on its own tmpfs is its own mount point with that capacity", "[measure][probe]")
{
    TempDir tmp;
    TmpfsMount disk(tmp / "data0", "8m");
    INFO(disk.error());
    REQUIRE(disk.mounted());
    std::filesystem::create_directory(tmp / "data0" / "kafka");
    const DiskProbe probe = systemProbe();

    const DirProbe p = probe.probeDir(tmp / "data0");
    CHECK(p.exists);
    CHECK(p.isDirectory);
    CHECK_FALSE(p.error.has_value());
    CHECK(p.ownMountPoint);
    CHECK_FALSE(p.rootFilesystem);
    CHECK(p.fsType == "tmpfs");
    CHECK(p.mountPoint == p.canonicalPath.string());
    REQUIRE(p.usage.has_value());
    CHECK(p.usage->capacityBytes == 8 * kMiB);
    CHECK(p.usage->freeBytes <= p.usage->capacityBytes);

    const DirProbe sub = probe.probeDir(tmp / "data0" / "kafka");
    CHECK_FALSE(sub.ownMountPoint);
    CHECK(sub.mountPoint == p.mountPoint);
    CHECK(sub.device == p.device);

    // Real bytes change the real figures.
    const std::int64_t usedBefore = p.usage->usedBytes;
    writeFile(tmp / "data0" / "kafka" / "blob", 2 * kMiB);
    const DirProbe after = probe.probeDir(tmp / "data0");
    REQUIRE(after.usage.has_value());
    CHECK(after.usage->usedBytes >= usedBefore + 2 * kMiB);
    CHECK(after.usage->usedPercent() >= 25.0);
}

TEST_CASE("a log dir on the parent filesystem next to a mounted sibling is reported not mounted", "[measure][probe]")
{
    TempDir tmp;
    TmpfsMount disk0(tmp / "data0", "4m");
    INFO(disk0.error());
    REQUIRE(disk0.mounted());
    TmpfsMount disk1(tmp / "data1", "4m");
    INFO(disk1.error());
    REQUIRE(disk1.mounted());
    std::filesystem::create_directories(tmp / "data2"); // the disk that was not mounted
    const DiskProbe probe = systemProbe();

    SECTION("the log dirs are the mount points")
    {
        const std::vector<std::filesystem::path> dirs{tmp / "data0", tmp / "data1", tmp / "data2"};
        const LogDirsProbe result = probe.probeLogDirs(dirs);
        REQUIRE(result.dirs.size() == 3);
        CHECK_FALSE(result.dirs[0].notMounted.has_value());
        CHECK_FALSE(result.dirs[1].notMounted.has_value());
        const DirProbe &d2 = result.dirs[2];
        CHECK_FALSE(d2.ownMountPoint);
        CHECK(d2.rootFilesystem == onRootDevice(tmp.path()));
        REQUIRE(d2.notMounted.has_value());
        CHECK(d2.notMounted->expectedMountPoint == d2.canonicalPath.string());
        CHECK(d2.notMounted->reason.find("is not a mount point while") != std::string::npos);
        CHECK(result.filesystems.size() == 3);
    }
    SECTION("the log dirs are one level below the mount points")
    {
        for (const char *d : {"data0", "data1", "data2"})
            std::filesystem::create_directory(tmp / d / "kafka");
        const std::vector<std::filesystem::path> dirs{tmp / "data0" / "kafka", tmp / "data1" / "kafka",
                                                      tmp / "data2" / "kafka"};
        const LogDirsProbe result = probe.probeLogDirs(dirs);
        CHECK_FALSE(result.dirs[0].notMounted.has_value());
        REQUIRE(result.dirs[2].notMounted.has_value());
        CHECK(result.dirs[2].notMounted->expectedMountPoint == (tmp / "data2").string());
    }
    SECTION("a dir whose disk is mounted is not reported")
    {
        const std::vector<std::filesystem::path> dirs{tmp / "data0", tmp / "data1"};
        const LogDirsProbe result = probe.probeLogDirs(dirs);
        CHECK_FALSE(result.dirs[0].notMounted.has_value());
        CHECK_FALSE(result.dirs[1].notMounted.has_value());
    }
}

TEST_CASE("two log dirs on one tmpfs share its capacity, counted once", "[measure][probe]")
{
    TempDir tmp;
    TmpfsMount shared(tmp / "disk", "8m");
    INFO(shared.error());
    REQUIRE(shared.mounted());
    TmpfsMount other(tmp / "other", "4m");
    INFO(other.error());
    REQUIRE(other.mounted());
    for (const char *d : {"disk/a", "disk/b", "other/c"})
        std::filesystem::create_directories(tmp / d);
    const std::vector<std::filesystem::path> dirs{tmp / "disk/a", tmp / "disk/b", tmp / "other/c"};

    const LogDirsProbe result = systemProbe().probeLogDirs(dirs);
    REQUIRE(result.filesystems.size() == 2);
    CHECK(result.filesystems[0].dirs == std::vector<std::size_t>{0, 1});
    CHECK(result.filesystems[1].dirs == std::vector<std::size_t>{2});
    CHECK(result.filesystems[0].usage.capacityBytes == 8 * kMiB);
    CHECK(result.sharedWith(0) == std::vector<std::size_t>{1});
    CHECK(result.sharedWith(1) == std::vector<std::size_t>{0});
    CHECK(result.sharedWith(2).empty());
    CHECK(result.total().capacityBytes == 12 * kMiB);
    for (const auto &d : result.dirs)
        CHECK_FALSE(d.notMounted.has_value());
}

TEST_CASE("a missing configured dir is reported, naming the fstab mount that should hold it", "[measure][probe]")
{
    TempDir tmp;
    std::filesystem::create_directories(tmp / "data4");
    auto context = ProbeContext::fromSystem();
    REQUIRE(context.ok());
    context->fstabMountPoints = {(tmp / "data3").string(), (tmp / "data4").string()};
    const DiskProbe probe(std::move(context).value());

    const DirProbe missing = probe.probeDir(tmp / "data3" / "kafka");
    CHECK_FALSE(missing.exists);
    REQUIRE(missing.error.has_value());
    CHECK(missing.error->code == Errc::NotFound);
    REQUIRE(missing.notMounted.has_value());
    CHECK(missing.notMounted->expectedMountPoint == (tmp / "data3").string());

    // The mount point exists as a plain directory: Kafka would write there.
    const DirProbe plain = probe.probeDir(tmp / "data4");
    CHECK(plain.exists);
    REQUIRE(plain.notMounted.has_value());
    CHECK(plain.notMounted->reason.find("listed in /etc/fstab but is not mounted") != std::string::npos);

    const DirProbe unrelated = probe.probeDir(tmp.path());
    CHECK_FALSE(unrelated.notMounted.has_value());
}

TEST_CASE("a file configured as a log dir is not a directory", "[measure][probe]")
{
    TempDir tmp;
    writeFile(tmp / "not-a-dir", 10);
    const DirProbe p = systemProbe().probeDir(tmp / "not-a-dir");
    CHECK(p.exists);
    CHECK_FALSE(p.isDirectory);
    REQUIRE(p.error.has_value());
    CHECK(p.error->code == Errc::InvalidArgument);
}
