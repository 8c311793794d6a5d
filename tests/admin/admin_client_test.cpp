// SPDX-License-Identifier: GPL-3.0-or-later
// AdminClient against the real spillway-broker process (three log dirs),
// with kcat producing and consuming: versions, metadata, topics, log dirs
// against the files on disk, configs (incremental and the AlterConfigs
// fallback), offsets, consumer group lag, replica moves and errors.
#include "core/admin/admin_client.h"
#include "tests/admin/lab_broker.h"

#include <catch2/catch.hpp>

#include <set>

using namespace spillway;
using namespace spillway::core::admin;
using core::ApiKey;
using core::BrokerId;
using core::KafkaError;
using core::PartitionId;
using test::AdminLabBroker;

namespace {

std::unique_ptr<AdminClient> clientFor(const AdminLabBroker &broker, bool forceAlterConfigs = false)
{
    AdminOptions options;
    options.bootstrap = broker.bootstrap();
    options.forceAlterConfigs = forceAlterConfigs;
    auto client = AdminClient::create(options);
    REQUIRE(client.ok());
    return std::move(*client);
}

void createTopic(AdminClient &client, const std::string &name, int partitions)
{
    auto created = client.createTopics({{name, partitions, 1, {}}});
    REQUIRE(created.ok());
    REQUIRE(created->size() == 1);
    INFO(created->front().errorMessage);
    REQUIRE(created->front().error == KafkaError::None);
}

/// Sum of the .log segment sizes of one partition dir, as Kafka counts a
/// partition's size.
std::int64_t segmentBytes(const std::filesystem::path &partitionDir)
{
    std::int64_t total = 0;
    for (const auto &f : std::filesystem::directory_iterator(partitionDir))
        if (f.path().extension() == ".log")
            total += static_cast<std::int64_t>(f.file_size());
    return total;
}

const ConfigEntry &entryOf(const ConfigResourceResult &r, const std::string &name)
{
    const ConfigEntry *e = r.entry(name);
    INFO(name);
    REQUIRE(e != nullptr);
    return *e;
}

/// A topic value not set on the topic: Kafka's default, or the broker's
/// static server.properties value standing in for it.
bool inherited(const ConfigEntry &e)
{
    return e.source == ConfigSource::Default || e.source == ConfigSource::StaticBroker;
}

ConfigResourceResult describeTopic(AdminClient &client, const std::string &topic)
{
    auto described = client.describeConfigs({ConfigResource::topic(topic)});
    REQUIRE(described.ok());
    REQUIRE(described->size() == 1);
    return described->front();
}

} // namespace

TEST_CASE("Admin client negotiates versions from ApiVersions", "[admin][broker]")
{
    AdminLabBroker broker(1);
    auto client = clientFor(broker);
    auto versions = client->apiVersions();
    REQUIRE(versions.ok());
    const auto logDirs = versions->find(ApiKey::DescribeLogDirs);
    REQUIRE(logDirs.has_value());
    CHECK(logDirs->max == 4);
    CHECK(*client->negotiatedVersion(ApiKey::DescribeLogDirs) == 4);
    CHECK(*client->negotiatedVersion(ApiKey::ApiVersions) == 3);
    const auto metadata = versions->find(ApiKey::Metadata);
    REQUIRE(metadata.has_value());
    CHECK(*client->negotiatedVersion(ApiKey::Metadata) == std::min<std::int16_t>(metadata->max, 12));
    CHECK(client->negotiatedVersion(ApiKey::Produce).error().code == core::Errc::Unsupported);

    SECTION("a broker that refuses the ApiVersions version asked gets its own maximum")
    {
        // The lab broker serves ApiVersions v0-3: asking v4 draws
        // UNSUPPORTED_VERSION in v0, and the connection retries with v3.
        AdminOptions options;
        options.bootstrap = broker.bootstrap();
        options.connection.apiVersionsVersion = 4;
        auto retrying = AdminClient::create(options);
        REQUIRE(retrying.ok());
        auto v = (*retrying)->negotiatedVersion(ApiKey::ApiVersions);
        REQUIRE(v.ok());
        CHECK(*v == 3);
        auto cluster = (*retrying)->metadata();
        REQUIRE(cluster.ok());
        CHECK(cluster->brokers.size() == 1);
    }
}

