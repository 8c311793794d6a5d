// SPDX-License-Identifier: GPL-3.0-or-later
// Committed offsets: Kafka's commit checks, OffsetFetch v1-v8, and the
// consumer-offsets file across reopen, torn tails and compaction.
#include "broker/group/group_coordinator.h"
#include "broker/group/offset_store.h"
#include "tests/broker/group_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iostream>

using namespace spillway;
using namespace std::chrono_literals;
using broker::CommittedOffset;
using broker::GroupCoordinator;
using broker::OffsetStore;
using core::KafkaError;

namespace {

std::unique_ptr<GroupCoordinator> openCoordinator(const std::filesystem::path &file, test::ManualGroupClock &clock)
{
    broker::GroupCoordinatorConfig config;
    config.offsetsFile = file;
    config.initialRebalanceDelay = 10ms;
    auto gc = GroupCoordinator::open(config, clock.groupTimers(), [](const std::string &t, std::int32_t p) {
        return t == "orders" && p >= 0 && p < 3;
    });
    REQUIRE(gc.ok());
    return std::move(*gc);
}

core::OffsetCommitRequest simpleCommit(const std::string &group, std::int32_t partition, std::int64_t offset,
                                       std::optional<std::string> metadata = std::string("m"))
{
    core::OffsetCommitRequest r;
    r.GroupId = group;
    r.Topics = {{"orders", {{partition, offset, 7, -1, std::move(metadata)}}}};
    return r;
}

core::OffsetFetchResponse fetchAll(GroupCoordinator &gc, const std::string &group)
{
    core::OffsetFetchRequest f;
    f.GroupId = group;
    f.Topics = std::nullopt;
    return gc.fetchOffsets(f, 7);
}

} // namespace

TEST_CASE("Offsets simple commit with generation -1 creates an Empty group and OffsetFetch returns it")
{
    test::TempDir dir;
    test::ManualGroupClock clock;
    auto gc = openCoordinator(dir / "consumer-offsets", clock);
    auto r = gc->commitOffsets(simpleCommit("simple", 1, 42), 7);
    REQUIRE(r.Topics.size() == 1);
    CHECK(r.Topics[0].Partitions[0].ErrorCode == 0);
    REQUIRE(gc->group("simple") != nullptr);
    CHECK(gc->group("simple")->state() == broker::GroupState::Empty);

    core::OffsetFetchRequest f;
    f.GroupId = "simple";
    f.Topics = std::vector<core::OffsetFetchRequest::OffsetFetchRequestTopic>{{"orders", {1, 2}}};
    auto got = gc->fetchOffsets(f, 5);
    REQUIRE(got.Topics.size() == 1);
    REQUIRE(got.Topics[0].Partitions.size() == 2);
    CHECK(got.Topics[0].Partitions[0].CommittedOffset == 42);
    CHECK(got.Topics[0].Partitions[0].CommittedLeaderEpoch == 7);
    CHECK(got.Topics[0].Partitions[0].Metadata == std::optional<std::string>("m"));
    CHECK(got.Topics[0].Partitions[1].CommittedOffset == -1); // never committed
    CHECK(got.Topics[0].Partitions[1].Metadata == std::optional<std::string>(""));

    // A null metadata is stored as "", as Kafka does.
    REQUIRE(gc->commitOffsets(simpleCommit("simple", 2, 9, std::nullopt), 7).Topics[0].Partitions[0].ErrorCode == 0);
    auto all = fetchAll(*gc, "simple");
    REQUIRE(all.Topics.size() == 1);
    REQUIRE(all.Topics[0].Partitions.size() == 2);
    CHECK(all.Topics[0].Partitions[1].CommittedOffset == 9);
    CHECK(all.Topics[0].Partitions[1].Metadata == std::optional<std::string>(""));
}

