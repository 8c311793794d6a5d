// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/log/partition_log.h"

#include "broker/log/batch_scanner.h"

#include "core/common/fileio.h"
#include "core/common/kafka_uuid.h"
#include "core/storage/format/batch.h"
#include "core/storage/format/records.h"
#include "core/storage/format/segment_parser.h"
#include "core/storage/index/index_layout.h"
#include "core/storage/logdir/topic_name.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace spillway::broker {

using core::Errc;
using core::Error;
using core::Offset;
using core::Result;
using core::Status;
using core::Timestamp;

namespace {

/// Checks produce data batch by batch: magic 2 only, records present and an
/// offset range that matches the record count (Kafka's LogValidator).
class ProduceValidator final : public core::BatchConsumer {
public:
    struct Batch {
        std::int64_t position = 0;
        std::int32_t lastOffsetDelta = 0;
        std::int32_t recordCount = 0;
        Timestamp maxTimestamp{-1};
    };
    bool onBatch(const core::BatchInfo &b) override
    {
        const std::string where = "batch at byte " + std::to_string(b.position.get()) + " of the produce data";
        if (b.magic != 2) {
            problem = where + " has magic " + std::to_string(b.magic) + "; this broker only stores magic 2";
            return false;
        }
        const auto delta = b.lastOffset.get() - b.baseOffset.get();
        if (b.recordCount <= 0 || delta != b.recordCount - 1) {
            problem = where + " declares " + std::to_string(b.recordCount) + " records but last offset delta " +
                      std::to_string(delta);
            return false;
        }
        batches.push_back({b.position.get(), static_cast<std::int32_t>(delta), b.recordCount, b.maxTimestamp});
        return true;
    }
    std::vector<Batch> batches;
    std::string problem;
};

/// Finds the first record at or after a timestamp inside one batch.
class TimestampSearch final : public core::BatchConsumer {
public:
    TimestampSearch(Timestamp target, Offset minOffset) : m_target(target), m_minOffset(minOffset) {}
    bool onBatch(const core::BatchInfo &batch) override
    {
        status = core::forEachRecord(batch, [this](const core::RecordView &r) {
            if (r.timestamp >= m_target && r.offset >= m_minOffset) {
                found = TimestampOffset{r.timestamp, r.offset};
                return false;
            }
            return true;
        });
        return false;
    }
    std::optional<TimestampOffset> found;
    Status status;

private:
    Timestamp m_target;
    Offset m_minOffset;
};

} // namespace

Status PartitionLog::checkOnline() const
{
    if (m_offline)
        return *m_offline;
    if (m_closed)
        return makeError(Errc::InvalidArgument, "partition " + m_topic + "-" + std::to_string(m_partition.get()) +
                                                    " in " + m_dir.string() + " is closed");
    return {};
}

Error PartitionLog::storageFailure(Error error)
{
    // Only failures of the OS (errno set) mean the disk is in trouble;
    // invalid input or a corrupt batch is the caller's or the data's problem.
    if (error.sysErrno != 0) {
        markOffline(error);
        if (m_onIoError)
            m_onIoError(error);
    }
    return error;
}

void PartitionLog::markOffline(const Error &error)
{
    if (m_offline)
        return;
    Error e = error;
    e.message = "partition " + m_topic + "-" + std::to_string(m_partition.get()) + " in " + m_dir.string() +
                " is offline (KAFKA_STORAGE_ERROR): " + error.message;
    m_offline = std::move(e);
}

Offset PartitionLog::logEndOffset() const noexcept { return m_segments.empty() ? m_logStart : active().nextOffset(); }

std::int64_t PartitionLog::sizeInBytes() const noexcept
{
    std::int64_t total = 0;
    for (const auto &[base, seg] : m_segments)
        total += seg->sizeInBytes();
    return total;
}

std::vector<Offset> PartitionLog::segmentBaseOffsets() const
{
    std::vector<Offset> out;
    for (const auto &[base, seg] : m_segments)
        out.push_back(base);
    return out;
}

Status PartitionLog::recordEpoch(core::LeaderEpoch epoch, Offset startOffset)
{
    if (epoch.get() < 0 || (!m_epochs.empty() && m_epochs.back().epoch >= epoch))
        return {};
    m_epochs.push_back({epoch, startOffset});
    return core::LeaderEpochCheckpoint(m_epochs).write(m_dir / std::string(core::kLeaderEpochCheckpointFile));
}

