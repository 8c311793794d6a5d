// SPDX-License-Identifier: GPL-3.0-or-later
// The online partition move (core/ops/online_move.h) and the disk rebalance
// on a real spillway-broker with three log dirs: moves under a throttle while
// an idempotent librdkafka producer (acks=all) writes, the messages read back
// with kcat before and after (checksums of each partition's sequence), one
// live dir per partition, progress, the throttle restored; a cancel; the CLI
// killed mid-move and `ops recover`; an offline move between two producer
// runs; `ops rebalance` online and offline on skewed data.
#include "core/admin/admin_client.h"
#include "core/ops/journal.h"
#include "core/ops/online_move.h"
#include "core/ops/partition_move.h"
#include "tests/admin/lab_broker.h"
#include "tests/ops/ops_test_support.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <thread>

using namespace spillway;
using spillway::core::admin::AdminClient;
using spillway::test::AdminLabBroker;
using spillway::test::TempDir;
namespace fs = std::filesystem;
namespace ops = spillway::core::ops;

namespace {

const std::string kCli = SPILLWAY_BINARY_DIR "/app/spillway-cli";
const core::BrokerId kBrokerId{1};
constexpr const char *kThrottleKey = "replica.alter.log.dirs.io.max.bytes.per.second";

std::unique_ptr<AdminClient> adminFor(const std::string &bootstrap)
{
    auto admin = AdminClient::create(core::admin::AdminOptions{bootstrap, {}, false});
    INFO((admin.ok() ? std::string() : admin.error().describe()));
    REQUIRE(admin.ok());
    return std::move(*admin);
}

void createTopic(AdminClient &admin, const std::string &topic, int partitions)
{
    auto created = admin.createTopics({{topic, partitions, 1, {}}});
    INFO((created.ok() ? std::string() : created.error().describe()));
    REQUIRE(created.ok());
    REQUIRE(created->size() == 1);
    REQUIRE(created->front().error == core::KafkaError::None);
}

/// The broker's dynamic throttle, or "" without one.
std::string dynamicThrottle(AdminClient &admin)
{
    auto described = admin.describeConfigs({core::admin::ConfigResource::broker(kBrokerId)});
    REQUIRE(described.ok());
    REQUIRE(described->size() == 1);
    const auto *e = described->front().entry(kThrottleKey);
    REQUIRE(e != nullptr);
    if (e->source != core::admin::ConfigSource::DynamicBroker || !e->value)
        return "";
    return *e->value;
}

void setThrottle(AdminClient &admin, const std::string &value)
{
    auto set = admin.incrementalAlterConfigs(
        {{core::admin::ConfigResource::broker(kBrokerId), {{kThrottleKey, core::admin::ConfigOp::Set, value}}}});
    REQUIRE(set.ok());
    REQUIRE(set->front().error == core::KafkaError::None);
}

/// Where each replica of `topic` is: (partition, future?) -> dirs.
std::map<std::pair<std::int32_t, bool>, std::vector<std::string>> placement(AdminClient &admin,
                                                                            const std::string &topic)
{
    auto dirs = admin.describeLogDirs(kBrokerId);
    INFO((dirs.ok() ? std::string() : dirs.error().describe()));
    REQUIRE(dirs.ok());
    std::map<std::pair<std::int32_t, bool>, std::vector<std::string>> out;
    for (const auto &d : *dirs)
        for (const auto &p : d.partitions)
            if (p.topic == topic)
                out[{p.partition.get(), p.isFuture}].push_back(d.path);
    return out;
}

/// The log dirs holding a live `<topic>-<p>` directory, on disk.
std::vector<fs::path> liveDirs(const AdminLabBroker &broker, const std::string &topic, int partition)
{
    std::vector<fs::path> out;
    for (const auto &d : broker.logDirs())
        if (fs::is_directory(d / (topic + "-" + std::to_string(partition))))
            out.push_back(d);
    return out;
}

/// Producer acknowledgements: payload -> (partition, offset).
struct Deliveries {
    std::mutex mutex;
    std::map<std::string, std::pair<std::int32_t, std::int64_t>> acked;
    std::vector<std::string> errors;
};

void onDelivery(rd_kafka_t *, const rd_kafka_message_t *msg, void *opaque)
{
    auto *d = static_cast<Deliveries *>(opaque);
    std::lock_guard lock(d->mutex);
    if (msg->err) {
        d->errors.push_back(rd_kafka_err2str(msg->err));
        return;
    }
    d->acked.emplace(std::string(static_cast<const char *>(msg->payload), msg->len),
                     std::make_pair(msg->partition, msg->offset));
}

/// An idempotent librdkafka producer (acks=all) writing numbered messages
/// round robin over the partitions, in bursts or steadily from a thread.
class Producer {
public:
    Producer(const std::string &bootstrap, const std::string &topic, int partitions, std::string prefix)
        : m_partitions(partitions)
        , m_prefix(std::move(prefix))
    {
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        for (const auto &[k, v] : std::vector<std::pair<std::string, std::string>>{{"bootstrap.servers", bootstrap},
                                                                                   {"enable.idempotence", "true"},
                                                                                   {"acks", "all"},
                                                                                   {"linger.ms", "5"},
                                                                                   {"message.timeout.ms", "120000"}})
            REQUIRE(rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK);
        rd_kafka_conf_set_opaque(conf, &m_deliveries);
        rd_kafka_conf_set_dr_msg_cb(conf, onDelivery);
        m_rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        REQUIRE(m_rk != nullptr);
        m_topic = rd_kafka_topic_new(m_rk, topic.c_str(), nullptr);
        REQUIRE(m_topic != nullptr);
    }
    ~Producer()
    {
        stop();
        rd_kafka_topic_destroy(m_topic);
        rd_kafka_destroy(m_rk);
    }
    Producer(const Producer &) = delete;
    Producer &operator=(const Producer &) = delete;

