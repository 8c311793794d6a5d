// SPDX-License-Identifier: GPL-3.0-or-later
// JoinGroup, SyncGroup and the rebalance; heartbeats, sessions and
// LeaveGroup are in group_coordinator_members.cpp, offsets and listings in
// group_coordinator_offsets.cpp.
#include "broker/group/group_coordinator.h"
#include "broker/group/group_errors.h"

#include <algorithm>
#include <cstdio>

namespace spillway::broker {

using core::KafkaError;

GroupCoordinator::GroupCoordinator(GroupCoordinatorConfig config, GroupTimers timers, TopicPartitionExists exists,
                                   OffsetStore store)
    : m_config(std::move(config))
    , m_timers(std::move(timers))
    , m_exists(std::move(exists))
    , m_store(std::move(store))
    , m_rng(std::random_device{}())
{
    // Groups known from the file come back Empty, as Kafka loads them from
    // __consumer_offsets: their generation continues where it was.
    for (const auto &[id, stored] : m_store.groups()) {
        ConsumerGroup &g = getOrCreate(id);
        g.setGenerationId(stored.generationId);
        if (!stored.protocolType.empty())
            g.setProtocolType(stored.protocolType);
    }
    for (const auto &[id, offsets] : m_store.allOffsets())
        getOrCreate(id);
}

GroupCoordinator::~GroupCoordinator() = default;

core::Result<std::unique_ptr<GroupCoordinator>> GroupCoordinator::open(GroupCoordinatorConfig config,
                                                                       GroupTimers timers, TopicPartitionExists exists)
{
    auto store = OffsetStore::open(config.offsetsFile, config.compactAfterBytes);
    if (!store.ok())
        return store.error();
    return std::unique_ptr<GroupCoordinator>(
        new GroupCoordinator(std::move(config), std::move(timers), std::move(exists), std::move(*store)));
}

void GroupCoordinator::emitLog(const std::string &line) const
{
    if (log)
        log(line);
}

ConsumerGroup &GroupCoordinator::getOrCreate(const std::string &groupId)
{
    auto &slot = m_groups[groupId];
    if (!slot)
        slot = std::make_unique<ConsumerGroup>(groupId);
    return *slot;
}

ConsumerGroup *GroupCoordinator::find(const std::string &groupId)
{
    const auto it = m_groups.find(groupId);
    return it == m_groups.end() ? nullptr : it->second.get();
}

const ConsumerGroup *GroupCoordinator::group(const std::string &groupId) const
{
    const auto it = m_groups.find(groupId);
    return it == m_groups.end() ? nullptr : it->second.get();
}

std::string GroupCoordinator::newMemberId(const std::string &clientId)
{
    // clientId-<UUID>, the form Kafka hands out.
    const std::uint64_t hi = m_rng();
    const std::uint64_t lo = m_rng();
    char uuid[40];
    std::snprintf(uuid, sizeof uuid, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                  static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xfff),
                  static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(lo & 0xffffffffffffULL));
    return clientId + "-" + uuid;
}

bool GroupCoordinator::fenced(const ConsumerGroup &group, const std::optional<std::string> &instanceId,
                              const std::string &memberId) const
{
    if (!instanceId)
        return false;
    const auto owner = group.staticMemberId(*instanceId);
    return owner && *owner != memberId;
}

void GroupCoordinator::joinGroup(const core::JoinGroupRequest &request, std::int16_t version, const GroupClient &client,
                                 JoinReply reply)
{
    if (request.GroupId.empty())
        return reply(joinError(KafkaError::InvalidGroupId, request.MemberId));
    if (request.SessionTimeoutMs < m_config.minSessionTimeoutMs ||
        request.SessionTimeoutMs > m_config.maxSessionTimeoutMs)
        return reply(joinError(KafkaError::InvalidSessionTimeout, request.MemberId));
    core::JoinGroupRequest req = request;
    if (version == 0 || req.RebalanceTimeoutMs < 0)
        req.RebalanceTimeoutMs = req.SessionTimeoutMs; // v0 has no rebalance timeout
    if (req.MemberId.empty()) {
        joinUnknownMember(getOrCreate(req.GroupId), req, version, client, std::move(reply));
        return;
    }
    ConsumerGroup *group = find(req.GroupId);
    if (group == nullptr)
        return reply(joinError(KafkaError::UnknownMemberId, req.MemberId));
    joinKnownMember(*group, req, client, std::move(reply));
}

