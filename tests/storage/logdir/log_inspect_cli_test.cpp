// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli log inspect` as an operator runs it: the real binary, on
// generated segments, partition dirs and log dirs; exit codes and output.
#include "core/common/fileio.h"
#include "tests/storage/logdir/log_dir_fixture.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

using spillway::test::TempDir;
using spillway::test::writeBytes;
using spillway::test::writeSegment;

namespace {

struct CliRun {
    int exitCode = -1;
    std::string out;
    std::string err;
};

/// Runs the built spillway-cli with an argument vector (no shell).
CliRun runCli(const TempDir &scratch, std::vector<std::string> args)
{
    std::vector<std::string> argv{SPILLWAY_BINARY_DIR "/app/spillway-cli"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = spillway::test::runProcessSplit(argv, scratch.path().string());
    return CliRun{r.exitCode, r.out, r.err};
}

bool contains(const std::string &text, std::string_view what) { return text.find(what) != std::string::npos; }

/// A clean KRaft-style log dir with one partition of two segments.
std::filesystem::path makeCleanLogDir(const TempDir &dir)
{
    const auto root = dir / "kafka-logs-1"; // parses as a partition name: detection must not be fooled
    std::filesystem::create_directories(root / "orders-0");
    writeBytes(root / "meta.properties", "#\n#Fri Oct 25 10:00:00 UTC 2024\nnode.id=1\nversion=1\n"
                                         "cluster.id=q1Sh-9_ISia_zwGINzRvyQ\n");
    writeBytes(root / ".lock", "");
    writeBytes(root / "recovery-point-offset-checkpoint", "0\n1\norders 0 20\n");
    writeBytes(root / "replication-offset-checkpoint", "0\n1\norders 0 30\n");
    writeSegment(root / "orders-0", 0, 2, 10);
    writeSegment(root / "orders-0", 20, 1, 10);
    writeBytes(root / "orders-0" / "partition.metadata", "version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ");
    writeBytes(root / "orders-0" / "leader-epoch-checkpoint", "0\n1\n3 0\n");
    return root;
}

} // namespace

TEST_CASE("log inspect - a clean segment lists its batches and exits 0", "[logdir][cli]")
{
    TempDir dir;
    const auto root = makeCleanLogDir(dir);
    const std::string segment = (root / "orders-0" / "00000000000000000000.log").string();

    const CliRun human = runCli(dir, {"log", "inspect", segment});
    CHECK(human.exitCode == 0);
    CHECK(contains(human.out, "2 batches, 20 records, offsets 0..19"));
    CHECK(contains(human.out, "Tail         clean, all "));
    CHECK(contains(human.out, "BASE OFFSET"));

    const CliRun json = runCli(dir, {"log", "inspect", segment, "--json"});
    CHECK(json.exitCode == 0);
    CHECK(contains(json.out, "\"type\":\"segment\""));
    CHECK(contains(json.out, "\"batchCount\":2,\"recordCount\":20"));
    CHECK(contains(json.out, "\"state\":\"clean\""));
    CHECK(contains(json.out, "\"baseOffset\":10,\"lastOffset\":19,\"records\":10,\"magic\":2"));
    CHECK(contains(json.out, "\"ok\":true"));

    const CliRun records = runCli(dir, {"log", "inspect", "--records", segment});
    CHECK(records.exitCode == 0);
}

TEST_CASE("log inspect - a torn tail says where valid data ends and exits 1", "[logdir][cli]")
{
    TempDir dir;
    const auto root = makeCleanLogDir(dir);
    const auto segment = root / "orders-0" / "00000000000000000000.log";
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(segment));
    const auto firstBatch = static_cast<std::int64_t>(spillway::test::makeSegmentBytes(0, 1, 10).size());
    std::filesystem::resize_file(segment, static_cast<std::uintmax_t>(size - 30));

    const CliRun run = runCli(dir, {"log", "inspect", segment.string()});
    CHECK(run.exitCode == 1);
    CHECK(
        contains(run.out, "torn, valid up to byte " + std::to_string(firstBatch) + " of " + std::to_string(size - 30)));
    const CliRun json = runCli(dir, {"log", "inspect", segment.string(), "--json"});
    CHECK(json.exitCode == 1);
    CHECK(contains(json.out, "\"state\":\"torn\",\"validBytes\":" + std::to_string(firstBatch)));
}

TEST_CASE("log inspect - a zero-filled tail is a note, not a problem", "[logdir][cli]")
{
    TempDir dir;
    const auto root = makeCleanLogDir(dir);
    const auto segment = root / "orders-0" / "00000000000000000020.log";
    const auto size = std::filesystem::file_size(segment);
    std::filesystem::resize_file(segment, size + 4096);
    const CliRun run = runCli(dir, {"log", "inspect", segment.string()});
    CHECK(run.exitCode == 0);
    CHECK(contains(run.out, "zero-filled, valid up to byte " + std::to_string(size)));
}

