// SPDX-License-Identifier: GPL-3.0-or-later
// Fetch through the real spillway-broker process with a raw protocol
// client: fetch sessions (KIP-227) full -> incremental -> forgotten ->
// closed with their error codes, by name and by topic id; the long poll
// woken by appends; records sent from the segment files intact; and
// LogAppendTime topics read back by kcat (librdkafka) as such.
#include "core/protocol/messages/create_topics.h"
#include "core/protocol/messages/fetch.h"
#include "core/protocol/messages/produce.h"
#include "core/storage/format/batch_builder.h"
#include "core/storage/format/segment_parser.h"
#include "tests/broker/kafka_test_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <thread>

using namespace spillway;
using spillway::test::BackgroundProcess;
using spillway::test::KafkaTestClient;
using spillway::test::TempDir;

namespace {

using FetchAnswer = KafkaTestClient::Answer<core::FetchResponse>;

struct Broker {
    TempDir dir;
    int port = test::freePort();
    std::unique_ptr<BackgroundProcess> process;

    Broker()
    {
        std::filesystem::create_directories(dir / "data0");
        std::ofstream(dir / "server.properties")
            << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << port << "\nlog.dirs=" << (dir / "data0").string()
            << "\nlog.segment.bytes=65536\n";
        process = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{SPILLWAY_BINARY_DIR "/app/spillway-broker", (dir / "server.properties").string()},
            (dir / "broker.log").string());
        REQUIRE(test::waitForPort(port, std::chrono::seconds(10)));
    }
    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port); }
};

core::KafkaUuid createTopic(KafkaTestClient &client, const std::string &name, int partitions,
                            std::vector<std::pair<std::string, std::string>> configs = {})
{
    core::CreateTopicsRequest req;
    core::CreateTopicsRequest::CreatableTopic t;
    t.Name = name;
    t.NumPartitions = partitions;
    t.ReplicationFactor = 1;
    for (const auto &[k, v] : configs)
        t.Configs.push_back({k, v});
    req.Topics.push_back(t);
    auto r = client.call<core::CreateTopicsResponse>(req, 7);
    REQUIRE(r.has_value());
    REQUIRE(r->Topics.at(0).ErrorCode == 0);
    return r->Topics.at(0).TopicId;
}

std::vector<std::byte> batch(int records, std::size_t valueSize, std::int64_t timestamp = 1700000000000)
{
    core::RecordBatchSpec spec;
    for (int i = 0; i < records; ++i)
        spec.records.push_back({std::nullopt, std::string(valueSize, 'v'), timestamp + i, {}});
    auto b = core::buildRecordBatch(spec);
    REQUIRE(b.ok());
    return *b;
}

core::ProduceResponse::TopicProduceResponse::PartitionProduceResponse tryProduce(KafkaTestClient &client,
                                                                                 const std::string &topic,
                                                                                 std::int32_t partition,
                                                                                 std::span<const std::byte> records)
{
    core::ProduceRequest req;
    req.Acks = 1;
    req.TimeoutMs = 5000;
    core::ProduceRequest::TopicProduceData t;
    t.Name = topic;
    t.PartitionData.push_back({partition, core::RecordsView{records, false}});
    req.TopicData.push_back(t);
    auto r = client.call<core::ProduceResponse>(req, 8);
    REQUIRE(r.has_value());
    return r->Responses.at(0).PartitionResponses.at(0);
}

core::ProduceResponse::TopicProduceResponse::PartitionProduceResponse
produce(KafkaTestClient &client, const std::string &topic, std::int32_t partition, std::span<const std::byte> records)
{
    const auto p = tryProduce(client, topic, partition, records);
    REQUIRE(p.ErrorCode == 0);
    return p;
}

struct Wanted {
    std::int32_t partition;
    std::int64_t offset;
};

core::FetchRequest fetchRequest(const std::string &topic, const core::KafkaUuid &id, std::vector<Wanted> wanted,
                                std::int32_t sessionId, std::int32_t epoch)
{
    core::FetchRequest req;
    req.MaxWaitMs = 0;
    req.MinBytes = 1;
    req.SessionId = sessionId;
    req.SessionEpoch = epoch;
    if (!wanted.empty()) {
        core::FetchRequest::FetchTopic t;
        t.Topic = topic;
        t.TopicId = id;
        for (const auto &w : wanted) {
            core::FetchRequest::FetchTopic::FetchPartition p;
            p.Partition = w.partition;
            p.FetchOffset = w.offset;
            p.PartitionMaxBytes = 1 << 20;
            t.Partitions.push_back(p);
        }
        req.Topics.push_back(t);
    }
    return req;
}

FetchAnswer fetch(KafkaTestClient &client, const core::FetchRequest &req, std::int16_t version = 12)
{
    auto r = client.callKeepingBody<core::FetchResponse>(req, version);
    REQUIRE(r.has_value());
    return std::move(*r);
}

