// SPDX-License-Identifier: GPL-3.0-or-later
// Idempotent-producer state across restarts: PartitionLog rebuilds it from
// `.snapshot` files and batch headers; the real broker answers a retried
// batch with its original offset after SIGTERM and after kill -9.
#include "broker/log/partition_log.h"
#include "core/protocol/messages/create_topics.h"
#include "core/protocol/messages/produce.h"
#include "core/storage/format/batch_builder.h"
#include "core/storage/format/segment_file_name.h"
#include "core/storage/logdir/producer_snapshot.h"
#include "tests/broker/kafka_test_client.h"
#include "tests/broker/log_test_support.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <fstream>

using namespace spillway;
using namespace spillway::broker;
using core::Offset;
using spillway::test::BackgroundProcess;
using spillway::test::KafkaTestClient;
using spillway::test::TempDir;

namespace {

std::vector<std::byte> idempotentBatch(std::int64_t producerId, std::int16_t epoch, std::int32_t firstSeq, int records)
{
    core::RecordBatchSpec spec;
    spec.baseOffset = Offset(999);
    spec.producerId = producerId;
    spec.producerEpoch = epoch;
    spec.baseSequence = firstSeq;
    for (int i = 0; i < records; ++i)
        spec.records.push_back({std::nullopt, std::string(100, 'v'), 1700000000000 + i, {}});
    auto b = core::buildRecordBatch(spec);
    REQUIRE(b.ok());
    return *b;
}

std::unique_ptr<PartitionLog> reopen(const std::filesystem::path &pdir, bool clean)
{
    PartitionOpenOptions opts;
    opts.config = test::smallLogConfig();
    opts.cleanShutdown = clean;
    auto log = PartitionLog::open(pdir, opts);
    REQUIRE(log.ok());
    return std::move(log.value());
}

std::vector<Offset> snapshotOffsets(const std::filesystem::path &pdir)
{
    std::vector<Offset> out;
    for (const auto &e : std::filesystem::directory_iterator(pdir)) {
        auto p = core::parseSegmentFileName(e.path().filename().string());
        if (p && p->type == core::SegmentFileType::Snapshot)
            out.push_back(p->offset);
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// Producer 7 writes 8 batches of 3, producer 8 writes 2 batches of 1 at
/// epoch 0 then one at epoch 1, producer 9 one batch; plain batches between.
std::unique_ptr<PartitionLog> writeSeveralProducers(const std::filesystem::path &logDir)
{
    auto id = core::KafkaUuid::random();
    REQUIRE(id.ok());
    auto created = PartitionLog::create(logDir, "t", core::PartitionId(0), id.value(), test::smallLogConfig(), 0);
    REQUIRE(created.ok());
    auto &log = *created.value();
    for (int i = 0; i < 8; ++i) {
        REQUIRE(log.append(idempotentBatch(7, 0, i * 3, 3), core::LeaderEpoch(0), 0).ok());
        REQUIRE(log.append(test::makeBatch(2, 400, 1000 + i), core::LeaderEpoch(0), 0).ok());
        if (i < 2)
            REQUIRE(log.append(idempotentBatch(8, 0, i, 1), core::LeaderEpoch(0), 0).ok());
    }
    REQUIRE(log.append(idempotentBatch(8, 1, 0, 1), core::LeaderEpoch(0), 0).ok());
    REQUIRE(log.append(idempotentBatch(9, 0, 0, 4), core::LeaderEpoch(0), 0).ok());
    REQUIRE(log.segmentCount() >= 3); // rolled: snapshots were written at the rolls
    return std::move(created.value());
}

void checkSameLastBatches(const ProducerStateMap &want, const ProducerStateMap &got)
{
    REQUIRE(got.size() == want.size());
    for (const auto &[id, w] : want) {
        INFO("producer " << id);
        const auto &g = got.at(id);
        CHECK(g.epoch == w.epoch);
        REQUIRE(!g.recent.empty());
        CHECK(g.recent.back().firstSeq == w.recent.back().firstSeq);
        CHECK(g.recent.back().lastSeq == w.recent.back().lastSeq);
        CHECK(g.recent.back().baseOffset == w.recent.back().baseOffset);
    }
}

} // namespace

TEST_CASE("PartitionLog tracks producer state and rebuilds it from the whole log", "[broker][log][producer-state]")
{
    TempDir dir;
    auto log = writeSeveralProducers(dir.path());
    const auto live = log->producerStates();
    REQUIRE(live.size() == 3);
    CHECK(live.at(7).recent.size() == 5);
    CHECK(live.at(7).recent.front().firstSeq == 9);
    CHECK(live.at(7).recent.back().lastSeq == 23);
    CHECK(live.at(8).epoch == 1);
    CHECK(live.at(8).recent.size() == 1);
    CHECK(live.at(9).recent.back().lastSeq == 3);
    const auto pdir = log->dir();
    log.reset(); // crash: no close()

    SECTION("without snapshots: a scan of every segment gives the same state")
    {
        for (const auto &s : snapshotOffsets(pdir))
            std::filesystem::remove(pdir / (core::formatOffsetFileStem(s) + ".snapshot"));
        auto reopened = reopen(pdir, false);
        const auto &got = reopened->producerStates();
        checkSameLastBatches(live, got);
        CHECK(got.at(7).recent.size() == 5);
        CHECK(got.at(7).recent.front().firstSeq == 9);
        CHECK(got.at(7).recent.front().baseOffset == live.at(7).recent.front().baseOffset);
    }
    SECTION("from the latest roll snapshot plus the batches after it")
    {
        const auto snaps = snapshotOffsets(pdir);
        CHECK(snaps.size() == 2); // only the latest two are kept
        auto reopened = reopen(pdir, false);
        checkSameLastBatches(live, reopened->producerStates());
    }
    SECTION("a clean close writes a snapshot at the log end, which is loaded")
    {
        auto reopened = reopen(pdir, false);
        const Offset end = reopened->logEndOffset();
        REQUIRE(reopened->close().ok());
        CHECK(snapshotOffsets(pdir).back() == end);
        CHECK(snapshotOffsets(pdir).size() == 2);
        auto again = reopen(pdir, true);
        checkSameLastBatches(live, again->producerStates());
    }
    SECTION("snapshots above the log end are deleted at load")
    {
        const auto stale = pdir / (core::formatOffsetFileStem(Offset(100000)) + ".snapshot");
        REQUIRE(core::ProducerSnapshot({core::ProducerSnapshotEntry{7, 0, 999, Offset(99999), 0}}).write(stale).ok());
        auto reopened = reopen(pdir, false);
        CHECK_FALSE(std::filesystem::exists(stale));
        checkSameLastBatches(live, reopened->producerStates());
    }
}

namespace {

struct RestartableBroker {
    TempDir dir;
    int port = test::freePort();
    std::unique_ptr<BackgroundProcess> process;

    RestartableBroker()
    {
        std::filesystem::create_directories(dir / "data0");
        std::ofstream(dir / "server.properties") << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << port
                                                 << "\nlog.dirs=" << (dir / "data0").string() << "\n";
        start();
    }
    void start()
    {
        process = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{SPILLWAY_BINARY_DIR "/app/spillway-broker", (dir / "server.properties").string()},
            (dir / "broker.log").string());
        REQUIRE(test::waitForPort(port, std::chrono::seconds(10)));
    }
};

core::ProduceResponse::TopicProduceResponse::PartitionProduceResponse
produce(KafkaTestClient &client, const std::string &topic, std::span<const std::byte> records)
{
    core::ProduceRequest req;
    req.Acks = -1;
    req.TimeoutMs = 5000;
    core::ProduceRequest::TopicProduceData t;
    t.Name = topic;
    t.PartitionData.push_back({0, core::RecordsView{records, false}});
    req.TopicData.push_back(t);
    auto r = client.call<core::ProduceResponse>(req, 8);
    REQUIRE(r.has_value());
    return r->Responses.at(0).PartitionResponses.at(0);
}

} // namespace

TEST_CASE("A retried idempotent batch is deduplicated across a broker restart", "[broker][process][producer-state]")
{
    const int signal = GENERATE(SIGTERM, SIGKILL);
    INFO("stopped with signal " << signal);
    RestartableBroker broker;
    constexpr std::int64_t kProducer = 4242;
    const auto first = idempotentBatch(kProducer, 0, 0, 10);
    {
        KafkaTestClient client(broker.port);
        core::CreateTopicsRequest req;
        core::CreateTopicsRequest::CreatableTopic t;
        t.Name = "dedup";
        t.NumPartitions = 1;
        t.ReplicationFactor = 1;
        req.Topics.push_back(t);
        auto r = client.call<core::CreateTopicsResponse>(req, 7);
        REQUIRE(r.has_value());
        REQUIRE(r->Topics.at(0).ErrorCode == 0);
        REQUIRE(produce(client, "dedup", idempotentBatch(-1, -1, -1, 3)).BaseOffset == 0);
        const auto p = produce(client, "dedup", first);
        REQUIRE(p.ErrorCode == 0);
        REQUIRE(p.BaseOffset == 3);
    }
    broker.process->stop(signal);
    broker.start();

    KafkaTestClient client(broker.port);
    const auto retried = produce(client, "dedup", first);
    CHECK(retried.ErrorCode == 0);
    CHECK(retried.BaseOffset == 3); // the original offset, not appended again
    const auto gap = produce(client, "dedup", idempotentBatch(kProducer, 0, 20, 1));
    CHECK(gap.ErrorCode == static_cast<std::int16_t>(core::KafkaError::OutOfOrderSequenceNumber));
    const auto next = produce(client, "dedup", idempotentBatch(kProducer, 0, 10, 2));
    CHECK(next.ErrorCode == 0);
    CHECK(next.BaseOffset == 13); // the log holds 3 + 10 records: no duplicate
}