void GroupCoordinator::joinUnknownMember(ConsumerGroup &group, const core::JoinGroupRequest &request,
                                         std::int16_t version, const GroupClient &client, JoinReply reply)
{
    if (group.is(GroupState::Dead))
        return reply(joinError(KafkaError::CoordinatorNotAvailable, request.MemberId));
    if (!group.supportsProtocols(request.ProtocolType, request.Protocols))
        return reply(joinError(KafkaError::InconsistentGroupProtocol, request.MemberId));
    std::string memberId = newMemberId(client.clientId);
    if (request.GroupInstanceId) {
        // A static member coming back under a new member id takes over its
        // old identity (minimal KIP-345: the group rebalances).
        if (const auto old = group.staticMemberId(*request.GroupInstanceId))
            removeMemberAndUpdateGroup(group, *old);
        addMemberAndRebalance(group, request, std::move(memberId), client, std::move(reply));
        return;
    }
    if (version >= 4) {
        // KIP-394: hand out the id first, so that a client that times out
        // and retries does not leave a ghost member behind.
        group.pendingMembers().insert(memberId);
        armPendingMemberTimer(group.groupId(), memberId, std::chrono::milliseconds(request.SessionTimeoutMs));
        reply(joinError(KafkaError::MemberIdRequired, memberId));
        return;
    }
    addMemberAndRebalance(group, request, std::move(memberId), client, std::move(reply));
}

void GroupCoordinator::joinKnownMember(ConsumerGroup &group, const core::JoinGroupRequest &request,
                                       const GroupClient &client, JoinReply reply)
{
    if (group.is(GroupState::Dead))
        return reply(joinError(KafkaError::CoordinatorNotAvailable, request.MemberId));
    if (group.pendingMembers().erase(request.MemberId) != 0) {
        addMemberAndRebalance(group, request, request.MemberId, client, std::move(reply));
        return;
    }
    if (fenced(group, request.GroupInstanceId, request.MemberId))
        return reply(joinError(KafkaError::FencedInstanceId, request.MemberId));
    GroupMember *member = group.member(request.MemberId);
    if (member == nullptr)
        return reply(joinError(KafkaError::UnknownMemberId, request.MemberId));
    if (!group.supportsProtocols(request.ProtocolType, request.Protocols))
        return reply(joinError(KafkaError::InconsistentGroupProtocol, request.MemberId));
    switch (group.state()) {
    case GroupState::PreparingRebalance: updateMemberAndRebalance(group, *member, request, std::move(reply)); return;
    case GroupState::CompletingRebalance:
        // A member that lost the JoinGroup response gets it again.
        if (member->sameProtocols(request.Protocols))
            return reply(joinResponse(group, *member));
        updateMemberAndRebalance(group, *member, request, std::move(reply));
        return;
    case GroupState::Stable:
        // The leader rejoining means "assign again" (e.g. new partitions).
        if (member->memberId == group.leaderId() || !member->sameProtocols(request.Protocols)) {
            updateMemberAndRebalance(group, *member, request, std::move(reply));
            return;
        }
        heartbeatReceived(*member);
        return reply(joinResponse(group, *member));
    case GroupState::Empty:
    case GroupState::Dead: break;
    }
    reply(joinError(KafkaError::UnknownMemberId, request.MemberId));
}

void GroupCoordinator::addMemberAndRebalance(ConsumerGroup &group, const core::JoinGroupRequest &request,
                                             std::string memberId, const GroupClient &client, JoinReply reply)
{
    GroupMember m;
    m.groupId = group.groupId();
    m.memberId = std::move(memberId);
    m.groupInstanceId = request.GroupInstanceId;
    m.clientId = client.clientId;
    m.clientHost = client.clientHost;
    m.sessionTimeoutMs = request.SessionTimeoutMs;
    m.rebalanceTimeoutMs = request.RebalanceTimeoutMs;
    for (const auto &p : request.Protocols)
        m.protocols.emplace_back(p.Name, p.Metadata);
    m.awaitingJoin = std::move(reply);
    m.lastHeartbeat = m_timers.now();
    m.isNew = true;
    if (group.members().empty())
        group.setProtocolType(request.ProtocolType);
    group.add(std::move(m));
    if (group.is(GroupState::PreparingRebalance))
        maybeCompleteJoin(group);
    else
        prepareRebalance(group);
}

