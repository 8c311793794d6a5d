// SPDX-License-Identifier: GPL-3.0-or-later
// AdminClient: consumer groups — ListGroups on every broker, DescribeGroups
// and OffsetFetch at the group's coordinator, and lag against the leaders'
// log end offsets.
#include "core/admin/admin_client.h"
#include "core/admin/cluster_link.h"
#include "core/admin/consumer_assignment.h"
#include "core/protocol/messages/describe_groups.h"
#include "core/protocol/messages/list_groups.h"
#include "core/protocol/messages/offset_fetch.h"

#include <algorithm>
#include <map>
#include <thread>

namespace spillway::core::admin {

namespace {

bool coordinatorMoved(KafkaError e)
{
    return e == KafkaError::NotCoordinator || e == KafkaError::CoordinatorNotAvailable ||
           e == KafkaError::CoordinatorLoadInProgress;
}

constexpr int kCoordinatorAttempts = 4;

} // namespace

GroupListings AdminClient::listGroups()
{
    std::lock_guard lock(m_mutex);
    GroupListings out;
    auto cluster = m_link->fetchMetadata(std::vector<std::string>{});
    if (!cluster) {
        out.errors.push_back(cluster.error());
        return out;
    }
    // Each broker lists the groups it coordinates.
    for (const auto &broker : cluster->brokers) {
        auto answer = m_link->request<ListGroupsRequest, ListGroupsResponse>(broker.id, [](std::int16_t) {
            return ListGroupsRequest{}; // no state or type filter: every group
        });
        if (!answer) {
            out.errors.push_back(answer.error());
            continue;
        }
        const auto &r = answer->response;
        if (r.ErrorCode != 0) {
            out.errors.push_back(
                kafkaError("ListGroups v" + std::to_string(answer->version) + " from " + answer->from.describe(),
                           static_cast<KafkaError>(r.ErrorCode)));
            continue;
        }
        for (const auto &g : r.Groups)
            out.groups.push_back({g.GroupId, g.ProtocolType, g.GroupState, broker.id});
    }
    std::sort(out.groups.begin(), out.groups.end(), [](const auto &a, const auto &b) { return a.groupId < b.groupId; });
    return out;
}

Result<std::vector<GroupDescription>> AdminClient::describeGroups(const std::vector<std::string> &groupIds)
{
    std::lock_guard lock(m_mutex);
    return describeGroupsLocked(groupIds);
}

Result<std::vector<GroupDescription>> AdminClient::describeGroupsLocked(const std::vector<std::string> &groupIds)
{
    std::vector<GroupDescription> out(groupIds.size());
    for (std::size_t i = 0; i < groupIds.size(); ++i) {
        out[i].groupId = groupIds[i];
        for (int attempt = 1;; ++attempt) {
            auto coordinator = m_link->findCoordinator(groupIds[i]);
            if (!coordinator)
                return coordinator.error();
            out[i].coordinator = *coordinator;
            auto answer =
                m_link->request<DescribeGroupsRequest, DescribeGroupsResponse>(*coordinator, [&](std::int16_t) {
                    DescribeGroupsRequest req;
                    req.Groups = {groupIds[i]};
                    return req;
                });
            if (!answer)
                return answer.error();
            const auto &groups = answer->response.Groups;
            const auto g =
                std::find_if(groups.begin(), groups.end(), [&](const auto &x) { return x.GroupId == groupIds[i]; });
            if (g == groups.end())
                return makeError(Errc::Corrupt, "DescribeGroups v" + std::to_string(answer->version) + " from " +
                                                    answer->from.describe() + ": no answer for group '" + groupIds[i] +
                                                    "'");
            const auto error = static_cast<KafkaError>(g->ErrorCode);
            if (coordinatorMoved(error) && attempt < kCoordinatorAttempts) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
                continue;
            }
            out[i].error = error;
            out[i].state = g->GroupState;
            out[i].protocolType = g->ProtocolType;
            out[i].protocol = g->ProtocolData;
            for (const auto &m : g->Members) {
                GroupMember member{m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost, {}};
                if (g->ProtocolType == "consumer")
                    member.assignment = decodeConsumerAssignment(m.MemberAssignment);
                out[i].members.push_back(std::move(member));
            }
            break;
        }
    }
    return out;
}