TEST_CASE("Admin client reads metadata and creates topics", "[admin][broker]")
{
    AdminLabBroker broker;
    auto client = clientFor(broker);
    createTopic(*client, "orders", 6);

    auto again = client->createTopics({{"orders", 6, 1, {}}});
    REQUIRE(again.ok());
    CHECK(again->front().error == KafkaError::TopicAlreadyExists);

    auto cluster = client->metadata();
    REQUIRE(cluster.ok());
    REQUIRE(cluster->brokers.size() == 1);
    CHECK(cluster->brokers[0].id == BrokerId(1));
    CHECK(cluster->brokers[0].host == "127.0.0.1");
    CHECK(cluster->brokers[0].port == broker.port());
    CHECK(cluster->controller == BrokerId(1));
    CHECK_FALSE(cluster->clusterId.empty());
    const TopicInfo *orders = cluster->topic("orders");
    REQUIRE(orders != nullptr);
    CHECK(orders->error == KafkaError::None);
    CHECK_FALSE(orders->id.isZero());
    REQUIRE(orders->partitions.size() == 6);
    for (int p = 0; p < 6; ++p) {
        const auto &partition = orders->partitions[static_cast<std::size_t>(p)];
        CHECK(partition.partition == PartitionId(p));
        CHECK(partition.leader == BrokerId(1));
        CHECK(partition.replicas == std::vector<BrokerId>{BrokerId(1)});
        CHECK(partition.isr == std::vector<BrokerId>{BrokerId(1)});
        CHECK(partition.offlineReplicas.empty());
    }

    auto described = client->describeCluster();
    REQUIRE(described.ok());
    CHECK(described->clusterId == cluster->clusterId);
    CHECK(described->controller == BrokerId(1));
    REQUIRE(described->brokers.size() == 1);
    CHECK(described->brokers[0].port == broker.port());
    CHECK(described->topics.empty());
}

TEST_CASE("Admin DescribeLogDirs sizes match the partition dirs on disk", "[admin][broker]")
{
    AdminLabBroker broker(3);
    auto client = clientFor(broker);
    createTopic(*client, "sized", 6);
    for (int p = 0; p < 6; ++p)
        broker.produce("sized", p, 200 * (p + 1));

    auto dirs = client->describeLogDirs(BrokerId(1));
    REQUIRE(dirs.ok());
    REQUIRE(dirs->size() == 3);
    std::set<std::string> paths;
    int partitionsSeen = 0;
    for (const auto &dir : *dirs) {
        paths.insert(dir.path);
        CHECK(dir.error == KafkaError::None);
        CHECK(dir.totalBytes > 0);
        CHECK(dir.usableBytes > 0);
        CHECK(dir.usableBytes <= dir.totalBytes);
        for (const auto &p : dir.partitions) {
            CHECK(p.topic == "sized");
            CHECK_FALSE(p.isFuture);
            const auto onDisk = std::filesystem::path(dir.path) / ("sized-" + std::to_string(p.partition.get()));
            INFO(onDisk);
            REQUIRE(std::filesystem::is_directory(onDisk));
            CHECK(p.sizeBytes == segmentBytes(onDisk));
            CHECK(p.sizeBytes > 0);
            ++partitionsSeen;
        }
    }
    CHECK(partitionsSeen == 6);
    std::set<std::string> expected;
    for (const auto &d : broker.logDirs())
        expected.insert(d.string());
    CHECK(paths == expected);

    auto unknown = client->describeLogDirs(BrokerId(99));
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == core::Errc::NotFound);
    CHECK(unknown.error().message == "broker 99 is not in the cluster (brokers: 1)");
}

