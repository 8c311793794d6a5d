// SPDX-License-Identifier: GPL-3.0-or-later
// AlterReplicaLogDirs for real, through Spillway's own admin client
// (core/admin): a spillway-broker with three log dirs, an idempotent
// librdkafka producer (acks=all) writing all along, partitions moved to
// other dirs under a throttle set through IncrementalAlterConfigs,
// DescribeLogDirs polled until the moves are done (each future replica seen
// in its target dir while it copied, the source kept until the swap), then
// every message read
// back with kcat (nothing lost, nothing twice, offsets contiguous), each
// partition in exactly one dir, the old copies `-delete` dirs until
// file.delete.delay.ms, and `spillway-cli index verify` on the moved data.
#include "core/admin/admin_client.h"
#include "core/protocol/messages/alter_replica_log_dirs.h"
#include "tests/broker/kafka_test_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <thread>

using namespace spillway;
using spillway::core::admin::AdminClient;
using spillway::test::BackgroundProcess;
using spillway::test::KafkaTestClient;
using spillway::test::TempDir;

namespace {

const std::string kBroker = SPILLWAY_BINARY_DIR "/app/spillway-broker";
const std::string kCli = SPILLWAY_BINARY_DIR "/app/spillway-cli";
constexpr int kPartitions = 3;
const core::BrokerId kBrokerId{1};

/// What the producer's delivery reports said.
struct Deliveries {
    std::mutex mutex;
    std::map<std::string, std::pair<std::int32_t, std::int64_t>> acked; ///< payload -> (partition, offset)
    std::vector<std::string> errors;
    int duplicatesAcked = 0;
};

void onDelivery(rd_kafka_t *, const rd_kafka_message_t *msg, void *opaque)
{
    auto *d = static_cast<Deliveries *>(opaque);
    std::lock_guard lock(d->mutex);
    if (msg->err) {
        d->errors.push_back(rd_kafka_err2str(msg->err));
        return;
    }
    const std::string payload(static_cast<const char *>(msg->payload), msg->len);
    if (!d->acked.emplace(payload, std::make_pair(msg->partition, msg->offset)).second)
        ++d->duplicatesAcked;
}

/// An idempotent librdkafka producer (acks=all) writing numbered messages
/// round robin over the partitions from its own thread until stopped.
class ContinuousProducer {
public:
    ContinuousProducer(const std::string &bootstrap, const std::string &topic)
    {
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        for (const auto &[k, v] : std::vector<std::pair<std::string, std::string>>{{"bootstrap.servers", bootstrap},
                                                                                   {"enable.idempotence", "true"},
                                                                                   {"acks", "all"},
                                                                                   {"linger.ms", "5"},
                                                                                   {"batch.size", "65536"}})
            REQUIRE(rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK);
        rd_kafka_conf_set_opaque(conf, &m_deliveries);
        rd_kafka_conf_set_dr_msg_cb(conf, onDelivery);
        m_rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        REQUIRE(m_rk != nullptr);
        m_topic = rd_kafka_topic_new(m_rk, topic.c_str(), nullptr);
        REQUIRE(m_topic != nullptr);
    }
    ~ContinuousProducer()
    {
        stop();
        rd_kafka_topic_destroy(m_topic);
        rd_kafka_destroy(m_rk);
    }
    ContinuousProducer(const ContinuousProducer &) = delete;
    ContinuousProducer &operator=(const ContinuousProducer &) = delete;

    /// Produces `count` messages now, as fast as the client takes them.
    void burst(int count)
    {
        for (int i = 0; i < count; ++i)
            produceOne();
        rd_kafka_flush(m_rk, 60000);
    }
    /// Produces about `perSecond` messages per second in the background.
    void startSteady(int perSecond)
    {
        m_thread = std::thread([this, perSecond] {
            const auto pause = std::chrono::microseconds(1000000 / perSecond);
            while (!m_stop.load()) {
                produceOne();
                rd_kafka_poll(m_rk, 0);
                std::this_thread::sleep_for(pause);
            }
        });
    }
    /// Stops the background thread and waits for every delivery report.
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        rd_kafka_flush(m_rk, 60000);
    }
    [[nodiscard]] int produced() const { return m_next; }
    Deliveries &deliveries() { return m_deliveries; }

private:
    void produceOne()
    {
        std::string payload = "move-" + std::to_string(m_next) + "-" + std::string(150, 'p');
        const int partition = m_next % kPartitions;
        while (rd_kafka_produce(m_topic, partition, RD_KAFKA_MSG_F_COPY, payload.data(), payload.size(), nullptr, 0,
                                nullptr) != 0)
            rd_kafka_poll(m_rk, 10); // queue full
        ++m_next;
    }

