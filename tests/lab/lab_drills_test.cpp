// SPDX-License-Identifier: GPL-3.0-or-later
// The disk drills on labfs disks, end to end: the drill does the real thing
// (a labfs fault, filler files, a lazy unmount) and the lab broker reacts as
// Kafka does (KIP-112: the log dir goes offline, its partitions answer
// KAFKA_STORAGE_ERROR, the other dirs keep serving); restore brings it back.
// Skipped with a warning where FUSE cannot be used.
#include "core/protocol/messages/describe_log_dirs.h"
#include "tests/broker/kafka_test_client.h"
#include "tests/lab/lab_test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>

using namespace spillway;
using namespace spillway::test;

namespace {

#define SPILLWAY_REQUIRE_FUSE()                                                                                        \
    do {                                                                                                               \
        if (!labfsUsable()) {                                                                                          \
            WARN("spillway-labfs cannot mount FUSE disks here: the disk drills are skipped");                          \
            return;                                                                                                    \
        }                                                                                                              \
    } while (false)

/// Each log dir's error code as the broker reports it (DescribeLogDirs v4).
std::map<std::string, int> logDirErrors(int port)
{
    std::map<std::string, int> out;
    try {
        KafkaTestClient client(port);
        core::DescribeLogDirsRequest all;
        all.Topics = std::nullopt;
        auto dirs = client.call<core::DescribeLogDirsResponse>(all, 4);
        if (dirs)
            for (const auto &d : dirs->Results)
                out[d.LogDir] = d.ErrorCode;
    } catch (const std::exception &) {
    }
    return out;
}

/// kcat produces `count` keyed messages to one partition; true when all were acknowledged.
bool kcatProduce(const TestLab &lab, int partition, const std::string &key, int count)
{
    const auto file = (lab.dir() / (key + ".txt")).string();
    {
        std::ofstream out(file);
        for (int i = 0; i < count; ++i)
            out << key << ":value-" << i << "\n";
    }
    const auto r = runProcess({"kcat", "-b", lab.bootstrap(), "-P", "-t", "testKafka", "-p", std::to_string(partition),
                               "-K", ":", "-l", file, "-X", "message.timeout.ms=10000"},
                              std::chrono::seconds(60));
    return r.exitCode == 0;
}

/// How many messages with `key` kcat reads back from a partition.
int kcatCount(const TestLab &lab, int partition, const std::string &key)
{
    const auto r = runProcess({"kcat", "-b", lab.bootstrap(), "-C", "-t", "testKafka", "-p", std::to_string(partition),
                               "-o", "beginning", "-e", "-q", "-f", "%k\n"},
                              std::chrono::seconds(120));
    int n = 0;
    std::size_t pos = 0;
    while ((pos = r.out.find(key + "\n", pos)) != std::string::npos) {
        ++n;
        pos += key.size();
    }
    return n;
}

bool logSays(const TestLab &lab, const std::string &text) { return lab.brokerLog().find(text) != std::string::npos; }

} // namespace

TEST_CASE("Drill fail-disk takes the log dir offline while the other disks serve, and heal-disk with restore brings "
          "it back",
          "[lab][drill]")
{
    SPILLWAY_REQUIRE_FUSE();
    TestLab lab(true);
    const auto up = lab.up();
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    const auto failedDir = lab.disk("data2").string();
    const auto onFailed = partitionsOn(lab.disk("data2"));
    const auto onHealthy = partitionsOn(lab.disk("data0"));
    REQUIRE(!onFailed.empty());
    REQUIRE(!onHealthy.empty());

    const auto drill = lab.lab({"drill", "fail-disk", "--disk", "data2"});
    INFO(drill.out);
    REQUIRE(drill.exitCode == 0);
    CHECK(drill.out.find("fails every read and write with EIO") != std::string::npos);
    CHECK(drill.out.find("testKafka-" + std::to_string(onFailed.front())) != std::string::npos);

    // The load generator's next append there hits EIO: KIP-112.
    CHECK(eventually([&] { return logSays(lab, "log dir " + failedDir + " is offline"); }, std::chrono::seconds(60)));
    INFO(lab.brokerLog());
    auto errors = logDirErrors(lab.port());
    CHECK(errors[failedDir] == 56); // KAFKA_STORAGE_ERROR
    CHECK(errors[lab.disk("data0").string()] == 0);
    const auto status = lab.lab({"status", "--json"});
    CHECK(status.exitCode == 1);
    CHECK(jsonEval(lab.dir(), status.out, "d['brokers'][0]['disks'][2]['mode']") == "failed");
    CHECK(jsonEval(lab.dir(), status.out, "d['brokers'][0]['disks'][2]['broker_view']['online']") == "False");

    // A partition on another disk still takes writes and gives them back.
    REQUIRE(kcatProduce(lab, onHealthy.front(), "after-fail", 50));
    CHECK(kcatCount(lab, onHealthy.front(), "after-fail") == 50);

    const auto heal = lab.lab({"drill", "heal-disk", "--disk", "data2"});
    INFO(heal.out);
    CHECK(heal.exitCode == 0);
    CHECK(heal.out.find("healthy again") != std::string::npos);
    CHECK(logDirErrors(lab.port())[failedDir] == 56); // offline until the broker restarts, as Kafka

    const auto restore = lab.lab({"drill", "restore"});
    INFO(restore.out);
    CHECK(restore.exitCode == 0);
    CHECK(restore.out.find("restarted") != std::string::npos);
    errors = logDirErrors(lab.port());
    REQUIRE(errors.size() == 4);
    for (const auto &[dir, code] : errors) {
        INFO(dir);
        CHECK(code == 0);
    }
    REQUIRE(kcatProduce(lab, onFailed.front(), "after-restore", 20));
    CHECK(kcatCount(lab, onFailed.front(), "after-restore") == 20);
    CHECK(lab.lab({"status"}).exitCode == 0);
}