TEST_CASE("Admin IncrementalAlterConfigs changes show in DescribeConfigs with their source", "[admin][broker]")
{
    AdminLabBroker broker(1);
    auto client = clientFor(broker);
    createTopic(*client, "configured", 1);

    const auto before = describeTopic(*client, "configured");
    CHECK(before.error == KafkaError::None);
    CHECK(inherited(entryOf(before, "retention.ms")));

    auto altered = client->incrementalAlterConfigs(
        {{ConfigResource::topic("configured"),
          {{"retention.ms", ConfigOp::Set, "3600000"}, {"cleanup.policy", ConfigOp::Set, "compact"}}}});
    REQUIRE(altered.ok());
    REQUIRE(altered->size() == 1);
    CHECK(altered->front().error == KafkaError::None);
    CHECK_FALSE(altered->front().viaAlterConfigs);

    const auto after = describeTopic(*client, "configured");
    const auto &retention = entryOf(after, "retention.ms");
    CHECK(retention.value == "3600000");
    CHECK(retention.source == ConfigSource::DynamicTopic);
    CHECK_FALSE(retention.isDefault);
    REQUIRE_FALSE(retention.synonyms.empty());
    CHECK(retention.synonyms.front().source == ConfigSource::DynamicTopic);
    CHECK(entryOf(after, "cleanup.policy").value == "compact");

    auto deleted = client->incrementalAlterConfigs(
        {{ConfigResource::topic("configured"), {{"retention.ms", ConfigOp::Delete, {}}}}});
    REQUIRE(deleted.ok());
    CHECK(deleted->front().error == KafkaError::None);
    const auto reverted = describeTopic(*client, "configured");
    CHECK(inherited(entryOf(reverted, "retention.ms")));
    CHECK(entryOf(reverted, "cleanup.policy").value == "compact");

    SECTION("validateOnly changes nothing")
    {
        auto validated = client->incrementalAlterConfigs(
            {{ConfigResource::topic("configured"), {{"retention.ms", ConfigOp::Set, "1000"}}}}, true);
        REQUIRE(validated.ok());
        CHECK(validated->front().error == KafkaError::None);
        CHECK(inherited(entryOf(describeTopic(*client, "configured"), "retention.ms")));
    }
    SECTION("an invalid value is Kafka's INVALID_CONFIG for that resource")
    {
        auto bad = client->incrementalAlterConfigs(
            {{ConfigResource::topic("configured"), {{"retention.ms", ConfigOp::Set, "soon"}}}});
        REQUIRE(bad.ok());
        CHECK(bad->front().error == KafkaError::InvalidConfig);
        CHECK_FALSE(bad->front().errorMessage.empty());
    }
    SECTION("broker configs come from that broker, with static sources")
    {
        auto described = client->describeConfigs({ConfigResource::broker(BrokerId(1))});
        REQUIRE(described.ok());
        const auto &result = described->front();
        CHECK(result.error == KafkaError::None);
        const auto &dirs = entryOf(result, "log.dirs");
        CHECK(dirs.source == ConfigSource::StaticBroker);
        CHECK(dirs.value == broker.logDirs().front().string());
    }
}

TEST_CASE("Admin AlterConfigs fallback keeps the other overrides (read-modify-write)", "[admin][broker]")
{
    AdminLabBroker broker(1);
    auto client = clientFor(broker);
    createTopic(*client, "fallback", 1);
    REQUIRE(client
                ->incrementalAlterConfigs(
                    {{ConfigResource::topic("fallback"), {{"segment.bytes", ConfigOp::Set, "1048576"}}}})
                .ok());

    auto old = clientFor(broker, /*forceAlterConfigs=*/true);
    auto set = old->incrementalAlterConfigs(
        {{ConfigResource::topic("fallback"),
          {{"retention.ms", ConfigOp::Set, "7200000"}, {"cleanup.policy", ConfigOp::Append, "compact"}}}});
    REQUIRE(set.ok());
    CHECK(set->front().error == KafkaError::None);
    CHECK(set->front().viaAlterConfigs);
    auto described = describeTopic(*client, "fallback");
    CHECK(entryOf(described, "retention.ms").value == "7200000");
    CHECK(entryOf(described, "retention.ms").source == ConfigSource::DynamicTopic);
    CHECK(entryOf(described, "segment.bytes").value == "1048576"); // not lost by AlterConfigs
    CHECK(entryOf(described, "cleanup.policy").value == "delete,compact");

    auto removed = old->incrementalAlterConfigs(
        {{ConfigResource::topic("fallback"),
          {{"segment.bytes", ConfigOp::Delete, {}}, {"cleanup.policy", ConfigOp::Subtract, "delete"}}}});
    REQUIRE(removed.ok());
    CHECK(removed->front().error == KafkaError::None);
    described = describeTopic(*client, "fallback");
    CHECK(inherited(entryOf(described, "segment.bytes")));
    CHECK(entryOf(described, "retention.ms").value == "7200000");
    CHECK(entryOf(described, "cleanup.policy").value == "compact");

    auto unknown = old->incrementalAlterConfigs(
        {{ConfigResource::topic("no-such-topic"), {{"retention.ms", ConfigOp::Set, "1"}}}});
    REQUIRE(unknown.ok());
    CHECK(unknown->front().error == KafkaError::UnknownTopicOrPartition);
}

