// SPDX-License-Identifier: GPL-3.0-or-later
// Spillway's admin client against the protocol version ranges of Apache Kafka
// releases 2.0 ... 4.0: a real spillway-broker started with
// `spillway.emulate.kafka.version=<release>` (broker/api/kafka_release_profiles.h)
// per release, a real librdkafka producer and consumer group, and every admin
// call Spillway makes. This emulates those releases' version ranges with the
// lab broker; it is not a test against Apache Kafka itself.
#include "broker/api/kafka_release_profiles.h"
#include "core/admin/admin_client.h"
#include "core/admin/cluster_sampler.h"
#include "core/admin/spillway_versions.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>

#include <array>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

using namespace spillway;
using namespace spillway::core::admin;
using core::ApiKey;
using core::BrokerId;
using core::KafkaError;
using core::PartitionId;
using namespace std::chrono_literals;

namespace {

constexpr int kPartitions = 3;
constexpr std::size_t kPartitionCount = kPartitions;
constexpr int kMessages = 20; ///< per partition
const std::string kTopic = "compat";
const std::string kGroup = "compat-group";

using Ranges = std::map<std::int16_t, VersionRange>;

/// spillway-broker with three log dirs on its own port and files, emulating
/// `release` ("" = the lab broker's own ranges).
class ReleaseBroker {
public:
    explicit ReleaseBroker(const std::string &release)
    {
        std::string dirs;
        for (int i = 0; i < 3; ++i) {
            const auto d = m_dir / ("data" + std::to_string(i));
            std::filesystem::create_directories(d);
            dirs += (i == 0 ? "" : ",") + d.string();
            m_logDirs.push_back(d);
        }
        std::ofstream props(m_dir / "server.properties");
        props << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << m_port << "\nlog.dirs=" << dirs
              << "\nnum.partitions=1\nauto.create.topics.enable=false\ngroup.initial.rebalance.delay.ms=0\n"
                 "log.segment.bytes=2097152\n";
        if (!release.empty())
            props << "spillway.emulate.kafka.version=" << release << "\n";
        props.close();
        m_process = std::make_unique<test::BackgroundProcess>(
            std::vector<std::string>{std::string(SPILLWAY_BINARY_DIR "/app/spillway-broker"),
                                     (m_dir / "server.properties").string()},
            (m_dir / "broker.log").string());
        INFO(test::slurp((m_dir / "broker.log").string()));
        REQUIRE(test::waitForPort(m_port, 10s));
    }
    ~ReleaseBroker() { m_process->stop(SIGTERM); }
    ReleaseBroker(const ReleaseBroker &) = delete;
    ReleaseBroker &operator=(const ReleaseBroker &) = delete;

    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] const std::vector<std::filesystem::path> &logDirs() const { return m_logDirs; }
    [[nodiscard]] const test::TempDir &dir() const { return m_dir; }
    [[nodiscard]] std::string log() const { return test::slurp((m_dir / "broker.log").string()); }

private:
    test::TempDir m_dir;
    int m_port = test::freePort();
    std::vector<std::filesystem::path> m_logDirs;
    std::unique_ptr<test::BackgroundProcess> m_process;
};

std::unique_ptr<AdminClient> clientFor(const ReleaseBroker &broker)
{
    AdminOptions options;
    options.bootstrap = broker.bootstrap();
    auto client = AdminClient::create(options);
    REQUIRE(client.ok());
    return std::move(*client);
}

/// What the lab broker serves without emulation (its ApiVersions answer).
Ranges labBrokerRanges()
{
    ReleaseBroker own("");
    auto table = clientFor(own)->apiVersions();
    REQUIRE(table.ok());
    Ranges out(table->all().begin(), table->all().end());
    REQUIRE(out.size() > 20);
    return out;
}