Result<AppendResult> PartitionLog::append(std::span<const std::byte> recordBatches, core::LeaderEpoch epoch,
                                          std::int64_t nowMs)
{
    if (auto st = checkOnline(); !st)
        return st.error();
    const std::string where = " (partition " + m_topic + "-" + std::to_string(m_partition.get()) + ")";
    if (recordBatches.empty())
        return makeError(Errc::InvalidArgument, "produce data is empty" + where);
    if (static_cast<std::int64_t>(recordBatches.size()) > m_config.segmentBytes)
        return makeError(Errc::InvalidArgument,
                         "produce data of " + std::to_string(recordBatches.size()) +
                             " bytes is larger than segment.bytes " + std::to_string(m_config.segmentBytes) + where,
                         "RECORD_LIST_TOO_LARGE");
    ProduceValidator validator;
    core::ParseOptions options;
    options.mode = core::ParseMode::Strict;
    options.verifyCrc = true;
    const auto outcome = core::SegmentParser::parse(recordBatches, validator, options);
    if (!validator.problem.empty())
        return makeError(Errc::Corrupt, validator.problem + where, "INVALID_RECORD");
    if (!outcome.ok() || outcome.validBytes != static_cast<std::int64_t>(recordBatches.size()))
        return makeError(Errc::Corrupt,
                         "invalid produce data" + where + ": " +
                             (outcome.problem ? outcome.problem->reason : outcome.tailDetail),
                         "CORRUPT_MESSAGE");

    std::vector<std::byte> data(recordBatches.begin(), recordBatches.end());
    AppendResult result;
    Offset next = logEndOffset();
    result.baseOffset = next;
    Timestamp maxTimestamp{-1};
    Offset maxTimestampOffset = next;
    for (const auto &b : validator.batches) {
        // Both fields lie before byte 21, outside the CRC-32C range.
        core::storeBigEndian<std::uint64_t>(data.data() + b.position, static_cast<std::uint64_t>(next.get()));
        core::storeBigEndian<std::uint32_t>(data.data() + b.position + 12, static_cast<std::uint32_t>(epoch.get()));
        const Offset last(next.get() + b.lastOffsetDelta);
        if (b.maxTimestamp > maxTimestamp) {
            maxTimestamp = b.maxTimestamp;
            maxTimestampOffset = last;
        }
        result.recordCount += b.recordCount;
        next = Offset(last.get() + 1);
    }
    result.lastOffset = Offset(next.get() - 1);

    if (active().shouldRoll(static_cast<std::int64_t>(data.size()), result.lastOffset, maxTimestamp, nowMs)) {
        if (auto st = roll(nowMs); !st)
            return storageFailure(st.error());
    }
    if (auto st = recordEpoch(epoch, result.baseOffset); !st)
        return storageFailure(st.error());
    if (auto st = active().append(data, result.lastOffset, maxTimestamp, maxTimestampOffset,
                                  validator.batches.front().maxTimestamp);
        !st)
        return storageFailure(st.error());
    trackProducers(data);
    m_highWatermark = logEndOffset(); // single replica: everything appended is committed
    m_unflushedMessages += result.recordCount;
    if (m_unflushedMessages >= m_config.flushIntervalMessages) {
        if (auto st = flush(nowMs); !st)
            return st.error();
    }
    return result;
}

void PartitionLog::setConfig(const LogConfig &config)
{
    m_config = config;
    if (!m_segments.empty())
        active().setConfig(config);
}

Status PartitionLog::roll(std::int64_t nowMs)
{
    const Offset newBase = logEndOffset();
    if (auto st = active().becomeInactive(); !st)
        return st;
    if (auto st = writeProducerSnapshot(); !st)
        return st;
    auto seg = LogSegment::create(m_dir, newBase, m_config, nowMs);
    if (!seg)
        return seg.error();
    m_segments.emplace(newBase, std::move(seg.value()));
    // The rolled segment was flushed by becomeInactive.
    m_recoveryPoint = std::max(m_recoveryPoint, newBase);
    return core::fsyncDirectory(m_dir);
}

