// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli disks` as an operator runs it: the real binary on log dirs
// that sit on real tmpfs mounts made by the test (root, as in CI).
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tmpfs_mount.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

using spillway::test::TempDir;
using spillway::test::TmpfsMount;

namespace {

struct CliRun {
    int exitCode = -1;
    std::string out;
    std::string err;
};

CliRun runCli(const TempDir &scratch, std::vector<std::string> args)
{
    std::vector<std::string> argv{SPILLWAY_BINARY_DIR "/app/spillway-cli"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = spillway::test::runProcessSplit(argv, scratch.path().string());
    return CliRun{r.exitCode, r.out, r.err};
}

bool contains(const std::string &text, std::string_view what) { return text.find(what) != std::string::npos; }

void writeFile(const std::filesystem::path &file, std::size_t bytes)
{
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    const std::string data(bytes, 'x');
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    REQUIRE(out.good());
}

/// A Kafka-looking partition with one segment of `bytes`.
void writePartition(const std::filesystem::path &logDir, const std::string &name, std::size_t bytes)
{
    writeFile(logDir / name / "00000000000000000000.log", bytes);
    writeFile(logDir / name / "00000000000000000000.index", 0);
    writeFile(logDir / name / "00000000000000000000.timeindex", 0);
}

#define REQUIRE_MOUNTED(m)                                                                                             \
    do {                                                                                                               \
        INFO((m).error());                                                                                             \
        REQUIRE((m).mounted());                                                                                        \
    } while (false)

} // namespace

TEST_CASE("disks - two balanced dirs on their own tmpfs raise nothing and exit 0", "[measure][cli]")
{
    TempDir tmp;
    TmpfsMount d0(tmp / "data0", "8m");
    REQUIRE_MOUNTED(d0);
    TmpfsMount d1(tmp / "data1", "8m");
    REQUIRE_MOUNTED(d1);
    writePartition(tmp / "data0", "orders-0", 2 << 20);
    writePartition(tmp / "data1", "orders-1", 2 << 20);
    {
        std::ofstream props(tmp / "server.properties");
        props << "# a broker\nnode.id=3\nlog.dirs=" << (tmp / "data0").string() << ", " << (tmp / "data1").string()
              << "\n";
    }

    const CliRun json = runCli(tmp, {"disks", "--config", (tmp / "server.properties").string(), "--json"});
    INFO(json.out << json.err);
    CHECK(json.exitCode == 0);
    CHECK(contains(json.out, "\"brokerId\":3"));
    CHECK(contains(json.out, "\"path\":\"" + (tmp / "data0").string() + "\""));
    CHECK(contains(json.out,
                   "\"fsType\":\"tmpfs\",\"source\":\"tmpfs\",\"ownMountPoint\":true,\"rootFilesystem\":false,"
                   "\"capacityBytes\":8388608"));
    CHECK(contains(json.out, "\"kafkaBytes\":2097152,\"partitions\":1,\"segments\":1,\"sharedWith\":[],"
                             "\"notMounted\":null"));
    CHECK(contains(json.out, "\"total\":{\"capacityBytes\":16777216"));
    CHECK(contains(json.out, "\"balanced\":true"));
    CHECK(contains(json.out, "\"alerts\":[]"));

    const CliRun human = runCli(tmp, {"disks", "--config", (tmp / "server.properties").string()});
    CHECK(human.exitCode == 0);
    CHECK(contains(human.out, "Broker 3"));
    CHECK(contains(human.out, "own mount"));
    CHECK(contains(human.out, "No alerts."));
}

TEST_CASE("disks - a dir on the parent filesystem next to mounted siblings is reported not mounted", "[measure][cli]")
{
    TempDir tmp;
    TmpfsMount d0(tmp / "data0", "8m");
    REQUIRE_MOUNTED(d0);
    TmpfsMount d1(tmp / "data1", "8m");
    REQUIRE_MOUNTED(d1);
    std::filesystem::create_directories(tmp / "data2");
    const std::string data2 = (tmp / "data2").string();
    const std::string dirs = (tmp / "data0").string() + "," + (tmp / "data1").string() + "," + data2;

    const CliRun json = runCli(tmp, {"disks", "--log-dirs", dirs, "--json"});
    INFO(json.out << json.err);
    CHECK(json.exitCode == 1);
    CHECK(contains(json.out, "\"notMounted\":{\"expectedMountPoint\":\"" + data2 + "\""));
    CHECK(contains(json.out, "\"key\":\"log-dir-not-mounted/broker-0:" + data2 +
                                 "\",\"rule\":\"log-dir-not-mounted\","
                                 "\"severity\":\"critical\""));
    CHECK(contains(json.out, "\"kind\":\"mount-disk\""));

    const CliRun human = runCli(tmp, {"disks", "--log-dirs", dirs});
    CHECK(human.exitCode == 1);
    CHECK(contains(human.out, "NOT MOUNTED (expected " + data2 + ")"));
    CHECK(contains(human.out, "CRITICAL  log dir " + data2 + " on broker 0 is not on its own disk"));
    CHECK(contains(human.out, "fix: mount the disk for " + data2));
}

TEST_CASE("disks - usage, a shared filesystem, skew and a missing dir", "[measure][cli]")
{
    TempDir tmp;
    TmpfsMount shared(tmp / "disk", "8m");
    REQUIRE_MOUNTED(shared);
    writePartition(tmp / "disk" / "a", "orders-0", 6 << 20);
    writePartition(tmp / "disk" / "b", "orders-1", 1 << 20);
    const std::string a = (tmp / "disk" / "a").string();
    const std::string b = (tmp / "disk" / "b").string();
    const std::string missing = (tmp / "nowhere").string();

    const CliRun json = runCli(tmp, {"disks", "--log-dirs", a + "," + b + "," + missing, "--json", "--broker-id", "2"});
    INFO(json.out << json.err);
    CHECK(json.exitCode == 1);
    CHECK(contains(json.out, "\"sharedWith\":[\"" + b + "\"]"));
    CHECK(contains(json.out, "\"total\":{\"capacityBytes\":8388608")); // shared capacity counted once
    CHECK(contains(json.out,
                   "\"key\":\"disk-usage/broker-2:" + a + "\",\"rule\":\"disk-usage\",\"severity\":\"warning\""));
    CHECK(contains(json.out, "on the same filesystem"));
    CHECK(contains(json.out, "\"key\":\"disk-skew/broker-2\""));
    CHECK(contains(json.out, "\"key\":\"log-dir-missing/broker-2:" + missing + "\""));
    CHECK(contains(json.out, "\"balanced\":false"));

    // Thresholds from the command line.
    const CliRun relaxed = runCli(tmp, {"disks", "--log-dirs", a + "," + b, "--json", "--usage-warn", "95",
                                        "--usage-critical", "99", "--skew-threshold", "300"});
    CHECK(relaxed.exitCode == 0);
    CHECK(contains(relaxed.out, "\"alerts\":[]"));
}

TEST_CASE("disks - bad usage exits 2", "[measure][cli]")
{
    TempDir tmp;
    CHECK(runCli(tmp, {"disks"}).exitCode == 2);
    CHECK(runCli(tmp, {"disks", "--log-dirs", "/a", "--config", "/b"}).exitCode == 2);
    CHECK(runCli(tmp, {"disks", "--log-dirs"}).exitCode == 2);
    CHECK(runCli(tmp, {"disks", "--log-dirs", "/a", "--usage-warn", "lots"}).exitCode == 2);
    const CliRun noConfig = runCli(tmp, {"disks", "--config", (tmp / "absent.properties").string()});
    CHECK(noConfig.exitCode == 2);
    CHECK(contains(noConfig.err, "absent.properties"));
    const CliRun help = runCli(tmp, {"disks", "--help"});
    CHECK(help.exitCode == 0);
    CHECK(contains(help.out, "Usage: spillway-cli disks"));
}
