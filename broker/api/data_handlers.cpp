// SPDX-License-Identifier: GPL-3.0-or-later
// Produce, ListOffsets, DeleteRecords, InitProducerId (Fetch: fetch_handler.cpp).
#include "broker/api/fetch_handler.h"
#include "broker/api/request_router.h"
#include "broker/broker_state.h"
#include "core/protocol/messages/delete_records.h"
#include "core/protocol/messages/init_producer_id.h"
#include "core/protocol/messages/list_offsets.h"
#include "core/protocol/messages/produce.h"
#include "core/storage/format/batch.h"
#include "core/storage/format/byte_reader.h"
#include "core/storage/format/crc32c.h"

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

/// message.timestamp.type=LogAppendTime, as Kafka's LogValidator does it:
/// each v2 batch gets the timestamp-type attribute bit and the broker's time
/// as its max timestamp, and its CRC-32C (attributes to the end) is
/// recomputed. The records keep their own timestamps; consumers take every
/// record's time from the batch. Bytes that do not parse as v2 batches, and
/// batches whose CRC is already wrong, are left for append() to refuse.
std::vector<std::byte> stampLogAppendTime(std::span<const std::byte> batches, std::int64_t nowMs)
{
    constexpr std::size_t kCrc = 17;
    constexpr std::size_t kAttributes = 21;
    constexpr std::size_t kMaxTimestamp = 35;
    constexpr std::uint16_t kLogAppendTimeBit = 0x08;
    std::vector<std::byte> out(batches.begin(), batches.end());
    std::size_t pos = 0;
    while (out.size() - pos >= static_cast<std::size_t>(core::kRecordBatchV2HeaderSize)) {
        const auto length = core::loadBigEndian<std::int32_t>(out.data() + pos + 8);
        const auto size = static_cast<std::size_t>(core::kLogOverhead) + static_cast<std::size_t>(std::max(length, 0));
        if (length < 0 || size < static_cast<std::size_t>(core::kRecordBatchV2HeaderSize) || size > out.size() - pos ||
            out[pos + core::kMagicOffset] != std::byte{2})
            break;
        std::byte *b = out.data() + pos;
        if (core::crc32c(std::span<const std::byte>(b + kAttributes, size - kAttributes)) !=
            core::loadBigEndian<std::uint32_t>(b + kCrc))
            break;
        core::storeBigEndian<std::uint16_t>(b + kAttributes,
                                            core::loadBigEndian<std::uint16_t>(b + kAttributes) | kLogAppendTimeBit);
        core::storeBigEndian<std::int64_t>(b + kMaxTimestamp, nowMs);
        core::storeBigEndian<std::uint32_t>(
            b + kCrc, core::crc32c(std::span<const std::byte>(b + kAttributes, size - kAttributes)));
        pos += size;
    }
    return out;
}

using core::ProduceRequest;
using core::ProduceResponse;

/// Idempotence (KIP-98): a retried batch (same sequence range as one of the
/// last five) gets its original offset back; a gap or a stale epoch is an error.
std::optional<ProduceResponse::TopicProduceResponse::PartitionProduceResponse> checkSequence(PartitionLog &log,
                                                                                             const ProducerFields &f)
{
    using PartResp = ProduceResponse::TopicProduceResponse::PartitionProduceResponse;
    // The partition's own state: rebuilt from its snapshot and batches when
    // it was loaded, so that dedup survives a restart.
    auto &state = log.producerStates()[f.producerId];
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
            r.BaseOffset = b.baseOffset.get(); // duplicate: already written, acknowledge again
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
                    early = checkSequence(*log, *producer);
                if (early) {
                    early->Index = p.Index;
                    early->LogStartOffset = log->logStartOffset().get();
                    tr.PartitionResponses.push_back(*early);
                    continue;
                }
                const std::int64_t now = BrokerState::nowMs();
                const bool logAppendTime =
                    s.topicSchema.effective("message.timestamp.type", topic->configs) == "LogAppendTime";
                std::vector<std::byte> stamped;
                if (logAppendTime)
                    stamped = stampLogAppendTime(p.Records.bytes, now);
                auto appended = log->append(logAppendTime ? std::span<const std::byte>(stamped) : p.Records.bytes,
                                            core::LeaderEpoch(0), now);
                if (!appended.ok()) {
                    pr.ErrorCode = code(kafkaErrorFor(appended.error()));
                    pr.ErrorMessage = appended.error().message;
                    if (pr.ErrorCode == code(KafkaError::KafkaStorageError))
                        s.say("produce to " + t.Name + "-" + std::to_string(p.Index) +
                              " failed: " + appended.error().describe());
                } else {
                    pr.BaseOffset = appended->baseOffset.get();
                    pr.LogAppendTimeMs = logAppendTime ? now : -1;
                    // A single replica: the high watermark follows the log end.
                    log->setHighWatermark(log->logEndOffset());
                    s.delayedFetches.onAppend(t.Name, p.Index, static_cast<std::int64_t>(p.Records.bytes.size()));
                    // append() recorded the batch in the partition's producer state.
                }
            }
            pr.LogStartOffset = log ? log->logStartOffset().get() : -1;
            tr.PartitionResponses.push_back(std::move(pr));
        }
        r.Responses.push_back(std::move(tr));
    }
    if (req.Acks == 0)
        return std::nullopt;
    return r;
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
    t.push_back(fetchApiEntry(s));
    t.push_back(makeApiEntry<ListOffsetsRequest, ListOffsetsResponse>(
        0, 7, [&s](const RequestContext &c, ListOffsetsRequest &r) { return handleListOffsets(s, c, r); }));
    t.push_back(makeApiEntry<DeleteRecordsRequest, DeleteRecordsResponse>(
        0, 2, [&s](const RequestContext &c, DeleteRecordsRequest &r) { return handleDeleteRecords(s, c, r); }));
    t.push_back(makeApiEntry<InitProducerIdRequest, InitProducerIdResponse>(
        0, 4, [&s](const RequestContext &c, InitProducerIdRequest &r) { return handleInitProducerId(s, c, r); }));
    return t;
}

} // namespace spillway::broker