Result<ReadRegion> PartitionLog::read(Offset fetchOffset, std::int32_t maxBytes, std::optional<Offset> upTo)
{
    if (auto st = checkOnline(); !st)
        return st.error();
    ReadRegion region;
    region.logStartOffset = m_logStart;
    region.logEndOffset = logEndOffset();
    region.highWatermark = m_highWatermark;
    if (fetchOffset < m_logStart || fetchOffset > region.logEndOffset)
        return makeError(Errc::InvalidArgument,
                         "fetch offset " + std::to_string(fetchOffset.get()) + " is out of range [" +
                             std::to_string(m_logStart.get()) + ", " + std::to_string(region.logEndOffset.get()) +
                             "] of " + m_topic + "-" + std::to_string(m_partition.get()),
                         "OFFSET_OUT_OF_RANGE");
    const Offset limit = std::min(upTo.value_or(region.logEndOffset), region.logEndOffset);
    if (fetchOffset >= limit)
        return region;
    auto it = m_segments.upper_bound(fetchOffset);
    if (it != m_segments.begin())
        --it;
    for (; it != m_segments.end(); ++it) {
        const LogSegment &seg = *it->second;
        auto first = seg.findBatch(fetchOffset);
        if (!first)
            return storageFailure(first.error());
        if (!*first)
            continue; // offsets past this segment's data (gaps): the next segment has them
        const BatchHeader &h = first->value();
        if (h.baseOffset >= limit)
            return region;
        const std::int64_t start = h.position.get();
        std::int64_t end = start + h.sizeInBytes; // at least one batch
        // Nothing from the batch after the one holding `limit - 1` on; a
        // limit beyond this segment leaves its end as the bound.
        std::int64_t stop = seg.sizeInBytes();
        const auto next = std::next(it);
        if (limit < region.logEndOffset && (next == m_segments.end() || limit < next->first)) {
            auto at = seg.findBatch(limit);
            if (!at)
                return storageFailure(at.error());
            if (*at)
                stop = at->value().position.get() + (at->value().baseOffset < limit ? at->value().sizeInBytes : 0);
        }
        if (const std::int64_t bound = std::min(stop, start + maxBytes); bound > end) {
            // The offset index holds batch starts: jump to the last one that
            // fits, then walk the few headers after it (one read per 16 KiB).
            const auto &entries = seg.indexes().offsets().entries();
            const auto e =
                std::upper_bound(entries.begin(), entries.end(), bound,
                                 [](std::int64_t v, const core::OffsetIndexEntry &x) { return v < x.position.get(); });
            const std::int64_t from = e == entries.begin() ? end : std::max(end, std::prev(e)->position.get());
            BatchScanner scan(*seg.logFile(), seg.files().log(), seg.sizeInBytes());
            auto boundary = scan.lastBoundary(from, bound);
            if (!boundary)
                return storageFailure(boundary.error());
            end = *boundary;
        }
        region.file = seg.logFile();
        region.position = h.position;
        region.length = end - start;
        return region;
    }
    return region;
}

Result<std::optional<TimestampOffset>> PartitionLog::offsetForTimestamp(Timestamp target)
{
    if (auto st = checkOnline(); !st)
        return st.error();
    for (const auto &[base, seg] : m_segments) {
        if (seg->maxTimestamp() < target)
            continue;
        auto header = seg->findBatchByTimestamp(target);
        if (!header)
            return storageFailure(header.error());
        if (!*header)
            continue;
        auto bytes = seg->readBytes(header->value().position.get(), header->value().sizeInBytes);
        if (!bytes)
            return storageFailure(bytes.error());
        TimestampSearch search(target, m_logStart);
        const auto outcome = core::SegmentParser::parse(bytes.value(), search);
        if (outcome.problem)
            return makeError(Errc::Corrupt, outcome.problem->reason + " in " + seg->files().log().string());
        if (!search.status)
            return search.status.error();
        if (search.found)
            return std::optional<TimestampOffset>(search.found);
    }
    return std::optional<TimestampOffset>{};
}

Status PartitionLog::deleteSegmentsBelow(std::size_t count, std::int64_t nowMs, std::int64_t delayMs)
{
    for (std::size_t i = 0; i < count && m_segments.size() > 1; ++i) {
        auto it = m_segments.begin();
        auto renamed = it->second->renameForDeletion();
        if (!renamed)
            return storageFailure(renamed.error());
        for (auto &path : renamed.value())
            m_pendingDeletes.push_back({std::move(path), nowMs + delayMs});
        m_segments.erase(it);
    }
    m_logStart = std::max(m_logStart, m_segments.begin()->first);
    return {};
}

Result<Offset> PartitionLog::deleteRecordsBefore(Offset offset, std::int64_t nowMs, std::int64_t fileDeleteDelayMs)
{
    if (auto st = checkOnline(); !st)
        return st.error();
    if (offset > m_highWatermark || offset.get() < 0)
        return makeError(Errc::InvalidArgument,
                         "cannot delete records before offset " + std::to_string(offset.get()) + " of " + m_topic +
                             "-" + std::to_string(m_partition.get()) + ": the high watermark is " +
                             std::to_string(m_highWatermark.get()),
                         "OFFSET_OUT_OF_RANGE");
    if (offset <= m_logStart)
        return m_logStart;
    m_logStart = offset;
    // Kafka deletes a segment once the next one starts at or below the log start.
    std::size_t count = 0;
    for (auto it = m_segments.begin(); std::next(it) != m_segments.end(); ++it) {
        if (std::next(it)->first > m_logStart)
            break;
        ++count;
    }
    if (auto st = deleteSegmentsBelow(count, nowMs, fileDeleteDelayMs); !st)
        return st.error();
    return m_logStart;
}

