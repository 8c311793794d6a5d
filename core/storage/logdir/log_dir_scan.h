// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/storage/logdir/leader_epoch_checkpoint.h"
#include "core/storage/logdir/meta_properties.h"
#include "core/storage/logdir/offset_checkpoint.h"
#include "core/storage/logdir/partition_metadata.h"
#include "core/storage/logdir/topic_name.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core {

inline constexpr std::string_view kLockFile = ".lock";
inline constexpr std::string_view kCleanShutdownFile = ".kafka_cleanshutdown";

/// Something wrong with one file or directory; the scan goes on.
struct ScanProblem {
    std::string path; ///< the file or directory concerned
    Error error;
};

/// A file found on disk: name and size (st_size; preallocated indexes
/// count at their full length, as `ls -l` shows them).
struct FoundFile {
    std::string name;
    std::int64_t bytes = 0; ///< st_size: what Kafka's own size figures count
    bool isDirectory = false;
    /// st_blocks * 512: what the file takes on the disk (a sparse,
    /// preallocated index takes far less than its st_size).
    std::int64_t allocatedBytes = 0;
};

/// One segment: its base offset and the sizes of the files that exist.
struct SegmentEntry {
    Offset baseOffset{0};
    std::int64_t logBytes = 0;
    std::optional<std::int64_t> indexBytes;
    std::optional<std::int64_t> timeIndexBytes;
    std::optional<std::int64_t> txnIndexBytes;

    [[nodiscard]] std::int64_t totalBytes() const
    {
        return logBytes + indexBytes.value_or(0) + timeIndexBytes.value_or(0) + txnIndexBytes.value_or(0);
    }
};

/// Why a file in a partition directory is a leftover Kafka resolves (or
/// deletes) at its next startup.
enum class LeftoverKind {
    Deleted,     ///< `*.deleted`: renamed for asynchronous deletion
    Cleaned,     ///< `*.cleaned`: output of an unfinished cleaner/split pass
    Swap,        ///< `*.swap`: finished cleaner output waiting to be swapped in
    OrphanIndex, ///< an index whose .log does not exist; deleted at load
    TempFile,    ///< `<checkpoint>.tmp` left by a crash during a write
};
std::string_view toString(LeftoverKind kind) noexcept;

struct LeftoverFile {
    std::string name;
    std::int64_t bytes = 0;
    LeftoverKind kind = LeftoverKind::Deleted;
};

/// One `.snapshot` file; `offset` is the log end offset at snapshot time.
struct SnapshotFileEntry {
    Offset offset{0};
    std::int64_t bytes = 0;
};

/// A partition directory as found on disk. Segments and snapshots are
/// sorted by offset. The parsed files are filled only when the scan was
/// asked to read contents; their read errors are in `problems`.
struct PartitionScan {
    std::filesystem::path path;
    std::string dirName;
    std::optional<PartitionDirName> name; ///< nullopt: the name is not Kafka's
    std::vector<SegmentEntry> segments;
    std::vector<SnapshotFileEntry> snapshots;
    std::vector<LeftoverFile> leftovers;
    std::optional<std::int64_t> leaderEpochCheckpointBytes;
    std::optional<std::int64_t> partitionMetadataBytes;
    std::optional<LeaderEpochCheckpoint> leaderEpochs;
    std::optional<PartitionMetadata> metadata;
    std::vector<FoundFile> otherFiles; ///< known extras: quorum-state, KRaft snapshots
    std::vector<FoundFile> unknown;
    std::vector<ScanProblem> problems;
    std::int64_t totalBytes = 0;     ///< every file in the directory (st_size)
    std::int64_t allocatedBytes = 0; ///< every file in the directory, on disk (st_blocks)

    [[nodiscard]] std::int64_t logBytes() const;
};

/// The broker-level state of a log dir.
struct CleanShutdownMarker {
    std::int64_t bytes = 0;
    std::optional<std::int64_t> brokerEpoch; ///< 3.7+ JSON content, when read
};

struct CheckpointFileState {
    std::string name;
    std::optional<std::int64_t> bytes;          ///< nullopt: the file does not exist
    std::optional<OffsetCheckpoint> checkpoint; ///< when read and valid
};

/// A log dir (`log.dirs` entry) as found on disk.
struct LogDirScan {
    std::filesystem::path path;
    std::optional<std::int64_t> metaPropertiesBytes;
    std::optional<MetaProperties> metaProperties;
    bool hasLockFile = false;
    std::optional<bool> lockHeld; ///< nullopt when unknown (no file, or F_GETLK failed)
    std::optional<CleanShutdownMarker> cleanShutdown;
    std::vector<CheckpointFileState> checkpoints; ///< the four of §9.1, in a fixed order
    std::vector<PartitionScan> partitions;        ///< sorted by directory name
    std::vector<FoundFile> otherFiles;            ///< bootstrap.checkpoint, ...
    std::vector<FoundFile> unknown;
    std::vector<ScanProblem> problems; ///< broker-level ones; partitions keep their own
    std::int64_t totalBytes = 0;
    std::int64_t allocatedBytes = 0; ///< the same, on disk (st_blocks): sparse preallocated indexes count as written

    [[nodiscard]] const CheckpointFileState *checkpoint(std::string_view name) const;
    [[nodiscard]] std::size_t segmentCount() const;
    [[nodiscard]] std::size_t problemCount() const;
};

struct LogDirScanOptions {
    /// Read and parse meta.properties, the checkpoint files and the clean
    /// shutdown marker (a few small files per log dir).
    bool readBrokerFiles = false;
    /// Read leader-epoch-checkpoint and partition.metadata of every
    /// partition (two small reads per partition).
    bool readPartitionFiles = false;
    /// Ask the kernel whether a process holds the `.lock` (F_GETLK).
    bool checkLock = true;
};

/// Builds the model of a log dir or of one partition directory: one pass
/// per directory (readdir + fstatat on the directory's fd), no file content
/// read unless the options ask for it, so 100k partitions scan quickly.
/// Problems with single entries are collected; only a log dir that cannot
/// be opened at all is an error. Stateless; any thread.
class LogDirScanner {
public:
    static Result<LogDirScan> scanLogDir(const std::filesystem::path &logDir, const LogDirScanOptions &options = {});
    static Result<PartitionScan> scanPartitionDir(const std::filesystem::path &partitionDir,
                                                  const LogDirScanOptions &options = {});
};

} // namespace spillway::core