/// What a broker emulating `release` must advertise: per API the
/// intersection of the lab broker's range and the release's; APIs the
/// release lacks, or without a common version, are left out.
Ranges expectedRanges(const Ranges &lab, const broker::KafkaReleaseProfile &release)
{
    Ranges out;
    for (const auto &[key, own] : lab) {
        const auto theirs = release.find(key);
        if (!theirs)
            continue;
        const VersionRange both{std::max(own.min, theirs->minVersion), std::min(own.max, theirs->maxVersion)};
        if (both.min <= both.max)
            out[key] = both;
    }
    return out;
}

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// --- librdkafka ---------------------------------------------------------------

struct Deliveries {
    std::mutex mutex;
    std::vector<std::pair<std::int32_t, std::int64_t>> acked; ///< partition, offset
    std::vector<std::string> errors;
};

void onDelivery(rd_kafka_t *, const rd_kafka_message_t *msg, void *opaque)
{
    auto *d = static_cast<Deliveries *>(opaque);
    std::lock_guard lock(d->mutex);
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR)
        d->errors.push_back(rd_kafka_err2str(msg->err));
    else
        d->acked.emplace_back(msg->partition, msg->offset);
}

rd_kafka_conf_t *confFor(const std::string &bootstrap, const std::map<std::string, std::string> &extra)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    std::map<std::string, std::string> all{{"bootstrap.servers", bootstrap}};
    all.insert(extra.begin(), extra.end());
    for (const auto &[k, v] : all) {
        INFO(k << "=" << v << ": " << err);
        REQUIRE(rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK);
    }
    return conf;
}

