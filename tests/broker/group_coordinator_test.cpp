// SPDX-License-Identifier: GPL-3.0-or-later
// The consumer group state machine, driven directly with a manual clock:
// join/sync/heartbeat/leave, session expiry, generation checks.
#include "broker/group/group_coordinator.h"
#include "tests/broker/group_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

using namespace spillway;
using namespace std::chrono_literals;
using broker::GroupCoordinator;
using broker::GroupState;
using core::KafkaError;

namespace {

core::Bytes bytes(std::string_view s)
{
    core::Bytes b;
    for (char c : s)
        b.push_back(static_cast<std::byte>(c));
    return b;
}

/// A coordinator on a temp file with a 100 ms initial delay and short sessions.
struct Fixture {
    test::TempDir dir;
    test::ManualGroupClock clock;
    std::unique_ptr<GroupCoordinator> gc;

    Fixture() { reopen(); }
    void reopen()
    {
        gc.reset();
        broker::GroupCoordinatorConfig config;
        config.offsetsFile = dir / "consumer-offsets";
        config.initialRebalanceDelay = 100ms;
        config.minSessionTimeoutMs = 10;
        auto opened = GroupCoordinator::open(config, clock.groupTimers(), [](const std::string &topic, std::int32_t p) {
            return topic == "orders" && p >= 0 && p < 3;
        });
        REQUIRE(opened.ok());
        gc = std::move(*opened);
    }

    /// Sends a JoinGroup; the answer (maybe later) lands in the returned slot.
    std::shared_ptr<std::optional<core::JoinGroupResponse>>
    join(const std::string &memberId, std::vector<std::string> protocols, std::int16_t version = 5,
         std::int32_t sessionMs = 1000, std::int32_t rebalanceMs = 2000)
    {
        core::JoinGroupRequest r;
        r.GroupId = "g";
        r.SessionTimeoutMs = sessionMs;
        r.RebalanceTimeoutMs = rebalanceMs;
        r.MemberId = memberId;
        r.ProtocolType = "consumer";
        for (const auto &p : protocols)
            r.Protocols.push_back({p, bytes("meta-" + p + "-" + memberId)});
        auto slot = std::make_shared<std::optional<core::JoinGroupResponse>>();
        gc->joinGroup(r, version, {"client", "/127.0.0.1"}, [slot](core::JoinGroupResponse resp) { *slot = resp; });
        return slot;
    }

    /// A v5 join through MEMBER_ID_REQUIRED; returns the pending answer slot and the id.
    std::pair<std::shared_ptr<std::optional<core::JoinGroupResponse>>, std::string>
    joinNew(std::vector<std::string> protocols, std::int32_t sessionMs = 1000)
    {
        auto first = join("", protocols, 5, sessionMs);
        REQUIRE(first->has_value());
        REQUIRE((*first)->ErrorCode == code(KafkaError::MemberIdRequired));
        const std::string id = (*first)->MemberId;
        REQUIRE(!id.empty());
        return {join(id, protocols, 5, sessionMs), id};
    }

    std::shared_ptr<std::optional<core::SyncGroupResponse>>
    sync(const std::string &memberId, std::int32_t generation,
         std::vector<core::SyncGroupRequest::SyncGroupRequestAssignment> assignments = {})
    {
        core::SyncGroupRequest r;
        r.GroupId = "g";
        r.GenerationId = generation;
        r.MemberId = memberId;
        r.Assignments = std::move(assignments);
        auto slot = std::make_shared<std::optional<core::SyncGroupResponse>>();
        gc->syncGroup(r, 3, [slot](core::SyncGroupResponse resp) { *slot = resp; });
        return slot;
    }

    std::int16_t heartbeat(const std::string &memberId, std::int32_t generation)
    {
        core::HeartbeatRequest r;
        r.GroupId = "g";
        r.GenerationId = generation;
        r.MemberId = memberId;
        return gc->heartbeat(r).ErrorCode;
    }

    GroupState state() const { return gc->group("g")->state(); }
};

} // namespace