    void burst(int count)
    {
        for (int i = 0; i < count; ++i)
            produceOne();
        rd_kafka_flush(m_rk, 120000);
    }
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
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        rd_kafka_flush(m_rk, 120000);
    }
    [[nodiscard]] int produced() const { return m_next; }
    Deliveries &deliveries() { return m_deliveries; }

private:
    void produceOne()
    {
        const std::string payload = m_prefix + "-" + std::to_string(m_next) + "-" + std::string(200, 'x');
        while (rd_kafka_produce(m_topic, m_next % m_partitions, RD_KAFKA_MSG_F_COPY, const_cast<char *>(payload.data()),
                                payload.size(), nullptr, 0, nullptr) != 0)
            rd_kafka_poll(m_rk, 10);
        ++m_next;
    }

    int m_partitions;
    std::string m_prefix;
    Deliveries m_deliveries;
    rd_kafka_t *m_rk = nullptr;
    rd_kafka_topic_t *m_topic = nullptr;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    int m_next = 0;
};

/// Every message of `topic` by partition, in offset order, read with kcat.
using Consumed = std::map<std::int32_t, std::vector<std::pair<std::int64_t, std::string>>>;
Consumed consumeAll(const std::string &bootstrap, const std::string &topic)
{
    const auto r = test::runProcess(
        {"kcat", "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%p %o %s\n"},
        std::chrono::seconds(120));
    INFO(r.out.substr(0, 2000));
    REQUIRE(r.exitCode == 0);
    Consumed out;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        std::istringstream fields(line);
        std::int32_t partition = -1;
        std::int64_t offset = -1;
        std::string payload;
        fields >> partition >> offset >> payload;
        out[partition].emplace_back(offset, payload);
    }
    for (auto &[p, list] : out)
        std::sort(list.begin(), list.end());
    return out;
}

