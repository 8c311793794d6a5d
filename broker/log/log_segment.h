// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/log/file_handle.h"
#include "broker/log/log_config.h"
#include "broker/log/segment_indexes.h"
#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/storage/index/segment_files.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace spillway::broker {

/// The header fields of one batch on disk that the log needs to find,
/// roll and time-index it (any magic; legacy entries have base == last).
struct BatchHeader {
    core::FilePosition position{0};
    std::int64_t sizeInBytes = 0;
    std::int8_t magic = 2;
    core::Offset baseOffset{0};
    core::Offset lastOffset{0};
    core::Timestamp maxTimestamp{-1};
};

/// What recovering one segment found and did.
struct SegmentRecoveryOutcome {
    std::int64_t originalBytes = 0;
    std::int64_t validBytes = 0;
    std::string tailDetail; ///< why the walk ended early, when it did
    [[nodiscard]] bool truncated() const noexcept { return validBytes < originalBytes; }
};

/// One segment of a partition: its `.log` (open for pwrite, shared with read
/// regions through a FileHandle) and its indexes (SegmentIndexes), plus the
/// state Kafka's LogSegment keeps in memory: size, next offset, largest
/// timestamp so far and its offset, bytes since the last index entry, and
/// the timestamp a time-based roll is measured from. Owned by a
/// PartitionLog; the broker's loop thread.
class LogSegment {
public:
    /// A new, empty segment whose indexes are preallocated (it becomes active).
    static core::Result<std::unique_ptr<LogSegment>>
    create(const std::filesystem::path &partitionDir, core::Offset base, const LogConfig &config, std::int64_t nowMs);
    /// An existing segment with the index entries its files hold; the caller
    /// decides whether to recover() it (missing/unsound index, unclean stop).
    static core::Result<std::unique_ptr<LogSegment>> open(const std::filesystem::path &partitionDir, core::Offset base,
                                                          const LogConfig &config);

    /// Kafka's LogSegment.recover: walks the log (Recovery mode, CRCs on),
    /// truncates it after the last valid batch, rebuilds both indexes by the
    /// recovery rule and appends the final time-index entry. `onEpoch` sees
    /// each v2 batch's (leader epoch, base offset).
    core::Result<SegmentRecoveryOutcome> recover(const std::function<void(core::LeaderEpoch, core::Offset)> &onEpoch);
    /// Reads the state a reopened segment needs that is not in its index:
    /// next offset (scan from the last index entry) and the roll timestamp.
    core::Status loadTailState();

    /// Whether an append of `bytes` ending at `lastOffset` with this largest
    /// timestamp must go to a new segment (Kafka's LogSegment.shouldRoll).
    [[nodiscard]] bool shouldRoll(std::int64_t bytes, core::Offset lastOffset, core::Timestamp maxTimestamp,
                                  std::int64_t nowMs) const;
    /// Writes already-validated batches at the end and indexes them by
    /// Kafka's append rule (ON-DISK-FORMAT §11).
    core::Status append(std::span<const std::byte> bytes, core::Offset lastOffset, core::Timestamp maxTimestamp,
                        core::Offset maxTimestampOffset, core::Timestamp firstBatchMaxTimestamp);
    core::Status flush();
    /// Roll/close: final time-index entry, then indexes trimmed to their entries.
    core::Status becomeInactive();
    /// The (new) active segment's indexes grow back to the preallocated size.
    core::Status becomeActive();

    /// The header of the batch at `position`, nullopt at/after the end.
    [[nodiscard]] core::Result<std::optional<BatchHeader>> readHeader(std::int64_t position) const;
    /// The first batch whose last offset is >= target (index lookup, then a scan).
    [[nodiscard]] core::Result<std::optional<BatchHeader>> findBatch(core::Offset target) const;
    /// The first batch whose max timestamp is >= target (time index, offset index, scan).
    [[nodiscard]] core::Result<std::optional<BatchHeader>> findBatchByTimestamp(core::Timestamp target) const;
    [[nodiscard]] core::Result<std::vector<std::byte>> readBytes(std::int64_t position, std::int64_t length) const;

    /// Renames the segment's files to `<name>.deleted` (the fds stay open) and
    /// returns the new paths for the delayed delete.
    core::Result<std::vector<std::filesystem::path>> renameForDeletion();

    [[nodiscard]] core::Offset baseOffset() const noexcept { return m_files.baseOffset; }
    /// One past the last offset in the segment (== base when empty). Known for
    /// the active segment and for segments written or recovered in this run;
    /// a closed segment loaded without recovery reports its base offset.
    [[nodiscard]] core::Offset nextOffset() const noexcept { return m_nextOffset; }
    [[nodiscard]] std::int64_t sizeInBytes() const noexcept { return m_size; }
    /// New topic settings (segment.bytes, segment.ms, ...) for the roll
    /// decision and the index interval from the next append on.
    void setConfig(const LogConfig &config) { m_config = config; }
    [[nodiscard]] core::Timestamp maxTimestamp() const noexcept { return m_maxTimestamp; }
    /// Kafka's LogSegment.largestTimestamp: max timestamp, or the file's mtime without one.
    [[nodiscard]] std::int64_t largestTimestampForRetention() const;
    [[nodiscard]] const core::SegmentFiles &files() const noexcept { return m_files; }
    [[nodiscard]] std::shared_ptr<const FileHandle> logFile() const noexcept { return m_log; }
    [[nodiscard]] const SegmentIndexes &indexes() const noexcept { return m_indexes; }
    [[nodiscard]] bool hasUnflushedData() const noexcept { return m_dirty; }

private:
    LogSegment(core::SegmentFiles files, SegmentIndexes indexes, std::shared_ptr<FileHandle> log,
               const LogConfig &config)
        : m_files(std::move(files))
        , m_indexes(std::move(indexes))
        , m_log(std::move(log))
        , m_config(config)
        , m_nextOffset(m_files.baseOffset)
    {}
    core::Error ioError(int err, const std::string &what) const;

    core::SegmentFiles m_files;
    SegmentIndexes m_indexes;
    std::shared_ptr<FileHandle> m_log;
    LogConfig m_config;
    std::int64_t m_size = 0;
    core::Offset m_nextOffset;
    core::Timestamp m_maxTimestamp{-1};
    core::Offset m_maxTimestampOffset{0};
    std::int64_t m_bytesSinceLastIndexEntry = 0;
    std::optional<core::Timestamp> m_rollingBasedTimestamp;
    std::int64_t m_createdMs = 0;
    bool m_dirty = false;
};

} // namespace spillway::broker