Result<std::vector<CommittedOffset>> AdminClient::committedOffsets(const std::string &groupId)
{
    std::lock_guard lock(m_mutex);
    auto coordinator = m_link->findCoordinator(groupId);
    if (!coordinator)
        return coordinator.error();
    return committedOffsetsLocked(groupId, *coordinator);
}

Result<std::vector<CommittedOffset>> AdminClient::committedOffsetsLocked(const std::string &groupId,
                                                                         BrokerId coordinator)
{
    for (int attempt = 1;; ++attempt) {
        auto answer = m_link->request<OffsetFetchRequest, OffsetFetchResponse>(coordinator, [&](std::int16_t v) {
            OffsetFetchRequest req;
            if (v >= 8) {
                OffsetFetchRequest::OffsetFetchRequestGroup g;
                g.GroupId = groupId;
                g.Topics = std::nullopt; // every topic
                req.Groups.push_back(std::move(g));
            } else {
                req.GroupId = groupId;
                req.Topics = std::nullopt;
            }
            return req;
        });
        if (!answer)
            return answer.error();
        const auto &r = answer->response;
        std::vector<CommittedOffset> out;
        KafkaError error = static_cast<KafkaError>(r.ErrorCode);
        if (answer->version >= 8) {
            error = KafkaError::None;
            for (const auto &g : r.Groups) {
                if (g.GroupId != groupId)
                    continue;
                error = static_cast<KafkaError>(g.ErrorCode);
                for (const auto &t : g.Topics)
                    for (const auto &p : t.Partitions)
                        out.push_back({t.Name, PartitionId(p.PartitionIndex), static_cast<KafkaError>(p.ErrorCode),
                                       Offset(p.CommittedOffset), p.Metadata});
            }
        } else {
            for (const auto &t : r.Topics)
                for (const auto &p : t.Partitions)
                    out.push_back({t.Name, PartitionId(p.PartitionIndex), static_cast<KafkaError>(p.ErrorCode),
                                   Offset(p.CommittedOffset), p.Metadata});
        }
        if (coordinatorMoved(error) && attempt < kCoordinatorAttempts) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
            auto again = m_link->findCoordinator(groupId);
            if (!again)
                return again.error();
            coordinator = *again;
            continue;
        }
        if (error != KafkaError::None)
            return kafkaError("OffsetFetch v" + std::to_string(answer->version) + " for group '" + groupId + "' from " +
                                  answer->from.describe(),
                              error);
        std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) {
            return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
        });
        return out;
    }
}

Result<GroupLag> AdminClient::groupLag(const std::string &groupId)
{
    std::lock_guard lock(m_mutex);
    auto described = describeGroupsLocked({groupId});
    if (!described)
        return described.error();
    const GroupDescription &group = described->front();
    auto committed = committedOffsetsLocked(groupId, group.coordinator);
    if (!committed)
        return committed.error();

    GroupLag lag;
    lag.groupId = groupId;
    lag.state = group.state;
    lag.coordinator = group.coordinator;
    std::map<std::pair<std::string, PartitionId>, PartitionLag> rows;
    for (const auto &c : *committed) {
        auto &row = rows[{c.topic, c.partition}];
        row.committed = c.offset;
        row.error = c.error;
    }
    for (const auto &m : group.members) {
        for (const auto &[topic, partition] : m.assignment) {
            auto &row = rows[{topic, partition}];
            row.memberId = m.memberId;
            row.clientId = m.clientId;
            row.clientHost = m.clientHost;
        }
    }
    std::vector<OffsetQuery> queries;
    for (auto &[key, row] : rows) {
        row.topic = key.first;
        row.partition = key.second;
        queries.push_back({key.first, key.second, OffsetSpec::latest()});
    }
    auto ends = listOffsetsLocked(queries);
    if (!ends)
        return ends.error();
    for (const auto &end : *ends) {
        auto &row = rows[{end.topic, end.partition}];
        row.logEnd = end.offset;
        if (row.error == KafkaError::None)
            row.error = end.error;
        if (end.error == KafkaError::None && row.committed.get() >= 0 && end.offset.get() >= 0)
            row.lag = std::max<std::int64_t>(0, end.offset.get() - row.committed.get());
    }
    for (auto &[key, row] : rows)
        lag.partitions.push_back(std::move(row));
    return lag;
}

} // namespace spillway::core::admin
