// SPDX-License-Identifier: GPL-3.0-or-later
// The lab on plain directories (--no-fuse): the drills that need labfs say
// so and why; corrupt-index and slow-consumer work everywhere and are
// checked end to end here: the broker rebuilds the damaged index on
// restart, and the consumer group's committed lag grows.
#include "core/protocol/messages/api_versions.h"
#include "core/protocol/messages/list_offsets.h"
#include "core/protocol/messages/offset_fetch.h"
#include "tests/broker/kafka_test_client.h"
#include "tests/lab/lab_test_support.h"

#include <catch2/catch.hpp>

#include <set>
#include <thread>

using namespace spillway;
using namespace spillway::test;

namespace {

/// The consumer group's lag on testKafka: end offsets (ListOffsets) minus
/// committed offsets (OffsetFetch), asked of the broker directly. -1 when
/// it cannot be told (nothing committed yet, broker not answering).
std::int64_t groupLag(int port)
{
    try {
        KafkaTestClient client(port);
        core::OffsetFetchRequest fetch;
        fetch.GroupId = "spillway-lab-consumer";
        fetch.Topics = std::nullopt;
        auto committed = client.call<core::OffsetFetchResponse>(fetch, 7);
        core::ListOffsetsRequest list;
        list.ReplicaId = -1;
        core::ListOffsetsRequest::ListOffsetsTopic topic;
        topic.Name = "testKafka";
        for (int p = 0; p < 12; ++p) {
            core::ListOffsetsRequest::ListOffsetsTopic::ListOffsetsPartition partition;
            partition.PartitionIndex = p;
            partition.Timestamp = -1; // latest
            topic.Partitions.push_back(partition);
        }
        list.Topics.push_back(topic);
        auto ends = client.call<core::ListOffsetsResponse>(list, 1);
        if (!committed || !ends || committed->Topics.empty() || ends->Topics.empty())
            return -1;
        std::int64_t lag = 0;
        for (const auto &p : ends->Topics[0].Partitions) {
            std::int64_t done = 0;
            for (const auto &t : committed->Topics)
                for (const auto &c : t.Partitions)
                    if (t.Name == "testKafka" && c.PartitionIndex == p.PartitionIndex && c.CommittedOffset >= 0)
                        done = c.CommittedOffset;
            lag += p.Offset - done;
        }
        return lag;
    } catch (const std::exception &) {
        return -1;
    }
}

} // namespace

TEST_CASE("A lab on plain directories says which drills need labfs disks and why", "[lab][plain]")
{
    TestLab lab(false);
    const auto up = lab.up();
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    CHECK(up.out.find("plain directories") != std::string::npos);
    CHECK(mountsUnder(lab.root()).empty());

    for (const std::string drill : {"fail-disk", "heal-disk", "slow-disk", "readonly-disk", "unmount-disk"}) {
        const auto r = lab.lab({"drill", drill, "--disk", "data1", "--ms", "5"});
        INFO(drill << ": " << r.out);
        CHECK(r.exitCode == 2);
        CHECK(r.out.find("drill " + drill + " is unavailable: this lab's disks are plain directories") !=
              std::string::npos);
    }
    const auto fill = lab.lab({"drill", "fill-disk", "--disk", "data1"});
    INFO(fill.out);
    CHECK(fill.exitCode == 2);
    CHECK(fill.out.find("no capacity of its own") != std::string::npos);
    CHECK(std::filesystem::is_empty(lab.disk("data1")) == false); // nothing but its partitions
    CHECK_FALSE(std::filesystem::exists(lab.disk("data1") / "spillway-filler-1.bin"));

    const auto status = lab.lab({"status", "--json"});
    INFO(status.out);
    CHECK(status.exitCode == 0);
    CHECK(jsonEval(lab.dir(), status.out, "d['disk_mode']") == "plain");
    CHECK(jsonEval(lab.dir(), status.out, "sorted(x['drill'] for x in d['unavailable_drills'])") ==
          "['fail-disk', 'fill-disk', 'heal-disk', 'readonly-disk', 'slow-disk', 'unmount-disk']");

    // The layout is fixed until reset.
    const auto relayout = lab.up({"--disks", "3"});
    CHECK(relayout.exitCode == 2);
    CHECK(relayout.out.find("was created with --disks 4") != std::string::npos);
}

