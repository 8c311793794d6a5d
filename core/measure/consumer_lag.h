// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"
#include "core/measure/growth_estimator.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core::measure {

/// A group's committed offset on one partition next to the partition's log
/// start and log end offsets (OffsetFetch + ListOffsets, or the lab broker).
struct PartitionOffsets {
    std::string topic;
    PartitionId partition{0};
    std::optional<std::int64_t> committed; ///< nullopt: the group never committed here
    std::int64_t logStartOffset = 0;
    std::int64_t logEndOffset = 0;
};

struct GroupOffsets {
    std::string group;
    std::vector<PartitionOffsets> partitions;
};

struct PartitionLag {
    std::string topic;
    PartitionId partition{0};
    std::optional<std::int64_t> committed;
    std::int64_t logStartOffset = 0;
    std::int64_t logEndOffset = 0;
    /// logEnd - committed, never negative. Without a commit: logEnd -
    /// logStart, what the group has to read when it starts from the
    /// earliest offset (kafka-consumer-groups.sh prints "-" there).
    std::int64_t lag = 0;
    bool committedMissing = false;
    /// committed < logStart: retention deleted messages the group had not
    /// read yet; it will reset (auto.offset.reset) and lose them.
    bool behindLogStart = false;
};

struct TopicLag {
    std::string topic;
    std::int64_t lag = 0;
    std::size_t partitions = 0;
};

struct GroupLag {
    std::string group;
    std::vector<PartitionLag> partitions; ///< sorted by topic, partition
    std::vector<TopicLag> topics;         ///< sorted by lag, largest first
    std::int64_t totalLag = 0;
    std::size_t partitionsWithoutCommit = 0;
    std::size_t partitionsBehindLogStart = 0;
};

/// Lag per partition, per topic and in total. Pure; any thread.
GroupLag computeGroupLag(const GroupOffsets &offsets);

/// The estimator's options for a lag series: a fall is the consumer
/// catching up (not a deletion), and changes under `steadyMessages` over the
/// window are steady.
GrowthOptions lagGrowthOptions(double steadyMessages = 100.0);

/// Growing / shrinking / steady from a group's total-lag history, with the
/// same robust estimator as disk growth.
std::optional<GrowthEstimate> estimateLagTrend(std::span<const SeriesSample> totalLagHistory,
                                               const GrowthOptions &options = lagGrowthOptions());

} // namespace spillway::core::measure