TEST_CASE("Group join waits for the initial delay, elects the first member leader and picks the common protocol")
{
    Fixture f;
    auto [a, idA] = f.joinNew({"range", "roundrobin"});
    auto [b, idB] = f.joinNew({"roundrobin"});
    CHECK(f.state() == GroupState::PreparingRebalance);
    f.clock.advance(50ms);
    CHECK_FALSE(a->has_value()); // held until the delay passes
    f.clock.advance(60ms);
    // B arrived during the first delay, so the group waits one more (Kafka's
    // InitialDelayedJoin), in case more consumers are starting.
    CHECK_FALSE(a->has_value());
    f.clock.advance(100ms);
    REQUIRE(a->has_value());
    REQUIRE(b->has_value());
    CHECK((*a)->ErrorCode == 0);
    CHECK((*a)->GenerationId == 1);
    CHECK((*a)->Leader == idA);
    CHECK((*b)->Leader == idA);
    CHECK((*a)->ProtocolName == std::optional<std::string>("roundrobin"));
    REQUIRE((*a)->Members.size() == 2); // only the leader learns the members
    CHECK((*b)->Members.empty());
    for (const auto &m : (*a)->Members)
        CHECK(m.Metadata == bytes("meta-roundrobin-" + m.MemberId));
    CHECK(f.state() == GroupState::CompletingRebalance);

    // The follower waits in SyncGroup until the leader sends the assignment.
    auto syncB = f.sync(idB, 1);
    CHECK_FALSE(syncB->has_value());
    auto syncA = f.sync(idA, 1, {{idA, bytes("assign-a")}, {idB, bytes("assign-b")}});
    REQUIRE(syncA->has_value());
    REQUIRE(syncB->has_value());
    CHECK((*syncA)->Assignment == bytes("assign-a"));
    CHECK((*syncB)->Assignment == bytes("assign-b"));
    CHECK(f.state() == GroupState::Stable);

    CHECK(f.heartbeat(idA, 1) == 0);
    CHECK(f.heartbeat(idA, 0) == code(KafkaError::IllegalGeneration));
    CHECK(f.heartbeat("stranger", 1) == code(KafkaError::UnknownMemberId));
    auto stale = f.sync(idA, 7);
    REQUIRE(stale->has_value());
    CHECK((*stale)->ErrorCode == code(KafkaError::IllegalGeneration));
}

TEST_CASE("Group JoinGroup v3 gets a member id at once and a mismatched protocol is refused")
{
    Fixture f;
    auto a = f.join("", {"range"}, 3);
    CHECK_FALSE(a->has_value());
    auto other = f.join("", {"sticky"}, 3);
    REQUIRE(other->has_value());
    CHECK((*other)->ErrorCode == code(KafkaError::InconsistentGroupProtocol));
    f.clock.advance(100ms);
    REQUIRE(a->has_value());
    CHECK((*a)->ErrorCode == 0);
    CHECK((*a)->MemberId.rfind("client-", 0) == 0);
    CHECK((*a)->Leader == (*a)->MemberId);
}