TEST_CASE("Drill corrupt-index damages an index, the broker rebuilds it on restart, and index verify then passes",
          "[lab][plain][drill]")
{
    TestLab lab(false);
    const auto up = lab.up({"--produce-rate", "2MiB/s"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    // Enough data for several index entries (one per 4 KiB of log) in every partition.
    REQUIRE(eventually([&] { return topicBytes(lab.root()) > 2 * 1024 * 1024; }, std::chrono::seconds(60)));

    const auto drill = lab.lab({"drill", "corrupt-index", "--partition", "5", "--json"});
    INFO(drill.out);
    REQUIRE(drill.exitCode == 0);
    const auto file = jsonEval(lab.dir(), drill.out, "d['file']");
    const auto partitionDir = jsonEval(lab.dir(), drill.out, "d['partition_dir']");
    CHECK(std::filesystem::path(partitionDir).filename() == "testKafka-5");
    CHECK(file.rfind(partitionDir + "/", 0) == 0);
    CHECK(file.ends_with(".index"));
    CHECK(jsonEval(lab.dir(), drill.out, "d['new_bytes']") == "de ad be ef de ad be ef");
    CHECK(jsonEval(lab.dir(), drill.out, "d['old_bytes']") != "de ad be ef de ad be ef");
    // The drill shows that the verifier catches it, and what the broker did on restart.
    CHECK(jsonEval(lab.dir(), drill.out, "any('index verify would now report' in s for s in d['steps'])") == "True");
    const auto said = jsonEval(lab.dir(), drill.out, "d['broker_log']");
    CHECK(said.find("is unsound") != std::string::npos);
    CHECK(said.find("rebuilding it") != std::string::npos);
    const auto log = lab.brokerLog();
    CHECK(log.find(partitionDir + ": index of segment") != std::string::npos);

    // Quiet the producer, then the rebuilt index holds up against the log.
    REQUIRE(lab.lab({"load", "--produce-rate", "0"}).exitCode == 0);
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const auto verify = runProcess({kCli, "index", "verify", partitionDir});
    INFO(verify.out);
    CHECK(verify.exitCode == 0);
}

TEST_CASE("Drill slow-consumer makes the consumer group's committed lag grow", "[lab][plain][drill]")
{
    TestLab lab(false);
    const auto up = lab.up({"--produce-rate", "1MiB/s", "--consume-rate", "unlimited"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    // The group has joined and committed.
    REQUIRE(eventually([&] { return groupLag(lab.port()) >= 0; }, std::chrono::seconds(60)));

    const auto drill = lab.lab({"drill", "slow-consumer", "--rate", "4KiB/s"});
    INFO(drill.out);
    REQUIRE(drill.exitCode == 0);
    CHECK(drill.out.find("now reads 4 KiB/s") != std::string::npos);
    CHECK(drill.out.find("lag grows") != std::string::npos);

    // Lag measured twice, apart: it keeps growing while the producer outruns the consumer.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const auto first = groupLag(lab.port());
    INFO("lag after the drill: " << first);
    REQUIRE(first >= 0);
    CHECK(eventually([&] { return groupLag(lab.port()) > first + 3000; }, std::chrono::seconds(60)));

    const auto status = lab.lab({"status", "--json"});
    CHECK(jsonEval(lab.dir(), status.out, "d['loadgen']['consume_bytes_per_second']") == "4096");

    const auto restore = lab.lab({"drill", "restore"});
    INFO(restore.out);
    CHECK(restore.exitCode == 0);
    CHECK(restore.out.find("load back to normal") != std::string::npos);
}

namespace {

/// The API keys broker `port` advertises (ApiVersions v0, which every release answers).
std::set<int> advertisedKeys(int port)
{
    KafkaTestClient client(port);
    auto r = client.call<core::ApiVersionsResponse>(core::ApiVersionsRequest{}, 0);
    REQUIRE(r);
    std::set<int> keys;
    for (const auto &k : r->ApiKeys)
        keys.insert(k.ApiKey);
    return keys;
}

} // namespace

TEST_CASE("lab up --emulate-kafka makes the brokers speak an older release's protocol, and none undoes it",
          "[lab][plain]")
{
    TestLab lab(false);
    const auto bad = lab.up({"--emulate-kafka", "2.x"});
    CHECK(bad.exitCode == 2);
    CHECK(bad.out.find("--emulate-kafka takes a release") != std::string::npos);

    const auto up = lab.up({"--emulate-kafka", "2.0"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    CHECK(up.out.find("spillway.emulate.kafka.version=2.0") != std::string::npos);
    // Kafka 2.0 had neither IncrementalAlterConfigs (44, from 2.3) nor DescribeCluster (60, from 2.8).
    auto keys = advertisedKeys(lab.port());
    CHECK(keys.count(3) == 1);
    CHECK(keys.count(44) == 0);
    CHECK(keys.count(60) == 0);
    CHECK(lab.brokerLog().find("Apache Kafka 2.0") != std::string::npos);

    REQUIRE(lab.lab({"down"}).exitCode == 0);
    const auto again = lab.up({"--emulate-kafka", "none"});
    INFO(again.out);
    REQUIRE(again.exitCode == 0);
    CHECK(again.out.find("removed spillway.emulate.kafka.version") != std::string::npos);
    keys = advertisedKeys(lab.port());
    CHECK(keys.count(44) == 1);
    CHECK(keys.count(60) == 1);
}