TEST_CASE("Offsets commit checks unknown partitions, metadata size, members and generations")
{
    test::TempDir dir;
    test::ManualGroupClock clock;
    auto gc = openCoordinator(dir / "consumer-offsets", clock);

    auto unknown = simpleCommit("g", 0, 1);
    unknown.Topics.push_back({"nope", {{0, 1, -1, -1, std::string()}}});
    unknown.Topics[0].Partitions.push_back({3, 1, -1, -1, std::string()});
    auto r = gc->commitOffsets(unknown, 7);
    CHECK(r.Topics[0].Partitions[0].ErrorCode == 0);
    CHECK(r.Topics[0].Partitions[1].ErrorCode == code(KafkaError::UnknownTopicOrPartition));
    CHECK(r.Topics[1].Partitions[0].ErrorCode == code(KafkaError::UnknownTopicOrPartition));

    auto big = simpleCommit("g", 0, 2, std::string(5000, 'x'));
    CHECK(gc->commitOffsets(big, 7).Topics[0].Partitions[0].ErrorCode == code(KafkaError::OffsetMetadataTooLarge));

    // A generation for a group that does not exist.
    auto ghost = simpleCommit("ghost", 0, 1);
    ghost.GenerationIdOrMemberEpoch = 3;
    ghost.MemberId = "m";
    CHECK(gc->commitOffsets(ghost, 7).Topics[0].Partitions[0].ErrorCode == code(KafkaError::IllegalGeneration));

    // A live group: a member commit needs the right member and generation,
    // and a simple commit is refused once the group has members.
    core::JoinGroupRequest j;
    j.GroupId = "live";
    j.SessionTimeoutMs = 10000;
    j.RebalanceTimeoutMs = 10000;
    j.ProtocolType = "consumer";
    j.Protocols = {{"range", {}}};
    std::optional<core::JoinGroupResponse> joined;
    gc->joinGroup(j, 3, {"c", "/h"}, [&](core::JoinGroupResponse x) { joined = x; });
    clock.advance(10ms);
    REQUIRE(joined);
    std::optional<core::SyncGroupResponse> synced;
    core::SyncGroupRequest s;
    s.GroupId = "live";
    s.GenerationId = joined->GenerationId;
    s.MemberId = joined->MemberId;
    gc->syncGroup(s, 3, [&](core::SyncGroupResponse x) { synced = x; });
    REQUIRE(synced);

    auto member = simpleCommit("live", 0, 10);
    member.MemberId = joined->MemberId;
    member.GenerationIdOrMemberEpoch = joined->GenerationId;
    CHECK(gc->commitOffsets(member, 7).Topics[0].Partitions[0].ErrorCode == 0);
    member.GenerationIdOrMemberEpoch = joined->GenerationId + 1;
    CHECK(gc->commitOffsets(member, 7).Topics[0].Partitions[0].ErrorCode == code(KafkaError::IllegalGeneration));
    member.GenerationIdOrMemberEpoch = joined->GenerationId;
    member.MemberId = "other";
    CHECK(gc->commitOffsets(member, 7).Topics[0].Partitions[0].ErrorCode == code(KafkaError::UnknownMemberId));
    CHECK(gc->commitOffsets(simpleCommit("live", 0, 11), 7).Topics[0].Partitions[0].ErrorCode ==
          code(KafkaError::UnknownMemberId));
    CHECK(fetchAll(*gc, "live").Topics[0].Partitions[0].CommittedOffset == 10);
}

TEST_CASE("Offsets OffsetFetch v8 answers several groups")
{
    test::TempDir dir;
    test::ManualGroupClock clock;
    auto gc = openCoordinator(dir / "consumer-offsets", clock);
    REQUIRE(gc->commitOffsets(simpleCommit("a", 0, 1), 8).Topics[0].Partitions[0].ErrorCode == 0);
    REQUIRE(gc->commitOffsets(simpleCommit("b", 2, 2), 8).Topics[0].Partitions[0].ErrorCode == 0);
    core::OffsetFetchRequest f;
    f.Groups.push_back({"a", std::nullopt, -1, std::nullopt});
    f.Groups.push_back(
        {"b", std::nullopt, -1,
         std::vector<core::OffsetFetchRequest::OffsetFetchRequestGroup::OffsetFetchRequestTopics>{{"orders", {2}}}});
    auto r = gc->fetchOffsets(f, 8);
    REQUIRE(r.Groups.size() == 2);
    CHECK(r.Groups[0].GroupId == "a");
    CHECK(r.Groups[0].Topics[0].Partitions[0].CommittedOffset == 1);
    CHECK(r.Groups[1].Topics[0].Partitions[0].PartitionIndex == 2);
    CHECK(r.Groups[1].Topics[0].Partitions[0].CommittedOffset == 2);
}

