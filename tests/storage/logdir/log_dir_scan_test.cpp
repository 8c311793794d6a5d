// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/logdir/log_dir_scan.h"
#include "core/storage/logdir/producer_snapshot.h"
#include "tests/storage/logdir/log_dir_fixture.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fcntl.h>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

using namespace spillway::core;
using spillway::test::writeBytes;
using spillway::test::writeSegment;

namespace {

const std::string kUuidHex = "4f1c0d6b2a3e4c5d8e9f0a1b2c3d4e5f";

/// Sizes of what makeLogDir wrote, for the checks.
struct Generated {
    std::int64_t orders0Seg0 = 0;
    std::int64_t orders0Seg20 = 0;
    std::int64_t myTopicSeg0 = 0;
};

Generated makeLogDir(const std::filesystem::path &root)
{
    namespace fs = std::filesystem;
    Generated g;
    writeBytes(root / "meta.properties", "#\n#Fri Oct 25 10:00:00 UTC 2024\nnode.id=1\nversion=1\n"
                                         "cluster.id=q1Sh-9_ISia_zwGINzRvyQ\n");
    writeBytes(root / ".lock", "");
    writeBytes(root / ".kafka_cleanshutdown", "{\"version\":0,\"brokerEpoch\":11}");
    writeBytes(root / "recovery-point-offset-checkpoint", "0\n2\norders 0 30\nmy-topic.v2 3 5\n");
    writeBytes(root / "replication-offset-checkpoint", "0\n2\norders 0 30\nmy-topic.v2 3 5\n");
    writeBytes(root / "log-start-offset-checkpoint", "0\n0\n");
    writeBytes(root / "bootstrap.checkpoint", "xyz");
    writeBytes(root / "random.txt", "hello");
    fs::create_directory(root / "not-a-partition");

    const auto orders = root / "orders-0";
    fs::create_directory(orders);
    g.orders0Seg0 = writeSegment(orders, 0, 2, 10);
    g.orders0Seg20 = writeSegment(orders, 20, 1, 10);
    writeBytes(orders / "00000000000000000020.txnindex", std::string(34, '\0'));
    writeBytes(orders / "leader-epoch-checkpoint", "0\n1\n3 0\n");
    writeBytes(orders / "partition.metadata", "version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ");
    const auto snapshot = ProducerSnapshot().serialize();
    writeBytes(orders / "00000000000000000030.snapshot", spillway::test::asString(snapshot));
    writeBytes(orders / "00000000000000000000.log.deleted", "old");
    writeBytes(orders / "00000000000000000100.index", std::string(12, '\0'));
    writeBytes(orders / "leader-epoch-checkpoint.tmp", "0\n");
    writeBytes(orders / "notes.txt", "x");

    const auto myTopic = root / "my-topic.v2-3";
    fs::create_directory(myTopic);
    g.myTopicSeg0 = writeSegment(myTopic, 0, 1, 5);
    writeBytes(myTopic / "leader-epoch-checkpoint", "0\n2\n3 0\n");

    const auto deleted = root / ("orders-1." + kUuidHex + "-delete");
    fs::create_directory(deleted);
    writeSegment(deleted, 0, 1, 1);
    return g;
}

/// Sum of the sizes of the regular files directly in `dir`, computed
/// independently of the scanner.
std::int64_t sizeOfFiles(const std::filesystem::path &dir)
{
    std::int64_t sum = 0;
    for (const auto &e : std::filesystem::directory_iterator(dir)) {
        if (e.is_regular_file())
            sum += static_cast<std::int64_t>(e.file_size());
    }
    return sum;
}

const PartitionScan &partition(const LogDirScan &scan, std::string_view dirName)
{
    const auto it = std::find_if(scan.partitions.begin(), scan.partitions.end(),
                                 [&](const PartitionScan &p) { return p.dirName == dirName; });
    REQUIRE(it != scan.partitions.end());
    return *it;
}

} // namespace

