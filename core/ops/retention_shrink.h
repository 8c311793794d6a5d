// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/ops/journal.h"
#include "core/ops/operation.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core::admin {
class AdminClient;
}

namespace spillway::core::ops {

/// One segment of a partition as the planner sees it.
struct RetentionSegment {
    Offset baseOffset{0};
    Offset nextOffset{-1};              ///< base of the next segment; -1 for the active one
    std::int64_t logBytes = 0;          ///< the .log file (what retention.bytes counts)
    std::int64_t diskBytes = 0;         ///< .log + .index + .timeindex + .txnindex (what leaves the disk)
    std::int64_t largestTimestamp = -1; ///< ms: .timeindex last entry, else the batches, else the mtime
    bool active = false;
};

/// One partition dir of a topic the shrink concerns.
struct RetentionPartition {
    std::string topic;
    PartitionId partition{0};
    std::filesystem::path logDir;
    std::vector<RetentionSegment> segments; ///< by base offset; the last is the active one
    std::optional<Offset> highWatermark;    ///< ListOffsets (online) or replication-offset-checkpoint
    std::optional<Offset> logStartOffset;   ///< log-start-offset-checkpoint

    [[nodiscard]] std::string name() const;
    [[nodiscard]] std::int64_t logBytes() const;
};

/// Retention in force for one evaluation (-1 = unlimited), and "now".
struct RetentionSettings {
    std::int64_t retentionMs = -1;
    std::int64_t retentionBytes = -1;
    std::int64_t nowMs = 0;
};

/// What retention takes from one partition: a prefix of its closed segments.
struct PartitionCut {
    std::size_t segments = 0;   ///< how many of the first segments go
    std::int64_t diskBytes = 0; ///< bytes of their files
    Offset newLogStart{0};      ///< base of the first survivor
};

/// Target of a shrink: topics and the new values (at least one).
struct RetentionTarget {
    std::vector<std::string> topics;
    std::optional<std::int64_t> retentionMs;
    std::optional<std::int64_t> retentionBytes;
};

/// The answer of "free N bytes on dir X".
struct FreeSearchResult {
    bool reachable = false;
    std::int64_t retentionMs = -1;     ///< the largest (least aggressive) retention.ms freeing >= N
    std::int64_t freedOnDir = 0;       ///< with that retention.ms
    std::int64_t maxFreeableOnDir = 0; ///< every eligible closed segment (retention.ms = 0)
    std::vector<std::string> topics;   ///< the topics with partitions on the dir
};

/// Kafka's retention rules over local partition dirs, without changing
/// anything: only closed segments (never the active one), a prefix (stops at
/// the first segment that is not expired), a segment's age is its largest
/// timestamp, nothing at or beyond the high watermark (a segment goes only
/// when the next one starts at or below it). Stateless; any thread.
class RetentionPlanner {
public:
    /// Reads the partitions of `topics` (every topic when empty) in the log
    /// dirs: segments, largest timestamps, checkpoints (HW, log start).
    static Result<std::vector<RetentionPartition>> scan(const std::vector<std::filesystem::path> &logDirs,
                                                        const std::vector<std::string> &topics);
    /// The prefix retention takes from one partition with these settings.
    static PartitionCut evaluate(const RetentionPartition &partition, const RetentionSettings &settings);
    /// The largest retention.ms that frees at least `bytes` on `dir` from the
    /// partitions there (all of `partitions` whose logDir is `dir`).
    static FreeSearchResult searchFree(const std::vector<RetentionPartition> &partitions,
                                       const std::filesystem::path &dir, std::int64_t bytes, std::int64_t nowMs);
};

/// Where the plan's figures come from: the broker's segment files read here
/// (RetentionPlanner, exact), or the Kafka protocol only (RemoteRetentionShrink
/// in retention_remote.h, an estimate from offsets) for a broker whose log
/// dirs are not readable here.
enum class RetentionSource { Local, Remote };

/// What the shrink is asked to do.
struct RetentionShrinkRequest {
    RetentionSource source = RetentionSource::Local;
    std::vector<std::filesystem::path> logDirs; ///< the broker's log dirs (read locally; unused when Remote)
    RetentionTarget target;
    /// "free N bytes on dir X": when set, target.retentionMs is searched
    /// (the least aggressive value that frees it) over target.topics, or
    /// over every topic on the dir when none is given.
    std::optional<std::int64_t> freeBytes;
    std::filesystem::path freeDir;
    bool offline = false;  ///< broker stopped: delete the segments here, no config change
    std::string bootstrap; ///< online: the cluster
    std::int32_t brokerId = -1;
    std::string broker;                   ///< a label for the journal
    std::int64_t nowMs = 0;               ///< 0: the clock
    std::int64_t waitMs = 10 * 60 * 1000; ///< online: how long to wait for the broker's deletion
};

/// A topic's retention as the broker reports it (DescribeConfigs).
struct TopicRetentionConfig {
    std::string origMs, origBytes; ///< "override:<v>" / "default:<v>", as journaled for restore
    std::int64_t ms = -1, bytes = -1;
    std::int64_t segmentBytes = -1; ///< -1 when not reported
    bool deletes = true;            ///< cleanup.policy includes delete
};

/// The current retention.ms / retention.bytes (override or default),
/// segment.bytes and cleanup.policy of `topics`, for both variants of the
/// online shrink. A topic the broker refuses to describe, or whose retention
/// it does not report, is an error.
Result<std::map<std::string, TopicRetentionConfig>> readTopicRetention(admin::AdminClient &admin,
                                                                       const std::vector<std::string> &topics);

/// Checks what a shrink is asked, for both variants: new retention values or
/// bytes to free, topics (named as Kafka allows), retentions -1 or >= 0.
Status checkRetentionTarget(const RetentionShrinkRequest &request);

/// The retention shrink (GitHub issue 6). Online: read the current
/// retention.ms / retention.bytes of each topic (override or default),
/// IncrementalAlterConfigs SET (AlterConfigs for old brokers), remember the
/// originals in the journal, wait until the broker deleted the segments,
/// verify against the plan; restore() puts the originals back. Offline
/// (broker stopped, `.lock` free): per partition, advance
/// log-start-offset-checkpoint, rename the segments' files to `.deleted`,
/// fsync, remove them; each stage journaled, recover() rolls forward.
class RetentionShrink {
public:
    static constexpr std::string_view kKind = "retention-shrink";
    static constexpr std::string_view kRestoreKind = "retention-restore";