void GroupCoordinator::updateMemberAndRebalance(ConsumerGroup &group, GroupMember &member,
                                                const core::JoinGroupRequest &request, JoinReply reply)
{
    member.protocols.clear();
    for (const auto &p : request.Protocols)
        member.protocols.emplace_back(p.Name, p.Metadata);
    member.sessionTimeoutMs = request.SessionTimeoutMs;
    member.rebalanceTimeoutMs = request.RebalanceTimeoutMs;
    member.lastHeartbeat = m_timers.now();
    // A second JoinGroup from the same member (another connection) replaces
    // the first; that one must still be answered.
    JoinReply previous = std::exchange(member.awaitingJoin, std::move(reply));
    if (group.is(GroupState::PreparingRebalance))
        maybeCompleteJoin(group);
    else
        prepareRebalance(group);
    if (previous)
        previous(joinError(KafkaError::RebalanceInProgress, request.MemberId));
}

void GroupCoordinator::prepareRebalance(ConsumerGroup &group)
{
    if (group.is(GroupState::CompletingRebalance))
        propagateAssignment(group, code(KafkaError::RebalanceInProgress));
    const bool initial = group.is(GroupState::Empty);
    group.transitionTo(GroupState::PreparingRebalance);
    const std::uint64_t epoch = m_nextEpoch++;
    m_joinPhases[group.groupId()] = JoinPhase{epoch, initial};
    std::int32_t rebalanceTimeoutMs = 0;
    for (const auto &[id, m] : group.members())
        rebalanceTimeoutMs = std::max(rebalanceTimeoutMs, m.rebalanceTimeoutMs);
    const auto rebalanceTimeout = std::chrono::milliseconds(rebalanceTimeoutMs);
    const auto deadline = m_timers.now() + rebalanceTimeout;
    if (initial) {
        armJoinTimer(group.groupId(), epoch, std::min(m_config.initialRebalanceDelay, rebalanceTimeout), true, deadline,
                     group.members().size());
        return;
    }
    armJoinTimer(group.groupId(), epoch, rebalanceTimeout, false, deadline, 0);
    maybeCompleteJoin(group);
}

void GroupCoordinator::armJoinTimer(const std::string &groupId, std::uint64_t epoch, std::chrono::milliseconds delay,
                                    bool initial, std::chrono::steady_clock::time_point deadline,
                                    std::size_t membersSeen)
{
    m_timers.runAfter(delay,
                      [this, alive = std::weak_ptr<int>(m_alive), groupId, epoch, initial, deadline, membersSeen] {
                          if (!alive.lock())
                              return;
                          ConsumerGroup *group = find(groupId);
                          const auto phase = m_joinPhases.find(groupId);
                          if (group == nullptr || !group->is(GroupState::PreparingRebalance) ||
                              phase == m_joinPhases.end() || phase->second.epoch != epoch)
                              return;
                          const auto now = m_timers.now();
                          if (initial && group->members().size() > membersSeen && now < deadline) {
                              // Kafka's InitialDelayedJoin: while members keep arriving, wait
                              // another delay, up to the rebalance timeout.
                              const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
                              armJoinTimer(groupId, epoch, std::min(m_config.initialRebalanceDelay, left), true,
                                           deadline, group->members().size());
                              return;
                          }
                          completeJoin(*group);
                      });
}

void GroupCoordinator::maybeCompleteJoin(ConsumerGroup &group)
{
    const auto phase = m_joinPhases.find(group.groupId());
    if (!group.is(GroupState::PreparingRebalance) || (phase != m_joinPhases.end() && phase->second.initial))
        return;
    if (group.allMembersJoined())
        completeJoin(group);
}

core::JoinGroupResponse GroupCoordinator::joinResponse(const ConsumerGroup &group, const GroupMember &member) const
{
    core::JoinGroupResponse r;
    r.GenerationId = group.generationId();
    r.ProtocolType = group.protocolType();
    r.ProtocolName = group.protocolName();
    r.Leader = group.leaderId();
    r.MemberId = member.memberId;
    if (member.memberId == group.leaderId() && group.protocolName()) {
        for (const auto &[id, m] : group.members()) {
            const core::Bytes *metadata = m.metadataFor(*group.protocolName());
            r.Members.push_back({id, m.groupInstanceId, metadata ? *metadata : core::Bytes{}});
        }
    }
    return r;
}