TEST_CASE("Group rebalance for a new member completes once every member rejoined")
{
    Fixture f;
    auto [a, idA] = f.joinNew({"range"});
    f.clock.advance(100ms);
    REQUIRE(a->has_value());
    REQUIRE(f.sync(idA, 1, {{idA, bytes("all")}})->has_value());
    CHECK(f.state() == GroupState::Stable);

    auto [b, idB] = f.joinNew({"range"});
    CHECK(f.state() == GroupState::PreparingRebalance);
    CHECK(f.heartbeat(idA, 1) == code(KafkaError::RebalanceInProgress));
    CHECK_FALSE(b->has_value());
    auto a2 = f.join(idA, {"range"});
    // No initial delay for a group that already has a generation.
    REQUIRE(a2->has_value());
    REQUIRE(b->has_value());
    CHECK((*a2)->GenerationId == 2);
    CHECK((*b)->GenerationId == 2);
    CHECK((*a2)->Members.size() == 2);

    // A commit while the assignment is pending is refused, as Kafka does.
    core::OffsetCommitRequest c;
    c.GroupId = "g";
    c.GenerationIdOrMemberEpoch = 2;
    c.MemberId = idB;
    c.Topics = {{"orders", {{0, 5, -1, -1, std::string()}}}};
    CHECK(f.gc->commitOffsets(c, 7).Topics[0].Partitions[0].ErrorCode == code(KafkaError::RebalanceInProgress));

    // A new rebalance answers a waiting SyncGroup with REBALANCE_IN_PROGRESS.
    auto syncB = f.sync(idB, 2);
    CHECK_FALSE(syncB->has_value());
    auto [c3, idC] = f.joinNew({"range"});
    REQUIRE(syncB->has_value());
    CHECK((*syncB)->ErrorCode == code(KafkaError::RebalanceInProgress));
    (void)c3;
    (void)idC;
}

TEST_CASE("Group member that stops heartbeating expires after its session timeout")
{
    Fixture f;
    auto [a, idA] = f.joinNew({"range"}, 1000);
    auto [b, idB] = f.joinNew({"range"}, 300);
    f.clock.advance(200ms);
    REQUIRE(b->has_value());
    const std::int32_t gen = (*a)->GenerationId;
    auto syncB = f.sync(idB, gen);
    REQUIRE(f.sync(idA, gen, {{idA, bytes("x")}, {idB, bytes("y")}})->has_value());
    REQUIRE(syncB->has_value());
    // A heartbeats, B does not: within B's 300 ms session nothing happens.
    f.clock.advance(200ms);
    CHECK(f.heartbeat(idA, gen) == 0);
    CHECK(f.gc->group("g")->members().count(idB) == 1);
    f.clock.advance(200ms);
    CHECK(f.gc->group("g")->members().count(idB) == 0);
    CHECK(f.state() == GroupState::PreparingRebalance);
    CHECK(f.heartbeat(idA, gen) == code(KafkaError::RebalanceInProgress));
    CHECK(f.heartbeat(idB, gen) == code(KafkaError::UnknownMemberId));
    auto a2 = f.join(idA, {"range"});
    REQUIRE(a2->has_value());
    CHECK((*a2)->GenerationId == gen + 1);
    CHECK((*a2)->Members.size() == 1);
}

TEST_CASE("Group member that does not rejoin within the rebalance timeout is dropped")
{
    Fixture f;
    auto [a, idA] = f.joinNew({"range"}, 5000);
    auto [b, idB] = f.joinNew({"range"}, 5000);
    f.clock.advance(200ms);
    REQUIRE(a->has_value());
    auto syncB = f.sync(idB, 1);
    REQUIRE(f.sync(idA, 1, {})->has_value());
    // A rejoins (the leader asking for a new assignment); B never does.
    auto a2 = f.join(idA, {"range"}, 5, 5000, 2000);
    CHECK_FALSE(a2->has_value());
    f.clock.advance(1900ms);
    CHECK_FALSE(a2->has_value());
    f.clock.advance(200ms);
    REQUIRE(a2->has_value());
    CHECK((*a2)->GenerationId == 2);
    CHECK((*a2)->Members.size() == 1);
    CHECK(f.gc->group("g")->members().count(idB) == 0);
}

