// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/ops/journal.h"
#include "core/ops/operation.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spillway::core::ops {

/// One replica of the broker to move into another of its log dirs.
struct OnlineMoveTarget {
    std::string topic;
    PartitionId partition{0};
    std::string destination; ///< a log dir path as the broker names it
};

/// Which replicas of which running broker to move, and how.
struct OnlineMoveRequest {
    std::string bootstrap; ///< Kafka's bootstrap.servers
    BrokerId broker{0};
    std::vector<OnlineMoveTarget> targets;
    /// replica.alter.log.dirs.io.max.bytes.per.second for the time of the
    /// move (0: leave the broker's setting alone). The previous value is
    /// journaled and restored at the end, after a cancel, and by recover().
    std::int64_t throttleBytesPerSecond = 0;
    /// What recover() does with a copy still running: follow it to the end
    /// (default) or cancel it (move the replica back to its current dir).
    bool cancelOnRecover = false;
    std::int64_t pollIntervalMs = 200;
};

/// The online move of partitions between the log dirs of one running broker
/// (KIP-113): AlterReplicaLogDirs makes the broker copy each replica into a
/// `-future` replica in the destination, catch it up and swap it in; the
/// progress is the future replica's size against the current one's, from
/// DescribeLogDirs. Steps, each journaled before and after it runs:
/// `throttle` (when asked: remember the broker's dynamic value, set the
/// new one), `alter` (AlterReplicaLogDirs), `copy` (poll DescribeLogDirs until
/// every replica is live in its destination and no `-future` is left),
/// `verify` (DescribeLogDirs: each partition in exactly its destination, no
/// future; where the dirs are visible on this machine, no live `<tp>` dir
/// outside the destination), `restore-throttle`. Cancel = AlterReplicaLogDirs
/// back to the current dir, which removes the future (Kafka's way); the
/// replicas already swapped stay moved. Blocking; use a worker thread.
class OnlineMove {
public:
    static constexpr std::string_view kKind = "online-move";

    /// Validates (the broker, each partition hosted on it, the destination
    /// an online log dir other than the current one, no move already
    /// running for it) and sizes the move; free-space check on each
    /// destination with a margin (5 %, at least 16 MiB) when the broker
    /// reports capacities (DescribeLogDirs v4). Changes nothing.
    static Result<Plan> plan(const OnlineMoveRequest &request);
    /// Runs a plan made by plan(); returns the journal id.
    static Result<std::int64_t> execute(Journal &journal, const Plan &plan, const RunOptions &options = {});
    /// An interrupted online move: asks DescribeLogDirs where each replica
    /// is; a finished one is done, a running copy is followed to its end (or
    /// cancelled with cancelOnRecover), one not started is started again;
    /// restores the throttle in every case. Records the outcome.
    static Result<OperationState> recover(Journal &journal, const JournalEntry &entry, const RunOptions &options = {});
};

} // namespace spillway::core::ops