    /// Plans with local scans; online, `admin` reads the current configs and
    /// the high watermarks (may be null offline). A Remote request is planned
    /// by RemoteRetentionShrink (protocol only).
    static Result<Plan> plan(const RetentionShrinkRequest &request, admin::AdminClient *admin);
    /// Runs a plan; returns the journal id. Online needs `admin`. A remote
    /// plan (param source=remote) runs through RemoteRetentionShrink.
    static Result<std::int64_t> execute(Journal &journal, const Plan &plan, admin::AdminClient *admin,
                                        const RunOptions &options = {});
    /// Plan of putting back the settings an online shrink changed.
    static Result<Plan> planRestore(Journal &journal, std::int64_t shrinkId);
    static Result<std::int64_t> executeRestore(Journal &journal, const Plan &plan, admin::AdminClient *admin,
                                               const RunOptions &options = {});
    /// Finishes an interrupted shrink or restore (rolls forward: the steps
    /// are idempotent). Online kinds connect to the journaled bootstrap.
    static Result<OperationState> recover(Journal &journal, const JournalEntry &entry, const RunOptions &options = {});
    /// The online shrink's config change from a plan's params (`topics`,
    /// `new.retention.*`): IncrementalAlterConfigs SET, AlterConfigs for old
    /// brokers; `detail` says which. Shared with the remote variant.
    static Status alterConfigs(admin::AdminClient &admin, const std::map<std::string, std::string> &params,
                               std::string &detail);
};

} // namespace spillway::core::ops