TEST_CASE("Drill fill-disk fills a disk until ENOSPC and the broker takes that log dir offline", "[lab][drill]")
{
    SPILLWAY_REQUIRE_FUSE();
    TestLab lab(true);
    const auto up = lab.up();
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    const auto fullDir = lab.disk("data1").string();

    const auto drill = lab.lab({"drill", "fill-disk", "--disk", "data1", "--json"});
    INFO(drill.out);
    REQUIRE(drill.exitCode == 0);
    CHECK(jsonEval(lab.dir(), drill.out, "d['enospc']") == "true");
    const auto filler = jsonEval(lab.dir(), drill.out, "d['file']");
    CHECK(filler == fullDir + "/spillway-filler-1.bin");
    CHECK(std::filesystem::file_size(filler) > 16 * 1024 * 1024);

    CHECK(eventually([&] { return logSays(lab, "log dir " + fullDir + " is offline: no space left on device"); },
                     std::chrono::seconds(60)));
    INFO(lab.brokerLog());
    CHECK(logDirErrors(lab.port())[fullDir] == 56);
    CHECK(logDirErrors(lab.port())[lab.disk("data3").string()] == 0);

    const auto remove = lab.lab({"drill", "fill-disk", "--disk", "data1", "--remove"});
    INFO(remove.out);
    CHECK(remove.exitCode == 0);
    CHECK(remove.out.find("freed") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(filler));

    const auto restore = lab.lab({"drill", "restore"});
    INFO(restore.out);
    CHECK(restore.exitCode == 0);
    CHECK(logDirErrors(lab.port())[fullDir] == 0);
}

TEST_CASE("Drill unmount-disk leaves an empty directory where the disk was, and restore mounts it again",
          "[lab][drill]")
{
    SPILLWAY_REQUIRE_FUSE();
    TestLab lab(true);
    const auto up = lab.up();
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    const auto disk = lab.disk("data3");
    const auto partitions = partitionsOn(disk);
    REQUIRE(!partitions.empty());

    const auto drill = lab.lab({"drill", "unmount-disk", "--disk", "data3"});
    INFO(drill.out);
    REQUIRE(drill.exitCode == 0);
    CHECK(drill.out.find("lazily unmounted " + disk.string()) != std::string::npos);
    const auto mounts = mountsUnder(lab.root());
    CHECK(std::find(mounts.begin(), mounts.end(), disk.string()) == mounts.end());
    CHECK(mounts.size() == 4);
    CHECK(std::filesystem::is_directory(disk));
    CHECK(partitionsOn(disk).empty()); // the parent filesystem's bare directory
    const auto status = lab.lab({"status", "--json"});
    CHECK(jsonEval(lab.dir(), status.out, "d['brokers'][0]['disks'][3]['mode']") == "unmounted");

    const auto restore = lab.lab({"drill", "restore"});
    INFO(restore.out);
    CHECK(restore.exitCode == 0);
    CHECK(mountsUnder(lab.root()).size() == 5);
    CHECK(partitionsOn(disk) == partitions);
    CHECK(logDirErrors(lab.port())[disk.string()] == 0);
    CHECK(lab.lab({"status"}).exitCode == 0);

    CHECK(lab.lab({"down"}).exitCode == 0);
    CHECK(labProcessesUnder(lab.root()).empty());
    CHECK(mountsUnder(lab.root()).empty());
}
