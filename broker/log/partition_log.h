// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/log/file_handle.h"
#include "broker/log/log_config.h"
#include "broker/log/log_segment.h"
#include "broker/log/producer_state.h"
#include "core/common/kafka_uuid.h"
#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/storage/logdir/leader_epoch_checkpoint.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace spillway::broker {

/// What a produce append assigned.
struct AppendResult {
    core::Offset baseOffset{0};
    core::Offset lastOffset{0};
    /// -1: CreateTime. LogAppendTime stamping (which rewrites maxTimestamp and
    /// the CRC) is not done yet.
    core::Timestamp logAppendTime{-1};
    std::int64_t recordCount = 0;
};

/// Whole batches of one segment to send for a fetch: `length` bytes of
/// `file` from `position` (empty when the fetch offset is the log end). The
/// handle keeps the fd open even if the segment is deleted meanwhile.
struct ReadRegion {
    std::shared_ptr<const FileHandle> file;
    core::FilePosition position{0};
    std::int64_t length = 0;
    core::Offset logStartOffset{0};
    core::Offset logEndOffset{0};
    core::Offset highWatermark{0};
    [[nodiscard]] int fd() const noexcept { return file ? file->fd() : -1; }
};

/// ListOffsets by timestamp: the first record with timestamp >= target.
struct TimestampOffset {
    core::Timestamp timestamp{-1};
    core::Offset offset{0};
};

/// How to open an existing partition directory (from the log dir's files).
struct PartitionOpenOptions {
    LogConfig config;
    bool cleanShutdown = false;           ///< `.kafka_cleanshutdown` was present
    core::Offset recoveryPoint{0};        ///< recovery-point-offset-checkpoint (0 when absent)
    std::optional<core::Offset> logStart; ///< log-start-offset-checkpoint
    std::int64_t nowMs = 0;
};

/// One partition replica in one log dir (`<log dir>/<topic>-<p>`): its
/// segments by base offset (the last one active), `partition.metadata`, the
/// leader-epoch cache and `leader-epoch-checkpoint`, log start / log end /
/// high watermark / recovery point, and the `.deleted` files waiting for
/// file.delete.delay.ms. Qt-free and single-threaded: every call comes from
/// the broker's event-loop thread, which also drives maybeFlush() and
/// purgeDeleted() from timers. The LogManager owns it. After an I/O error
/// (reported through the handler) the partition is offline and every call
/// returns that error, as KIP-112's KAFKA_STORAGE_ERROR.
class PartitionLog {
public:
    using IoErrorHandler = std::function<void(const core::Error &)>;

    /// Creates `<logDir>/<topic>-<partition>` with partition.metadata, an
    /// empty leader-epoch-checkpoint and an empty segment at offset 0.
    static core::Result<std::unique_ptr<PartitionLog>> create(const std::filesystem::path &logDir, std::string topic,
                                                              core::PartitionId partition,
                                                              const core::KafkaUuid &topicId, const LogConfig &config,
                                                              std::int64_t nowMs);
    /// Loads an existing partition dir, recovering it (ON-DISK-FORMAT §12)
    /// when the shutdown was not clean; what was done is in loadMessages().
    /// Also loads a `-future` dir (a replica move in progress).
    static core::Result<std::unique_ptr<PartitionLog>> open(const std::filesystem::path &partitionDir,
                                                            const PartitionOpenOptions &options);
    /// The target of a replica move (KIP-113): creates
    /// `<logDir>/<topic>-<p>.<uuid32hex>-future` with the source's topic id
    /// in partition.metadata, an empty leader-epoch-checkpoint and a first
    /// segment at `firstSegmentBase` (the source's log start offset, or the
    /// base of the batch holding it when DeleteRecords left it mid-batch).
    static core::Result<std::unique_ptr<PartitionLog>> createFuture(const std::filesystem::path &logDir,
                                                                    const PartitionLog &source,
                                                                    core::Offset firstSegmentBase, std::int64_t nowMs);