TEST_CASE("Admin ListOffsets finds earliest, latest and by-timestamp offsets", "[admin][broker]")
{
    AdminLabBroker broker(2);
    auto client = clientFor(broker);
    createTopic(*client, "offsets", 2);
    const auto startMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    broker.produce("offsets", 0, 100);
    broker.produce("offsets", 1, 30);

    const auto p0 = PartitionId(0);
    const auto p1 = PartitionId(1);
    auto offsets = client->listOffsets({{"offsets", p0, OffsetSpec::earliest()},
                                        {"offsets", p0, OffsetSpec::latest()},
                                        {"offsets", p1, OffsetSpec::latest()},
                                        {"offsets", p0, OffsetSpec::at(core::Timestamp(startMs - 60000))},
                                        {"offsets", p0, OffsetSpec::at(core::Timestamp(startMs + 86400000))},
                                        {"offsets", PartitionId(9), OffsetSpec::latest()},
                                        {"no-such-topic", p0, OffsetSpec::latest()}});
    REQUIRE(offsets.ok());
    REQUIRE(offsets->size() == 7);
    const auto &r = *offsets;
    for (int i = 0; i < 5; ++i) {
        INFO(i << " " << r[static_cast<std::size_t>(i)].errorMessage);
        CHECK(r[static_cast<std::size_t>(i)].error == KafkaError::None);
    }
    CHECK(r[0].offset == core::Offset(0));
    CHECK(r[1].offset == core::Offset(100));
    CHECK(r[2].offset == core::Offset(30));
    CHECK(r[3].offset == core::Offset(0)); // the first record at or after the time
    CHECK(r[3].timestamp.get() >= startMs - 60000);
    CHECK(r[4].offset == core::Offset(-1)); // nothing that late
    CHECK(r[5].error == KafkaError::UnknownTopicOrPartition);
    CHECK(r[6].error == KafkaError::UnknownTopicOrPartition);
    CHECK(r[6].topic == "no-such-topic");
}

TEST_CASE("Admin consumer group lag is log end minus committed, per partition", "[admin][broker]")
{
    AdminLabBroker broker(2);
    auto client = clientFor(broker);
    createTopic(*client, "lagging", 2);
    broker.produce("lagging", 0, 40);
    broker.produce("lagging", 1, 10);
    REQUIRE(broker.consumeAsGroup("lag-group", "lagging") == 50);
    broker.produce("lagging", 0, 15, "later");
    broker.produce("lagging", 1, 5, "later");

    auto listed = client->listGroups();
    CHECK(listed.errors.empty());
    bool found = false;
    for (const auto &g : listed.groups)
        found |= g.groupId == "lag-group" && g.protocolType == "consumer" && g.coordinator == BrokerId(1);
    CHECK(found);

    auto described = client->describeGroups({"lag-group"});
    REQUIRE(described.ok());
    CHECK(described->front().error == KafkaError::None);
    CHECK(described->front().state == "Empty"); // kcat left the group
    CHECK(described->front().coordinator == BrokerId(1));

    auto committed = client->committedOffsets("lag-group");
    REQUIRE(committed.ok());
    REQUIRE(committed->size() == 2);
    CHECK(committed->at(0).offset == core::Offset(40));
    CHECK(committed->at(1).offset == core::Offset(10));

    auto lag = client->groupLag("lag-group");
    REQUIRE(lag.ok());
    REQUIRE(lag->partitions.size() == 2);
    const auto &p0 = lag->partitions[0];
    const auto &p1 = lag->partitions[1];
    CHECK(p0.topic == "lagging");
    CHECK(p0.partition == PartitionId(0));
    CHECK(p0.committed == core::Offset(40));
    CHECK(p0.logEnd == core::Offset(55));
    CHECK(p0.lag == 15);
    CHECK(p1.committed == core::Offset(10));
    CHECK(p1.logEnd == core::Offset(15));
    CHECK(p1.lag == 5);
    CHECK(lag->totalLag() == 20);
    CHECK(lag->coordinator == BrokerId(1));

    auto nobody = client->groupLag("no-such-group");
    REQUIRE(nobody.ok());
    CHECK(nobody->partitions.empty());
}