/// FNV-1a 64 over "offset payload\n" of the first `count` messages.
std::uint64_t checksum(const std::vector<std::pair<std::int64_t, std::string>> &messages, std::size_t count)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (std::size_t i = 0; i < count && i < messages.size(); ++i) {
        const std::string s = std::to_string(messages[i].first) + " " + messages[i].second + "\n";
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
    }
    return h;
}

/// The messages before are the same (same checksum of each partition's
/// sequence) at the start of the messages after; after holds every
/// acknowledged message once, at the offset it was acknowledged with, with
/// contiguous offsets.
void checkSameMessages(const Consumed &before, const Consumed &after, std::vector<Producer *> producers)
{
    for (const auto &[p, list] : before) {
        REQUIRE(after.count(p) == 1);
        REQUIRE(after.at(p).size() >= list.size());
        CHECK(checksum(after.at(p), list.size()) == checksum(list, list.size()));
    }
    std::size_t acked = 0;
    for (auto *producer : producers) {
        std::lock_guard lock(producer->deliveries().mutex);
        CHECK(producer->deliveries().errors.empty());
        CHECK(static_cast<int>(producer->deliveries().acked.size()) == producer->produced());
        acked += producer->deliveries().acked.size();
    }
    std::set<std::string> seen;
    std::size_t total = 0;
    for (const auto &[p, list] : after) {
        for (std::size_t i = 0; i < list.size(); ++i) {
            REQUIRE(list[i].first == static_cast<std::int64_t>(i));
            CHECK(seen.insert(list[i].second).second);
            bool found = false;
            for (auto *producer : producers) {
                std::lock_guard lock(producer->deliveries().mutex);
                const auto it = producer->deliveries().acked.find(list[i].second);
                if (it != producer->deliveries().acked.end()) {
                    found = true;
                    CHECK(it->second == std::make_pair(p, list[i].first));
                }
            }
            CHECK(found);
        }
        total += list.size();
    }
    CHECK(total == acked);
}

/// Any log dir other than `current`.
std::string otherDir(const AdminLabBroker &broker, const std::string &current)
{
    for (const auto &d : broker.logDirs())
        if (d.string() != current)
            return d.string();
    FAIL("no other log dir");
    return {};
}

} // namespace

TEST_CASE("Online move under a throttle while a producer writes keeps every message and restores the throttle",
          "[ops][online-move][clients]")
{
    AdminLabBroker broker(3);
    auto admin = adminFor(broker.bootstrap());
    const std::string topic = "online";
    createTopic(*admin, topic, 2);
    Producer producer(broker.bootstrap(), topic, 2, "a");
    producer.burst(12000); // about 1.3 MB per partition
    const Consumed before = consumeAll(broker.bootstrap(), topic);
    REQUIRE(before.size() == 2);

    setThrottle(*admin, "77777777"); // the operator's own value, to be restored
    const auto start = placement(*admin, topic);
    REQUIRE(start.at({0, false}).size() == 1);
    const std::string source = start.at({0, false}).front();
    const std::string destination = otherDir(broker, source);

    producer.startSteady(300);
    ops::OnlineMoveRequest request;
    request.bootstrap = broker.bootstrap();
    request.broker = kBrokerId;
    request.targets = {{topic, core::PartitionId{0}, destination}};
    request.throttleBytesPerSecond = 400000;
    request.pollIntervalMs = 100;
    auto plan = ops::OnlineMove::plan(request);
    INFO((plan.ok() ? plan->preview() : plan.error().describe()));
    REQUIRE(plan.ok());
    CHECK(plan->kind == "online-move");
    REQUIRE(plan->disks.size() == 2);
    for (const auto &d : plan->disks) {
        if (d.logDir == source)
            CHECK(d.kafkaBytesAfter < d.kafkaBytesBefore);
        else
            CHECK(d.kafkaBytesAfter > d.kafkaBytesBefore);
    }

    TempDir journalDir;
    auto journal = ops::Journal::open(journalDir / "journal.sqlite");
    REQUIRE(journal.ok());
    std::vector<double> fractions;
    std::string throttleSeen;
    auto watcher = adminFor(broker.bootstrap());
    ops::RunOptions options;
    options.progress = [&](double f, std::string_view) {
        fractions.push_back(f);
        if (throttleSeen.empty() && f > 0.05 && f < 0.9)
            throttleSeen = dynamicThrottle(*watcher);
    };
    auto id = ops::OnlineMove::execute(*journal, *plan, options);
    INFO((id.ok() ? std::string() : id.error().describe()));
    REQUIRE(id.ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(500)); // writes go on to the moved partition
    producer.stop();

    // The copy ran under the throttle asked for; the operator's value is back.
    CHECK(throttleSeen == "400000");
    CHECK(dynamicThrottle(*admin) == "77777777");
    // Progress rose from 0 to 1 through values in between, never falling.
    REQUIRE(fractions.size() >= 3);
    CHECK(std::is_sorted(fractions.begin(), fractions.end()));
    CHECK(fractions.back() == 1.0);
    CHECK(std::any_of(fractions.begin(), fractions.end(), [](double f) { return f > 0.05 && f < 0.9; }));

    const auto entry = journal->get(*id);
    REQUIRE(entry.ok());
    CHECK(entry->state == ops::OperationState::Done);
    for (const auto *step : {"throttle", "alter", "copy", "verify", "restore-throttle"})
        CHECK(entry->stepDone(step));

    const auto after = placement(*admin, topic);
    CHECK(after.count({0, true}) == 0);
    CHECK(after.at({0, false}) == std::vector<std::string>{destination});
    CHECK(after.at({1, false}) == start.at({1, false}));
    for (int p = 0; p < 2; ++p)
        CHECK(liveDirs(broker, topic, p).size() == 1);
    CHECK(liveDirs(broker, topic, 0).front() == fs::path(destination));

    checkSameMessages(before, consumeAll(broker.bootstrap(), topic), {&producer});
}