TEST_CASE("scanning a generated log dir - partitions, segments, sizes, leftovers", "[logdir][scan]")
{
    spillway::test::TempDir dir;
    const Generated g = makeLogDir(dir.path());

    auto result = LogDirScanner::scanLogDir(dir.path());
    REQUIRE(result.ok());
    const LogDirScan &scan = *result;
    CHECK(scan.metaPropertiesBytes.has_value());
    CHECK_FALSE(scan.metaProperties); // contents not read unless asked
    CHECK(scan.hasLockFile);
    CHECK(scan.lockHeld == false);
    REQUIRE(scan.cleanShutdown.has_value());
    CHECK_FALSE(scan.cleanShutdown->brokerEpoch);
    CHECK(scan.checkpoint(kRecoveryPointCheckpointFile)->bytes.has_value());
    CHECK_FALSE(scan.checkpoint(kCleanerOffsetCheckpointFile)->bytes.has_value());
    REQUIRE(scan.partitions.size() == 3);
    CHECK(scan.partitions[0].dirName == "my-topic.v2-3"); // sorted by name
    REQUIRE(scan.otherFiles.size() == 1);
    CHECK(scan.otherFiles[0].name == "bootstrap.checkpoint");
    REQUIRE(scan.unknown.size() == 2);
    CHECK(scan.unknown[0].name == "not-a-partition");
    CHECK(scan.unknown[1].name == "random.txt");
    // The stray directory would stop a broker from starting.
    REQUIRE(scan.problems.size() == 1);
    CHECK(scan.problems[0].path.ends_with("not-a-partition"));

    const PartitionScan &orders = partition(scan, "orders-0");
    REQUIRE(orders.name.has_value());
    CHECK(orders.name->topic == "orders");
    REQUIRE(orders.segments.size() == 2);
    CHECK(orders.segments[0].baseOffset == Offset(0));
    CHECK(orders.segments[0].logBytes == g.orders0Seg0);
    CHECK(orders.segments[0].indexBytes == 0);
    CHECK_FALSE(orders.segments[0].txnIndexBytes);
    CHECK(orders.segments[1].baseOffset == Offset(20));
    CHECK(orders.segments[1].txnIndexBytes == 34);
    CHECK(orders.segments[1].totalBytes() == g.orders0Seg20 + 34);
    CHECK(orders.logBytes() == g.orders0Seg0 + g.orders0Seg20);
    REQUIRE(orders.snapshots.size() == 1);
    CHECK(orders.snapshots[0].offset == Offset(30));
    CHECK(orders.leaderEpochCheckpointBytes == 8);
    CHECK(orders.partitionMetadataBytes == 43);
    REQUIRE(orders.leftovers.size() == 3);
    CHECK(orders.leftovers[0].name == "00000000000000000000.log.deleted");
    CHECK(orders.leftovers[0].kind == LeftoverKind::Deleted);
    CHECK(orders.leftovers[1].kind == LeftoverKind::OrphanIndex);
    CHECK(orders.leftovers[2].kind == LeftoverKind::TempFile);
    REQUIRE(orders.unknown.size() == 1);
    CHECK(orders.unknown[0].name == "notes.txt");
    CHECK(orders.problems.empty());
    CHECK(orders.totalBytes == sizeOfFiles(dir.path() / "orders-0"));
    CHECK(orders.totalBytes == g.orders0Seg0 + g.orders0Seg20 + 34 + 8 + 43 + 10 + 3 + 12 + 2 + 1);

    const PartitionScan &deleted = partition(scan, "orders-1." + kUuidHex + "-delete");
    REQUIRE(deleted.name.has_value());
    CHECK(deleted.name->kind == PartitionDirKind::Delete);
    CHECK(deleted.name->partition == PartitionId(1));

    CHECK(scan.segmentCount() == 4);
    std::int64_t partitions = 0;
    for (const auto &p : scan.partitions)
        partitions += p.totalBytes;
    CHECK(scan.totalBytes == sizeOfFiles(dir.path()) + partitions);
}