/// Produces `count` messages to one partition with CreateTime timestamps
/// base, base+1s, ... (acks=all, waits for every acknowledgement).
void produce(const std::string &bootstrap, std::int32_t partition, int count, std::int64_t baseTimestampMs)
{
    Deliveries deliveries;
    rd_kafka_conf_t *conf = confFor(bootstrap, {{"acks", "all"}, {"linger.ms", "5"}});
    rd_kafka_conf_set_opaque(conf, &deliveries);
    rd_kafka_conf_set_dr_msg_cb(conf, onDelivery);
    char err[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    INFO(err);
    REQUIRE(rk != nullptr);
    for (int i = 0; i < count; ++i) {
        std::string payload = "m-" + std::to_string(partition) + "-" + std::to_string(i);
        // rd_kafka_produceva: rd_kafka_producev's macros are C casts.
        std::array<rd_kafka_vu_t, 5> vus{};
        vus[0].vtype = RD_KAFKA_VTYPE_TOPIC;
        vus[0].u.cstr = kTopic.c_str();
        vus[1].vtype = RD_KAFKA_VTYPE_PARTITION;
        vus[1].u.i32 = partition;
        vus[2].vtype = RD_KAFKA_VTYPE_VALUE;
        vus[2].u.mem.ptr = payload.data();
        vus[2].u.mem.size = payload.size();
        vus[3].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vus[3].u.i = RD_KAFKA_MSG_F_COPY;
        vus[4].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
        vus[4].u.i64 = baseTimestampMs + 1000LL * i;
        rd_kafka_error_t *e = rd_kafka_produceva(rk, vus.data(), vus.size());
        INFO((e != nullptr ? rd_kafka_error_string(e) : ""));
        CHECK(e == nullptr);
        if (e != nullptr)
            rd_kafka_error_destroy(e);
    }
    const rd_kafka_resp_err_t flushed = rd_kafka_flush(rk, 60000);
    rd_kafka_destroy(rk);
    INFO("librdkafka producer: " << (deliveries.errors.empty() ? std::string() : deliveries.errors.front()));
    REQUIRE(flushed == RD_KAFKA_RESP_ERR_NO_ERROR);
    REQUIRE(deliveries.errors.empty());
    REQUIRE(deliveries.acked.size() == static_cast<std::size_t>(count));
}

/// A librdkafka high-level consumer in group kGroup (JoinGroup, SyncGroup,
/// Heartbeat, OffsetCommit as librdkafka negotiates them).
class GroupConsumer {
public:
    explicit GroupConsumer(const std::string &bootstrap)
    {
        rd_kafka_conf_t *conf = confFor(bootstrap, {{"group.id", kGroup},
                                                    {"client.id", "compat-consumer"},
                                                    {"auto.offset.reset", "earliest"},
                                                    {"enable.auto.commit", "false"},
                                                    {"session.timeout.ms", "10000"}});
        char err[512];
        m_rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
        INFO(err);
        REQUIRE(m_rk != nullptr);
        rd_kafka_poll_set_consumer(m_rk);
        rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(topics, kTopic.c_str(), RD_KAFKA_PARTITION_UA);
        const rd_kafka_resp_err_t e = rd_kafka_subscribe(m_rk, topics);
        rd_kafka_topic_partition_list_destroy(topics);
        REQUIRE(e == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ~GroupConsumer()
    {
        rd_kafka_consumer_close(m_rk);
        rd_kafka_destroy(m_rk);
    }
    GroupConsumer(const GroupConsumer &) = delete;
    GroupConsumer &operator=(const GroupConsumer &) = delete;

    /// Reads until `count` messages arrived; returns how many did.
    int consume(int count, std::chrono::seconds timeout)
    {
        int got = 0;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (got < count && std::chrono::steady_clock::now() < deadline) {
            rd_kafka_message_t *m = rd_kafka_consumer_poll(m_rk, 200);
            if (m == nullptr)
                continue;
            if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
                ++got;
            else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                m_errors.push_back(rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
        }
        return got;
    }
    /// Commits the positions of every assigned partition (synchronously).
    rd_kafka_resp_err_t commit() { return rd_kafka_commit(m_rk, nullptr, 0); }
    [[nodiscard]] const std::vector<std::string> &errors() const { return m_errors; }

private:
    rd_kafka_t *m_rk = nullptr;
    std::vector<std::string> m_errors;
};

// --- checks -------------------------------------------------------------------

const ConfigEntry &entryOf(const ConfigResourceResult &r, const std::string &name)
{
    const ConfigEntry *e = r.entry(name);
    INFO(name);
    REQUIRE(e != nullptr);
    return *e;
}

ConfigResourceResult describeTopic(AdminClient &client)
{
    auto described = client.describeConfigs({ConfigResource::topic(kTopic)});
    REQUIRE(described.ok());
    REQUIRE(described->size() == 1);
    REQUIRE(described->front().error == KafkaError::None);
    return described->front();
}

/// Where `partition` of kTopic lives (not as a -future replica), "" if nowhere.
std::string dirOf(const std::vector<LogDirInfo> &dirs, int partition)
{
    for (const auto &d : dirs)
        for (const auto &p : d.partitions)
            if (p.topic == kTopic && p.partition.get() == partition && !p.isFuture)
                return d.path;
    return {};
}

/// Evaluates a Python expression over a JSON document (as `d`).
std::string jsonQuery(const test::TempDir &scratch, const std::string &json, const std::string &expression)
{
    const auto file = scratch / "doc.json";
    std::ofstream(file) << json;
    const auto r = test::runProcess(
        {"python3", "-c", "import json,sys\nd=json.load(open(sys.argv[1]))\nprint(" + expression + ")", file.string()});
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    return out;
}

/// Every admin call Spillway makes, against a broker emulating `release`.
void checkRelease(const std::string &release, bool runStatusCli)
{
    const broker::KafkaReleaseProfile *profile = broker::findKafkaRelease(release);
    REQUIRE(profile != nullptr);
    const Ranges expected = expectedRanges(labBrokerRanges(), *profile);

    ReleaseBroker broker(release);
    INFO("Apache Kafka " << release << " profile; broker log:\n" << broker.log());
    CHECK(broker.log().find("emulating the protocol version ranges of Apache Kafka " + release) != std::string::npos);
    auto client = clientFor(broker);

    // --- ApiVersions: exactly the intersection --------------------------------
    auto table = client->apiVersions();
    REQUIRE(table.ok());
    std::map<std::int16_t, std::pair<int, int>> got;
    for (const auto &[k, r] : table->all())
        got[k] = {r.min, r.max};
    std::map<std::int16_t, std::pair<int, int>> want;
    for (const auto &[k, r] : expected)
        want[k] = {r.min, r.max};
    CHECK(got == want);

    // --- the version Spillway uses for each API -------------------------------
    const auto has = [&](ApiKey k) { return expected.count(static_cast<std::int16_t>(k)) == 1; };
    for (const auto &[k, theirs] : expected) {
        const auto key = static_cast<ApiKey>(k);
        const auto ours = spillwayVersions(key);
        if (!ours)
            continue; // an API Spillway's admin client does not use (Produce, Fetch, ...)
        INFO(core::toString(key) << ": Spillway v" << ours->min << "-" << ours->max << ", broker v" << theirs.min << "-"
                                 << theirs.max);
        auto negotiated = client->negotiatedVersion(key);
        if (key == ApiKey::ApiVersions) {
            // v3 first; before KIP-511 the refusal lists no range, so v0.
            REQUIRE(negotiated.ok());
            CHECK(*negotiated == (profile->apiVersionsErrorListsRange ? std::min(ours->max, theirs.max) : 0));
            continue;
        }
        const auto lo = std::max(ours->min, theirs.min);
        const auto hi = std::min(ours->max, theirs.max);
        if (lo > hi) {
            CHECK_FALSE(negotiated.ok());
            continue;
        }
        REQUIRE(negotiated.ok());
        CHECK(*negotiated == hi);
    }
    for (ApiKey missing : {ApiKey::IncrementalAlterConfigs, ApiKey::DescribeCluster}) {
        if (has(missing))
            continue;
        auto negotiated = client->negotiatedVersion(missing);
        REQUIRE_FALSE(negotiated.ok());
        CHECK(negotiated.error().code == core::Errc::Unsupported);
    }

    // --- metadata and describeCluster (Metadata before 2.8) -------------------
    auto metadata = client->metadata();
    REQUIRE(metadata.ok());
    REQUIRE(metadata->brokers.size() == 1);
    CHECK(metadata->brokers.front().id == BrokerId(1));
    CHECK(metadata->controller == BrokerId(1));
    CHECK_FALSE(metadata->clusterId.empty());
    auto cluster = client->describeCluster();
    REQUIRE(cluster.ok());
    REQUIRE(cluster->brokers.size() == 1);
    CHECK(cluster->brokers.front().id == BrokerId(1));
    CHECK(cluster->brokers.front().port == metadata->brokers.front().port);
    CHECK(cluster->clusterId == metadata->clusterId);
    CHECK(cluster->controller == BrokerId(1));

    // --- createTopics ----------------------------------------------------------
    auto created = client->createTopics({{kTopic, kPartitions, 1, {{"retention.ms", "86400000"}}}});
    REQUIRE(created.ok());
    REQUIRE(created->size() == 1);
    INFO(created->front().errorMessage);
    REQUIRE(created->front().error == KafkaError::None);
    auto topicMetadata = client->metadata({kTopic});
    REQUIRE(topicMetadata.ok());
    REQUIRE(topicMetadata->topic(kTopic) != nullptr);
    CHECK(topicMetadata->topic(kTopic)->partitions.size() == kPartitionCount);

    // --- librdkafka produces (it negotiates down to the profile) ---------------
    const std::int64_t base = nowMs() - 600000;
    for (int p = 0; p < kPartitions; ++p)
        produce(broker.bootstrap(), p, kMessages, base);

    // --- describeLogDirs: capacity only from v4 (Kafka 3.3) --------------------
    auto dlVersion = client->negotiatedVersion(ApiKey::DescribeLogDirs);
    REQUIRE(dlVersion.ok());
    const bool capacityKnown = *dlVersion >= 4;
    CHECK(capacityKnown == (profile->find(35)->maxVersion >= 4));
    auto dirs = client->describeLogDirs(BrokerId(1));
    REQUIRE(dirs.ok());
    REQUIRE(dirs->size() == 3);
    for (const auto &d : *dirs) {
        INFO(d.path);
        CHECK(d.error == KafkaError::None);
        if (capacityKnown) {
            CHECK(d.totalBytes > 0);
            CHECK(d.usableBytes > 0);
            CHECK(d.usableBytes <= d.totalBytes);
        } else {
            CHECK(d.totalBytes == -1);
            CHECK(d.usableBytes == -1);
        }
    }
    for (int p = 0; p < kPartitions; ++p)
        CHECK_FALSE(dirOf(*dirs, p).empty());

    // --- the ClusterSampler: remote view, then with the local scan -------------
    {
        SamplerOptions remote;
        remote.bootstrap = broker.bootstrap();
        remote.consumerGroups = false;
        ClusterSampler sampler(remote);
        const ClusterSample sample = sampler.sample();
        const auto *b = sample.snapshot.broker(BrokerId(1));
        REQUIRE(b != nullptr);
        REQUIRE(b->dirs.size() == 3);
        for (const auto &d : b->dirs) {
            INFO(d.path);
            CHECK(d.source == core::measure::MeasurementSource::DescribeLogDirs);
            CHECK(d.usage.has_value() == capacityKnown); // unknown, not zero, before 3.3
            CHECK(d.partitionCount >= 0);
        }

        SamplerOptions local;
        local.bootstrap = broker.bootstrap();
        local.localBrokers.push_back({BrokerId(1), "", broker.bootstrap(), broker.logDirs()});
        ClusterSampler localSampler(local);
        const ClusterSample localSample = localSampler.sample();
        const auto *lb = localSample.snapshot.broker(BrokerId(1));
        REQUIRE(lb != nullptr);
        REQUIRE(lb->dirs.size() == 3);
        std::int64_t partitions = 0;
        for (const auto &d : lb->dirs) {
            INFO(d.path);
            CHECK(d.source == core::measure::MeasurementSource::LocalScan);
            REQUIRE(d.usage.has_value()); // statvfs here, whatever the broker's version
            CHECK(d.usage->capacityBytes > 0);
            CHECK_FALSE(d.offline);
            partitions += d.partitionCount;
        }
        CHECK(partitions == kPartitions);
        REQUIRE(localSample.brokers.size() == 1);
        CHECK(localSample.brokers.front().answered);
    }

    // --- alterReplicaLogDirs: a real move that completes -----------------------
    {
        const std::string from = dirOf(*dirs, 0);
        std::string to;
        for (const auto &d : *dirs)
            if (d.path != from)
                to = d.path;
        auto moved = client->alterReplicaLogDirs(BrokerId(1), {{kTopic, PartitionId(0), to}});
        REQUIRE(moved.ok());
        REQUIRE(moved->size() == 1);
        CHECK(moved->front().error == KafkaError::None);
        bool done = false;
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (!done && std::chrono::steady_clock::now() < deadline) {
            auto now = client->describeLogDirs(BrokerId(1));
            REQUIRE(now.ok());
            bool future = false;
            for (const auto &d : *now)
                for (const auto &p : d.partitions)
                    future = future || (p.topic == kTopic && p.isFuture);
            done = !future && dirOf(*now, 0) == to;
            if (!done)
                std::this_thread::sleep_for(100ms);
        }
        CHECK(done);
    }

    // --- describeConfigs / incrementalAlterConfigs (AlterConfigs before 2.3) ---
    {
        const auto before = describeTopic(*client);
        CHECK(entryOf(before, "retention.ms").value == std::optional<std::string>("86400000"));
        CHECK(entryOf(before, "retention.ms").source == ConfigSource::DynamicTopic);

        const bool incremental = has(ApiKey::IncrementalAlterConfigs);
        auto set = client->incrementalAlterConfigs(
            {{ConfigResource::topic(kTopic), {{"retention.bytes", ConfigOp::Set, "1048576"}}}});
        REQUIRE(set.ok());
        REQUIRE(set->size() == 1);
        INFO(set->front().errorMessage);
        CHECK(set->front().error == KafkaError::None);
        CHECK(set->front().viaAlterConfigs == !incremental);
        if (!incremental) {
            auto alterVersion = client->negotiatedVersion(ApiKey::AlterConfigs);
            REQUIRE(alterVersion.ok());
            CHECK(*alterVersion == std::min<int>(spillwayVersions(ApiKey::AlterConfigs)->max,
                                                 expected.at(static_cast<std::int16_t>(ApiKey::AlterConfigs)).max));
        }
        const auto afterSet = describeTopic(*client);
        CHECK(entryOf(afterSet, "retention.bytes").value == std::optional<std::string>("1048576"));
        CHECK(entryOf(afterSet, "retention.bytes").source == ConfigSource::DynamicTopic);
        CHECK(entryOf(afterSet, "retention.ms").value == std::optional<std::string>("86400000"));
        CHECK(entryOf(afterSet, "retention.ms").source == ConfigSource::DynamicTopic);

        auto removed = client->incrementalAlterConfigs(
            {{ConfigResource::topic(kTopic), {{"retention.bytes", ConfigOp::Delete, {}}}}});
        REQUIRE(removed.ok());
        REQUIRE(removed->size() == 1);
        CHECK(removed->front().error == KafkaError::None);
        const auto afterDelete = describeTopic(*client);
        CHECK(entryOf(afterDelete, "retention.bytes").source != ConfigSource::DynamicTopic);
        CHECK(entryOf(afterDelete, "retention.ms").value == std::optional<std::string>("86400000"));
        CHECK(entryOf(afterDelete, "retention.ms").source == ConfigSource::DynamicTopic);
    }

    // --- listOffsets: earliest, latest, by timestamp ---------------------------
    {
        std::vector<OffsetQuery> queries;
        for (int p = 0; p < kPartitions; ++p) {
            queries.push_back({kTopic, PartitionId(p), OffsetSpec::earliest()});
            queries.push_back({kTopic, PartitionId(p), OffsetSpec::latest()});
            queries.push_back({kTopic, PartitionId(p), OffsetSpec::at(core::Timestamp(base + 10000))});
            queries.push_back({kTopic, PartitionId(p), OffsetSpec::at(core::Timestamp(base + 1000000))});
        }
        auto offsets = client->listOffsets(queries);
        REQUIRE(offsets.ok());
        REQUIRE(offsets->size() == queries.size());
        for (std::size_t i = 0; i < queries.size(); ++i) {
            const auto &o = (*offsets)[i];
            INFO("query " << i << ", partition " << o.partition.get() << ": " << o.errorMessage);
            REQUIRE(o.error == KafkaError::None);
            switch (i % 4) {
            case 0: CHECK(o.offset.get() == 0); break;
            case 1: CHECK(o.offset.get() == kMessages); break;
            case 2:
                CHECK(o.offset.get() == 10);
                CHECK(o.timestamp.get() == base + 10000);
                break;
            default: CHECK(o.offset.get() == -1); break;
            }
        }
    }

    // --- consumer groups with a real librdkafka member -------------------------
    {
        GroupConsumer consumer(broker.bootstrap());
        CHECK(consumer.consume(kPartitions * kMessages, 60s) == kPartitions * kMessages);
        INFO("librdkafka consumer: " << (consumer.errors().empty() ? std::string() : consumer.errors().front()));
        CHECK(consumer.errors().empty());
        REQUIRE(consumer.commit() == RD_KAFKA_RESP_ERR_NO_ERROR);

        const GroupListings listings = client->listGroups();
        CHECK(listings.errors.empty());
        bool listed = false;
        for (const auto &g : listings.groups)
            listed = listed || (g.groupId == kGroup && g.protocolType == "consumer");
        CHECK(listed);

        auto described = client->describeGroups({kGroup});
        REQUIRE(described.ok());
        REQUIRE(described->size() == 1);
        const GroupDescription &group = described->front();
        CHECK(group.error == KafkaError::None);
        CHECK(group.state == "Stable");
        CHECK(group.protocolType == "consumer");
        REQUIRE(group.members.size() == 1);
        CHECK(group.members.front().clientId == "compat-consumer");
        CHECK(group.members.front().assignment.size() == kPartitionCount);

        auto committed = client->committedOffsets(kGroup);
        REQUIRE(committed.ok());
        REQUIRE(committed->size() == kPartitionCount);
        for (const auto &c : *committed) {
            CHECK(c.error == KafkaError::None);
            CHECK(c.offset.get() == kMessages);
        }

        produce(broker.bootstrap(), 1, 5, nowMs());
        auto lag = client->groupLag(kGroup);
        REQUIRE(lag.ok());
        CHECK(lag->state == "Stable");
        REQUIRE(lag->partitions.size() == kPartitionCount);
        for (const auto &p : lag->partitions) {
            INFO("partition " << p.partition.get());
            CHECK(p.error == KafkaError::None);
            REQUIRE(p.lag.has_value());
            CHECK(*p.lag == (p.partition.get() == 1 ? 5 : 0));
            CHECK_FALSE(p.memberId.empty());
            CHECK(p.clientId == "compat-consumer");
        }
        CHECK(lag->totalLag() == 5);
    }

    // --- spillway-cli status against this broker -------------------------------
    if (runStatusCli) {
        const auto r = test::runProcessSplit({std::string(SPILLWAY_BINARY_DIR "/app/spillway-cli"), "status",
                                              "--bootstrap", broker.bootstrap(), "--json", "--history",
                                              (broker.dir() / "history.sqlite").string()},
                                             broker.dir().path().string());
        INFO("stdout: " << r.out << "\nstderr: " << r.err);
        // 0: no alert; 1: alerts (replication factor 1 is one). Never a usage error.
        CHECK((r.exitCode == 0 || r.exitCode == 1));
        CHECK(jsonQuery(broker.dir(), r.out, "[(b['id'], b['state'], b['local']) for b in d['brokers']]") ==
              "[(1, 'up', False)]");
        CHECK(jsonQuery(broker.dir(), r.out, "sorted(x['source'] for x in d['brokers'][0]['dirs'])") ==
              "['describe-log-dirs', 'describe-log-dirs', 'describe-log-dirs']");
        CHECK(jsonQuery(broker.dir(), r.out, "sum(x['partition_count'] for x in d['brokers'][0]['dirs'])") ==
              std::to_string(kPartitions));
        CHECK(jsonQuery(broker.dir(), r.out, "[(g['group'], g['total_lag']) for g in d['groups']]") ==
              "[('" + kGroup + "', 5)]");
        // Capacity is unknown (null), not 0, before DescribeLogDirs v4.
        CHECK(jsonQuery(broker.dir(), r.out, "all(x['capacity_bytes'] is None for x in d['brokers'][0]['dirs'])") ==
              (capacityKnown ? "False" : "True"));
    }
}

} // namespace

TEST_CASE("Admin client against the protocol of Apache Kafka 2.0", "[admin][kafka-release]")
{
    checkRelease("2.0", true);
}
TEST_CASE("Admin client against the protocol of Apache Kafka 2.2", "[admin][kafka-release]")
{
    checkRelease("2.2", false);
}
TEST_CASE("Admin client against the protocol of Apache Kafka 2.3", "[admin][kafka-release]")
{
    checkRelease("2.3", false);
}
TEST_CASE("Admin client against the protocol of Apache Kafka 2.4", "[admin][kafka-release]")
{
    checkRelease("2.4", false);
}
TEST_CASE("Admin client against the protocol of Apache Kafka 2.8", "[admin][kafka-release]")
{
    checkRelease("2.8", false);
}
TEST_CASE("Admin client against the protocol of Apache Kafka 3.3", "[admin][kafka-release]")
{
    checkRelease("3.3", false);
}
TEST_CASE("Admin client against the protocol of Apache Kafka 3.9", "[admin][kafka-release]")
{
    checkRelease("3.9", false);
}
TEST_CASE("Admin client against the protocol of Apache Kafka 4.0", "[admin][kafka-release]")
{
    checkRelease("4.0", true);
}