TEST_CASE("Online move plan refusals, and a cancel that puts the replica back", "[ops][online-move]")
{
    AdminLabBroker broker(2);
    auto admin = adminFor(broker.bootstrap());
    const std::string topic = "cancel";
    createTopic(*admin, topic, 1);
    Producer producer(broker.bootstrap(), topic, 1, "c");
    producer.burst(10000); // about 2 MB

    const std::string source = placement(*admin, topic).at({0, false}).front();
    const std::string destination = otherDir(broker, source);
    ops::OnlineMoveRequest request{
        broker.bootstrap(), kBrokerId, {{topic, core::PartitionId{0}, source}}, 0, false, 100};
    CHECK(ops::OnlineMove::plan(request).error().code == core::Errc::InvalidArgument); // already there
    request.targets = {{topic, core::PartitionId{0}, "/not/a/log/dir"}};
    CHECK(ops::OnlineMove::plan(request).error().code == core::Errc::InvalidArgument);
    request.targets = {{topic, core::PartitionId{7}, destination}};
    CHECK(ops::OnlineMove::plan(request).error().code == core::Errc::NotFound);
    request.targets = {{topic, core::PartitionId{0}, destination}, {topic, core::PartitionId{0}, destination}};
    CHECK(ops::OnlineMove::plan(request).error().code == core::Errc::InvalidArgument); // twice
    request.targets = {{topic, core::PartitionId{0}, destination}};
    request.throttleBytesPerSecond = 100000; // 20 s for the copy: time to cancel
    auto plan = ops::OnlineMove::plan(request);
    REQUIRE(plan.ok());

    TempDir journalDir;
    auto journal = ops::Journal::open(journalDir / "journal.sqlite");
    REQUIRE(journal.ok());
    std::atomic<bool> cancel{false};
    bool futureSeen = false;
    ops::RunOptions options;
    options.cancel = &cancel;
    options.progress = [&](double f, std::string_view) {
        if (f > 0.1 && !cancel.load()) {
            futureSeen = placement(*admin, topic).count({0, true}) == 1;
            cancel = true;
        }
    };
    auto id = ops::OnlineMove::execute(*journal, *plan, options);
    REQUIRE_FALSE(id.ok());
    CHECK(id.error().code == core::Errc::Cancelled);
    CHECK(futureSeen);
    const auto after = placement(*admin, topic);
    CHECK(after.count({0, true}) == 0);
    CHECK(after.at({0, false}) == std::vector<std::string>{source});
    CHECK(dynamicThrottle(*admin).empty()); // there was none before
    auto entries = journal->list();
    REQUIRE(entries.ok());
    REQUIRE(entries->size() == 1);
    CHECK(entries->front().state == ops::OperationState::Cancelled);
    CHECK(entries->front().stepDone("restore-throttle"));
    CHECK(liveDirs(broker, topic, 0) == std::vector<fs::path>{fs::path(source)});
    // No -future dir left on disk once the broker removed it.
    for (int i = 0; i < 100 && !test::entriesStartingWith(destination, topic + "-0").empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (const auto &name : test::entriesStartingWith(destination, topic + "-0"))
        CHECK_FALSE(name.ends_with("-future"));
}

TEST_CASE("spillway-cli ops move-online killed after AlterReplicaLogDirs is finished by ops recover",
          "[ops][online-move][crash]")
{
    AdminLabBroker broker(3);
    auto admin = adminFor(broker.bootstrap());
    const std::string topic = "killed";
    createTopic(*admin, topic, 1);
    Producer producer(broker.bootstrap(), topic, 1, "k");
    producer.burst(8000);
    const Consumed before = consumeAll(broker.bootstrap(), topic);
    const std::string source = placement(*admin, topic).at({0, false}).front();
    const std::string destination = otherDir(broker, source);
    TempDir journalDir;
    const std::string journal = (journalDir / "journal.sqlite").string();
    std::vector<std::string> argv{
        kCli,      "ops", "move-online", "--journal", journal, "--bootstrap", broker.bootstrap(), "--broker", "1",
        "--topic", topic, "--partition", "0",         "--to",  destination,   "--throttle",       "200000"};

    const auto planOnly = test::runProcess(argv);
    INFO(planOnly.out);
    CHECK(planOnly.exitCode == 0);
    CHECK(planOnly.out.find("plan only") != std::string::npos);

    argv.push_back("--yes");
    ::setenv("SPILLWAY_OPS_TEST_KILL_AFTER", "alter", 1);
    const auto killed = test::runProcess(argv, std::chrono::seconds(60));
    ::unsetenv("SPILLWAY_OPS_TEST_KILL_AFTER");
    INFO(killed.out);
    CHECK(killed.signal == SIGKILL);
    // The broker copies on, under the throttle the dead CLI set.
    CHECK(dynamicThrottle(*admin) == "200000");
    producer.startSteady(200);

    const auto listed = test::runProcess({kCli, "ops", "list", "--journal", journal});
    CHECK(listed.out.find("interrupted at step alter") != std::string::npos);
    const auto recovered =
        test::runProcess({kCli, "ops", "recover", "--journal", journal, "--json"}, std::chrono::seconds(120));
    INFO(recovered.out);
    CHECK(recovered.exitCode == 0);
    CHECK(recovered.out.find("\"kind\":\"online-move\",\"state\":\"done\"") != std::string::npos);
    producer.stop();

    CHECK(dynamicThrottle(*admin).empty());
    const auto after = placement(*admin, topic);
    CHECK(after.count({0, true}) == 0);
    CHECK(after.at({0, false}) == std::vector<std::string>{destination});
    CHECK(liveDirs(broker, topic, 0) == std::vector<fs::path>{fs::path(destination)});
    checkSameMessages(before, consumeAll(broker.bootstrap(), topic), {&producer});
    const auto again = test::runProcess({kCli, "ops", "recover", "--journal", journal});
    CHECK(again.out.find("no interrupted operations") != std::string::npos);
}

TEST_CASE("An online move planned with --cancel-on-recover and killed is cancelled by ops recover",
          "[ops][online-move][crash]")
{
    AdminLabBroker broker(2);
    auto admin = adminFor(broker.bootstrap());
    const std::string topic = "recover-cancel";
    createTopic(*admin, topic, 1);
    Producer producer(broker.bootstrap(), topic, 1, "rc");
    producer.burst(10000); // about 2 MB: 20 s under the throttle below
    const Consumed before = consumeAll(broker.bootstrap(), topic);
    const std::string source = placement(*admin, topic).at({0, false}).front();
    const std::string destination = otherDir(broker, source);
    TempDir journalDir;
    const std::string journal = (journalDir / "journal.sqlite").string();

    ::setenv("SPILLWAY_OPS_TEST_KILL_AFTER", "alter", 1);
    const auto killed = test::runProcess({kCli, "ops", "move-online", "--journal", journal, "--bootstrap",
                                          broker.bootstrap(), "--broker", "1", "--topic", topic, "--partition", "0",
                                          "--to", destination, "--throttle", "100000", "--cancel-on-recover", "--yes"},
                                         std::chrono::seconds(60));
    ::unsetenv("SPILLWAY_OPS_TEST_KILL_AFTER");
    INFO(killed.out);
    CHECK(killed.signal == SIGKILL);
    CHECK(placement(*admin, topic).count({0, true}) == 1); // the copy runs on

    const auto recovered =
        test::runProcess({kCli, "ops", "recover", "--journal", journal, "--json"}, std::chrono::seconds(120));
    INFO(recovered.out);
    CHECK(recovered.exitCode == 0);
    CHECK(recovered.out.find("\"kind\":\"online-move\",\"state\":\"cancelled\"") != std::string::npos);
    const auto after = placement(*admin, topic);
    CHECK(after.count({0, true}) == 0);
    CHECK(after.at({0, false}) == std::vector<std::string>{source});
    CHECK(dynamicThrottle(*admin).empty());
    CHECK(liveDirs(broker, topic, 0) == std::vector<fs::path>{fs::path(source)});
    checkSameMessages(before, consumeAll(broker.bootstrap(), topic), {&producer});
}

TEST_CASE("Offline move between two producer runs keeps every message", "[ops][move][clients]")
{
    AdminLabBroker broker(2);
    auto admin = adminFor(broker.bootstrap());
    const std::string topic = "offline";
    createTopic(*admin, topic, 2);
    auto first = std::make_unique<Producer>(broker.bootstrap(), topic, 2, "first");
    first->startSteady(2000);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    first->stop();
    const Consumed before = consumeAll(broker.bootstrap(), topic);
    const std::string source = placement(*admin, topic).at({0, false}).front();
    const std::string destination = otherDir(broker, source);
    admin.reset();

    const int status = broker.stop();
    REQUIRE(WIFEXITED(status));
    TempDir journalDir;
    auto journal = ops::Journal::open(journalDir / "journal.sqlite");
    REQUIRE(journal.ok());
    auto plan = ops::PartitionMove::plan({broker.logDirs(), topic, core::PartitionId{0}, destination, "broker 1"});
    INFO((plan.ok() ? std::string() : plan.error().describe()));
    REQUIRE(plan.ok());
    auto id = ops::PartitionMove::execute(*journal, *plan);
    REQUIRE(id.ok());
    broker.start();

    Producer second(broker.bootstrap(), topic, 2, "second");
    second.burst(3000);
    checkSameMessages(before, consumeAll(broker.bootstrap(), topic), {first.get(), &second});
    CHECK(liveDirs(broker, topic, 0) == std::vector<fs::path>{fs::path(destination)});
    CHECK(liveDirs(broker, topic, 1).size() == 1);
}

TEST_CASE("ops rebalance moves partitions of a skewed broker until every disk is within the threshold",
          "[ops][rebalance][clients]")
{
    AdminLabBroker broker(3);
    auto admin = adminFor(broker.bootstrap());
    const std::string topic = "skewed";
    createTopic(*admin, topic, 6);
    // Every partition onto data0 while still empty, then about 1 MB each.
    std::vector<core::admin::ReplicaLogDirMove> moves;
    for (int p = 0; p < 6; ++p)
        moves.push_back({topic, core::PartitionId{p}, broker.logDirs()[0].string()});
    REQUIRE(admin->alterReplicaLogDirs(kBrokerId, moves).ok());
    for (int i = 0; i < 100; ++i) {
        const auto where = placement(*admin, topic);
        bool settled = true;
        for (int p = 0; p < 6; ++p)
            settled = settled && where.count({p, true}) == 0 &&
                      where.at({p, false}) == std::vector<std::string>{broker.logDirs()[0].string()};
        if (settled)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Producer producer(broker.bootstrap(), topic, 6, "r");
    producer.burst(30000);
    const Consumed before = consumeAll(broker.bootstrap(), topic);
    TempDir journalDir;
    const std::string journal = (journalDir / "journal.sqlite").string();

    const auto planned = test::runProcess(
        {kCli, "ops", "rebalance", "--journal", journal, "--bootstrap", broker.bootstrap(), "--broker", "1", "--json"});
    INFO(planned.out);
    CHECK(planned.exitCode == 0);
    CHECK(planned.out.find("\"balancedBefore\":false") != std::string::npos);
    CHECK(planned.out.find("\"reachable\":true") != std::string::npos);
    CHECK(planned.out.find("\"executed\":false") != std::string::npos);

    const auto online = test::runProcess({kCli, "ops", "rebalance", "--journal", journal, "--bootstrap",
                                          broker.bootstrap(), "--broker", "1", "--throttle", "5000000", "--yes"},
                                         std::chrono::seconds(180));
    INFO(online.out);
    CHECK(online.exitCode == 0);
    CHECK(online.out.find("after: skew") != std::string::npos);
    CHECK(online.out.find(": balanced") != std::string::npos);
    for (const auto &d : broker.logDirs()) {
        int here = 0;
        for (int p = 0; p < 6; ++p)
            here += fs::is_directory(d / (topic + "-" + std::to_string(p))) ? 1 : 0;
        CHECK(here == 2);
    }
    for (int p = 0; p < 6; ++p)
        CHECK(liveDirs(broker, topic, p).size() == 1);
    CHECK(dynamicThrottle(*admin).empty());
    checkSameMessages(before, consumeAll(broker.bootstrap(), topic), {&producer});

    // Offline: stopped broker, skewed back by hand with offline moves, then rebalanced from the log dirs.
    admin.reset();
    REQUIRE(WIFEXITED(broker.stop()));
    // Kafka removes the `-delete` dirs of the online moves at its next start;
    // they are not partitions and would count as bytes nobody can move.
    for (const auto &d : broker.logDirs())
        for (const auto &name : test::entriesStartingWith(d, topic + "-"))
            if (name.ends_with("-delete"))
                fs::remove_all(d / name);
    auto j = ops::Journal::open(journal);
    REQUIRE(j.ok());
    for (int p = 0; p < 6; ++p) {
        auto move =
            ops::PartitionMove::plan({broker.logDirs(), topic, core::PartitionId{p}, broker.logDirs()[2], "broker 1"});
        if (!move.ok())
            continue; // already there
        REQUIRE(ops::PartitionMove::execute(*j, *move).ok());
    }
    std::string dirs;
    for (const auto &d : broker.logDirs())
        dirs += (dirs.empty() ? "" : ",") + d.string();
    const auto offline =
        test::runProcess({kCli, "ops", "rebalance", "--journal", journal, "--log-dirs", dirs, "--yes", "--json"},
                         std::chrono::seconds(180));
    INFO(offline.out);
    CHECK(offline.exitCode == 0);
    CHECK(offline.out.find("\"balancedAfter\":true") != std::string::npos);
    broker.start();
    checkSameMessages(before, consumeAll(broker.bootstrap(), topic), {&producer});
}