/// partition -> record bytes, over every topic entry of the response.
std::map<std::int32_t, std::int64_t> partitionsIn(const core::FetchResponse &r)
{
    std::map<std::int32_t, std::int64_t> out;
    for (const auto &t : r.Responses)
        for (const auto &p : t.Partitions)
            out[p.PartitionIndex] = static_cast<std::int64_t>(p.Records.bytes.size());
    return out;
}

/// Whole, CRC-valid batches; their count.
int validBatches(std::span<const std::byte> records)
{
    struct Count final : core::BatchConsumer {
        int n = 0;
        bool onBatch(const core::BatchInfo &) override
        {
            ++n;
            return true;
        }
    } count;
    core::ParseOptions options;
    options.verifyCrc = true;
    const auto outcome = core::SegmentParser::parse(records, count, options);
    REQUIRE(outcome.ok());
    REQUIRE(outcome.validBytes == static_cast<std::int64_t>(records.size()));
    return count.n;
}

} // namespace

TEST_CASE("Fetch sessions go full, incremental, forgotten and closed through the broker", "[broker][fetch]")
{
    Broker broker;
    KafkaTestClient client(broker.port);
    const auto id = createTopic(client, "s", 2);
    const auto b = batch(10, 100);
    produce(client, "s", 0, b);
    produce(client, "s", 1, b);

    // Full fetch, epoch 0: a session opens and both partitions are answered.
    auto full = fetch(client, fetchRequest("s", id, {{0, 0}, {1, 0}}, 0, 0));
    CHECK(full.response.ErrorCode == 0);
    const std::int32_t session = full.response.SessionId;
    REQUIRE(session != 0);
    REQUIRE(partitionsIn(full.response).size() == 2);
    for (const auto &p : full.response.Responses.at(0).Partitions) {
        CHECK(p.HighWatermark == 10);
        CHECK(validBatches(p.Records.bytes) == 1);
    }

    // Incremental, epoch 1, both at the end: nothing changed, nothing sent.
    auto quiet = fetch(client, fetchRequest("s", id, {{0, 10}, {1, 10}}, session, 1));
    CHECK(quiet.response.ErrorCode == 0);
    CHECK(quiet.response.SessionId == session);
    CHECK(quiet.response.Responses.empty());

    // New data in partition 1 only: epoch 2 with an empty request gets it.
    produce(client, "s", 1, b);
    auto news = fetch(client, fetchRequest("s", id, {}, session, 2));
    CHECK(news.response.SessionId == session);
    const auto got = partitionsIn(news.response);
    REQUIRE(got.size() == 1);
    CHECK(got.count(1) == 1);
    CHECK(validBatches(news.response.Responses.at(0).Partitions.at(0).Records.bytes) == 1);
    CHECK(news.response.Responses.at(0).Partitions.at(0).HighWatermark == 20);

    // Forget partition 1 (epoch 3, with its new offset not needed any more);
    // appends to it are no longer reported, appends to partition 0 are.
    auto forget = fetchRequest("s", id, {}, session, 3);
    forget.ForgottenTopicsData.push_back({"s", {}, {1}});
    CHECK(fetch(client, forget).response.Responses.empty());
    produce(client, "s", 1, b);
    produce(client, "s", 0, b);
    auto after = fetch(client, fetchRequest("s", id, {}, session, 4));
    const auto afterParts = partitionsIn(after.response);
    REQUIRE(afterParts.size() == 1);
    CHECK(afterParts.count(0) == 1);
    CHECK(afterParts.at(0) > 0); // session offset of partition 0 is still 10: the new batch

    // A stale epoch: INVALID_FETCH_SESSION_EPOCH, no partitions, session id 0.
    auto stale = fetch(client, fetchRequest("s", id, {}, session, 4));
    CHECK(stale.response.ErrorCode == 71);
    CHECK(stale.response.SessionId == 0);
    CHECK(stale.response.Responses.empty());

    // Close with epoch -1: answered without a session; the id is gone after.
    auto close = fetch(client, fetchRequest("s", id, {}, session, -1));
    CHECK(close.response.ErrorCode == 0);
    CHECK(close.response.SessionId == 0);
    auto gone = fetch(client, fetchRequest("s", id, {}, session, 5));
    CHECK(gone.response.ErrorCode == 70); // FETCH_SESSION_ID_NOT_FOUND
    CHECK(gone.response.Responses.empty());

    // Clients that do not use sessions (id 0, epoch -1) get every partition.
    auto plain = fetch(client, fetchRequest("s", id, {{0, 0}, {1, 0}}, 0, -1));
    CHECK(plain.response.SessionId == 0);
    CHECK(partitionsIn(plain.response).size() == 2);
}