    /// Produce: validates magic-2 batches (Strict, CRC), assigns offsets by
    /// rewriting baseOffset and partitionLeaderEpoch (outside the CRC), rolls
    /// as needed, writes, indexes, flushes per flush.messages.
    core::Result<AppendResult> append(std::span<const std::byte> recordBatches, core::LeaderEpoch epoch,
                                      std::int64_t nowMs);
    /// Kafka's appendAsFollower, for a future replica: whole batches as read
    /// from the source log, offsets and leader epochs kept. Checks CRCs (any
    /// magic) and that offsets increase from the log end on (a compacted
    /// source may have gaps, as in Kafka), then rolls, writes and indexes as
    /// append() does and records the batches' leader epochs. Does not move
    /// the high watermark: the caller sets it from the source.
    core::Result<AppendResult> appendAsFollower(std::span<const std::byte> recordBatches, std::int64_t nowMs);
    /// Fetch: whole batches from the one holding fetchOffset, at least one
    /// even if larger than maxBytes, none at or beyond `upTo` (default: the
    /// log end). OffsetOutOfRange-like InvalidArgument outside [start, end].
    /// Not const: a read that hits an I/O error takes the partition offline.
    [[nodiscard]] core::Result<ReadRegion> read(core::Offset fetchOffset, std::int32_t maxBytes,
                                                std::optional<core::Offset> upTo = std::nullopt);
    /// ListOffsets by timestamp; nullopt when no record is that recent.
    [[nodiscard]] core::Result<std::optional<TimestampOffset>> offsetForTimestamp(core::Timestamp target);

    /// DeleteRecords: raises the log start offset (at most to the high
    /// watermark) and schedules whole segments below it for deletion.
    core::Result<core::Offset> deleteRecordsBefore(core::Offset offset, std::int64_t nowMs,
                                                   std::int64_t fileDeleteDelayMs);
    /// Retention (-1 = unlimited): deletes a prefix of closed segments whose
    /// largest timestamp is older than retentionMs, then while the total size
    /// minus the segment stays >= retentionBytes. Returns how many.
    core::Result<int> applyRetention(std::int64_t retentionMs, std::int64_t retentionBytes, std::int64_t nowMs,
                                     std::int64_t fileDeleteDelayMs);
    /// Removes `.deleted` files whose delay has passed.
    core::Status purgeDeleted(std::int64_t nowMs);
    /// The earliest time purgeDeleted() has work, if any.
    [[nodiscard]] std::optional<std::int64_t> nextPurgeMs() const;

    /// fdatasync of every segment with unwritten data; advances the recovery point.
    core::Status flush(std::int64_t nowMs);
    /// flush() when flush.ms has passed since the last one.
    core::Status maybeFlush(std::int64_t nowMs);
    /// Final time-index entry, trimmed indexes, flushed; the log is unusable after.
    core::Status close();

    /// Closes the files and renames the dir to `<topic>-<p>.<uuid32hex>-delete`;
    /// returns the new path for the caller's delayed removal. A replica move
    /// passes its future dir's id so that the two dirs name each other.
    core::Result<std::filesystem::path> renameForDeletion(const std::string &uniqueId = {});

    void setIoErrorHandler(IoErrorHandler handler) { m_onIoError = std::move(handler); }
    /// The topic's settings changed (an override set or deleted): they apply
    /// from the next append on, to the active segment as to the next ones,
    /// as Kafka's LogConfig update does.
    void setConfig(const LogConfig &config);
    [[nodiscard]] const LogConfig &config() const noexcept { return m_config; }
    /// Called by the LogManager when the dir went offline for another partition.
    void markOffline(const core::Error &error);
    [[nodiscard]] const std::optional<core::Error> &offlineError() const noexcept { return m_offline; }

