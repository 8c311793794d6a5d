// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/admin/consumer_assignment.h"

#include <optional>

namespace spillway::core::admin {

namespace {

/// ConsumerProtocolAssignment, versions 0-3, never flexible.
struct ConsumerProtocolAssignment {
    struct TopicPartition {
        std::string Topic;
        std::vector<std::int32_t> Partitions;

        template <class Io>
        void io(Io &io)
        {
            io.field(Topic);
            io.field(Partitions);
            io.tags();
        }
    };

    std::vector<TopicPartition> AssignedPartitions;
    std::optional<Bytes> UserData;

    template <class Io>
    void io(Io &io)
    {
        io.field(AssignedPartitions);
        io.field(UserData, kAllVersions, kAllVersions);
        io.tags();
    }
};

} // namespace

std::vector<std::pair<std::string, PartitionId>> decodeConsumerAssignment(std::span<const std::byte> bytes)
{
    std::vector<std::pair<std::string, PartitionId>> out;
    if (bytes.size() < 2)
        return out;
    WireReader head(bytes.first(2));
    const std::int16_t version = head.i16();
    if (version < 0)
        return out;
    // Later versions may add fields after these: trailing bytes are fine.
    Decoder d(bytes.subspan(2), version, false);
    ConsumerProtocolAssignment a;
    a.io(d);
    if (!d.ok())
        return out;
    for (const auto &t : a.AssignedPartitions)
        for (std::int32_t p : t.Partitions)
            out.emplace_back(t.Topic, PartitionId(p));
    return out;
}

} // namespace spillway::core::admin
