// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/ops/journal.h"
#include "core/ops/operation.h"
#include "core/ops/retention_shrink.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core::admin {
class AdminClient;
}

namespace spillway::core::ops {

/// One partition replica of the broker as the Kafka protocol shows it:
/// DescribeLogDirs (its dir and size in log bytes) and ListOffsets (the
/// earliest offset and the high watermark). No segment is known.
struct RemotePartition {
    std::string topic;
    PartitionId partition{0};
    std::string logDir;         ///< the broker's path, not read here
    std::int64_t sizeBytes = 0; ///< DescribeLogDirs: the partition's log bytes
    Offset earliest{-1};
    Offset latest{-1}; ///< high watermark

    [[nodiscard]] std::string name() const { return topic + "-" + std::to_string(partition.get()); }
};

/// One log dir of the broker from DescribeLogDirs.
struct RemoteLogDir {
    std::string path;
    bool offline = false;
    std::int64_t kafkaBytes = 0;   ///< sum of its partitions' sizes
    std::int64_t totalBytes = -1;  ///< DescribeLogDirs v4 (Kafka 3.3+); -1 unknown
    std::int64_t usableBytes = -1; ///< ditto
};

/// The broker's log dirs and the partitions of interest, protocol only.
struct RemoteState {
    std::vector<RemoteLogDir> dirs;
    std::vector<RemotePartition> partitions; ///< sorted by topic, partition
};

/// What retention would take from one partition, estimated from offsets.
struct RemoteEstimate {
    std::int64_t bytes = 0; ///< size x expired offsets / all offsets (an upper estimate)
    Offset newLogStart{-1}; ///< the first offset kept, as estimated
};

/// The answer of "free N bytes on dir X" from the protocol.
struct RemoteFreeSearch {
    bool reachable = false;
    std::int64_t retentionMs = -1;       ///< the largest retention.ms whose estimate frees >= N
    std::int64_t estimatedFreed = 0;     ///< its estimate on the dir
    std::int64_t maxFreeableOnDir = 0;   ///< the estimate at retention.ms = 0 (upper bound)
    std::vector<std::string> topics;     ///< the topics the estimate takes bytes from
    int roundTrips = 0;                  ///< ListOffsets calls the search made
    std::map<std::string, Offset> cutAt; ///< "topic-p" -> offsetAt(cut-off) of the chosen value (-1: none newer)
};

/// Kafka's retention estimated from the Kafka protocol alone, for a broker
/// whose log dirs are not readable here (a remote cluster). It reads no
/// file: DescribeLogDirs, ListOffsets (earliest, latest, by timestamp) and
/// DescribeConfigs only. The segments are unknown, so a partition's bytes
/// that retention.ms would remove are estimated as size x (offsetAt(now -
/// retention.ms) - earliest) / (latest - earliest), and for retention.bytes
/// the excess over the limit. Kafka deletes only whole closed segments (never
/// the active one), so it frees at most that (with records of similar size).
class RemoteRetentionPlanner {
public:
    /// The broker's dirs and the partitions of `topics` (every topic when
    /// empty) it hosts (no `-future`), with earliest and latest offsets.
    static Result<RemoteState> describe(admin::AdminClient &admin, BrokerId broker,
                                        const std::vector<std::string> &topics);
    /// One batched ListOffsets by timestamp: per partition the first offset
    /// whose timestamp is >= `cutoffMs`, -1 when no record is that recent.
    static Result<std::vector<Offset>> offsetsAt(admin::AdminClient &admin,
                                                 const std::vector<RemotePartition> &partitions, std::int64_t cutoffMs);
    /// The estimate for one partition: `offsetAtCutoff` is offsetsAt(now -
    /// retention.ms) (ignored when settings.retentionMs < 0).
    static RemoteEstimate estimate(const RemotePartition &partition, const RetentionSettings &settings,
                                   Offset offsetAtCutoff);
    /// The largest retention.ms whose estimate frees at least `bytes` from
    /// `partitions` (those on the dir): a bisection over the cut-off time,
    /// one batched ListOffsets per probe, at most `maxRoundTrips` calls.
    static Result<RemoteFreeSearch> searchFree(admin::AdminClient &admin,
                                               const std::vector<RemotePartition> &partitions, std::int64_t bytes,
                                               std::int64_t nowMs, int maxRoundTrips = 32);
};

/// What the remote apply measured (DescribeLogDirs before and after).
struct RemoteVerification {
    struct PartitionResult {
        std::string name;
        std::string logDir;
        std::int64_t estimated = 0;
        std::int64_t sizeBefore = 0;
        std::int64_t sizeAfter = 0;
        std::int64_t freed = 0; ///< max(0, before - after)
        Offset startBefore{-1};
        Offset startAfter{-1};
        bool mustGo = false; ///< its estimate exceeds one segment.bytes: a closed segment is wholly expired
    };
    std::vector<PartitionResult> partitions;
    std::map<std::string, std::int64_t> estimatedByDir;
    std::map<std::string, std::int64_t> freedByDir;
    bool configsTook = false;
    std::vector<std::string> problems; ///< why the verify failed (empty: passed)

    [[nodiscard]] std::int64_t estimatedTotal() const;
    [[nodiscard]] std::int64_t freedTotal() const;
    [[nodiscard]] std::string describe() const;
};

/// The online retention shrink of a broker reached by the protocol only.
/// Plans with RemoteRetentionPlanner; the apply is the online shrink's
/// (IncrementalAlterConfigs SET, AlterConfigs for old brokers, originals
/// journaled as override/default, `ops restore-retention` and `ops recover`
/// unchanged: params mode=online, source=remote); it waits for the broker's
/// deletion and measures it with DescribeLogDirs. The verify fails only when
/// the configs did not take or a partition whose expired part exceeds one
/// segment lost nothing within the wait, never because the upper estimate
/// was higher than what went.
class RemoteRetentionShrink {
public:
    /// The plan; `request.logDirs` is not used (nothing is read here).
    static Result<Plan> plan(const RetentionShrinkRequest &request, admin::AdminClient *admin);
    /// Runs a remote plan (journal kind retention-shrink); fills `verification` when given.
    static Result<std::int64_t> execute(Journal &journal, const Plan &plan, admin::AdminClient *admin,
                                        const RunOptions &options = {}, RemoteVerification *verification = nullptr);
    /// The wording every remote plan carries (text and JSON).
    static const char *estimateNote();
};

} // namespace spillway::core::ops
