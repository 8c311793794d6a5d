// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/api/fetch_handler.h"

#include "broker/broker_state.h"
#include "broker/fetch/fetch_context.h"
#include "core/protocol/messages/fetch.h"

#include <algorithm>

namespace spillway::broker {
namespace {

using core::FetchRequest;
using core::FetchResponse;
using core::KafkaError;
using PartitionData = FetchResponse::FetchableTopicResponse::PartitionData;

/// A Fetch response and the segment regions of its records, in the order
/// the encoder meets them (topics, then partitions).
struct FetchReply {
    static constexpr core::ApiKey kApiKey = FetchResponse::kApiKey;
    FetchResponse response;
    std::vector<FileRegion> records;
};

/// The response bytes with a file region where each partition's records go
/// (their length prefix, compact or not, is written by the encoder).
core::Result<ResponseParts> encodeFetchReply(const FetchReply &reply, std::int16_t version)
{
    auto encoded = core::encodeMessageWithExternalRecords(reply.response, version);
    if (!encoded.ok())
        return encoded.error();
    if (encoded->external.size() != reply.records.size())
        return core::makeError(core::Errc::InvalidArgument,
                               "Fetch response with " + std::to_string(encoded->external.size()) +
                                   " record fields for " + std::to_string(reply.records.size()) + " regions");
    ResponseParts parts(std::move(encoded->bytes));
    for (std::size_t i = 0; i < reply.records.size(); ++i)
        parts.files.push_back({encoded->external[i].position, reply.records[i]});
    return parts;
}

/// What one target gave: its response entry and its records, if any.
struct PartitionRead {
    const TopicInfo *topic = nullptr;
    PartitionData data;
    std::optional<FileRegion> records;
};

const TopicInfo *resolve(BrokerState &s, const SessionPartitionKey &key)
{
    return key.topic.empty() ? s.topics.findById(key.topicId) : s.topics.find(key.topic);
}

/// Reads every target in order within the request's byte budget, as Kafka's
/// ReplicaManager.readFromLog: the first partition with data returns at
/// least one batch, however large; after it, PartitionMaxBytes and what is
/// left of MaxBytes are hard limits.
std::vector<PartitionRead> readTargets(BrokerState &s, const std::vector<FetchTarget> &targets, std::int32_t maxBytes,
                                       std::int64_t &bytes)
{
    std::vector<PartitionRead> out;
    out.reserve(targets.size());
    bytes = 0;
    std::int64_t budget = maxBytes <= 0 ? INT32_MAX : maxBytes;
    bool minOneBatch = true;
    for (const auto &t : targets) {
        PartitionRead r;
        r.topic = resolve(s, t.key);
        PartitionData &pd = r.data;
        pd.PartitionIndex = t.key.partition;
        pd.Records = core::RecordsView{{}, false};
        PartitionLog *log = r.topic ? s.logs.find(r.topic->name, core::PartitionId(t.key.partition)) : nullptr;
        if (r.topic == nullptr) {
            pd.ErrorCode = code(t.key.topic.empty() ? KafkaError::UnknownTopicId : KafkaError::UnknownTopicOrPartition);
        } else if (log == nullptr) {
            pd.ErrorCode = code(t.key.partition >= 0 && t.key.partition < r.topic->partitions
                                    ? KafkaError::NotLeaderOrFollower
                                    : KafkaError::UnknownTopicOrPartition);
        } else if (log->offlineError()) {
            pd.ErrorCode = code(KafkaError::KafkaStorageError);
        } else {
            pd.HighWatermark = log->highWatermark().get();
            pd.LastStableOffset = pd.HighWatermark;
            pd.LogStartOffset = log->logStartOffset().get();
            const std::int64_t limit = std::min<std::int64_t>(t.maxBytes, budget);
            if (limit > 0 || minOneBatch) {
                auto region =
                    log->read(core::Offset(t.fetchOffset), static_cast<std::int32_t>(std::max<std::int64_t>(limit, 1)),
                              log->highWatermark());
                if (!region.ok()) {
                    pd.ErrorCode = code(kafkaErrorFor(region.error()));
                } else if (region->length > 0 && (minOneBatch || region->length <= limit)) {
                    r.records = FileRegion{region->file, region->position.get(), region->length};
                    pd.Records.externalSize = region->length;
                    budget = std::max<std::int64_t>(0, budget - region->length);
                    bytes += region->length;
                    minOneBatch = false;
                }
            }
        }
        if (pd.ErrorCode != 0) {
            // Kafka's answer for a partition in error: offsets unknown.
            pd.HighWatermark = -1;
            pd.LastStableOffset = -1;
            pd.LogStartOffset = -1;
        }
        out.push_back(std::move(r));
    }
    return out;
}

/// The response to a fetch from what was read, shaped by its session context.
FetchReply makeReply(BrokerState &s, FetchContext &context, std::vector<PartitionRead> reads)
{
    std::vector<FetchedPartition> summary;
    summary.reserve(reads.size());
    for (const auto &r : reads)
        summary.push_back(
            {r.data.ErrorCode, r.data.HighWatermark, r.data.LogStartOffset, r.records ? r.records->length : 0});
    const auto shaped = context.finish(s.fetchSessions, summary, BrokerState::nowMs());
    FetchReply reply;
    reply.response.ErrorCode = shaped.errorCode;
    reply.response.SessionId = shaped.sessionId;
    const SessionPartitionKey *previous = nullptr;
    for (const std::size_t i : shaped.include) {
        const SessionPartitionKey &key = context.targets()[i].key;
        PartitionRead &r = reads[i];
        // Consecutive partitions of one topic share its entry, as in Kafka.
        if (previous == nullptr || previous->topic != key.topic || previous->topicId != key.topicId) {
            FetchResponse::FetchableTopicResponse tr;
            tr.Topic = r.topic ? r.topic->name : key.topic;
            tr.TopicId = r.topic ? r.topic->id : key.topicId;
            reply.response.Responses.push_back(std::move(tr));
        }
        previous = &key;
        if (r.records)
            reply.records.push_back(std::move(*r.records));
        reply.response.Responses.back().Partitions.push_back(std::move(r.data));
    }
    return reply;
}

/// Fetch with Kafka's long poll: answer at once when MinBytes are there,
/// when a partition is in error, or when the client does not want to wait;
/// else park the fetch until appends bring MinBytes or MaxWaitMs passes,
/// and read the logs again then.
void handleFetch(BrokerState &s, const RequestContext &ctx, FetchRequest &req,
                 std::function<void(std::optional<FetchReply>)> reply)
{
    auto context = std::make_shared<FetchContext>(
        FetchContext::create(s.fetchSessions, req, ctx.header.apiVersion, BrokerState::nowMs()));
    std::int64_t bytes = 0;
    auto reads = readTargets(s, context->targets(), req.MaxBytes, bytes);
    const bool anyError =
        std::any_of(reads.begin(), reads.end(), [](const PartitionRead &r) { return r.data.ErrorCode != 0; });
    if (req.MaxWaitMs <= 0 || context->targets().empty() || bytes >= req.MinBytes || anyError || !s.runAfter) {
        reply(makeReply(s, *context, std::move(reads)));
        return;
    }
    std::vector<DelayedFetches::Watch> watches;
    for (std::size_t i = 0; i < reads.size(); ++i)
        watches.push_back({reads[i].topic->name, context->targets()[i].key.partition, context->targets()[i].maxBytes});
    const auto id = s.delayedFetches.add(
        std::move(watches), req.MinBytes - bytes, [&s, context, maxBytes = req.MaxBytes, reply = std::move(reply)] {
            std::int64_t got = 0;
            reply(makeReply(s, *context, readTargets(s, context->targets(), maxBytes, got)));
        });
    s.runAfter(std::chrono::milliseconds(req.MaxWaitMs), [&s, id] { s.delayedFetches.expire(id); });
}

} // namespace

ApiEntry fetchApiEntry(BrokerState &s)
{
    return makeDeferredApiEntry<FetchRequest, FetchReply>(
        4, 16,
        [&s](const RequestContext &c, FetchRequest &r, std::function<void(std::optional<FetchReply>)> reply) {
            handleFetch(s, c, r, std::move(reply));
        },
        &encodeFetchReply);
}

} // namespace spillway::broker
