// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"
#include "core/measure/cluster_snapshot.h"
#include "core/ops/online_move.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core::ops {

/// How the disk rebalance plan is made.
struct RebalanceOptions {
    /// Balanced = every disk within +-threshold % of the broker's mean Kafka
    /// bytes (Cruise Control's disk distribution goal, as measure::skew).
    double thresholdPercent = 10.0;
    /// Below this mean the broker is too empty to judge (as SkewOptions).
    std::int64_t minMeanBytes = std::int64_t{1} << 20;
    /// A destination keeps at least max(this, capacity * fraction) free
    /// after receiving a partition (and while it copies).
    std::int64_t minFreeMarginBytes = std::int64_t{16} << 20;
    double minFreeMarginFraction = 0.05;
    /// Growth penalty: a destination's free space counts minus what its
    /// growth rate writes in this many seconds, so the dir that fills
    /// fastest does not receive.
    double growthHorizonSeconds = 3600.0;
    std::size_t maxMoves = 64;
};

/// One partition to move between two dirs of the broker.
struct RebalanceMove {
    std::string topic;
    PartitionId partition{0};
    std::string from;
    std::string to;
    std::int64_t bytes = 0;
};

/// One dir before and after the planned moves.
struct RebalanceDisk {
    std::string dir;
    std::int64_t bytesBefore = 0;
    std::int64_t bytesAfter = 0;
    std::optional<std::int64_t> freeBefore; ///< unknown without a usage figure
    std::optional<std::int64_t> freeAfter;
    double deviationBeforePercent = 0; ///< from the broker mean, by bytes
    double deviationAfterPercent = 0;
    double growthPerSecond = 0; ///< of the filesystem, when estimated
    bool withinThresholdAfter = true;
};

/// The moves that bring every disk of one broker within the threshold, and
/// whether that target is reachable with the partitions there are.
struct RebalancePlan {
    BrokerId broker{0};
    double thresholdPercent = 10.0;
    double meanBytes = 0;
    std::vector<RebalanceMove> moves;
    std::vector<RebalanceDisk> disks; ///< the dirs that count (online, mounted)
    double skewBeforePercent = 0;     ///< max |deviation| before
    double skewAfterPercent = 0;
    bool balancedBefore = true;
    bool belowMinimum = false; ///< mean under minMeanBytes: nothing to judge
    bool reachable = true;     ///< every disk within the threshold after the moves
    std::string reason;        ///< why not reachable, when it is not

    /// Multi-line text: per-disk before/after, the moves, the verdict.
    [[nodiscard]] std::string describe() const;
};

/// Greedy: while a disk is outside the threshold, take from the most
/// over-used dir the partition whose size best closes its gap and put it on
/// the under-used dir with the most free space (less its growth over the
/// horizon); a move must strictly lower the larger deviation of the pair
/// (so the byte variance falls every move and the loop ends), must leave the
/// destination its free margin, never touches a partition with a `-future`
/// replica, never moves a partition twice. Bounded by maxMoves. Pure; any
/// thread.
RebalancePlan planRebalance(const measure::BrokerSnapshot &broker, const RebalanceOptions &options = {});

/// The plan's moves as one online move of the running broker (one journal
/// entry, one throttle): feed it to OnlineMove::plan() and execute().
OnlineMoveRequest toOnlineMoveRequest(const RebalancePlan &plan, std::string bootstrap,
                                      std::int64_t throttleBytesPerSecond = 0);

} // namespace spillway::core::ops