TEST_CASE("log inspect - a flipped bit is a corrupt batch, exit 1", "[logdir][cli]")
{
    TempDir dir;
    const auto root = makeCleanLogDir(dir);
    const auto segment = root / "orders-0" / "00000000000000000000.log";
    auto bytes = spillway::core::readFile(segment).value();
    bytes[100] = static_cast<char>(bytes[100] ^ 0x10); // inside the first batch's records
    writeBytes(segment, bytes);
    const CliRun run = runCli(dir, {"log", "inspect", segment.string()});
    CHECK(run.exitCode == 1);
    CHECK(contains(run.out, "CORRUPT, valid up to byte 0"));
    CHECK(contains(run.out, "corrupt batch at byte 0"));
}

TEST_CASE("log inspect - a partition dir shows segments and its checkpoint values", "[logdir][cli]")
{
    TempDir dir;
    const auto root = makeCleanLogDir(dir);
    const CliRun human = runCli(dir, {"log", "inspect", (root / "orders-0").string()});
    CHECK(human.exitCode == 0);
    CHECK(contains(human.out, "Partition      orders-0 (live)"));
    CHECK(contains(human.out, "Topic id       AAAAAAAAAAAAAAAAAAAAAQ"));
    CHECK(contains(human.out, "recovery point 20, high watermark 30, log start -, cleaner -"));
    CHECK(contains(human.out, "00000000000000000020  20..29"));
    CHECK(contains(human.out, "2 segments, 30 records"));

    const CliRun json = runCli(dir, {"log", "inspect", (root / "orders-0").string(), "--json"});
    CHECK(json.exitCode == 0);
    CHECK(contains(json.out, "\"topic\":\"orders\",\"partition\":0,\"kind\":\"live\""));
    CHECK(contains(json.out, "\"recovery point\":20,\"high watermark\":30"));
    CHECK(contains(json.out, "\"segmentCount\":2,\"recordCount\":30"));

    // A bad checkpoint in the log dir is a problem found.
    writeBytes(root / "replication-offset-checkpoint", "0\n2\norders 0 30\n");
    const CliRun bad = runCli(dir, {"log", "inspect", (root / "orders-0").string()});
    CHECK(bad.exitCode == 1);
    CHECK(contains(bad.out, "expected 2 entries (line 2) but found 1"));
}

TEST_CASE("log inspect - a log dir summarises broker files and partitions", "[logdir][cli]")
{
    TempDir dir;
    const auto root = makeCleanLogDir(dir);
    const CliRun human = runCli(dir, {"log", "inspect", root.string()});
    CHECK(human.exitCode == 0);
    CHECK(contains(human.out, "meta.properties  version 1, node.id 1, cluster.id q1Sh-9_ISia_zwGINzRvyQ"));
    CHECK(contains(human.out, "Lock             not held"));
    CHECK(contains(human.out, "Clean shutdown   no marker"));
    CHECK(contains(human.out, "1 partitions (0 not live), 2 segments"));

    writeBytes(root / ".kafka_cleanshutdown", "{\"version\":0,\"brokerEpoch\":11}");
    std::filesystem::create_directory(root / "backup");
    const CliRun json = runCli(dir, {"log", "inspect", root.string(), "--json"});
    CHECK(json.exitCode == 1); // a broker refuses to start with "backup/" in its log dir
    CHECK(contains(json.out, "\"type\":\"logDir\""));
    CHECK(contains(json.out, "\"lockFile\":true,\"lockHeld\":false,\"cleanShutdown\":true,\"brokerEpoch\":11"));
    CHECK(contains(json.out, "\"dir\":\"orders-0\",\"kind\":\"live\",\"segments\":2"));
    CHECK(contains(json.out, "not in the form of topic-partition"));
    CHECK(contains(json.out, "\"ok\":false"));
}

TEST_CASE("log inspect - usage and I/O errors exit 2", "[logdir][cli]")
{
    TempDir dir;
    const auto root = makeCleanLogDir(dir);
    CHECK(runCli(dir, {"log"}).exitCode == 2);
    CHECK(runCli(dir, {"log", "frobnicate"}).exitCode == 2);
    CHECK(runCli(dir, {"log", "inspect"}).exitCode == 2);
    CHECK(runCli(dir, {"log", "inspect", root.string(), "--bogus"}).exitCode == 2);
    const CliRun missing = runCli(dir, {"log", "inspect", (dir / "nope").string()});
    CHECK(missing.exitCode == 2);
    CHECK(contains(missing.err, "No such file or directory"));
    const CliRun index = runCli(dir, {"log", "inspect", (root / "orders-0" / "00000000000000000000.index").string()});
    CHECK(index.exitCode == 2);
    CHECK(contains(index.err, "index verify"));
    const CliRun help = runCli(dir, {"log", "--help"});
    CHECK(help.exitCode == 0);
    CHECK(contains(help.out, "Usage: spillway-cli log inspect"));
}