    Deliveries m_deliveries;
    rd_kafka_t *m_rk = nullptr;
    rd_kafka_topic_t *m_topic = nullptr;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    int m_next = 0;
};

void createTopic(const std::string &bootstrap, const std::string &topic)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    REQUIRE(rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK);
    rd_kafka_t *admin = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    REQUIRE(admin != nullptr);
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic.c_str(), kPartitions, 1, err, sizeof err);
    rd_kafka_queue_t *q = rd_kafka_queue_new(admin);
    rd_kafka_CreateTopics(admin, &nt, 1, nullptr, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
    REQUIRE(ev != nullptr);
    const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
    REQUIRE(res != nullptr);
    size_t n = 0;
    const rd_kafka_topic_result_t **topics = rd_kafka_CreateTopics_result_topics(res, &n);
    REQUIRE(n == 1);
    CHECK(rd_kafka_topic_result_error(topics[0]) == RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_event_destroy(ev);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(admin);
}

/// Spillway's admin client for the broker at `bootstrap`.
std::unique_ptr<AdminClient> adminFor(const std::string &bootstrap)
{
    auto admin = AdminClient::create(core::admin::AdminOptions{bootstrap, {}, false});
    INFO((admin.ok() ? std::string() : admin.error().describe()));
    REQUIRE(admin.ok());
    return std::move(*admin);
}

/// Where each replica of `topic` is, from the admin client's DescribeLogDirs:
/// (partition, future?) -> log dir, and the largest future lag seen.
struct Placement {
    std::map<std::pair<std::int32_t, bool>, std::string> dirs;
    std::int64_t maxFutureLag = 0;
    [[nodiscard]] bool anyFuture() const
    {
        for (const auto &[key, dir] : dirs)
            if (key.second)
                return true;
        return false;
    }
};

Placement describe(AdminClient &admin, const std::string &topic)
{
    auto dirs = admin.describeLogDirs(kBrokerId);
    INFO((dirs.ok() ? std::string() : dirs.error().describe()));
    REQUIRE(dirs.ok());
    REQUIRE(dirs->size() == 3);
    Placement out;
    for (const auto &d : *dirs) {
        REQUIRE(d.error == core::KafkaError::None);
        CHECK(d.totalBytes > 0); // v4: the dir's capacity
        for (const auto &p : d.partitions) {
            if (p.topic != topic)
                continue;
            // One replica of each kind per partition, in one dir.
            REQUIRE(out.dirs.emplace(std::make_pair(p.partition.get(), p.isFuture), d.path).second);
            if (p.isFuture)
                out.maxFutureLag = std::max(out.maxFutureLag, p.offsetLag);
            else
                CHECK(p.offsetLag == 0);
        }
    }
    return out;
}

std::vector<std::string> entriesStartingWith(const std::filesystem::path &logDir, const std::string &prefix)
{
    std::vector<std::string> out;
    for (const auto &e : std::filesystem::directory_iterator(logDir)) {
        const auto name = e.path().filename().string();
        if (name.rfind(prefix, 0) == 0)
            out.push_back(name);
    }
    return out;
}

} // namespace