TEST_CASE("Fetch sessions by topic id refuse a request by name in the same session", "[broker][fetch]")
{
    Broker broker;
    KafkaTestClient client(broker.port);
    const auto id = createTopic(client, "ids", 1);
    produce(client, "ids", 0, batch(3, 10));

    auto full = fetch(client, fetchRequest("", id, {{0, 0}}, 0, 0), 13);
    REQUIRE(full.response.SessionId != 0);
    REQUIRE(full.response.Responses.size() == 1);
    CHECK(full.response.Responses.at(0).TopicId == id);
    CHECK(validBatches(full.response.Responses.at(0).Partitions.at(0).Records.bytes) == 1);

    auto inc = fetch(client, fetchRequest("", id, {{0, 3}}, full.response.SessionId, 1), 16);
    CHECK(inc.response.ErrorCode == 0);
    CHECK(inc.response.Responses.empty());

    auto byName = fetch(client, fetchRequest("ids", {}, {}, full.response.SessionId, 2), 12);
    CHECK(byName.response.ErrorCode == 106); // FETCH_SESSION_TOPIC_ID_ERROR

    auto unknown = fetch(client, fetchRequest("", core::KafkaUuid{}, {{0, 0}}, 0, -1), 13);
    REQUIRE(unknown.response.Responses.size() == 1);
    CHECK(unknown.response.Responses.at(0).Partitions.at(0).ErrorCode == 100); // UNKNOWN_TOPIC_ID
}

TEST_CASE("A long-poll fetch is answered when appends bring MinBytes, else at MaxWaitMs with what there is",
          "[broker][fetch]")
{
    Broker broker;
    KafkaTestClient client(broker.port);
    KafkaTestClient producer(broker.port);
    const auto id = createTopic(client, "lp", 2);
    const auto b = batch(20, 500); // ~10 KiB

    // Waits for 3 batches on partition 1 for up to a minute; the three
    // produces (and nothing else) must release it with all three.
    auto req = fetchRequest("lp", id, {{0, 0}, {1, 0}}, 0, -1);
    req.MaxWaitMs = 60000;
    req.MinBytes = static_cast<std::int32_t>(3 * b.size());
    std::optional<FetchAnswer> answer;
    std::thread waiter([&] { answer = client.callKeepingBody<core::FetchResponse>(req, 11); });
    for (int i = 0; i < 3; ++i)
        produce(producer, "lp", 1, b);
    waiter.join();
    REQUIRE(answer.has_value());
    const auto parts = partitionsIn(answer->response);
    CHECK(parts.at(0) == 0);
    CHECK(parts.at(1) == static_cast<std::int64_t>(3 * b.size()));

    // Not enough ever comes: the deadline answers with the one batch there is.
    produce(producer, "lp", 0, b);
    auto short_ = fetchRequest("lp", id, {{0, 0}}, 0, -1);
    short_.MaxWaitMs = 300;
    short_.MinBytes = 1 << 20;
    auto late = fetch(client, short_, 11);
    CHECK(partitionsIn(late.response).at(0) == static_cast<std::int64_t>(b.size()));
}

TEST_CASE("LogAppendTime topics stamp each batch with the broker's time and kcat reads it as such",
          "[broker][fetch][clients]")
{
    Broker broker;
    KafkaTestClient client(broker.port);
    const auto id = createTopic(client, "lat", 1, {{"message.timestamp.type", "LogAppendTime"}});
    createTopic(client, "ct", 1);
    const auto before =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const auto stamped = produce(client, "lat", 0, batch(4, 20, 1000)); // CreateTime 1000..1003
    CHECK(stamped.LogAppendTimeMs >= before);
    CHECK(produce(client, "ct", 0, batch(4, 20, 1000)).LogAppendTimeMs == -1);
    // A damaged batch is refused, not sealed with a fresh CRC by the stamping.
    auto damaged = batch(2, 20, 1000);
    damaged.back() ^= std::byte{0x01};
    CHECK(tryProduce(client, "lat", 0, damaged).ErrorCode == 2); // CORRUPT_MESSAGE

    // The stored batch: attribute bit 3 set, max timestamp = the append time, CRC valid.
    auto f = fetch(client, fetchRequest("lat", id, {{0, 0}}, 0, -1));
    const auto records = f.response.Responses.at(0).Partitions.at(0).Records.bytes;
    REQUIRE(validBatches(records) == 1);
    CHECK((core::loadBigEndian<std::uint16_t>(records.data() + 21) & 0x08) != 0);
    CHECK(core::loadBigEndian<std::int64_t>(records.data() + 35) == stamped.LogAppendTimeMs);

    const auto lat =
        test::runProcess({"kcat", "-b", broker.bootstrap(), "-C", "-t", "lat", "-o", "beginning", "-e", "-q", "-J"},
                         std::chrono::seconds(60));
    INFO(lat.out);
    REQUIRE(lat.exitCode == 0);
    CHECK(lat.out.find("\"tstype\":\"logappend\"") != std::string::npos);
    CHECK(lat.out.find("\"ts\":" + std::to_string(stamped.LogAppendTimeMs)) != std::string::npos);
    CHECK(lat.out.find("\"tstype\":\"create\"") == std::string::npos);
    const auto ct =
        test::runProcess({"kcat", "-b", broker.bootstrap(), "-C", "-t", "ct", "-o", "beginning", "-e", "-q", "-J"},
                         std::chrono::seconds(60));
    CHECK(ct.out.find("\"tstype\":\"create\",\"ts\":1000") != std::string::npos);
}