TEST_CASE("reading contents - broker files and per-partition files, problems collected", "[logdir][scan]")
{
    spillway::test::TempDir dir;
    makeLogDir(dir.path());
    LogDirScanOptions options;
    options.readBrokerFiles = true;
    options.readPartitionFiles = true;
    auto result = LogDirScanner::scanLogDir(dir.path(), options);
    REQUIRE(result.ok());
    const LogDirScan &scan = *result;
    REQUIRE(scan.metaProperties.has_value());
    CHECK(scan.metaProperties->nodeId == BrokerId(1));
    CHECK(scan.cleanShutdown->brokerEpoch == 11);
    const auto *rp = scan.checkpoint(kRecoveryPointCheckpointFile);
    REQUIRE(rp->checkpoint.has_value());
    CHECK(rp->checkpoint->find("my-topic.v2", PartitionId(3)) == Offset(5));

    const PartitionScan &orders = partition(scan, "orders-0");
    REQUIRE(orders.leaderEpochs.has_value());
    CHECK(orders.leaderEpochs->entries().size() == 1);
    REQUIRE(orders.metadata.has_value());
    CHECK(orders.metadata->topicId.toString() == "AAAAAAAAAAAAAAAAAAAAAQ");

    // my-topic.v2-3 has a leader-epoch-checkpoint claiming 2 entries with 1.
    const PartitionScan &myTopic = partition(scan, "my-topic.v2-3");
    REQUIRE(myTopic.problems.size() == 1);
    CHECK(myTopic.problems[0].error.message.find("expected 2 entries") != std::string::npos);
    CHECK(scan.problemCount() == 2);
}

TEST_CASE("a corrupt broker checkpoint is a problem, not a failed scan", "[logdir][scan]")
{
    spillway::test::TempDir dir;
    makeLogDir(dir.path());
    writeBytes(dir / "replication-offset-checkpoint", "0\n1\norders zero 30\n");
    LogDirScanOptions options;
    options.readBrokerFiles = true;
    auto scan = LogDirScanner::scanLogDir(dir.path(), options);
    REQUIRE(scan.ok());
    CHECK_FALSE(scan->checkpoint(kReplicationCheckpointFile)->checkpoint);
    const bool found = std::any_of(scan->problems.begin(), scan->problems.end(), [](const ScanProblem &p) {
        return p.error.message.find("replication-offset-checkpoint line 3: partition 'zero'") != std::string::npos;
    });
    CHECK(found);
}

TEST_CASE("a missing log dir is an error, a partition dir scans on its own", "[logdir][scan]")
{
    spillway::test::TempDir dir;
    CHECK(LogDirScanner::scanLogDir(dir / "nope").error().code == Errc::NotFound);
    makeLogDir(dir.path());
    auto p = LogDirScanner::scanPartitionDir(dir.path() / "orders-0/");
    REQUIRE(p.ok());
    CHECK(p->dirName == "orders-0");
    CHECK(p->segments.size() == 2);
    auto notDir = LogDirScanner::scanPartitionDir(dir / "random.txt");
    CHECK(notDir.error().code == Errc::InvalidArgument);
}

TEST_CASE("a .lock held by another process is reported as held", "[logdir][scan]")
{
    spillway::test::TempDir dir;
    makeLogDir(dir.path());
    int toParent[2];
    int toChild[2];
    REQUIRE(::pipe(toParent) == 0);
    REQUIRE(::pipe(toChild) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // Like a running broker: an fcntl write lock on <log dir>/.lock.
        const int fd = ::open((dir.path() / ".lock").c_str(), O_RDWR);
        struct flock fl {};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        const char ok = (fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0) ? 'y' : 'n';
        (void)!::write(toParent[1], &ok, 1);
        char c;
        (void)!::read(toChild[0], &c, 1);
        ::_exit(0);
    }
    char ok = 'n';
    REQUIRE(::read(toParent[0], &ok, 1) == 1);
    auto scan = LogDirScanner::scanLogDir(dir.path());
    const char go = 'x';
    (void)!::write(toChild[1], &go, 1);
    int status = 0;
    ::waitpid(child, &status, 0);
    for (int fd : {toParent[0], toParent[1], toChild[0], toChild[1]})
        ::close(fd);
    REQUIRE(ok == 'y');
    REQUIRE(scan.ok());
    CHECK(scan->lockHeld == true);
}
