// SPDX-License-Identifier: GPL-3.0-or-later
// Produce, Fetch, ListOffsets, DeleteRecords, InitProducerId.
#include "broker/api/request_router.h"
#include "broker/broker_state.h"
#include "core/protocol/messages/delete_records.h"
#include "core/protocol/messages/fetch.h"
#include "core/protocol/messages/init_producer_id.h"
#include "core/protocol/messages/list_offsets.h"
#include "core/protocol/messages/produce.h"
#include "core/storage/format/byte_reader.h"

#include <cerrno>
#include <unistd.h>

namespace spillway::broker {
namespace {

using core::KafkaError;

/// Producer fields of the first v2 batch of a produce request (Produce v3+
/// carries exactly one batch per partition).
struct ProducerFields {
    std::int64_t producerId = -1;
    std::int16_t producerEpoch = -1;
    std::int32_t baseSequence = -1;
    std::int32_t recordCount = 0;
};

std::optional<ProducerFields> producerFields(std::span<const std::byte> records)
{
    if (records.size() < 61 || records[16] != std::byte{2})
        return std::nullopt;
    ProducerFields f;
    f.producerId = core::loadBigEndian<std::int64_t>(records.data() + 43);
    f.producerEpoch = core::loadBigEndian<std::int16_t>(records.data() + 51);
    f.baseSequence = core::loadBigEndian<std::int32_t>(records.data() + 53);
    f.recordCount = core::loadBigEndian<std::int32_t>(records.data() + 57);
    return f;
}

using core::ProduceRequest;
using core::ProduceResponse;

/// Idempotence (KIP-98): a retried batch (same sequence range as one of the
/// last five) gets its original offset back; a gap or a stale epoch is an error.
std::optional<ProduceResponse::TopicProduceResponse::PartitionProduceResponse>
checkSequence(BrokerState &s, const std::string &topic, std::int32_t partition, const ProducerFields &f)
{
    using PartResp = ProduceResponse::TopicProduceResponse::PartitionProduceResponse;
    auto &state = s.producers[{f.producerId, topic, partition}];
    if (f.producerEpoch < state.epoch) {
        PartResp r;
        r.ErrorCode = code(KafkaError::InvalidProducerEpoch);
        return r;
    }
    if (f.producerEpoch > state.epoch) {
        state.epoch = f.producerEpoch;
        state.recent.clear();
        if (f.baseSequence != 0) {
            PartResp r;
            r.ErrorCode = code(KafkaError::OutOfOrderSequenceNumber);
            return r;
        }
        return std::nullopt;
    }
    for (const auto &b : state.recent) {
        if (b.firstSeq == f.baseSequence) {
            PartResp r;
            r.BaseOffset = b.baseOffset; // duplicate: already written, acknowledge again
            return r;
        }
    }
    if (!state.recent.empty()) {
        const std::int32_t expected = state.recent.back().lastSeq == INT32_MAX ? 0 : state.recent.back().lastSeq + 1;
        if (f.baseSequence != expected) {
            PartResp r;
            r.ErrorCode = code(KafkaError::OutOfOrderSequenceNumber);
            r.ErrorMessage =
                "expected sequence " + std::to_string(expected) + ", got " + std::to_string(f.baseSequence);
            return r;
        }
    }
    return std::nullopt;
}

std::optional<ProduceResponse> handleProduce(BrokerState &s, const RequestContext &, ProduceRequest &req)
{
    ProduceResponse r;
    const bool validAcks = req.Acks == -1 || req.Acks == 0 || req.Acks == 1;
    for (auto &t : req.TopicData) {
        ProduceResponse::TopicProduceResponse tr;
        tr.Name = t.Name;
        const TopicInfo *topic = s.topics.find(t.Name);
        for (auto &p : t.PartitionData) {
            ProduceResponse::TopicProduceResponse::PartitionProduceResponse pr;
            pr.Index = p.Index;
            PartitionLog *log = topic ? s.logs.find(t.Name, core::PartitionId(p.Index)) : nullptr;
            if (!validAcks) {
                pr.ErrorCode = code(KafkaError::InvalidRequiredAcks);
            } else if (topic == nullptr || p.Index < 0 || p.Index >= topic->partitions) {
                pr.ErrorCode = code(KafkaError::UnknownTopicOrPartition);
            } else if (log == nullptr || log->offlineError()) {
                pr.ErrorCode = code(log == nullptr ? KafkaError::NotLeaderOrFollower : KafkaError::KafkaStorageError);
            } else if (p.Records.isNull) {
                pr.ErrorCode = code(KafkaError::InvalidRecord);
            } else if (static_cast<std::int64_t>(p.Records.bytes.size()) >
                       s.topicSchema.effectiveLong("max.message.bytes", topic->configs) + 12) {
                pr.ErrorCode = code(KafkaError::MessageTooLarge);
            } else {
                const auto producer = producerFields(p.Records.bytes);
                std::optional<ProduceResponse::TopicProduceResponse::PartitionProduceResponse> early;
                if (producer && producer->producerId >= 0)
                    early = checkSequence(s, t.Name, p.Index, *producer);
                if (early) {
                    early->Index = p.Index;
                    early->LogStartOffset = log->logStartOffset().get();
                    tr.PartitionResponses.push_back(*early);
                    continue;
                }
                auto appended = log->append(p.Records.bytes, core::LeaderEpoch(0), BrokerState::nowMs());
                if (!appended.ok()) {
                    pr.ErrorCode = code(kafkaErrorFor(appended.error()));
                    pr.ErrorMessage = appended.error().message;
                    if (pr.ErrorCode == code(KafkaError::KafkaStorageError))
                        s.say("produce to " + t.Name + "-" + std::to_string(p.Index) +
                              " failed: " + appended.error().describe());
                } else {
                    pr.BaseOffset = appended->baseOffset.get();
                    pr.LogAppendTimeMs = appended->logAppendTime.get();
                    // A single replica: the high watermark follows the log end.
                    log->setHighWatermark(log->logEndOffset());
                    if (producer && producer->producerId >= 0) {
                        auto &state = s.producers[{producer->producerId, t.Name, p.Index}];
                        state.recent.push_back({producer->baseSequence,
                                                producer->baseSequence + std::max(0, producer->recordCount - 1),
                                                pr.BaseOffset});
                        if (state.recent.size() > 5)
                            state.recent.pop_front();
                    }
                }
            }
            pr.LogStartOffset = log ? log->logStartOffset().get() : -1;
            tr.PartitionResponses.push_back(std::move(pr));
        }
        r.Responses.push_back(std::move(tr));
    }
    s.wakeFetches();
    if (req.Acks == 0)
        return std::nullopt;
    return r;
}

using core::FetchRequest;
using core::FetchResponse;

/// Builds the response to a fetch from what the logs hold now; `bytes` is
/// how much record data it carries.
FetchResponse buildFetchResponse(BrokerState &s, const FetchRequest &req, std::int64_t &bytes)
{
    FetchResponse r;
    bytes = 0;
    s.fetchBuffers.clear();
    // Fetch sessions (KIP-227) are optional for a broker: answering with
    // session id 0 tells the client to send full requests.
    r.SessionId = 0;
    std::int64_t budget = req.MaxBytes <= 0 ? INT32_MAX : req.MaxBytes;
    bool first = true;
    for (auto &t : req.Topics) {
        const TopicInfo *topic = t.Topic.empty() ? s.topics.findById(t.TopicId) : s.topics.find(t.Topic);
        FetchResponse::FetchableTopicResponse tr;
        tr.Topic = topic ? topic->name : t.Topic;
        tr.TopicId = topic ? topic->id : t.TopicId;
        for (const auto &p : t.Partitions) {
            FetchResponse::FetchableTopicResponse::PartitionData pd;
            pd.PartitionIndex = p.Partition;
            pd.Records = core::RecordsView{{}, false};
            PartitionLog *log = topic ? s.logs.find(topic->name, core::PartitionId(p.Partition)) : nullptr;
            if (topic == nullptr) {
                pd.ErrorCode = code(t.Topic.empty() ? KafkaError::UnknownTopicId : KafkaError::UnknownTopicOrPartition);
            } else if (log == nullptr) {
                pd.ErrorCode =
                    code(p.Partition >= 0 && p.Partition < topic->partitions ? KafkaError::NotLeaderOrFollower
                                                                             : KafkaError::UnknownTopicOrPartition);
            } else if (log->offlineError()) {
                pd.ErrorCode = code(KafkaError::KafkaStorageError);
            } else {
                pd.HighWatermark = log->highWatermark().get();
                pd.LastStableOffset = pd.HighWatermark;
                pd.LogStartOffset = log->logStartOffset().get();
                const std::int32_t maxBytes =
                    static_cast<std::int32_t>(std::min<std::int64_t>(p.PartitionMaxBytes, first ? INT32_MAX : budget));
                if (budget > 0 || first) {
                    auto region = log->read(core::Offset(p.FetchOffset), std::max(maxBytes, 1), log->highWatermark());
                    if (!region.ok()) {
                        pd.ErrorCode = code(kafkaErrorFor(region.error()));
                    } else if (region->length > 0) {
                        std::vector<std::byte> buf(static_cast<std::size_t>(region->length));
                        std::size_t got = 0;
                        while (got < buf.size()) {
                            const ssize_t n =
                                ::pread(region->fd(), buf.data() + got, buf.size() - got,
                                        static_cast<off_t>(region->position.get()) + static_cast<off_t>(got));
                            if (n <= 0) {
                                if (n < 0 && errno == EINTR)
                                    continue;
                                break;
                            }
                            got += static_cast<std::size_t>(n);
                        }
                        if (got < buf.size()) {
                            pd.ErrorCode = code(KafkaError::KafkaStorageError);
                            log->markOffline(
                                core::Error::fromErrno(errno == 0 ? EIO : errno, "cannot read " + log->dir().string()));
                        } else {
                            budget -= region->length;
                            bytes += region->length;
                            first = false;
                            s.fetchBuffers.push_back(std::move(buf));
                            pd.Records = core::RecordsView{s.fetchBuffers.back(), false};
                        }
                    }
                }
            }
            tr.Partitions.push_back(std::move(pd));
        }
        r.Responses.push_back(std::move(tr));
    }
    return r;
}

/// Fetch with Kafka's long poll: answer at once when MinBytes are there (or
/// the client does not want to wait), else wait for an append or MaxWaitMs.
void handleFetch(BrokerState &s, const RequestContext &, FetchRequest &req,
                 std::function<void(std::optional<FetchResponse>)> reply)
{
    std::int64_t bytes = 0;
    FetchResponse now = buildFetchResponse(s, req, bytes);
    if (bytes >= std::max(req.MinBytes, 1) || req.MaxWaitMs <= 0 || !s.runAfter) {
        reply(std::move(now));
        return;
    }
    const std::uint64_t id = s.nextFetchId++;
    auto shared = std::make_shared<std::pair<FetchRequest, std::function<void(std::optional<FetchResponse>)>>>(
        std::move(req), std::move(reply));
    s.pendingFetches.push_back({id, [&s, shared](bool deadline) {
                                    std::int64_t got = 0;
                                    FetchResponse r = buildFetchResponse(s, shared->first, got);
                                    if (!deadline && got < std::max(shared->first.MinBytes, 1))
                                        return false;
                                    shared->second(std::move(r));
                                    return true;
                                }});
    s.runAfter(std::chrono::milliseconds(shared->first.MaxWaitMs), [&s, id] {
        for (auto it = s.pendingFetches.begin(); it != s.pendingFetches.end(); ++it) {
            if (it->id != id)
                continue;
            auto retry = std::move(it->retry);
            s.pendingFetches.erase(it);
            retry(true);
            return;
        }
    });
}

using core::ListOffsetsRequest;
using core::ListOffsetsResponse;

std::optional<ListOffsetsResponse> handleListOffsets(BrokerState &s, const RequestContext &ctx, ListOffsetsRequest &req)
{
    ListOffsetsResponse r;
    for (const auto &t : req.Topics) {
        ListOffsetsResponse::ListOffsetsTopicResponse tr;
        tr.Name = t.Name;
        const TopicInfo *topic = s.topics.find(t.Name);
        for (const auto &p : t.Partitions) {
            ListOffsetsResponse::ListOffsetsTopicResponse::ListOffsetsPartitionResponse pr;
            pr.PartitionIndex = p.PartitionIndex;
            PartitionLog *log = topic ? s.logs.find(t.Name, core::PartitionId(p.PartitionIndex)) : nullptr;
            if (log == nullptr) {
                pr.ErrorCode = code(topic ? KafkaError::NotLeaderOrFollower : KafkaError::UnknownTopicOrPartition);
            } else if (log->offlineError()) {
                pr.ErrorCode = code(KafkaError::KafkaStorageError);
            } else if (p.Timestamp == -2) { // EARLIEST
                pr.Offset = log->logStartOffset().get();
            } else if (p.Timestamp == -1) { // LATEST
                pr.Offset = log->highWatermark().get();
            } else if (p.Timestamp < 0) {
                pr.ErrorCode = code(KafkaError::UnsupportedVersion);
            } else {
                auto found = log->offsetForTimestamp(core::Timestamp(p.Timestamp));
                if (!found.ok()) {
                    pr.ErrorCode = code(kafkaErrorFor(found.error()));
                } else if (*found) {
                    pr.Offset = (*found)->offset.get();
                    pr.Timestamp = (*found)->timestamp.get();
                }
            }
            if (pr.ErrorCode == 0 && pr.Offset >= 0) {
                pr.LeaderEpoch = 0;
                if (ctx.header.apiVersion == 0)
                    pr.OldStyleOffsets = {pr.Offset};
            }
            tr.Partitions.push_back(std::move(pr));
        }
        r.Topics.push_back(std::move(tr));
    }
    return r;
}

using core::DeleteRecordsRequest;
using core::DeleteRecordsResponse;

std::optional<DeleteRecordsResponse> handleDeleteRecords(BrokerState &s, const RequestContext &,
                                                         DeleteRecordsRequest &req)
{
    DeleteRecordsResponse r;
    for (const auto &t : req.Topics) {
        DeleteRecordsResponse::DeleteRecordsTopicResult tr;
        tr.Name = t.Name;
        for (const auto &p : t.Partitions) {
            DeleteRecordsResponse::DeleteRecordsTopicResult::DeleteRecordsPartitionResult pr;
            pr.PartitionIndex = p.PartitionIndex;
            PartitionLog *log = s.logs.find(t.Name, core::PartitionId(p.PartitionIndex));
            if (log == nullptr) {
                pr.ErrorCode = code(KafkaError::UnknownTopicOrPartition);
            } else {
                // -1 means "up to the high watermark".
                const core::Offset target(p.Offset == -1 ? log->highWatermark().get() : p.Offset);
                auto low = log->deleteRecordsBefore(target, BrokerState::nowMs(), s.config.fileDeleteDelayMs);
                if (low.ok())
                    pr.LowWatermark = low->get();
                else
                    pr.ErrorCode = code(kafkaErrorFor(low.error()));
            }
            tr.Partitions.push_back(pr);
        }
        r.Topics.push_back(std::move(tr));
    }
    return r;
}

using core::InitProducerIdRequest;
using core::InitProducerIdResponse;

std::optional<InitProducerIdResponse> handleInitProducerId(BrokerState &s, const RequestContext &,
                                                           InitProducerIdRequest &req)
{
    InitProducerIdResponse r;
    if (req.TransactionalId) {
        // Transactions need a transaction coordinator the lab broker does not have.
        r.ErrorCode = code(KafkaError::CoordinatorNotAvailable);
        return r;
    }
    if (s.nextProducerId == 0)
        s.nextProducerId = BrokerState::nowMs() * 1000; // unique across restarts
    r.ProducerId = s.nextProducerId++;
    r.ProducerEpoch = 0;
    return r;
}

} // namespace

std::vector<ApiEntry> dataApis(BrokerState &s)
{
    std::vector<ApiEntry> t;
    t.push_back(makeApiEntry<ProduceRequest, ProduceResponse>(
        3, 9, [&s](const RequestContext &c, ProduceRequest &r) { return handleProduce(s, c, r); }));
    t.push_back(makeDeferredApiEntry<FetchRequest, FetchResponse>(
        4, 12, [&s](const RequestContext &c, FetchRequest &r, std::function<void(std::optional<FetchResponse>)> reply) {
            handleFetch(s, c, r, std::move(reply));
        }));
    t.push_back(makeApiEntry<ListOffsetsRequest, ListOffsetsResponse>(
        0, 7, [&s](const RequestContext &c, ListOffsetsRequest &r) { return handleListOffsets(s, c, r); }));
    t.push_back(makeApiEntry<DeleteRecordsRequest, DeleteRecordsResponse>(
        0, 2, [&s](const RequestContext &c, DeleteRecordsRequest &r) { return handleDeleteRecords(s, c, r); }));
    t.push_back(makeApiEntry<InitProducerIdRequest, InitProducerIdResponse>(
        0, 4, [&s](const RequestContext &c, InitProducerIdRequest &r) { return handleInitProducerId(s, c, r); }));
    return t;
}

} // namespace spillway::broker
