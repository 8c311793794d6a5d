// SPDX-License-Identifier: GPL-3.0-or-later
// Black-box tests of `spillway-cli index`: the built binary on generated log dirs.
#include "tests/storage/index/index_test_support.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

using namespace spillway::core;
using namespace spillway::test;

namespace {

struct CliRun {
    int exitCode = -1;
    std::string out;
    std::string err;
};

/// Runs the built spillway-cli with an argument vector (no shell).
CliRun runCli(const std::vector<std::string> &args, const std::filesystem::path &scratch)
{
    std::vector<std::string> argv{SPILLWAY_BINARY_DIR "/app/spillway-cli"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = spillway::test::runProcessSplit(argv, scratch.string());
    return CliRun{r.exitCode, r.out, r.err};
}

bool contains(const std::string &haystack, const std::string &needle)
{
    return haystack.find(needle) != std::string::npos;
}

/// A log dir with two partitions of two segments each.
std::filesystem::path makeLogDir(const TempDir &dir)
{
    const auto logDir = dir / "kafka-logs";
    for (const char *p : {"orders-0", "orders-1"}) {
        writeSegment(logDir / p, buildV2Segment(Offset(0), 40, 10, 100));
        writeSegment(logDir / p, buildV2Segment(Offset(400), 40, 10, 100));
    }
    return logDir;
}

} // namespace

TEST_CASE("cli: index verify on a healthy log dir exits 0", "[index][cli]")
{
    TempDir dir;
    const auto logDir = makeLogDir(dir);
    const CliRun r = runCli({"index", "verify", logDir.string()}, dir.path());
    INFO(r.out << r.err);
    CHECK(r.exitCode == 0);
    CHECK(contains(r.out, "OK       orders-0/00000000000000000000.index     "));
    CHECK(contains(r.out, "checked 4 segments in 2 partitions: all indexes OK"));
}

TEST_CASE("cli: index verify reports a corrupt index and exits 1", "[index][cli]")
{
    TempDir dir;
    const auto logDir = makeLogDir(dir);
    const auto bad = logDir / "orders-1" / "00000000000000000400.index";
    auto bytes = readBytes(bad);
    bytes.resize(bytes.size() + 5);
    writeBytes(bad, bytes);

    const CliRun r = runCli({"index", "verify", logDir.string()}, dir.path());
    INFO(r.out << r.err);
    CHECK(r.exitCode == 1);
    CHECK(contains(r.out, "CORRUPT  orders-1/00000000000000000400.index"));
    CHECK(contains(r.out, "not a multiple of the offset index entry size 8"));
    CHECK(contains(r.out, "1 corrupt index"));
    CHECK(contains(r.out,
                   "run `spillway-cli index rebuild " + (logDir / "orders-1" / "00000000000000000400.log").string()));

    const CliRun j = runCli({"index", "verify", "--json", logDir.string()}, dir.path());
    INFO(j.out);
    CHECK(j.exitCode == 1);
    CHECK(j.out.front() == '{');
    CHECK(contains(j.out, "\"command\":\"index verify\""));
    CHECK(contains(j.out, "\"corruptIndexes\":1"));
    CHECK(contains(j.out, "\"status\":\"corrupt\""));
    CHECK(contains(j.out, "\"exitCode\":1"));
}

TEST_CASE("cli: usage and I/O errors exit 2", "[index][cli]")
{
    TempDir dir;
    CHECK(runCli({"index"}, dir.path()).exitCode == 2);
    CHECK(runCli({"index", "verify"}, dir.path()).exitCode == 2);
    CHECK(runCli({"index", "frobnicate", "x"}, dir.path()).exitCode == 2);
    CHECK(runCli({"index", "verify", "--bogus", dir.path().string()}, dir.path()).exitCode == 2);
    CHECK(runCli({"index", "rebuild", "--index-interval-bytes", "abc", dir.path().string()}, dir.path()).exitCode == 2);
    const CliRun missing = runCli({"index", "verify", (dir / "no-such-dir").string()}, dir.path());
    CHECK(missing.exitCode == 2);
    CHECK(contains(missing.err, "does not exist"));
    const CliRun json = runCli({"index", "verify", "--json", (dir / "no-such-dir").string()}, dir.path());
    CHECK(json.exitCode == 2);
    CHECK(contains(json.out, "\"code\":\"not found\""));
    CHECK(contains(json.out, "\"errors\":1"));
    const CliRun help = runCli({"index", "--help"}, dir.path());
    CHECK(help.exitCode == 0);
    CHECK(contains(help.out, "spillway-cli index rebuild [--force] [--no-backup]"));
}

TEST_CASE("cli: index rebuild repairs, keeps backups and refuses a locked log dir", "[index][cli][rebuild]")
{
    TempDir dir;
    const auto logDir = makeLogDir(dir);
    const auto bad = logDir / "orders-0" / "00000000000000000000.timeindex";
    writeBytes(bad, std::vector<std::byte>(36, std::byte{0x11}));

    {
        LockHolder broker(logDir / ".lock");
        const CliRun refused = runCli({"index", "rebuild", logDir.string()}, dir.path());
        INFO(refused.out << refused.err);
        CHECK(refused.exitCode == 2);
        CHECK(contains(refused.err, "stop broker first, or pass --force"));
        CHECK(readBytes(bad) == std::vector<std::byte>(36, std::byte{0x11}));

        const CliRun forced = runCli({"index", "rebuild", "--force", logDir.string()}, dir.path());
        INFO(forced.out << forced.err);
        CHECK(forced.exitCode == 0);
        CHECK(contains(forced.out, "REBUILT  orders-0/00000000000000000000.timeindex"));
        CHECK(contains(forced.out, "old file kept as 00000000000000000000.timeindex.corrupt-"));
        CHECK(contains(forced.out, "1 file replaced, 7 unchanged"));
    }
    CHECK(runCli({"index", "verify", logDir.string()}, dir.path()).exitCode == 0);

    writeBytes(bad, std::vector<std::byte>(36, std::byte{0x11}));
    const CliRun noBackup =
        runCli({"index", "rebuild", "--no-backup", "--json", (logDir / "orders-0").string()}, dir.path());
    INFO(noBackup.out);
    CHECK(noBackup.exitCode == 0);
    CHECK(contains(noBackup.out, "\"replacedFiles\":1"));
    std::size_t backups = 0;
    for (const auto &e : std::filesystem::directory_iterator(logDir / "orders-0"))
        backups += e.path().filename().string().find(".corrupt-") != std::string::npos ? 1 : 0;
    CHECK(backups == 1); // only the first rebuild kept one
}

TEST_CASE("cli: rebuild over a torn log warns and exits 1", "[index][cli][rebuild]")
{
    TempDir dir;
    const auto logDir = makeLogDir(dir);
    const auto log = logDir / "orders-1" / "00000000000000000400.log";
    auto bytes = readBytes(log);
    bytes.resize(bytes.size() - 10);
    writeBytes(log, bytes);

    const CliRun r = runCli({"index", "rebuild", log.string()}, dir.path());
    INFO(r.out << r.err);
    CHECK(r.exitCode == 1);
    CHECK(contains(r.out, "WARNING  orders-1/00000000000000000400.log"));
    CHECK(contains(r.out, "the log itself needs recovery"));
    CHECK(readBytes(log) == bytes);
}