Result<int> PartitionLog::applyRetention(std::int64_t retentionMs, std::int64_t retentionBytes, std::int64_t nowMs,
                                         std::int64_t fileDeleteDelayMs)
{
    if (auto st = checkOnline(); !st)
        return st.error();
    std::vector<const LogSegment *> closed;
    for (const auto &[base, seg] : m_segments)
        closed.push_back(seg.get());
    closed.pop_back(); // never the active segment
    // Never beyond the high watermark: as in Kafka, a segment may go only when
    // the next one starts at or below it (its every record is committed).
    std::size_t eligible = 0;
    for (auto it = m_segments.begin(); eligible < closed.size() && std::next(it)->first <= m_highWatermark; ++it)
        ++eligible;
    closed.resize(eligible);
    std::size_t count = 0;
    // Segments wholly below the log start (DeleteRecords) go first, as in Kafka.
    while (count < closed.size() && std::next(m_segments.find(closed[count]->baseOffset()))->first <= m_logStart)
        ++count;
    if (retentionMs >= 0) {
        while (count < closed.size() && nowMs - closed[count]->largestTimestampForRetention() > retentionMs)
            ++count;
    }
    if (retentionBytes >= 0) {
        std::int64_t diff = sizeInBytes() - retentionBytes;
        for (std::size_t i = 0; i < count; ++i)
            diff -= closed[i]->sizeInBytes();
        while (count < closed.size() && diff - closed[count]->sizeInBytes() >= 0) {
            diff -= closed[count]->sizeInBytes();
            ++count;
        }
    }
    if (auto st = deleteSegmentsBelow(count, nowMs, fileDeleteDelayMs); !st)
        return st.error();
    return static_cast<int>(count);
}

Status PartitionLog::purgeDeleted(std::int64_t nowMs)
{
    auto due = std::stable_partition(m_pendingDeletes.begin(), m_pendingDeletes.end(),
                                     [nowMs](const PendingDelete &p) { return p.dueMs > nowMs; });
    std::optional<Error> failure;
    for (auto it = due; it != m_pendingDeletes.end(); ++it) {
        if (::unlink(it->path.c_str()) != 0 && errno != ENOENT && !failure)
            failure = Error::fromErrno(errno, "cannot delete " + it->path.string());
    }
    m_pendingDeletes.erase(due, m_pendingDeletes.end());
    if (failure)
        return storageFailure(*failure);
    return {};
}

std::optional<std::int64_t> PartitionLog::nextPurgeMs() const
{
    std::optional<std::int64_t> next;
    for (const auto &p : m_pendingDeletes)
        next = next ? std::min(*next, p.dueMs) : p.dueMs;
    return next;
}

Status PartitionLog::flush(std::int64_t nowMs)
{
    if (auto st = checkOnline(); !st)
        return st;
    for (auto &[base, seg] : m_segments) {
        if (auto st = seg->flush(); !st)
            return storageFailure(st.error());
    }
    m_recoveryPoint = logEndOffset();
    m_unflushedMessages = 0;
    m_lastFlushMs = nowMs;
    return {};
}

Status PartitionLog::maybeFlush(std::int64_t nowMs)
{
    if (m_offline || m_closed || m_config.flushIntervalMs == INT64_MAX)
        return {};
    if (nowMs - m_lastFlushMs < m_config.flushIntervalMs)
        return {};
    return flush(nowMs);
}

Status PartitionLog::close()
{
    if (auto st = checkOnline(); !st)
        return st;
    if (auto st = active().becomeInactive(); !st)
        return storageFailure(st.error());
    for (auto &[base, seg] : m_segments) {
        if (auto st = seg->flush(); !st)
            return storageFailure(st.error());
    }
    if (auto st = writeProducerSnapshot(); !st)
        return storageFailure(st.error());
    m_recoveryPoint = logEndOffset();
    m_closed = true;
    return {};
}

Result<std::filesystem::path> PartitionLog::renameForDeletion(const std::string &uniqueId)
{
    std::string id = uniqueId;
    if (id.empty()) {
        auto hex = core::KafkaUuid::random();
        if (!hex)
            return hex.error();
        id = hex->toHex();
    }
    m_segments.clear();
    m_closed = true;
    const auto target = m_dir.parent_path() / (core::partitionDirName(m_topic, m_partition) + "." + id + "-delete");
    if (::rename(m_dir.c_str(), target.c_str()) != 0)
        return storageFailure(Error::fromErrno(errno, "cannot rename " + m_dir.string() + " to " + target.string()));
    if (auto st = core::fsyncDirectory(target.parent_path()); !st)
        return storageFailure(st.error());
    m_dir = target;
    return target;
}

} // namespace spillway::broker