    [[nodiscard]] const std::string &topic() const noexcept { return m_topic; }
    [[nodiscard]] core::PartitionId partition() const noexcept { return m_partition; }
    [[nodiscard]] const core::KafkaUuid &topicId() const noexcept { return m_topicId; }
    [[nodiscard]] const std::filesystem::path &dir() const noexcept { return m_dir; }
    /// A `-future` replica (the target of a move), not the current one.
    [[nodiscard]] bool isFuture() const noexcept { return m_future; }
    [[nodiscard]] core::Offset logStartOffset() const noexcept { return m_logStart; }
    [[nodiscard]] core::Offset logEndOffset() const noexcept;
    /// == log end while the partition has a single replica; kept separate for replication.
    [[nodiscard]] core::Offset highWatermark() const noexcept { return m_highWatermark; }
    void setHighWatermark(core::Offset hw) noexcept { m_highWatermark = hw; }
    /// Everything below it is known to be on disk (recovery-point checkpoint).
    [[nodiscard]] core::Offset recoveryPoint() const noexcept { return m_recoveryPoint; }
    [[nodiscard]] std::int64_t sizeInBytes() const noexcept;
    [[nodiscard]] std::size_t segmentCount() const noexcept { return m_segments.size(); }
    [[nodiscard]] std::vector<core::Offset> segmentBaseOffsets() const;
    [[nodiscard]] const std::vector<core::LeaderEpochEntry> &leaderEpochs() const noexcept { return m_epochs; }
    /// Idempotent-producer state of this partition by producer id: rebuilt by
    /// open() from the latest `.snapshot` plus the batches after it, kept up
    /// to date by append()/appendAsFollower(). The Produce handler checks
    /// (and bumps epochs in) it; it is the only copy.
    [[nodiscard]] ProducerStateMap &producerStates() noexcept { return m_producers; }
    [[nodiscard]] const ProducerStateMap &producerStates() const noexcept { return m_producers; }
    /// Writes `<log end>.snapshot` (atomically) and keeps only the latest two,
    /// as Kafka's ProducerStateManager does at roll and at clean shutdown.
    core::Status writeProducerSnapshot();
    /// What open() did (recovery, truncation, rebuilt indexes, stray files), for the broker's log.
    [[nodiscard]] const std::vector<std::string> &loadMessages() const noexcept { return m_loadMessages; }

private:
    PartitionLog() = default;
    core::Error storageFailure(core::Error error);
    core::Status checkOnline() const;
    core::Status roll(std::int64_t nowMs);
    core::Status recordEpoch(core::LeaderEpoch epoch, core::Offset startOffset);
    core::Status deleteSegmentsBelow(std::size_t count, std::int64_t nowMs, std::int64_t delayMs);
    core::Status loadSegments(const PartitionOpenOptions &options);
    core::Status loadProducerState();
    /// Records the producer batches of `batches` (assigned offsets, already on disk).
    void trackProducers(std::span<const std::byte> batches);
    [[nodiscard]] LogSegment &active() const { return *m_segments.rbegin()->second; }

    std::filesystem::path m_dir;
    std::string m_topic;
    core::PartitionId m_partition{0};
    core::KafkaUuid m_topicId;
    LogConfig m_config;
    std::map<core::Offset, std::unique_ptr<LogSegment>> m_segments;
    core::Offset m_logStart{0};
    core::Offset m_highWatermark{0};
    core::Offset m_recoveryPoint{0};
    std::vector<core::LeaderEpochEntry> m_epochs;
    std::int64_t m_unflushedMessages = 0;
    std::int64_t m_lastFlushMs = 0;
    struct PendingDelete {
        std::filesystem::path path;
        std::int64_t dueMs = 0;
    };
    std::vector<PendingDelete> m_pendingDeletes;
    std::vector<std::string> m_loadMessages;
    ProducerStateMap m_producers;
    std::optional<core::Error> m_offline;
    IoErrorHandler m_onIoError;
    bool m_closed = false;
    bool m_future = false;
};

} // namespace spillway::broker
