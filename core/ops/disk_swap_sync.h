// SPDX-License-Identifier: GPL-3.0-or-later
// The last step of a disk swap: follow re-replication until the swapped
// broker is back in the ISR of every replicated partition it holds. The
// decision is a pure function of Metadata and DescribeLogDirs answers, so
// that it can be tested with hand-built clusters (RF 2 and 3) that the
// one-broker lab cannot produce.
#pragma once

#include "core/ops/broker_control.h"
#include "core/ops/operation.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace spillway::core::ops {

/// Where one replica of the swapped broker stands.
enum class ReplicaSync {
    InSync,         ///< the broker is in the partition's ISR
    CatchingUp,     ///< a replica, not (yet) in the ISR, fetching from the leader
    ReplicaOffline, ///< Metadata lists the broker's replica offline (its log dir failed)
    NoLeader,       ///< no live leader: nothing to re-sync from until one is elected
    Gone,           ///< followed earlier, now deleted or reassigned away: nothing to wait for
};
std::string_view toString(ReplicaSync state) noexcept;

/// One replicated partition (RF > 1) of the swapped broker.
struct PartitionSync {
    std::string name; ///< "<topic>-<p>"
    ReplicaSync state = ReplicaSync::CatchingUp;
    std::int32_t leader = -1;
    std::vector<std::int32_t> replicas;
    std::vector<std::int32_t> isr;
    std::vector<std::int32_t> offlineReplicas;
    std::string dir;               ///< the log dir holding it on the swapped broker; empty when none
    std::int64_t bytes = -1;       ///< on the swapped broker (DescribeLogDirs); -1 unknown
    std::int64_t leaderBytes = -1; ///< on the leader (its DescribeLogDirs); -1 unknown

    /// How far it is: 1 in sync or gone; bytes / leaderBytes (below 1) while
    /// catching up; 0 when offline, leaderless, or the sizes are unknown.
    [[nodiscard]] double fraction() const;
    /// "testKafka-3: catching up, 12.0 MiB of 40.0 MiB on leader 2 (30%), ISR 2".
    [[nodiscard]] std::string describe() const;
};

/// The swapped broker's replicated partitions at one look.
struct SyncStatus {
    std::int32_t brokerId = -1;
    std::vector<PartitionSync> partitions; ///< sorted by name

    /// Partitions still to be in sync (every state but Gone).
    [[nodiscard]] std::size_t total() const;
    [[nodiscard]] std::size_t inSync() const;
    /// Every partition in sync or gone (true when there are none).
    [[nodiscard]] bool complete() const;
    /// Mean of fraction() over total(); 1 when total() is 0.
    [[nodiscard]] double fraction() const;
    /// The partitions that are neither in sync nor gone.
    [[nodiscard]] std::vector<PartitionSync> outOfSync() const;
    /// Names of every partition but the gone ones: what to follow at the next look.
    [[nodiscard]] std::set<std::string> followed() const;
    /// "3 of 5 replicated partition(s) in sync; 120.0 MiB of 400.0 MiB re-synced".
    [[nodiscard]] std::string progressLine() const;
};

/// The decision, pure: `partitions` is Metadata of every partition (at least
/// those the broker is a replica of: BrokerView::partitions); `logDirs` the
/// DescribeLogDirs answers by broker id (the swapped broker's, and the
/// leaders' when known; missing ones leave sizes unknown); `followed` the
/// names followed since the wait began (empty at the first look). A
/// partition is followed when `brokerId` is one of its replicas and it has
/// more than one; RF 1 partitions need nothing (those whose data was on the
/// old dir are reported lost by the swap itself). A followed partition that
/// is no longer in `partitions`, or no longer has the broker among its
/// replicas, is Gone.
SyncStatus evaluateReplicaSync(std::int32_t brokerId, const std::vector<PartitionReplicasView> &partitions,
                               const std::map<std::int32_t, std::vector<BrokerLogDirView>> &logDirs,
                               const std::set<std::string> &followed = {});

/// How a wait for the re-sync ended.
struct SyncWait {
    SyncStatus status; ///< at the last look
    /// "in sync", "timed out after N s", "stopped by the operator", "not waited (sync timeout 0)".
    std::string end;
    bool looked = false;   ///< the broker described itself at least once
    std::string lastError; ///< why the last look failed, if it did
};

/// Metadata and DescribeLogDirs of one broker (BrokerControl::describe()).
using DescribeBroker = std::function<Result<BrokerView>(std::int32_t brokerId)>;

/// The loop of the swap's `sync` step: every `poll`, describe `brokerId`
/// (its partitions and log dirs) and the leaders of the partitions still
/// catching up (their sizes), evaluateReplicaSync() following the same
/// partitions, progress through `options` (0.85 + 0.14 x fraction, the
/// progress line), until complete(), `timeout` (0: one look), or
/// options.cancelled() (checked every 100 ms). A look that fails is retried
/// until the timeout. Blocking.
SyncWait waitForReplicaSync(std::int32_t brokerId, const DescribeBroker &describe, std::chrono::seconds timeout,
                            const RunOptions &options,
                            std::chrono::milliseconds poll = std::chrono::milliseconds(2000));

} // namespace spillway::core::ops
