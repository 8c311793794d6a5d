// SPDX-License-Identifier: GPL-3.0-or-later
// ClusterSampler against the real spillway-broker: the remote path
// (bootstrap only) against the local scan, the merge of both, dead brokers.
#include "core/admin/cluster_sampler.h"
#include "core/measure/disk_probe.h"
#include "core/measure/local_snapshot.h"
#include "tests/monitor/monitor_test_support.h"

#include <catch2/catch.hpp>

#include <map>
#include <tuple>

using namespace spillway;
using namespace spillway::core;
using spillway::test::MonitorBroker;
using spillway::test::TempDir;

namespace {

using PartitionKey = std::tuple<std::string, std::string, int>; // dir, topic, partition

/// Kafka's size of each partition (its .log files) per dir, from the local scan.
std::map<PartitionKey, std::int64_t> localLogBytes(const std::vector<std::filesystem::path> &dirs)
{
    std::map<PartitionKey, std::int64_t> out;
    auto scans = measure::scanLogDirs(dirs);
    for (std::size_t i = 0; i < scans.size(); ++i) {
        REQUIRE(scans[i].ok());
        for (const auto &p : scans[i]->partitions) {
            if (p.name && p.name->kind == PartitionDirKind::Live)
                out[{admin::normalDirPath(dirs[i].string()), p.name->topic, p.name->partition.get()}] = p.logBytes();
        }
    }
    return out;
}

const measure::LogDirSnapshot *findDir(const measure::BrokerSnapshot &b, const std::filesystem::path &path)
{
    for (const auto &d : b.dirs) {
        if (admin::normalDirPath(d.path) == admin::normalDirPath(path.string()))
            return &d;
    }
    return nullptr;
}

} // namespace

TEST_CASE("Sampler: a remote cluster (bootstrap only) gives the broker's dirs, partitions and sizes",
          "[monitor][sampler][broker]")
{
    TempDir tmp;
    MonitorBroker broker(tmp / "broker", {tmp / "data0", tmp / "data1", tmp / "data2"});
    broker.createTopic("orders", 3);
    for (int p = 0; p < 3; ++p)
        broker.produce("orders", p, 200 + 100 * p);
    broker.consumeAsGroup("billing", "orders");
    broker.produce("orders", 0, 50);

    admin::SamplerOptions options;
    options.bootstrap = broker.bootstrap();
    admin::ClusterSampler sampler(options);
    const admin::ClusterSample sample = sampler.sample();
    INFO(sample.problems.size());
    for (const auto &p : sample.problems)
        UNSCOPED_INFO(p);
    CHECK(sample.problems.empty());
    REQUIRE(sample.snapshot.brokers.size() == 1);
    REQUIRE(sample.brokers.size() == 1);
    CHECK_FALSE(sample.brokers[0].local);
    CHECK(sample.brokers[0].answered);
    CHECK(sample.brokers[0].address == broker.bootstrap());
    const auto &b = sample.snapshot.brokers[0];
    CHECK(b.id == BrokerId(1));
    CHECK(b.state == measure::BrokerLiveness::Up);
    REQUIRE(b.dirs.size() == 3);

    // Every partition the local scan finds, with the same size (Kafka's
    // size is that of the .log files), in the same dir; nothing else.
    const auto local = localLogBytes(broker.logDirs());
    std::map<PartitionKey, std::int64_t> remote;
    for (const auto &d : b.dirs) {
        CHECK(d.source == measure::MeasurementSource::DescribeLogDirs);
        CHECK_FALSE(d.offline);
        REQUIRE(d.usage.has_value());
        CHECK(d.usage->capacityBytes > 0);
        std::int64_t sum = 0;
        for (const auto &p : d.partitions) {
            remote[{admin::normalDirPath(d.path), p.topic, p.partition.get()}] = p.bytes;
            sum += p.bytes;
        }
        CHECK(d.kafkaBytes == sum);
    }
    CHECK(remote == local);
    std::int64_t orders = 0;
    for (const auto &[key, bytes] : remote)
        orders += std::get<1>(key) == "orders" ? bytes : 0;
    CHECK(orders > 0);

    // Topics with their replication factor, and the group's lag.
    bool found = false;
    for (const auto &t : sample.snapshot.topics) {
        if (t.name == "orders") {
            found = true;
            CHECK(t.partitions == 3);
            CHECK(t.replicationFactor == 1);
            CHECK_FALSE(t.internal);
        }
    }
    CHECK(found);
    REQUIRE(sample.snapshot.groups.size() == 1);
    CHECK(sample.snapshot.groups[0].lag.group == "billing");
    CHECK(sample.snapshot.groups[0].lag.totalLag == 50);
}

TEST_CASE("Sampler: a local broker's dirs are the local scan, with the broker's state", "[monitor][sampler][broker]")
{
    TempDir tmp;
    MonitorBroker broker(tmp / "broker", {tmp / "data0", tmp / "data1"});
    broker.createTopic("events", 2);
    broker.produce("events", 0, 300);
    broker.produce("events", 1, 100);

    admin::SamplerOptions options;
    options.localBrokers.push_back({BrokerId(1), "test broker 1", broker.bootstrap(), broker.logDirs()});
    admin::ClusterSampler sampler(options);
    CHECK(sampler.bootstrap() == broker.bootstrap());
    const auto sample = sampler.sample();
    CHECK(sample.problems.empty());
    REQUIRE(sample.snapshot.brokers.size() == 1);
    CHECK(sample.brokers[0].local);
    const auto &b = sample.snapshot.brokers[0];
    CHECK(b.name == "test broker 1");
    CHECK(b.state == measure::BrokerLiveness::Up);
    REQUIRE(b.dirs.size() == 2);
    const auto local = localLogBytes(broker.logDirs());
    for (std::size_t i = 0; i < 2; ++i) {
        const auto *d = findDir(b, broker.logDirs()[i]);
        REQUIRE(d != nullptr);
        CHECK(d->source == measure::MeasurementSource::LocalScan);
        CHECK_FALSE(d->device.empty());
        CHECK_FALSE(d->mountPoint.empty());
        CHECK(d->usage.has_value());
        CHECK_FALSE(d->offline);
        // The local figures include the indexes: at least the .log bytes.
        for (const auto &p : d->partitions) {
            const auto it = local.find({admin::normalDirPath(d->path), p.topic, p.partition.get()});
            REQUIRE(it != local.end());
            CHECK(p.bytes >= it->second);
        }
    }
}

