// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/protocol/messages/join_group.h"
#include "core/protocol/messages/sync_group.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spillway::broker {

/// The classic group states, as Kafka's GroupState.
enum class GroupState { Empty, PreparingRebalance, CompletingRebalance, Stable, Dead };

/// Kafka's name of a state ("PreparingRebalance"), as ListGroups/DescribeGroups report it.
std::string_view toString(GroupState state) noexcept;

/// One member of a group, as Kafka's MemberMetadata: its protocols (by
/// preference), assignment, session and the responses it is waiting for.
struct GroupMember {
    using Clock = std::chrono::steady_clock;

    std::string groupId;
    std::string memberId;
    std::optional<std::string> groupInstanceId;
    std::string clientId;
    std::string clientHost;
    std::int32_t sessionTimeoutMs = 0;
    std::int32_t rebalanceTimeoutMs = 0;
    std::vector<std::pair<std::string, core::Bytes>> protocols; ///< name and metadata, preferred first
    core::Bytes assignment;
    /// A JoinGroup / SyncGroup held until the rebalance gets there.
    std::function<void(core::JoinGroupResponse)> awaitingJoin;
    std::function<void(core::SyncGroupResponse)> awaitingSync;
    Clock::time_point lastHeartbeat{};
    bool isNew = false;      ///< joined in this rebalance and has not completed a join yet
    bool timerArmed = false; ///< a session check is scheduled for this member

    [[nodiscard]] const core::Bytes *metadataFor(const std::string &protocol) const;
    [[nodiscard]] bool sameProtocols(const std::vector<core::JoinGroupRequest::JoinGroupRequestProtocol> &p) const;
};

/// One consumer group, as Kafka's GroupMetadata: state, generation, chosen
/// protocol, leader, members (and members that were told MEMBER_ID_REQUIRED
/// and have not joined yet), and the static-member mapping. The protocol
/// logic lives in GroupCoordinator; this class keeps the bookkeeping
/// consistent. Loop thread only.
class ConsumerGroup {
public:
    explicit ConsumerGroup(std::string groupId) : m_groupId(std::move(groupId)) {}

    [[nodiscard]] const std::string &groupId() const noexcept { return m_groupId; }
    [[nodiscard]] GroupState state() const noexcept { return m_state; }
    void transitionTo(GroupState state) noexcept { m_state = state; }
    [[nodiscard]] bool is(GroupState s) const noexcept { return m_state == s; }

    [[nodiscard]] std::int32_t generationId() const noexcept { return m_generationId; }
    void setGenerationId(std::int32_t g) noexcept { m_generationId = g; }
    [[nodiscard]] const std::optional<std::string> &protocolType() const noexcept { return m_protocolType; }
    void setProtocolType(std::optional<std::string> t) { m_protocolType = std::move(t); }
    [[nodiscard]] const std::optional<std::string> &protocolName() const noexcept { return m_protocolName; }
    [[nodiscard]] const std::string &leaderId() const noexcept { return m_leaderId; }

    [[nodiscard]] std::map<std::string, GroupMember> &members() noexcept { return m_members; }
    [[nodiscard]] const std::map<std::string, GroupMember> &members() const noexcept { return m_members; }
    [[nodiscard]] GroupMember *member(const std::string &memberId);
    [[nodiscard]] bool has(const std::string &memberId) const { return m_members.count(memberId) != 0; }
    void add(GroupMember member);
    /// Removes a member (its held responses must have been answered).
    void remove(const std::string &memberId);

    [[nodiscard]] std::set<std::string> &pendingMembers() noexcept { return m_pendingMembers; }
    /// group.instance.id -> member id of static members.
    [[nodiscard]] std::optional<std::string> staticMemberId(const std::string &instanceId) const;

    /// Whether a member with these protocols may join (Kafka's supportsProtocols).
    [[nodiscard]] bool supportsProtocols(const std::string &protocolType,
                                         const std::vector<core::JoinGroupRequest::JoinGroupRequestProtocol> &p) const;
    /// Every member waits in JoinGroup and nobody is between MEMBER_ID_REQUIRED and its join.
    [[nodiscard]] bool allMembersJoined() const;
    /// Starts the next generation: bumps the generation and picks the
    /// protocol (Empty if no member is left, else CompletingRebalance).
    void initNextGeneration();

private:
    [[nodiscard]] std::string selectProtocol() const;

    std::string m_groupId;
    GroupState m_state = GroupState::Empty;
    std::int32_t m_generationId = 0;
    std::optional<std::string> m_protocolType;
    std::optional<std::string> m_protocolName;
    std::string m_leaderId;
    std::map<std::string, GroupMember> m_members;
    std::set<std::string> m_pendingMembers;
    std::map<std::string, std::string> m_staticMembers;
};

} // namespace spillway::broker
