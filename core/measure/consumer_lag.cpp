// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/consumer_lag.h"

#include <algorithm>
#include <map>

namespace spillway::core::measure {

GroupLag computeGroupLag(const GroupOffsets &offsets)
{
    GroupLag out;
    out.group = offsets.group;
    std::map<std::string, TopicLag> topics;
    for (const auto &p : offsets.partitions) {
        PartitionLag l;
        l.topic = p.topic;
        l.partition = p.partition;
        l.committed = p.committed;
        l.logStartOffset = p.logStartOffset;
        l.logEndOffset = p.logEndOffset;
        if (p.committed) {
            l.lag = std::max<std::int64_t>(0, p.logEndOffset - *p.committed);
            l.behindLogStart = *p.committed < p.logStartOffset;
        } else {
            l.lag = std::max<std::int64_t>(0, p.logEndOffset - p.logStartOffset);
            l.committedMissing = true;
        }
        out.totalLag += l.lag;
        out.partitionsWithoutCommit += l.committedMissing ? 1 : 0;
        out.partitionsBehindLogStart += l.behindLogStart ? 1 : 0;
        auto &t = topics[p.topic];
        t.topic = p.topic;
        t.lag += l.lag;
        ++t.partitions;
        out.partitions.push_back(std::move(l));
    }
    std::sort(out.partitions.begin(), out.partitions.end(), [](const PartitionLag &a, const PartitionLag &b) {
        return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
    });
    for (auto &[name, t] : topics)
        out.topics.push_back(std::move(t));
    std::stable_sort(out.topics.begin(), out.topics.end(),
                     [](const TopicLag &a, const TopicLag &b) { return a.lag > b.lag; });
    return out;
}

GrowthOptions lagGrowthOptions(double steadyMessages)
{
    GrowthOptions o;
    o.splitAtDrops = false;
    o.steadyAbsolute = steadyMessages;
    o.steadyFraction = 0.05;
    return o;
}

std::optional<GrowthEstimate> estimateLagTrend(std::span<const SeriesSample> totalLagHistory,
                                               const GrowthOptions &options)
{
    return estimateGrowth(totalLagHistory, options);
}

} // namespace spillway::core::measure