TEST_CASE("Group LeaveGroup v3 removes a batch of members and the last leave empties the group")
{
    Fixture f;
    auto [a, idA] = f.joinNew({"range"});
    auto [b, idB] = f.joinNew({"range"});
    f.clock.advance(200ms);
    REQUIRE(a->has_value());

    core::LeaveGroupRequest leave;
    leave.GroupId = "g";
    leave.Members = {{idA, std::nullopt, std::nullopt}, {"nobody", std::nullopt, std::nullopt}};
    auto r = f.gc->leaveGroup(leave, 3);
    REQUIRE(r.Members.size() == 2);
    CHECK(r.Members[0].ErrorCode == 0);
    CHECK(r.Members[1].ErrorCode == code(KafkaError::UnknownMemberId));
    CHECK(f.state() == GroupState::PreparingRebalance);
    CHECK(f.gc->group("g")->leaderId() == idB);

    // v0-2 carry one member id and answer with a top-level error.
    core::LeaveGroupRequest old;
    old.GroupId = "g";
    old.MemberId = idB;
    CHECK(f.gc->leaveGroup(old, 1).ErrorCode == 0);
    CHECK(f.gc->leaveGroup(old, 1).ErrorCode == code(KafkaError::UnknownMemberId));
    CHECK(f.state() == GroupState::Empty);
    CHECK(f.gc->group("g")->generationId() == 2);
}

TEST_CASE("Group static member rejoining under a new id replaces its old identity")
{
    Fixture f;
    core::JoinGroupRequest r;
    r.GroupId = "g";
    r.SessionTimeoutMs = 1000;
    r.RebalanceTimeoutMs = 1000;
    r.GroupInstanceId = "instance-1";
    r.ProtocolType = "consumer";
    r.Protocols = {{"range", bytes("m")}};
    std::optional<core::JoinGroupResponse> first, second;
    f.gc->joinGroup(r, 5, {"c", "/h"}, [&](core::JoinGroupResponse x) { first = x; });
    f.clock.advance(100ms);
    REQUIRE(first);
    CHECK(first->ErrorCode == 0); // static members skip MEMBER_ID_REQUIRED
    f.gc->joinGroup(r, 5, {"c", "/h"}, [&](core::JoinGroupResponse x) { second = x; });
    f.clock.advance(100ms);
    REQUIRE(second);
    CHECK(second->ErrorCode == 0);
    CHECK(second->MemberId != first->MemberId);
    // The old id is fenced now.
    core::HeartbeatRequest hb;
    hb.GroupId = "g";
    hb.GenerationId = second->GenerationId;
    hb.MemberId = first->MemberId;
    hb.GroupInstanceId = "instance-1";
    CHECK(f.gc->heartbeat(hb).ErrorCode == code(KafkaError::FencedInstanceId));
}

TEST_CASE("Group ListGroups and DescribeGroups report states, members and assignment bytes")
{
    Fixture f;
    auto [a, idA] = f.joinNew({"range"});
    f.clock.advance(100ms);
    REQUIRE(a->has_value());
    core::DescribeGroupsRequest d;
    d.Groups = {"g", "unknown"};
    auto before = f.gc->describeGroups(d);
    CHECK(before.Groups[0].GroupState == "CompletingRebalance");
    CHECK(before.Groups[0].Members[0].MemberAssignment.empty());
    REQUIRE(f.sync(idA, 1, {{idA, bytes("assignment-bytes")}})->has_value());
    auto after = f.gc->describeGroups(d);
    REQUIRE(after.Groups.size() == 2);
    CHECK(after.Groups[0].GroupState == "Stable");
    CHECK(after.Groups[0].ProtocolType == "consumer");
    CHECK(after.Groups[0].ProtocolData == "range");
    REQUIRE(after.Groups[0].Members.size() == 1);
    CHECK(after.Groups[0].Members[0].MemberId == idA);
    CHECK(after.Groups[0].Members[0].ClientHost == "/127.0.0.1");
    CHECK(after.Groups[0].Members[0].MemberMetadata == bytes("meta-range-" + idA));
    CHECK(after.Groups[0].Members[0].MemberAssignment == bytes("assignment-bytes"));
    CHECK(after.Groups[1].GroupState == "Dead");

    core::ListGroupsRequest l;
    auto all = f.gc->listGroups(l);
    REQUIRE(all.Groups.size() == 1);
    CHECK(all.Groups[0].GroupId == "g");
    CHECK(all.Groups[0].GroupState == "Stable");
    l.StatesFilter = {"empty"};
    CHECK(f.gc->listGroups(l).Groups.empty());
}