TEST_CASE("AlterReplicaLogDirs moves partitions between log dirs while an idempotent producer writes",
          "[broker][move][clients]")
{
    TempDir dir;
    std::vector<std::filesystem::path> logDirs;
    for (int i = 0; i < 3; ++i) {
        logDirs.push_back(dir / ("data" + std::to_string(i)));
        std::filesystem::create_directories(logDirs.back());
    }
    const int port = test::freePort();
    const std::string bootstrap = "127.0.0.1:" + std::to_string(port);
    constexpr int kDeleteDelayMs = 10000;
    std::ofstream(dir / "server.properties")
        << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << port << "\nlog.dirs=" << logDirs[0].string() << ","
        << logDirs[1].string() << "," << logDirs[2].string()
        << "\nlog.segment.bytes=262144\nlog.index.size.max.bytes=4096\nfile.delete.delay.ms=" << kDeleteDelayMs
        << "\nspillway.partition.placement=partition-count\n";
    auto broker = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{kBroker, (dir / "server.properties").string()}, (dir / "broker.log").string());
    REQUIRE(test::waitForPort(port, std::chrono::seconds(10)));
    auto admin = adminFor(bootstrap);

    const std::string topic = "moving";
    createTopic(bootstrap, topic);
    auto before = describe(*admin, topic);
    REQUIRE(before.dirs.size() == kPartitions);
    REQUIRE_FALSE(before.anyFuture());

    // Kafka's per-partition errors: through the admin client (the newest
    // version, flexible), and in the oldest version, which the admin client
    // never sends to this broker, through the raw test client.
    {
        auto version = admin->negotiatedVersion(core::ApiKey::AlterReplicaLogDirs, kBrokerId);
        REQUIRE(version.ok());
        CHECK(*version == 2);
        auto refused =
            admin->alterReplicaLogDirs(kBrokerId, {{topic, core::PartitionId(0), "/not/a/log/dir"},
                                                   {"no-such-topic", core::PartitionId(0), logDirs[0].string()}});
        INFO((refused.ok() ? std::string() : refused.error().describe()));
        REQUIRE(refused.ok());
        std::map<std::string, core::KafkaError> errors;
        for (const auto &r : *refused)
            errors[r.topic] = r.error;
        CHECK(errors.size() == 2);
        CHECK(errors[topic] == core::KafkaError::LogDirNotFound);
        CHECK(errors["no-such-topic"] == core::KafkaError::UnknownTopicOrPartition);

        core::AlterReplicaLogDirsRequest bad;
        bad.Dirs.push_back({"/not/a/log/dir", {{topic, {0}}}});
        bad.Dirs.push_back({logDirs[0].string(), {{"no-such-topic", {0}}}});
        KafkaTestClient client(port);
        auto r = client.call<core::AlterReplicaLogDirsResponse>(bad, 0);
        REQUIRE(r.has_value());
        std::map<std::string, std::int16_t> v0Errors;
        for (const auto &t : r->Results)
            for (const auto &p : t.Partitions)
                v0Errors[t.TopicName] = p.ErrorCode;
        CHECK(v0Errors[topic] == 57);          // LOG_DIR_NOT_FOUND
        CHECK(v0Errors["no-such-topic"] == 3); // UNKNOWN_TOPIC_OR_PARTITION
    }

    auto producer = std::make_unique<ContinuousProducer>(bootstrap, topic);
    producer->burst(15000); // about 2.5 MB to copy, over several segments per partition

    // A throttle that the running moves must obey, set like kafka-configs does.
    auto throttled = admin->incrementalAlterConfigs(
        {{core::admin::ConfigResource::broker(kBrokerId),
          {{"replica.alter.log.dirs.io.max.bytes.per.second", core::admin::ConfigOp::Set, "1000000"}}}});
    INFO((throttled.ok() ? std::string() : throttled.error().describe()));
    REQUIRE(throttled.ok());
    REQUIRE(throttled->size() == 1);
    REQUIRE(throttled->front().error == core::KafkaError::None);
    CHECK_FALSE(throttled->front().viaAlterConfigs);

    producer->startSteady(500);
    // Each partition to another dir: data1 -> data0, data2 -> data1, data0 -> data2.
    std::map<std::int32_t, std::string> target;
    std::vector<core::admin::ReplicaLogDirMove> moves;
    for (int i = 0; i < 3; ++i) {
        const std::string path = logDirs[static_cast<std::size_t>(i)].string();
        for (std::int32_t p = 0; p < kPartitions; ++p) {
            const std::string next = logDirs[static_cast<std::size_t>((i + 1) % 3)].string();
            if (before.dirs.at({p, false}) == next) {
                moves.push_back({topic, core::PartitionId(p), path});
                target[p] = path;
            }
        }
    }
    REQUIRE(target.size() == kPartitions);
    auto moved = admin->alterReplicaLogDirs(kBrokerId, moves);
    INFO((moved.ok() ? std::string() : moved.error().describe()));
    REQUIRE(moved.ok());
    REQUIRE(moved->size() == kPartitions);
    for (const auto &r : *moved) {
        CHECK(r.topic == topic);
        CHECK(r.error == core::KafkaError::None);
    }

    // The copies show up as future replicas with a lag, then replace the
    // current ones. While a future replica exists it is in the target dir
    // and the current one is still in the source; each source is a `-delete`
    // dir right after its swap.
    bool sawFuture = false;
    std::set<std::int32_t> futureSeen; ///< partitions seen with isFuture in their target dir
    std::int64_t maxLag = 0;
    std::map<std::int32_t, std::string> deleteDirs;
    for (int polls = 0; deleteDirs.size() < kPartitions; ++polls) {
        if (polls >= 1200) // two minutes
            FAIL("the moves did not finish; broker log:\n" << test::slurp((dir / "broker.log").string()));
        const auto now = describe(*admin, topic);
        sawFuture = sawFuture || now.anyFuture();
        maxLag = std::max(maxLag, now.maxFutureLag);
        for (std::int32_t p = 0; p < kPartitions; ++p) {
            const auto future = now.dirs.find({p, true});
            if (future == now.dirs.end())
                continue;
            CHECK(deleteDirs.count(p) == 0);
            CHECK(future->second == target[p]);
            CHECK(now.dirs.at({p, false}) == before.dirs.at({p, false}));
            futureSeen.insert(p);
        }
        for (std::int32_t p = 0; p < kPartitions; ++p) {
            if (deleteDirs.count(p) != 0 || now.dirs.count({p, true}) != 0 || now.dirs.at({p, false}) != target[p])
                continue;
            const auto source = before.dirs.at({p, false});
            const auto left = entriesStartingWith(source, topic + "-" + std::to_string(p));
            REQUIRE(left.size() == 1);
            CHECK(left[0].ends_with("-delete"));
            deleteDirs[p] = (std::filesystem::path(source) / left[0]).string();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(sawFuture);
    // Under the 1 MB/s throttle every copy runs long enough to be seen.
    CHECK(futureSeen.size() == kPartitions);
    CHECK(maxLag > 0);

    // Writes go on to the moved partitions, then every message is read back.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    producer->stop();
    {
        std::lock_guard lock(producer->deliveries().mutex);
        CHECK(producer->deliveries().errors.empty());
        CHECK(producer->deliveries().duplicatesAcked == 0);
        CHECK(static_cast<int>(producer->deliveries().acked.size()) == producer->produced());
    }
    const auto consumed = test::runProcess(
        {"kcat", "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%p %o %s\n"},
        std::chrono::seconds(120));
    REQUIRE(consumed.exitCode == 0);
    std::map<std::int32_t, std::vector<std::int64_t>> offsets;
    std::multiset<std::string> payloads;
    std::istringstream in(consumed.out);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        std::istringstream fields(line);
        std::int32_t partition = -1;
        std::int64_t offset = -1;
        std::string payload;
        fields >> partition >> offset >> payload;
        offsets[partition].push_back(offset);
        payloads.insert(payload);
        // The offset each message was acknowledged with is where it is read.
        std::lock_guard lock(producer->deliveries().mutex);
        const auto it = producer->deliveries().acked.find(payload);
        REQUIRE(it != producer->deliveries().acked.end());
        CHECK(it->second == std::make_pair(partition, offset));
    }
    CHECK(static_cast<int>(payloads.size()) == producer->produced());
    CHECK(std::set<std::string>(payloads.begin(), payloads.end()).size() == payloads.size());
    REQUIRE(offsets.size() == kPartitions);
    for (auto &[partition, list] : offsets) {
        std::sort(list.begin(), list.end());
        for (std::size_t i = 0; i < list.size(); ++i)
            REQUIRE(list[i] == static_cast<std::int64_t>(i));
    }

    // Each partition lives in exactly one dir, and its files verify.
    for (std::int32_t p = 0; p < kPartitions; ++p) {
        const std::string name = topic + "-" + std::to_string(p);
        int live = 0;
        for (const auto &d : logDirs)
            live += static_cast<int>(std::filesystem::exists(d / name));
        CHECK(live == 1);
        CHECK(std::filesystem::exists(std::filesystem::path(target[p]) / name));
        const auto verify = test::runProcess({kCli, "index", "verify", target[p] + "/" + name});
        INFO(verify.out);
        CHECK(verify.exitCode == 0);
    }

    // The old copies disappear after file.delete.delay.ms.
    for (const auto &[p, path] : deleteDirs) {
        for (int polls = 0; std::filesystem::exists(path); ++polls) {
            REQUIRE(polls < 600);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

    const int produced = producer->produced();
    producer.reset();

    // A restart finds every partition where it was moved, whole.
    const int status = broker->stop(SIGTERM);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    broker = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{kBroker, (dir / "server.properties").string()}, (dir / "broker-2.log").string());
    REQUIRE(test::waitForPort(port, std::chrono::seconds(10)));
    auto again = adminFor(bootstrap);
    const auto after = describe(*again, topic);
    CHECK_FALSE(after.anyFuture());
    for (std::int32_t p = 0; p < kPartitions; ++p)
        CHECK(after.dirs.at({p, false}) == target[p]);
    const auto reread = test::runProcess({"kcat", "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q"},
                                         std::chrono::seconds(120));
    REQUIRE(reread.exitCode == 0);
    CHECK(std::count(reread.out.begin(), reread.out.end(), '\n') == produced);
}