TEST_CASE("Admin AlterReplicaLogDirs answers for a replica already there and for a dir the broker lacks",
          "[admin][broker]")
{
    AdminLabBroker broker(2);
    auto client = clientFor(broker);
    createTopic(*client, "movable", 1);
    auto dirs = client->describeLogDirs(BrokerId(1));
    REQUIRE(dirs.ok());
    std::string current;
    for (const auto &d : *dirs)
        for (const auto &p : d.partitions)
            if (p.topic == "movable")
                current = d.path;
    REQUIRE_FALSE(current.empty());

    auto versions = client->apiVersions(BrokerId(1));
    REQUIRE(versions.ok());
    if (!versions->supports(ApiKey::AlterReplicaLogDirs)) {
        // PENDING: the lab broker does not serve AlterReplicaLogDirs yet. The
        // client must say so clearly; the full move test comes with it.
        WARN("spillway-broker has no AlterReplicaLogDirs yet: only the client's refusal is checked");
        auto refused = client->alterReplicaLogDirs(BrokerId(1), {{"movable", PartitionId(0), current}});
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == core::Errc::Unsupported);
        CHECK(refused.error().message.find("does not support AlterReplicaLogDirs") != std::string::npos);
        return;
    }
    auto same = client->alterReplicaLogDirs(BrokerId(1), {{"movable", PartitionId(0), current}});
    REQUIRE(same.ok());
    REQUIRE(same->size() == 1);
    CHECK(same->front().topic == "movable");
    CHECK(same->front().error == KafkaError::None);

    auto bogus = client->alterReplicaLogDirs(BrokerId(1),
                                             {{"movable", PartitionId(0), (broker.dir() / "not-a-log-dir").string()}});
    REQUIRE(bogus.ok());
    REQUIRE(bogus->size() == 1);
    CHECK(bogus->front().error == KafkaError::LogDirNotFound);
}

TEST_CASE("Admin unknown topics come back as Kafka errors per item", "[admin][broker]")
{
    AdminLabBroker broker(1);
    auto client = clientFor(broker);
    auto cluster = client->metadata({"no-such-topic"});
    REQUIRE(cluster.ok());
    REQUIRE(cluster->topics.size() == 1);
    CHECK(cluster->topics[0].error == KafkaError::UnknownTopicOrPartition);
    auto configs = client->describeConfigs({ConfigResource::topic("no-such-topic")});
    REQUIRE(configs.ok());
    CHECK(configs->front().error == KafkaError::UnknownTopicOrPartition);
    CHECK_FALSE(configs->front().errorMessage.empty());
    // Never auto-created by asking.
    auto again = client->metadata();
    REQUIRE(again.ok());
    CHECK(again->topic("no-such-topic") == nullptr);
}

TEST_CASE("Admin dead broker is a clear error and a restarted one is reconnected", "[admin][broker]")
{
    SECTION("nobody listening")
    {
        const int port = test::freePort();
        AdminOptions options;
        options.bootstrap = "127.0.0.1:" + std::to_string(port);
        auto client = AdminClient::create(options);
        REQUIRE(client.ok());
        auto cluster = (*client)->metadata();
        REQUIRE_FALSE(cluster.ok());
        CHECK(cluster.error().code == core::Errc::Io);
        CHECK(cluster.error().message == "cannot connect to bootstrap server 127.0.0.1:" + std::to_string(port) +
                                             ": Connection refused (for Metadata)");
        CHECK(cluster.error().sysErrno == ECONNREFUSED);
    }
    SECTION("a bootstrap list tries every server and names each")
    {
        AdminLabBroker broker(1);
        const int dead = test::freePort();
        AdminOptions options;
        options.bootstrap = "127.0.0.1:" + std::to_string(dead) + "," + broker.bootstrap();
        auto client = AdminClient::create(options);
        REQUIRE(client.ok());
        CHECK((*client)->metadata().ok());
    }
    SECTION("stopped and started again")
    {
        AdminLabBroker broker(1);
        auto client = clientFor(broker);
        REQUIRE(client->describeLogDirs(BrokerId(1)).ok());
        broker.stop();
        auto down = client->describeLogDirs(BrokerId(1));
        REQUIRE_FALSE(down.ok());
        INFO(down.error().message);
        CHECK(down.error().message == "cannot connect to broker 1 (127.0.0.1:" + std::to_string(broker.port()) +
                                          "): Connection refused (for DescribeLogDirs)");
        broker.start();
        auto up = client->describeLogDirs(BrokerId(1));
        INFO((up.ok() ? std::string() : up.error().message));
        CHECK(up.ok());
    }
    CHECK_FALSE(AdminClient::create({"no-port-here", {}, false}).ok());
}
