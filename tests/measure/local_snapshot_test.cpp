// SPDX-License-Identifier: GPL-3.0-or-later
// Probe + scan of real log dirs on real tmpfs mounts, turned into the
// snapshot the alert rules read.
#include "core/measure/alert_engine.h"
#include "core/measure/local_snapshot.h"
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

void writeFile(const std::filesystem::path &file, std::size_t bytes)
{
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    const std::string data(bytes, 'x');
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    REQUIRE(out.good());
}

/// A partition with one segment of `logBytes`; returns the bytes written.
std::int64_t writePartition(const std::filesystem::path &logDir, const std::string &name, std::size_t logBytes)
{
    writeFile(logDir / name / "00000000000000000000.log", logBytes);
    writeFile(logDir / name / "00000000000000000000.index", 0);
    writeFile(logDir / name / "00000000000000000000.timeindex", 0);
    writeFile(logDir / name / "leader-epoch-checkpoint", 8);
    return static_cast<std::int64_t>(logBytes) + 8;
}

/// What `file` takes on its filesystem (st_blocks), as the scan counts Kafka bytes.
std::int64_t allocated(const std::filesystem::path &file)
{
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    return static_cast<std::int64_t>(st.st_blocks) * 512;
}

/// allocated() of every regular file under `dir`.
std::int64_t allocatedTree(const std::filesystem::path &dir)
{
    std::int64_t total = 0;
    for (const auto &entry : std::filesystem::recursive_directory_iterator(dir))
        if (entry.is_regular_file())
            total += allocated(entry.path());
    return total;
}

DiskProbe systemProbe()
{
    auto probe = DiskProbe::fromSystem();
    REQUIRE(probe.ok());
    return std::move(probe).value();
}

} // namespace

TEST_CASE("a local measurement carries Kafka bytes, partitions and the probe into the snapshot", "[measure][local]")
{
    TempDir tmp;
    TmpfsMount disk0(tmp / "data0", "8m");
    INFO(disk0.error());
    REQUIRE(disk0.mounted());
    std::int64_t written = 0;
    written += writePartition(tmp / "data0", "orders-0", 300'000);
    written += writePartition(tmp / "data0", "orders-1", 100'000);
    written += writePartition(tmp / "data0", "orders-2.0123456789abcdef0123456789abcdef-delete", 50'000);
    writeFile(tmp / "data0" / "meta.properties", 20);
    written += 20;
    // The active segment's index, preallocated as Kafka does: 10 MiB of
    // st_size on an 8 MiB disk, sparse, so it takes (almost) nothing.
    std::filesystem::resize_file(tmp / "data0" / "orders-0" / "00000000000000000000.index", 10 << 20);
    // Kafka bytes are what Kafka's files take on the disk (st_blocks).
    const std::int64_t expected = allocatedTree(tmp / "data0");
    CHECK(expected >= written);
    CHECK(expected < written + (1 << 20));           // block rounding, not the 10 MiB of the sparse index
    writeFile(tmp / "data0" / "backup.tar", 70'000); // not Kafka's: takes space, is not Kafka data

    const std::vector<std::filesystem::path> dirs{tmp / "data0", tmp / "data1"};
    const LocalMeasurement local = measureLocalLogDirs(dirs, systemProbe());
    REQUIRE(local.scans.size() == 2);
    REQUIRE(local.scans[0].has_value());
    CHECK_FALSE(local.scans[1].has_value()); // missing

    const BrokerSnapshot b = toBrokerSnapshot(BrokerId(7), local);
    REQUIRE(b.dirs.size() == 2);
    const LogDirSnapshot &d0 = b.dirs[0];
    CHECK(d0.exists);
    CHECK(d0.kafkaBytes == expected);
    CHECK(d0.partitionCount == 2); // the -delete dir takes space but is not served
    CHECK(d0.partitions.size() == 2);
    CHECK(d0.ownMountPoint);
    CHECK_FALSE(d0.rootFilesystem);
    REQUIRE(d0.usage.has_value());
    CHECK(d0.usage->capacityBytes == 8 << 20);
    CHECK(d0.usage->usedBytes >= expected + 70'000);
    CHECK_FALSE(d0.offline);
    CHECK_FALSE(b.dirs[1].exists);

    ClusterSnapshot snapshot;
    snapshot.brokers = {b};
    AlertEngine engine;
    engine.evaluate(snapshot);
    CHECK(engine.find("log-dir-missing/broker-7:" + (tmp / "data1").string()) != nullptr);
    CHECK(engine.activeCount() == 1);
}

TEST_CASE("a log dir that is there but cannot be stat'ed (ELOOP) is offline, not missing", "[measure][local]")
{
    // EACCES cannot be produced as root (CI runs as root); a symlink loop
    // gives ELOOP, the other "there but unreadable" stat failure.
    TempDir tmp;
    std::filesystem::create_directories(tmp / "data0");
    std::filesystem::create_symlink(tmp / "loop-b", tmp / "loop-a");
    std::filesystem::create_symlink(tmp / "loop-a", tmp / "loop-b");
    const std::vector<std::filesystem::path> dirs{tmp / "data0", tmp / "loop-a"};
    const LocalMeasurement local = measureLocalLogDirs(dirs, systemProbe());
    const BrokerSnapshot b = toBrokerSnapshot(BrokerId(1), local);
    REQUIRE(b.dirs.size() == 2);
    CHECK_FALSE(b.dirs[0].offline);
    const LogDirSnapshot &loop = b.dirs[1];
    CHECK(loop.exists);
    CHECK(loop.offline);
    REQUIRE_FALSE(loop.ioErrors.empty());
    INFO(loop.ioErrors.front());
    CHECK(loop.ioErrors.front().find("symbolic links") != std::string::npos);
}