void GroupCoordinator::completeJoin(ConsumerGroup &group)
{
    // Members that did not rejoin in time are out (Kafka's notYetRejoinedMembers).
    std::vector<std::string> gone;
    for (const auto &[id, m] : group.members())
        if (!m.awaitingJoin)
            gone.push_back(id);
    for (const auto &id : gone) {
        emitLog("group " + group.groupId() + ": member " + id + " did not rejoin within the rebalance timeout");
        group.remove(id);
    }
    m_joinPhases.erase(group.groupId());
    group.initNextGeneration();
    recordGeneration(group);
    if (group.is(GroupState::Empty)) {
        forgetIfUnused(group.groupId());
        return;
    }
    std::vector<std::pair<JoinReply, core::JoinGroupResponse>> replies;
    for (auto &[id, m] : group.members()) {
        replies.emplace_back(std::exchange(m.awaitingJoin, nullptr), joinResponse(group, m));
        m.isNew = false;
        heartbeatReceived(m);
    }
    // Answer after the bookkeeping is done: a reply may run other code.
    for (auto &[reply, response] : replies)
        reply(std::move(response));
}

void GroupCoordinator::propagateAssignment(ConsumerGroup &group, std::int16_t error)
{
    std::vector<std::pair<SyncReply, core::SyncGroupResponse>> replies;
    for (auto &[id, m] : group.members()) {
        if (error != 0)
            m.assignment.clear();
        if (!m.awaitingSync)
            continue;
        core::SyncGroupResponse r;
        r.ErrorCode = error;
        r.ProtocolType = group.protocolType();
        r.ProtocolName = group.protocolName();
        r.Assignment = m.assignment;
        replies.emplace_back(std::exchange(m.awaitingSync, nullptr), std::move(r));
        heartbeatReceived(m);
    }
    for (auto &[reply, response] : replies)
        reply(std::move(response));
}

void GroupCoordinator::syncGroup(const core::SyncGroupRequest &request, std::int16_t /*version*/, SyncReply reply)
{
    if (request.GroupId.empty())
        return reply(syncError(KafkaError::InvalidGroupId));
    ConsumerGroup *group = find(request.GroupId);
    if (group == nullptr)
        return reply(syncError(KafkaError::UnknownMemberId));
    if (group->is(GroupState::Dead))
        return reply(syncError(KafkaError::CoordinatorNotAvailable));
    if (fenced(*group, request.GroupInstanceId, request.MemberId))
        return reply(syncError(KafkaError::FencedInstanceId));
    GroupMember *member = group->member(request.MemberId);
    if (member == nullptr)
        return reply(syncError(KafkaError::UnknownMemberId));
    if (request.GenerationId != group->generationId())
        return reply(syncError(KafkaError::IllegalGeneration));
    if ((request.ProtocolType && request.ProtocolType != group->protocolType()) ||
        (request.ProtocolName && request.ProtocolName != group->protocolName()))
        return reply(syncError(KafkaError::InconsistentGroupProtocol));
    switch (group->state()) {
    case GroupState::Empty:
    case GroupState::Dead: return reply(syncError(KafkaError::UnknownMemberId));
    case GroupState::PreparingRebalance: return reply(syncError(KafkaError::RebalanceInProgress));
    case GroupState::CompletingRebalance: {
        SyncReply previous = std::exchange(member->awaitingSync, std::move(reply));
        if (previous)
            previous(syncError(KafkaError::RebalanceInProgress));
        if (request.MemberId != group->leaderId())
            return; // followers wait for the leader's assignment
        for (auto &[id, m] : group->members()) {
            m.assignment.clear();
            for (const auto &a : request.Assignments)
                if (a.MemberId == id)
                    m.assignment = a.Assignment;
        }
        group->transitionTo(GroupState::Stable);
        propagateAssignment(*group, 0);
        return;
    }
    case GroupState::Stable: {
        heartbeatReceived(*member);
        core::SyncGroupResponse r;
        r.ProtocolType = group->protocolType();
        r.ProtocolName = group->protocolName();
        r.Assignment = member->assignment;
        return reply(std::move(r));
    }
    }
}

} // namespace spillway::broker
