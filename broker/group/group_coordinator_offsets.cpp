// SPDX-License-Identifier: GPL-3.0-or-later
// Committed offsets, ListGroups and DescribeGroups of the GroupCoordinator.
#include "broker/group/group_coordinator.h"

#include <algorithm>
#include <cctype>

namespace spillway::broker {

using core::KafkaError;

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

core::OffsetCommitResponse GroupCoordinator::commitOffsets(const core::OffsetCommitRequest &request,
                                                           std::int16_t version)
{
    // The group-level checks of Kafka's handleCommitOffsets; v0 carries no
    // generation, so it is a simple (generation -1) commit.
    const std::int32_t generation = version == 0 ? -1 : request.GenerationIdOrMemberEpoch;
    KafkaError groupError = KafkaError::None;
    ConsumerGroup *group = find(request.GroupId);
    if (group == nullptr) {
        if (generation < 0)
            group = &getOrCreate(request.GroupId); // a group that only stores offsets
        else
            groupError = KafkaError::IllegalGeneration;
    }
    if (group != nullptr) {
        GroupMember *member = group->member(request.MemberId);
        if (group->is(GroupState::Dead))
            groupError = KafkaError::CoordinatorNotAvailable;
        else if (fenced(*group, request.GroupInstanceId, request.MemberId))
            groupError = KafkaError::FencedInstanceId;
        else if (generation < 0 && group->is(GroupState::Empty))
            groupError = KafkaError::None;
        else if (member == nullptr)
            groupError = KafkaError::UnknownMemberId;
        else if (generation != group->generationId())
            groupError = KafkaError::IllegalGeneration;
        else if (group->is(GroupState::CompletingRebalance))
            groupError = KafkaError::RebalanceInProgress;
        else
            heartbeatReceived(*member); // a commit counts as a heartbeat, as in Kafka
    }

    core::OffsetCommitResponse response;
    std::vector<std::pair<TopicPartition, CommittedOffset>> accepted;
    std::vector<std::int16_t *> acceptedErrors;
    const std::int64_t now = m_timers.wallClockMs ? m_timers.wallClockMs() : 0;
    for (const auto &t : request.Topics) {
        auto &rt = response.Topics.emplace_back();
        rt.Name = t.Name;
        for (const auto &p : t.Partitions)
            rt.Partitions.push_back({p.PartitionIndex, code(groupError)});
    }
    if (groupError != KafkaError::None)
        return response;
    for (std::size_t ti = 0; ti < request.Topics.size(); ++ti) {
        const auto &t = request.Topics[ti];
        for (std::size_t pi = 0; pi < t.Partitions.size(); ++pi) {
            const auto &p = t.Partitions[pi];
            std::int16_t &error = response.Topics[ti].Partitions[pi].ErrorCode;
            if (!m_exists || !m_exists(t.Name, p.PartitionIndex)) {
                error = code(KafkaError::UnknownTopicOrPartition);
                continue;
            }
            if (p.CommittedMetadata && p.CommittedMetadata->size() > m_config.maxMetadataBytes) {
                error = code(KafkaError::OffsetMetadataTooLarge);
                continue;
            }
            CommittedOffset o;
            o.offset = p.CommittedOffset;
            o.leaderEpoch = version >= 6 ? p.CommittedLeaderEpoch : -1;
            o.metadata = p.CommittedMetadata.value_or(std::string()); // Kafka stores null as ""
            o.commitTimestampMs = version == 1 && p.CommitTimestamp >= 0 ? p.CommitTimestamp : now;
            accepted.emplace_back(TopicPartition{t.Name, p.PartitionIndex}, std::move(o));
            acceptedErrors.push_back(&error);
        }
    }
    if (auto st = m_store.commit(request.GroupId, accepted); !st.ok()) {
        // Kafka answers a failed __consumer_offsets append with NOT_COORDINATOR
        // so that the client looks the coordinator up and retries.
        emitLog("group " + request.GroupId + ": cannot store committed offsets: " + st.error().describe());
        for (std::int16_t *e : acceptedErrors)
            *e = code(KafkaError::NotCoordinator);
    }
    return response;
}

core::OffsetFetchResponse::OffsetFetchResponseGroup GroupCoordinator::fetchGroup(
    const std::string &groupId,
    const std::optional<std::vector<std::pair<std::string, std::vector<std::int32_t>>>> &topics)
{
    using Group = core::OffsetFetchResponse::OffsetFetchResponseGroup;
    Group out;
    out.GroupId = groupId;
    const ConsumerGroup *g = find(groupId);
    if (g != nullptr && g->is(GroupState::Dead)) {
        out.ErrorCode = code(KafkaError::CoordinatorNotAvailable);
        return out;
    }
    const OffsetStore::GroupOffsets *offsets = m_store.offsets(groupId);
    auto partition = [](std::int32_t index, const CommittedOffset *o) {
        Group::OffsetFetchResponseTopics::OffsetFetchResponsePartitions p;
        p.PartitionIndex = index;
        p.CommittedOffset = o ? o->offset : -1; // -1 and "" mean "no commit", as Kafka
        p.CommittedLeaderEpoch = o ? o->leaderEpoch : -1;
        p.Metadata = o ? o->metadata.value_or(std::string()) : std::string();
        return p;
    };
    if (!topics) {
        // Null topics: every committed partition of the group.
        if (offsets == nullptr)
            return out;
        for (const auto &[tp, o] : *offsets) {
            if (out.Topics.empty() || out.Topics.back().Name != tp.first)
                out.Topics.push_back({tp.first, {}});
            out.Topics.back().Partitions.push_back(partition(tp.second, &o));
        }
        return out;
    }
    for (const auto &[name, partitions] : *topics) {
        auto &t = out.Topics.emplace_back();
        t.Name = name;
        for (const std::int32_t index : partitions) {
            const CommittedOffset *o = nullptr;
            if (offsets != nullptr)
                if (const auto it = offsets->find({name, index}); it != offsets->end())
                    o = &it->second;
            t.Partitions.push_back(partition(index, o));
        }
    }
    return out;
}

core::OffsetFetchResponse GroupCoordinator::fetchOffsets(const core::OffsetFetchRequest &request, std::int16_t version)
{
    using Topics = std::vector<std::pair<std::string, std::vector<std::int32_t>>>;
    core::OffsetFetchResponse response;
    if (version >= 8) {
        for (const auto &g : request.Groups) {
            std::optional<Topics> topics;
            if (g.Topics) {
                topics.emplace();
                for (const auto &t : *g.Topics)
                    topics->emplace_back(t.Name, t.PartitionIndexes);
            }
            response.Groups.push_back(fetchGroup(g.GroupId, topics));
        }
        return response;
    }
    std::optional<Topics> topics;
    if (request.Topics) {
        topics.emplace();
        for (const auto &t : *request.Topics)
            topics->emplace_back(t.Name, t.PartitionIndexes);
    }
    auto group = fetchGroup(request.GroupId, topics);
    response.ErrorCode = group.ErrorCode;
    for (auto &t : group.Topics) {
        auto &rt = response.Topics.emplace_back();
        rt.Name = std::move(t.Name);
        for (auto &p : t.Partitions)
            rt.Partitions.push_back(
                {p.PartitionIndex, p.CommittedOffset, p.CommittedLeaderEpoch, std::move(p.Metadata), p.ErrorCode});
    }
    return response;
}

core::ListGroupsResponse GroupCoordinator::listGroups(const core::ListGroupsRequest &request) const
{
    core::ListGroupsResponse response;
    const bool classicWanted =
        request.TypesFilter.empty() || std::any_of(request.TypesFilter.begin(), request.TypesFilter.end(),
                                                   [](const std::string &t) { return equalsIgnoreCase(t, "classic"); });
    if (!classicWanted)
        return response;
    for (const auto &[id, g] : m_groups) {
        const std::string_view state = toString(g->state());
        if (!request.StatesFilter.empty() &&
            std::none_of(request.StatesFilter.begin(), request.StatesFilter.end(),
                         [&](const std::string &s) { return equalsIgnoreCase(s, state); }))
            continue;
        response.Groups.push_back({id, g->protocolType().value_or(""), std::string(state), "classic"});
    }
    return response;
}

core::DescribeGroupsResponse GroupCoordinator::describeGroups(const core::DescribeGroupsRequest &request) const
{
    core::DescribeGroupsResponse response;
    for (const auto &id : request.Groups) {
        auto &d = response.Groups.emplace_back();
        d.GroupId = id;
        const ConsumerGroup *g = group(id);
        if (g == nullptr) {
            d.GroupState = "Dead"; // Kafka describes an unknown group as Dead, without an error
            continue;
        }
        d.GroupState = std::string(toString(g->state()));
        d.ProtocolType = g->protocolType().value_or("");
        // As Kafka's GroupMetadata.summary: protocol, metadata and assignment
        // only once the group is Stable.
        const bool stable = g->is(GroupState::Stable);
        if (stable)
            d.ProtocolData = g->protocolName().value_or("");
        for (const auto &[memberId, m] : g->members()) {
            auto &dm = d.Members.emplace_back();
            dm.MemberId = memberId;
            dm.GroupInstanceId = m.groupInstanceId;
            dm.ClientId = m.clientId;
            dm.ClientHost = m.clientHost;
            if (stable) {
                const core::Bytes *metadata = m.metadataFor(*g->protocolName());
                dm.MemberMetadata = metadata ? *metadata : core::Bytes{};
                dm.MemberAssignment = m.assignment;
            }
        }
    }
    return response;
}

} // namespace spillway::broker
