// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/group/consumer_group.h"
#include "broker/group/offset_store.h"
#include "core/protocol/messages/describe_groups.h"
#include "core/protocol/messages/heartbeat.h"
#include "core/protocol/messages/leave_group.h"
#include "core/protocol/messages/list_groups.h"
#include "core/protocol/messages/offset_commit.h"
#include "core/protocol/messages/offset_fetch.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>

namespace spillway::broker {

/// Settings, with Kafka's names and defaults.
struct GroupCoordinatorConfig {
    std::filesystem::path offsetsFile;                             ///< e.g. <metadata dir>/consumer-offsets
    std::chrono::milliseconds initialRebalanceDelay{3000};         ///< group.initial.rebalance.delay.ms
    std::int32_t minSessionTimeoutMs = 6000;                       ///< group.min.session.timeout.ms
    std::int32_t maxSessionTimeoutMs = 1800000;                    ///< group.max.session.timeout.ms
    std::size_t maxMetadataBytes = 4096;                           ///< offset.metadata.max.bytes
    std::chrono::milliseconds newMemberJoinTimeout{5 * 60 * 1000}; ///< Kafka's GroupCoordinator.NewMemberJoinTimeoutMs
    std::size_t compactAfterBytes = 4u << 20;                      ///< offsets log size before compaction is considered
};

/// Time for the coordinator: the broker passes its event loop, tests a
/// manual clock. runAfter timers cannot be cancelled; each one re-checks the
/// state it was armed for when it fires.
struct GroupTimers {
    std::function<std::chrono::steady_clock::time_point()> now;
    std::function<void(std::chrono::milliseconds, std::function<void()>)> runAfter;
    std::function<std::int64_t()> wallClockMs; ///< commit timestamps
};

/// Who sent a JoinGroup (DescribeGroups reports it).
struct GroupClient {
    std::string clientId;
    std::string clientHost;
};

/// The classic consumer group coordinator of this broker, after Kafka's
/// GroupCoordinator: membership and rebalances (JoinGroup held until the
/// rebalance completes, SyncGroup until the leader's assignment arrives),
/// sessions, and committed offsets kept in an OffsetStore file. JoinGroup and
/// SyncGroup answer through a callback, possibly later; everything else
/// answers at once. Single-threaded: every call and every timer runs on the
/// broker's loop thread, so there are no locks. Held responses are answered
/// by coordinator events only, never from the destructor.
class GroupCoordinator {
public:
    using TopicPartitionExists = std::function<bool(const std::string &topic, std::int32_t partition)>;
    using JoinReply = std::function<void(core::JoinGroupResponse)>;
    using SyncReply = std::function<void(core::SyncGroupResponse)>;

    static core::Result<std::unique_ptr<GroupCoordinator>> open(GroupCoordinatorConfig config, GroupTimers timers,
                                                                TopicPartitionExists exists);
    ~GroupCoordinator();
    GroupCoordinator(const GroupCoordinator &) = delete;
    GroupCoordinator &operator=(const GroupCoordinator &) = delete;

    void joinGroup(const core::JoinGroupRequest &request, std::int16_t version, const GroupClient &client,
                   JoinReply reply);
    void syncGroup(const core::SyncGroupRequest &request, std::int16_t version, SyncReply reply);
    core::HeartbeatResponse heartbeat(const core::HeartbeatRequest &request);
    core::LeaveGroupResponse leaveGroup(const core::LeaveGroupRequest &request, std::int16_t version);
    core::OffsetCommitResponse commitOffsets(const core::OffsetCommitRequest &request, std::int16_t version);
    core::OffsetFetchResponse fetchOffsets(const core::OffsetFetchRequest &request, std::int16_t version);
    core::ListGroupsResponse listGroups(const core::ListGroupsRequest &request) const;
    core::DescribeGroupsResponse describeGroups(const core::DescribeGroupsRequest &request) const;

    /// For tests and the console: a group's state and generation.
    [[nodiscard]] const ConsumerGroup *group(const std::string &groupId) const;
    /// Empty, or what opening the offsets file had to repair.
    [[nodiscard]] const std::string &recoveryNote() const noexcept { return m_store.recoveryNote(); }

    std::function<void(const std::string &)> log;

private:
    GroupCoordinator(GroupCoordinatorConfig config, GroupTimers timers, TopicPartitionExists exists, OffsetStore store);

    ConsumerGroup &getOrCreate(const std::string &groupId);
    ConsumerGroup *find(const std::string &groupId);
    std::string newMemberId(const std::string &clientId);

    void joinUnknownMember(ConsumerGroup &group, const core::JoinGroupRequest &request, std::int16_t version,
                           const GroupClient &client, JoinReply reply);
    void joinKnownMember(ConsumerGroup &group, const core::JoinGroupRequest &request, const GroupClient &client,
                         JoinReply reply);
    void addMemberAndRebalance(ConsumerGroup &group, const core::JoinGroupRequest &request, std::string memberId,
                               const GroupClient &client, JoinReply reply);
    void updateMemberAndRebalance(ConsumerGroup &group, GroupMember &member, const core::JoinGroupRequest &request,
                                  JoinReply reply);
    void prepareRebalance(ConsumerGroup &group);
    void armJoinTimer(const std::string &groupId, std::uint64_t epoch, std::chrono::milliseconds delay, bool initial,
                      std::chrono::steady_clock::time_point deadline, std::size_t membersSeen);
    void maybeCompleteJoin(ConsumerGroup &group);
    void completeJoin(ConsumerGroup &group);
    [[nodiscard]] core::JoinGroupResponse joinResponse(const ConsumerGroup &group, const GroupMember &member) const;
    void propagateAssignment(ConsumerGroup &group, std::int16_t error);
    /// Removes a member, answering anything it waits for, and moves the group on.
    void removeMemberAndUpdateGroup(ConsumerGroup &group, const std::string &memberId);
    void heartbeatReceived(GroupMember &member);
    void armSessionTimer(GroupMember &member, std::chrono::milliseconds delay);
    void checkSession(const std::string &groupId, const std::string &memberId);
    void armPendingMemberTimer(const std::string &groupId, const std::string &memberId, std::chrono::milliseconds d);
    /// Kafka's isStaticMemberFenced: the instance id belongs to another member.
    [[nodiscard]] bool fenced(const ConsumerGroup &group, const std::optional<std::string> &instanceId,
                              const std::string &memberId) const;
    void forgetIfUnused(const std::string &groupId);
    void recordGeneration(const ConsumerGroup &group);

    core::OffsetFetchResponse::OffsetFetchResponseGroup
    fetchGroup(const std::string &groupId,
               const std::optional<std::vector<std::pair<std::string, std::vector<std::int32_t>>>> &topics);
    void emitLog(const std::string &line) const;

    GroupCoordinatorConfig m_config;
    GroupTimers m_timers;
    TopicPartitionExists m_exists;
    OffsetStore m_store;
    std::map<std::string, std::unique_ptr<ConsumerGroup>> m_groups;
    /// The rebalance a group is in: its number (so that stale join timers do
    /// nothing) and whether it is the initial delayed join of an empty group,
    /// which waits group.initial.rebalance.delay.ms instead of completing as
    /// soon as every member has joined.
    struct JoinPhase {
        std::uint64_t epoch = 0;
        bool initial = false;
    };
    std::map<std::string, JoinPhase> m_joinPhases;
    std::uint64_t m_nextEpoch = 1;
    std::mt19937_64 m_rng; ///< member ids: clientId-<random uuid>, as Kafka
    /// Timers hold a weak copy, so one firing after destruction does nothing.
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace spillway::broker
