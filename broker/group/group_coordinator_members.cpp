// SPDX-License-Identifier: GPL-3.0-or-later
// Membership outside JoinGroup/SyncGroup: heartbeats, sessions and their
// expiry, LeaveGroup, and removing members.
#include "broker/group/group_coordinator.h"
#include "broker/group/group_errors.h"

namespace spillway::broker {

using core::KafkaError;

core::HeartbeatResponse GroupCoordinator::heartbeat(const core::HeartbeatRequest &request)
{
    core::HeartbeatResponse r;
    ConsumerGroup *group = find(request.GroupId);
    GroupMember *member = group ? group->member(request.MemberId) : nullptr;
    if (request.GroupId.empty())
        r.ErrorCode = code(KafkaError::InvalidGroupId);
    else if (group == nullptr)
        r.ErrorCode = code(KafkaError::UnknownMemberId);
    else if (group->is(GroupState::Dead))
        r.ErrorCode = code(KafkaError::CoordinatorNotAvailable);
    else if (fenced(*group, request.GroupInstanceId, request.MemberId))
        r.ErrorCode = code(KafkaError::FencedInstanceId);
    else if (member == nullptr)
        r.ErrorCode = code(KafkaError::UnknownMemberId);
    else if (request.GenerationId != group->generationId())
        r.ErrorCode = code(KafkaError::IllegalGeneration);
    else {
        heartbeatReceived(*member);
        if (group->is(GroupState::PreparingRebalance))
            r.ErrorCode = code(KafkaError::RebalanceInProgress);
    }
    return r;
}

core::LeaveGroupResponse GroupCoordinator::leaveGroup(const core::LeaveGroupRequest &request, std::int16_t version)
{
    std::vector<core::LeaveGroupRequest::MemberIdentity> leaving = request.Members;
    if (version < 3)
        leaving = {{request.MemberId, std::nullopt, std::nullopt}};
    core::LeaveGroupResponse r;
    ConsumerGroup *group = find(request.GroupId);
    if (request.GroupId.empty()) {
        r.ErrorCode = code(KafkaError::InvalidGroupId);
        return r;
    }
    if (group != nullptr && group->is(GroupState::Dead)) {
        r.ErrorCode = code(KafkaError::CoordinatorNotAvailable);
        return r;
    }
    for (const auto &who : leaving) {
        core::LeaveGroupResponse::MemberResponse m{who.MemberId, who.GroupInstanceId, 0};
        KafkaError e = KafkaError::None;
        if (group == nullptr) {
            e = KafkaError::UnknownMemberId;
        } else if (who.GroupInstanceId) {
            const auto owner = group->staticMemberId(*who.GroupInstanceId);
            if (!owner)
                e = KafkaError::UnknownMemberId;
            else if (!who.MemberId.empty() && who.MemberId != *owner)
                e = KafkaError::FencedInstanceId;
            else
                removeMemberAndUpdateGroup(*group, *owner);
        } else if (group->pendingMembers().erase(who.MemberId) != 0) {
            maybeCompleteJoin(*group);
        } else if (!group->has(who.MemberId)) {
            e = KafkaError::UnknownMemberId;
        } else {
            removeMemberAndUpdateGroup(*group, who.MemberId);
        }
        m.ErrorCode = code(e);
        r.Members.push_back(std::move(m));
    }
    if (version < 3 && !r.Members.empty())
        r.ErrorCode = r.Members.front().ErrorCode; // v0-2 have one member and a top-level error
    return r;
}

void GroupCoordinator::removeMemberAndUpdateGroup(ConsumerGroup &group, const std::string &memberId)
{
    GroupMember *member = group.member(memberId);
    if (member == nullptr)
        return;
    JoinReply join = std::move(member->awaitingJoin);
    SyncReply sync = std::move(member->awaitingSync);
    group.remove(memberId);
    switch (group.state()) {
    case GroupState::Stable:
    case GroupState::CompletingRebalance: prepareRebalance(group); break;
    case GroupState::PreparingRebalance: maybeCompleteJoin(group); break;
    case GroupState::Empty:
    case GroupState::Dead: break;
    }
    // Held responses are answered, never dropped: a dropped one would keep
    // its connection muted.
    if (join)
        join(joinError(KafkaError::UnknownMemberId, memberId));
    if (sync)
        sync(syncError(KafkaError::UnknownMemberId));
}

void GroupCoordinator::heartbeatReceived(GroupMember &member)
{
    member.lastHeartbeat = m_timers.now();
    if (!member.timerArmed)
        armSessionTimer(member, std::chrono::milliseconds(member.sessionTimeoutMs));
}

void GroupCoordinator::armSessionTimer(GroupMember &member, std::chrono::milliseconds delay)
{
    // One timer per member at a time: heartbeats only move lastHeartbeat and
    // the timer re-arms itself for the rest of the session when it fires.
    member.timerArmed = true;
    m_timers.runAfter(
        delay, [this, alive = std::weak_ptr<int>(m_alive), groupId = member.groupId, memberId = member.memberId] {
            if (alive.lock())
                checkSession(groupId, memberId);
        });
}

void GroupCoordinator::checkSession(const std::string &groupId, const std::string &memberId)
{
    ConsumerGroup *group = find(groupId);
    GroupMember *member = group ? group->member(memberId) : nullptr;
    if (member == nullptr)
        return;
    member->timerArmed = false;
    const auto session = std::chrono::milliseconds(member->sessionTimeoutMs);
    const auto now = m_timers.now();
    // As Kafka's shouldKeepAlive: a member waiting in JoinGroup or SyncGroup
    // is not expected to heartbeat.
    if (member->awaitingJoin || member->awaitingSync) {
        member->lastHeartbeat = now;
        armSessionTimer(*member, session);
        return;
    }
    const auto deadline = member->lastHeartbeat + session;
    if (now < deadline) {
        armSessionTimer(*member, std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
        return;
    }
    emitLog("group " + groupId + ": member " + memberId + " expired after a session timeout of " +
            std::to_string(member->sessionTimeoutMs) + " ms");
    removeMemberAndUpdateGroup(*group, memberId);
}

void GroupCoordinator::armPendingMemberTimer(const std::string &groupId, const std::string &memberId,
                                             std::chrono::milliseconds delay)
{
    m_timers.runAfter(delay, [this, alive = std::weak_ptr<int>(m_alive), groupId, memberId] {
        if (!alive.lock())
            return;
        ConsumerGroup *group = find(groupId);
        if (group == nullptr || group->pendingMembers().erase(memberId) == 0)
            return;
        maybeCompleteJoin(*group);
        forgetIfUnused(groupId);
    });
}

void GroupCoordinator::forgetIfUnused(const std::string &groupId)
{
    // Kafka drops an Empty group once it has no offsets left (as Dead); here
    // that is at once, since nothing else refers to such a group.
    const auto it = m_groups.find(groupId);
    if (it == m_groups.end())
        return;
    ConsumerGroup &group = *it->second;
    if (!group.is(GroupState::Empty) || !group.members().empty() || !group.pendingMembers().empty() ||
        m_store.offsets(groupId) != nullptr || m_store.groups().count(groupId) != 0)
        return;
    group.transitionTo(GroupState::Dead);
    m_joinPhases.erase(groupId);
    m_groups.erase(it);
}

void GroupCoordinator::recordGeneration(const ConsumerGroup &group)
{
    if (auto st = m_store.recordGroup(group.groupId(), {group.protocolType().value_or(""), group.generationId()});
        !st.ok())
        emitLog("group " + group.groupId() + ": cannot record generation " + std::to_string(group.generationId()) +
                ": " + st.error().describe());
}

} // namespace spillway::broker
