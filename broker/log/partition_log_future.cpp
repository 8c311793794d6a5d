// SPDX-License-Identifier: GPL-3.0-or-later
// PartitionLog as the target of a replica move between log dirs (KIP-113):
// creating the `-future` directory and appending batches that already carry
// their offsets and leader epochs (Kafka's appendAsFollower).
#include "broker/log/partition_log.h"

#include "core/common/fileio.h"
#include "core/storage/format/batch.h"
#include "core/storage/format/segment_parser.h"
#include "core/storage/logdir/partition_metadata.h"
#include "core/storage/logdir/topic_name.h"

#include <cerrno>
#include <sys/stat.h>

namespace spillway::broker {

using core::Errc;
using core::Error;
using core::Offset;
using core::Result;
using core::Status;
using core::Timestamp;

namespace {

/// Checks replicated data batch by batch (Kafka's analyzeAndValidateRecords
/// without offset assignment): offsets never go back, the first one is at
/// or after the log end. Any magic: a log dir written by an old Kafka moves
/// as it is.
class FollowerValidator final : public core::BatchConsumer {
public:
    struct Batch {
        std::int8_t magic = 2;
        Offset baseOffset{0};
        Offset lastOffset{0};
        Timestamp maxTimestamp{-1};
        core::LeaderEpoch leaderEpoch{-1};
        std::int64_t records = 0;
    };
    explicit FollowerValidator(Offset logEnd) : m_next(logEnd) {}
    bool onBatch(const core::BatchInfo &b) override
    {
        const std::string where = "batch at byte " + std::to_string(b.position.get()) + " of the replicated data";
        if (b.lastOffset < b.baseOffset) {
            problem = where + " ends at offset " + std::to_string(b.lastOffset.get()) + " before its base offset " +
                      std::to_string(b.baseOffset.get());
            return false;
        }
        // A legacy compressed wrapper reports its last offset as the base
        // (Kafka's firstOrLastOffsetOfFirstBatch): the same rule holds.
        if (b.baseOffset < m_next) {
            problem = where + " starts at offset " + std::to_string(b.baseOffset.get()) +
                      ", below the next offset of the log " + std::to_string(m_next.get());
            return false;
        }
        m_next = Offset(b.lastOffset.get() + 1);
        // A v0/v1 wrapper's record count is unknown without decompressing.
        const std::int64_t records = b.recordCount >= 0 ? b.recordCount : 1;
        batches.push_back({b.magic, b.baseOffset, b.lastOffset, b.maxTimestamp, b.leaderEpoch, records});
        return true;
    }
    std::vector<Batch> batches;
    std::string problem;

private:
    Offset m_next;
};

} // namespace

Result<std::unique_ptr<PartitionLog>> PartitionLog::createFuture(const std::filesystem::path &logDir,
                                                                 const PartitionLog &source, Offset firstSegmentBase,
                                                                 std::int64_t nowMs)
{
    auto id = core::KafkaUuid::random();
    if (!id)
        return id.error();
    core::PartitionDirName name;
    name.topic = source.m_topic;
    name.partition = source.m_partition;
    name.kind = core::PartitionDirKind::Future;
    name.uniqueId = id->toHex();

    std::unique_ptr<PartitionLog> log(new PartitionLog());
    log->m_dir = logDir / name.toString();
    log->m_topic = source.m_topic;
    log->m_partition = source.m_partition;
    log->m_topicId = source.m_topicId;
    log->m_config = source.m_config;
    log->m_future = true;
    log->m_logStart = firstSegmentBase;
    log->m_highWatermark = firstSegmentBase;
    log->m_recoveryPoint = firstSegmentBase;
    log->m_lastFlushMs = nowMs;
    if (::mkdir(log->m_dir.c_str(), 0755) != 0) {
        if (errno == EEXIST)
            return makeError(Errc::InvalidArgument,
                             "future replica directory " + log->m_dir.string() + " already exists");
        return Error::fromErrno(errno, "cannot create future replica directory " + log->m_dir.string());
    }
    auto populate = [&]() -> Status {
        // A source loaded from data older than Kafka 2.8 has no topic id, and
        // then its copy has no partition.metadata either.
        if (!source.m_topicId.isZero()) {
            if (auto st = core::PartitionMetadata{source.m_topicId}.write(log->m_dir /
                                                                          std::string(core::kPartitionMetadataFile));
                !st)
                return st;
        }
        if (auto st = core::LeaderEpochCheckpoint().write(log->m_dir / std::string(core::kLeaderEpochCheckpointFile));
            !st)
            return st;
        auto seg = LogSegment::create(log->m_dir, firstSegmentBase, log->m_config, nowMs);
        if (!seg)
            return seg.error();
        log->m_segments.emplace(firstSegmentBase, std::move(seg.value()));
        if (auto st = core::fsyncDirectory(log->m_dir); !st)
            return st;
        return core::fsyncDirectory(logDir);
    };
    if (auto st = populate(); !st) {
        // Leave no half-made future dir behind to be resumed at the next start.
        log->m_segments.clear();
        std::error_code ec;
        std::filesystem::remove_all(log->m_dir, ec);
        return st.error();
    }
    return log;
}

Result<AppendResult> PartitionLog::appendAsFollower(std::span<const std::byte> recordBatches, std::int64_t nowMs)
{
    if (auto st = checkOnline(); !st)
        return st.error();
    const std::string where = " (" + std::string(m_future ? "future replica " : "replica ") + m_dir.string() + ")";
    if (recordBatches.empty())
        return makeError(Errc::InvalidArgument, "replicated data is empty" + where);
    if (static_cast<std::int64_t>(recordBatches.size()) > m_config.segmentBytes)
        return makeError(Errc::InvalidArgument,
                         "replicated data of " + std::to_string(recordBatches.size()) +
                             " bytes is larger than segment.bytes " + std::to_string(m_config.segmentBytes) + where,
                         "RECORD_LIST_TOO_LARGE");
    FollowerValidator validator(logEndOffset());
    core::ParseOptions options;
    options.mode = core::ParseMode::Strict;
    options.verifyCrc = true;
    const auto outcome = core::SegmentParser::parse(recordBatches, validator, options);
    if (!validator.problem.empty())
        return makeError(Errc::InvalidArgument, validator.problem + where);
    if (!outcome.ok() || outcome.validBytes != static_cast<std::int64_t>(recordBatches.size()) ||
        validator.batches.empty())
        return makeError(Errc::Corrupt,
                         "invalid replicated data" + where + ": " +
                             (outcome.problem ? outcome.problem->reason : outcome.tailDetail),
                         "CORRUPT_MESSAGE");

    AppendResult result;
    result.baseOffset = validator.batches.front().baseOffset;
    result.lastOffset = validator.batches.back().lastOffset;
    Timestamp maxTimestamp{-1};
    Offset maxTimestampOffset = result.baseOffset;
    for (const auto &b : validator.batches) {
        if (b.maxTimestamp > maxTimestamp) {
            maxTimestamp = b.maxTimestamp;
            maxTimestampOffset = b.lastOffset;
        }
        result.recordCount += b.records;
    }

    if (active().shouldRoll(static_cast<std::int64_t>(recordBatches.size()), result.lastOffset, maxTimestamp, nowMs)) {
        if (auto st = roll(nowMs); !st)
            return storageFailure(st.error());
    }
    // The leader epochs come from the batches (Kafka: maybeAssignEpochStartOffset).
    for (const auto &b : validator.batches) {
        if (b.magic < 2)
            continue;
        if (auto st = recordEpoch(b.leaderEpoch, b.baseOffset); !st)
            return storageFailure(st.error());
    }
    if (auto st = active().append(recordBatches, result.lastOffset, maxTimestamp, maxTimestampOffset,
                                  validator.batches.front().maxTimestamp);
        !st)
        return storageFailure(st.error());
    trackProducers(recordBatches);
    m_unflushedMessages += result.recordCount;
    if (m_unflushedMessages >= m_config.flushIntervalMessages) {
        if (auto st = flush(nowMs); !st)
            return st.error();
    }
    return result;
}

} // namespace spillway::broker