TEST_CASE("Offsets survive reopening the coordinator and generations continue")
{
    test::TempDir dir;
    test::ManualGroupClock clock;
    {
        auto gc = openCoordinator(dir / "consumer-offsets", clock);
        core::JoinGroupRequest j;
        j.GroupId = "g";
        j.SessionTimeoutMs = 10000;
        j.ProtocolType = "consumer";
        j.Protocols = {{"range", {}}};
        std::optional<core::JoinGroupResponse> joined;
        gc->joinGroup(j, 3, {"c", "/h"}, [&](core::JoinGroupResponse x) { joined = x; });
        clock.advance(10ms);
        REQUIRE(joined);
        REQUIRE(joined->GenerationId == 1);
        REQUIRE(gc->commitOffsets(simpleCommit("s", 0, 100), 7).Topics[0].Partitions[0].ErrorCode == 0);
        REQUIRE(
            gc->commitOffsets(simpleCommit("s", 0, 150, std::string("latest")), 7).Topics[0].Partitions[0].ErrorCode ==
            0);
    }
    auto gc = openCoordinator(dir / "consumer-offsets", clock);
    CHECK(gc->recoveryNote().empty());
    auto all = fetchAll(*gc, "s");
    REQUIRE(all.Topics.size() == 1);
    CHECK(all.Topics[0].Partitions[0].CommittedOffset == 150);
    CHECK(all.Topics[0].Partitions[0].Metadata == std::optional<std::string>("latest"));
    REQUIRE(gc->group("g") != nullptr);
    CHECK(gc->group("g")->state() == broker::GroupState::Empty);
    CHECK(gc->group("g")->generationId() == 1);
    CHECK(gc->group("g")->protocolType() == std::optional<std::string>("consumer"));
    CHECK(gc->listGroups({}).Groups.size() == 2);
}

TEST_CASE("Offsets file with a torn tail keeps every whole record and reports the cut")
{
    test::TempDir dir;
    const auto file = dir / "consumer-offsets";
    {
        auto store = OffsetStore::open(file);
        REQUIRE(store.ok());
        REQUIRE(store->commit("g", {{{"orders", 0}, CommittedOffset{5, -1, std::string(), 1}}}).ok());
        REQUIRE(store->commit("g", {{{"orders", 1}, CommittedOffset{6, -1, std::string(), 1}}}).ok());
    }
    const auto whole = std::filesystem::file_size(file);
    {
        // Half a record, as after a crash mid-append.
        std::ofstream out(file, std::ios::app | std::ios::binary);
        out.write("\x00\x00\x00\x30garbage", 11);
    }
    auto store = OffsetStore::open(file);
    REQUIRE(store.ok());
    CHECK(store->recoveryNote().find("valid up to byte " + std::to_string(whole)) != std::string::npos);
    CHECK(std::filesystem::file_size(file) == whole);
    REQUIRE(store->offsets("g") != nullptr);
    CHECK(store->offsets("g")->size() == 2);
    CHECK(store->offsets("g")->at({"orders", 1}).offset == 6);

    // A file that is not ours is refused, not overwritten.
    std::ofstream(dir / "other") << "hello world";
    auto other = OffsetStore::open(dir / "other");
    REQUIRE_FALSE(other.ok());
    CHECK(other.error().code == core::Errc::Corrupt);
}

TEST_CASE("Offsets log is compacted and frequent commits are fast")
{
    test::TempDir dir;
    const auto file = dir / "consumer-offsets";
    const int commits = 50000;
    std::chrono::duration<double> took{};
    {
        auto store = OffsetStore::open(file, 64 * 1024);
        REQUIRE(store.ok());
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < commits; ++i) {
            // A consumer committing 3 partitions per request, as librdkafka's auto-commit does.
            REQUIRE(store
                        ->commit("group", {{{"orders", 0}, CommittedOffset{i, 1, std::string(), i}},
                                           {{"orders", 1}, CommittedOffset{i, 1, std::string(), i}},
                                           {{"orders", 2}, CommittedOffset{i, 1, std::string(), i}}})
                        .ok());
        }
        took = std::chrono::steady_clock::now() - start;
        // 150000 records of ~50 bytes would be ~7 MB without compaction.
        CHECK(store->fileBytes() < 4 * 64 * 1024 + 1024);
    }
    std::cout << "consumer-offsets: " << commits << " commit requests (3 partitions each) in " << took.count()
              << " s = " << static_cast<long>(commits / took.count()) << " commits/s, file "
              << std::filesystem::file_size(file) << " bytes\n";
    auto store = OffsetStore::open(file, 64 * 1024);
    REQUIRE(store.ok());
    CHECK(store->recoveryNote().empty());
    CHECK(store->offsets("group")->at({"orders", 2}).offset == commits - 1);
}