TEST_CASE("Sampler: merge rule — the broker's offline state wins, local figures stay", "[monitor][sampler]")
{
    measure::LogDirSnapshot local;
    local.path = "/data/kafka0";
    local.device = "8:17";
    local.mountPoint = "/data/kafka0";
    local.ownMountPoint = true;
    local.usage = measure::FilesystemUsage{1000, 600, 400};
    local.kafkaBytes = 500;

    admin::LogDirInfo info;
    info.path = "/data/kafka0/";
    info.error = KafkaError::KafkaStorageError;
    const auto brokerView = admin::logDirFromDescribe(info);
    CHECK(brokerView.offline);
    CHECK(brokerView.source == measure::MeasurementSource::DescribeLogDirs);
    CHECK_FALSE(brokerView.usage.has_value());
    CHECK(admin::normalDirPath(info.path) == local.path);

    admin::mergeBrokerView(local, brokerView);
    CHECK(local.offline);
    REQUIRE(local.ioErrors.size() == 1);
    CHECK(local.ioErrors[0].find("KAFKA_STORAGE_ERROR") != std::string::npos);
    CHECK(local.source == measure::MeasurementSource::LocalScan);
    CHECK(local.device == "8:17");
    REQUIRE(local.usage.has_value());
    CHECK(local.usage->usedBytes == 600);
    CHECK(local.kafkaBytes == 500);

    // Without a local statvfs, the broker's v4 bytes fill in.
    measure::LogDirSnapshot blind;
    blind.path = "/data/kafka1";
    admin::LogDirInfo online;
    online.path = "/data/kafka1";
    online.totalBytes = 1000;
    online.usableBytes = 100;
    admin::mergeBrokerView(blind, admin::logDirFromDescribe(online));
    CHECK_FALSE(blind.offline);
    REQUIRE(blind.usage.has_value());
    CHECK(blind.usage->freeBytes == 100);
}

TEST_CASE("Sampler: a dead bootstrap gives a Down broker and a problem, not a hang", "[monitor][sampler]")
{
    TempDir tmp;
    std::filesystem::create_directories(tmp / "data0");
    SECTION("connection refused, with local files")
    {
        admin::SamplerOptions options;
        options.localBrokers.push_back(
            {BrokerId(7), "", "127.0.0.1:" + std::to_string(test::freePort()), {tmp / "data0"}});
        admin::ClusterSampler sampler(options);
        const auto sample = sampler.sample();
        REQUIRE_FALSE(sample.problems.empty());
        CHECK(sample.problems[0].find("cluster 127.0.0.1:") != std::string::npos);
        REQUIRE(sample.snapshot.brokers.size() == 1);
        const auto &b = sample.snapshot.brokers[0];
        CHECK(b.id == BrokerId(7));
        CHECK(b.state == measure::BrokerLiveness::Down);
        CHECK(b.stateDetail.find("not answering") != std::string::npos);
        // The local scan still measures the files.
        REQUIRE(b.dirs.size() == 1);
        CHECK(b.dirs[0].source == measure::MeasurementSource::LocalScan);
        CHECK(b.dirs[0].usage.has_value());
        CHECK(sample.brokers[0].local);
        CHECK_FALSE(sample.brokers[0].answered);
    }
    SECTION("an address that never answers, bounded by the connect timeout")
    {
        admin::SamplerOptions options;
        // TEST-NET-1 (RFC 5737): never routed, so the connect attempt times out.
        options.bootstrap = "192.0.2.1:9092";
        options.connectTimeout = std::chrono::milliseconds(300);
        options.requestTimeout = std::chrono::milliseconds(300);
        admin::ClusterSampler sampler(options);
        const auto sample = sampler.sample();
        CHECK(sample.snapshot.brokers.empty());
        REQUIRE(sample.problems.size() == 1);
        CHECK(sample.problems[0].find("192.0.2.1:9092") != std::string::npos);
    }
    SECTION("a broker registered in the cluster but not answering")
    {
        MonitorBroker broker(tmp / "broker", {tmp / "data1"});
        admin::SamplerOptions options;
        options.localBrokers.push_back({BrokerId(1), "", broker.bootstrap(), broker.logDirs()});
        admin::ClusterSampler sampler(options);
        CHECK(sampler.sample().snapshot.brokers.at(0).state == measure::BrokerLiveness::Up);
        broker.stop();
        const auto sample = sampler.sample(); // the same client, its connection now dead
        REQUIRE(sample.snapshot.brokers.size() == 1);
        CHECK(sample.snapshot.brokers[0].state == measure::BrokerLiveness::Down);
        CHECK_FALSE(sample.problems.empty());
        CHECK(sample.snapshot.brokers[0].dirs.size() == 1);
    }
}
