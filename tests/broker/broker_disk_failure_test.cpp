// SPDX-License-Identifier: GPL-3.0-or-later
// KIP-112 for real: a log dir on a small tmpfs fills up (ENOSPC) while the
// broker runs; that dir goes offline, its partitions answer
// KAFKA_STORAGE_ERROR, and the other dir keeps serving. DescribeLogDirs v4
// reports capacity, free space, sizes and the offline dir.
#include "core/protocol/messages/describe_log_dirs.h"
#include "core/protocol/messages/produce.h"
#include "core/storage/format/batch_builder.h"
#include "tests/broker/kafka_test_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/mount.h>

using namespace spillway;
using spillway::test::BackgroundProcess;
using spillway::test::KafkaTestClient;
using spillway::test::TempDir;

namespace {

/// A tmpfs of `size` mounted on `dir`, unmounted on scope exit. Needs root
/// (CI runs as root); valid() is false where mounting is not allowed.
class SmallDisk {
public:
    SmallDisk(const std::filesystem::path &dir, const std::string &size) : m_dir(dir)
    {
        std::filesystem::create_directories(dir);
        m_mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    }
    ~SmallDisk()
    {
        if (m_mounted)
            ::umount2(m_dir.c_str(), MNT_DETACH);
    }
    SmallDisk(const SmallDisk &) = delete;
    SmallDisk &operator=(const SmallDisk &) = delete;
    [[nodiscard]] bool valid() const { return m_mounted; }

private:
    std::filesystem::path m_dir;
    bool m_mounted = false;
};

core::ProduceRequest produceTo(const std::string &topic, std::int32_t partition, std::span<const std::byte> batch)
{
    core::ProduceRequest req;
    req.Acks = 1;
    req.TimeoutMs = 5000;
    core::ProduceRequest::TopicProduceData t;
    t.Name = topic;
    t.PartitionData.push_back({partition, core::RecordsView{batch, false}});
    req.TopicData.push_back(t);
    return req;
}

std::vector<std::byte> batchOf(std::size_t valueBytes)
{
    core::RecordBatchSpec spec;
    spec.records.push_back({std::nullopt, std::string(valueBytes, 'x'), 1700000000000, {}});
    auto b = core::buildRecordBatch(spec);
    REQUIRE(b.ok());
    return *b;
}

} // namespace

TEST_CASE("A log dir that fills up goes offline while the other keeps serving", "[broker][diskfailure]")
{
    TempDir dir;
    SmallDisk small(dir / "data0", "1m");
    if (!small.valid()) {
        WARN("cannot mount a tmpfs here (not root?): the ENOSPC drill is skipped");
        return;
    }
    std::filesystem::create_directories(dir / "data1");
    const int port = test::freePort();
    // Kafka's placement rule so that each dir gets one of the two partitions.
    std::ofstream(dir / "server.properties")
        << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << port << "\nlog.dirs=" << (dir / "data0").string() << ","
        << (dir / "data1").string() << "\nnum.partitions=2\nlog.segment.bytes=262144\n"
        << "log.index.size.max.bytes=4096\nspillway.partition.placement=partition-count\n";
    BackgroundProcess broker({SPILLWAY_BINARY_DIR "/app/spillway-broker", (dir / "server.properties").string()},
                             (dir / "broker.log").string());
    REQUIRE(test::waitForPort(port, std::chrono::seconds(10)));
    KafkaTestClient client(port);

    const auto batch = batchOf(64 * 1024);
    // Clients create topics through a metadata request (auto.create.topics.enable).
    REQUIRE(test::runProcess({"kcat", "-b", "127.0.0.1:" + std::to_string(port), "-L", "-t", "fill"}).exitCode == 0);
    REQUIRE(std::filesystem::exists(dir / "data0" / "fill-0"));
    REQUIRE(std::filesystem::exists(dir / "data1" / "fill-1"));

    std::int16_t lastError = 0;
    for (int i = 0; i < 40 && lastError == 0; ++i) {
        auto r = client.call<core::ProduceResponse>(produceTo("fill", 0, batch), 7);
        REQUIRE(r.has_value());
        lastError = r->Responses.at(0).PartitionResponses.at(0).ErrorCode;
    }
    CHECK(lastError == 56); // KAFKA_STORAGE_ERROR once data0 is full

    // data1 still takes writes.
    auto ok = client.call<core::ProduceResponse>(produceTo("fill", 1, batch), 7);
    REQUIRE(ok.has_value());
    CHECK(ok->Responses.at(0).PartitionResponses.at(0).ErrorCode == 0);

    core::DescribeLogDirsRequest all; // Topics null: every partition
    all.Topics = std::nullopt;
    auto dirs = client.call<core::DescribeLogDirsResponse>(all, 4);
    REQUIRE(dirs.has_value());
    REQUIRE(dirs->Results.size() == 2);
    for (const auto &d : dirs->Results) {
        INFO(d.LogDir);
        if (d.LogDir == (dir / "data0").string()) {
            CHECK(d.ErrorCode == 56);
        } else {
            CHECK(d.ErrorCode == 0);
            CHECK(d.TotalBytes > 0);
            CHECK(d.UsableBytes > 0);
            CHECK(d.UsableBytes <= d.TotalBytes);
            REQUIRE(d.Topics.size() == 1);
            CHECK(d.Topics[0].Partitions.at(0).PartitionSize > 64 * 1024);
        }
    }
    CHECK(test::slurp((dir / "broker.log").string()).find("offline") != std::string::npos);
    CHECK(broker.running());
}
