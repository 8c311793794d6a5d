// SPDX-License-Identifier: GPL-3.0-or-later
// Fetch sessions (KIP-227) without a network: the cache's bounds and
// eviction rules as Kafka's FetchSessionCache has them, and the contexts a
// request gets (full, incremental, sessionless, errors) with the partitions
// an incremental response leaves out.
#include "broker/fetch/fetch_context.h"
#include "broker/fetch/fetch_session_cache.h"

#include <catch2/catch.hpp>

using namespace spillway;
using namespace spillway::broker;

namespace {

std::vector<CachedPartition> partitions(int n)
{
    std::vector<CachedPartition> out;
    for (int i = 0; i < n; ++i) {
        CachedPartition c;
        c.key = {{}, "t", i};
        out.push_back(c);
    }
    return out;
}

/// Ids 1, 2, 3 ... so that tests can name sessions.
std::function<std::int32_t()> countingIds()
{
    return [n = 0]() mutable { return ++n; };
}

core::FetchRequest fetch(std::int32_t sessionId, std::int32_t epoch, std::vector<std::pair<std::string, int>> parts)
{
    core::FetchRequest r;
    r.SessionId = sessionId;
    r.SessionEpoch = epoch;
    for (const auto &[topic, partition] : parts) {
        if (r.Topics.empty() || r.Topics.back().Topic != topic) {
            r.Topics.emplace_back();
            r.Topics.back().Topic = topic;
        }
        core::FetchRequest::FetchTopic::FetchPartition p;
        p.Partition = partition;
        p.FetchOffset = 10;
        p.PartitionMaxBytes = 1000;
        r.Topics.back().Partitions.push_back(p);
    }
    return r;
}

std::vector<FetchedPartition> unchanged(std::size_t n) { return std::vector<FetchedPartition>(n, {0, 100, 0, 0}); }

} // namespace

TEST_CASE("FetchSession epochs start at 1 and wrap to 1", "[broker][fetch]")
{
    CHECK(FetchSession::nextEpoch(0) == 1);
    CHECK(FetchSession::nextEpoch(41) == 42);
    CHECK(FetchSession::nextEpoch(INT32_MAX) == 1);
    CHECK(FetchSession::nextEpoch(-1) == -1);
    FetchSession s(7, false, false, 0);
    CHECK(s.epoch() == 1);
}

TEST_CASE("FetchSessionCache holds at most its slots and evicts by Kafka's rules", "[broker][fetch]")
{
    FetchSessionCache cache(2, 1000, countingIds());
    auto a = cache.create(0, false, false, partitions(3));
    auto b = cache.create(10, false, false, partitions(5));
    REQUIRE(a);
    REQUIRE(b);
    CHECK(cache.size() == 2);
    CHECK(cache.totalPartitions() == 8);

    SECTION("a full cache of young sessions refuses a consumer's new one")
    {
        CHECK_FALSE(cache.create(20, false, false, partitions(50)));
        CHECK(cache.size() == 2);
    }
    SECTION("a follower's session takes the slot of a consumer's")
    {
        auto follower = cache.create(20, true, false, partitions(1));
        REQUIRE(follower);
        CHECK(cache.find(a->id()) == nullptr); // the smallest consumer session went
        CHECK(cache.find(b->id()) != nullptr);
        CHECK(cache.evictions() == 1);
    }
    SECTION("a session unused for the eviction time is stale and goes first")
    {
        cache.touch(*a, 900);
        auto c = cache.create(1500, false, false, partitions(1)); // b last used at 10
        REQUIRE(c);
        CHECK(cache.find(b->id()) == nullptr);
        CHECK(cache.find(a->id()) != nullptr);
    }
    SECTION("once both have lived the eviction time, a bigger session displaces the smallest")
    {
        cache.touch(*a, 1005);
        cache.touch(*b, 1020);
        CHECK_FALSE(cache.create(1030, false, false, partitions(2))); // smaller than both
        auto big = cache.create(1030, false, false, partitions(4));   // bigger than a (3)
        REQUIRE(big);
        CHECK(cache.find(a->id()) == nullptr);
        CHECK(cache.totalPartitions() == 9);
    }
    SECTION("remove frees the slot")
    {
        CHECK(cache.remove(a->id()));
        CHECK_FALSE(cache.remove(a->id()));
        CHECK(cache.create(20, false, false, partitions(1)));
    }
}

TEST_CASE("A cache with no slots never opens a session", "[broker][fetch]")
{
    FetchSessionCache cache(0);
    CHECK_FALSE(cache.create(0, false, false, partitions(1)));
    auto ctx = FetchContext::create(cache, fetch(0, 0, {{"t", 0}}), 12, 0);
    CHECK(ctx.kind() == FetchContext::Kind::Full);
    CHECK(ctx.finish(cache, unchanged(1), 0).sessionId == 0); // the client stays on full fetches
}

TEST_CASE("FetchContext goes full, incremental, forgotten and closed as Kafka's FetchManager", "[broker][fetch]")
{
    FetchSessionCache cache(10, 120000, countingIds());

    // Full fetch (epoch 0) opens a session with every partition.
    auto full = FetchContext::create(cache, fetch(0, 0, {{"a", 0}, {"a", 1}, {"b", 0}}), 12, 0);
    REQUIRE(full.kind() == FetchContext::Kind::Full);
    CHECK(full.targets().size() == 3);
    const auto first = full.finish(cache, unchanged(3), 0);
    REQUIRE(first.sessionId != 0);
    CHECK(first.include.size() == 3);
    const std::int32_t id = first.sessionId;

    // Incremental, epoch 1, nothing in the request: every session partition
    // is read; those without news are left out, new data is sent.
    auto inc = FetchContext::create(cache, fetch(id, 1, {}), 12, 1);
    REQUIRE(inc.kind() == FetchContext::Kind::Incremental);
    REQUIRE(inc.targets().size() == 3);
    CHECK(inc.targets()[0].fetchOffset == 10);
    auto read = unchanged(3);
    read[1].recordBytes = 500;   // a-1 has records
    read[2].highWatermark = 101; // b-0's high watermark moved
    const auto second = inc.finish(cache, read, 1);
    CHECK(second.sessionId == id);
    CHECK(second.errorCode == 0);
    CHECK(second.include == std::vector<std::size_t>{1, 2});

    // a-1 returned records: it goes to the end of the fetch order; the
    // request updates a-0's offset and adds c-0.
    auto req = fetch(id, 2, {{"a", 0}, {"c", 0}});
    req.Topics[0].Partitions[0].FetchOffset = 55;
    auto inc2 = FetchContext::create(cache, req, 12, 2);
    REQUIRE(inc2.kind() == FetchContext::Kind::Incremental);
    std::vector<std::string> order;
    for (const auto &t : inc2.targets())
        order.push_back(t.key.topic + "-" + std::to_string(t.key.partition));
    CHECK(order == std::vector<std::string>{"a-0", "b-0", "a-1", "c-0"});
    CHECK(inc2.targets()[0].fetchOffset == 55);
    auto read2 = unchanged(4);
    read2[1].highWatermark = 101; // b-0 as last sent
    read2[2].recordBytes = 0;
    read2[3].errorCode = 3; // c-0 unknown: errors are always sent
    const auto third = inc2.finish(cache, read2, 2);
    CHECK(third.include == std::vector<std::size_t>{3}); // only c-0: new, and in error

    SECTION("a repeated epoch is INVALID_FETCH_SESSION_EPOCH and changes nothing")
    {
        auto again = FetchContext::create(cache, fetch(id, 2, {}), 12, 3);
        CHECK(again.kind() == FetchContext::Kind::SessionError);
        CHECK(again.targets().empty());
        const auto r = again.finish(cache, {}, 3);
        CHECK(r.errorCode == 71);
        CHECK(r.sessionId == 0);
        CHECK(FetchContext::create(cache, fetch(id, 3, {}), 12, 3).kind() == FetchContext::Kind::Incremental);
    }
    SECTION("an unknown session id is FETCH_SESSION_ID_NOT_FOUND")
    {
        auto unknown = FetchContext::create(cache, fetch(id + 1000, 1, {}), 12, 3);
        CHECK(unknown.finish(cache, {}, 3).errorCode == 70);
    }
    SECTION("topic ids in a session opened with names is FETCH_SESSION_TOPIC_ID_ERROR")
    {
        auto mixed = FetchContext::create(cache, fetch(id, 3, {}), 13, 3);
        CHECK(mixed.finish(cache, {}, 3).errorCode == 106);
    }
    SECTION("forgotten partitions leave the session; forgetting all ends it")
    {
        auto req3 = fetch(id, 3, {});
        req3.ForgottenTopicsData.push_back({"a", {}, {0, 1}});
        auto inc3 = FetchContext::create(cache, req3, 12, 3);
        REQUIRE(inc3.kind() == FetchContext::Kind::Incremental);
        REQUIRE(inc3.targets().size() == 2);
        CHECK(inc3.targets()[0].key.topic == "b");
        CHECK(inc3.targets()[1].key.topic == "c");
        auto req4 = fetch(id, 4, {});
        req4.ForgottenTopicsData.push_back({"b", {}, {0}});
        req4.ForgottenTopicsData.push_back({"c", {}, {0}});
        auto inc4 = FetchContext::create(cache, req4, 12, 4);
        CHECK(inc4.kind() == FetchContext::Kind::Sessionless);
        CHECK(inc4.finish(cache, {}, 4).sessionId == 0);
        CHECK(cache.find(id) == nullptr);
    }
    SECTION("epoch -1 closes the session; the request is answered without one")
    {
        auto close = FetchContext::create(cache, fetch(id, -1, {{"a", 0}}), 12, 3);
        CHECK(close.kind() == FetchContext::Kind::Sessionless);
        CHECK(close.targets().size() == 1);
        CHECK(close.finish(cache, unchanged(1), 3).sessionId == 0);
        CHECK(cache.find(id) == nullptr);
        CHECK(FetchContext::create(cache, fetch(id, 3, {}), 12, 3).finish(cache, {}, 3).errorCode == 70);
    }
    SECTION("a full fetch naming the session replaces it")
    {
        auto reopen = FetchContext::create(cache, fetch(id, 0, {{"z", 0}}), 12, 3);
        const auto r = reopen.finish(cache, unchanged(1), 3);
        CHECK(r.sessionId != 0);
        CHECK(r.sessionId != id);
        CHECK(cache.find(id) == nullptr);
        CHECK(cache.size() == 1);
    }
    SECTION("a response built after a newer request of the session is INVALID_FETCH_SESSION_EPOCH")
    {
        auto parked = FetchContext::create(cache, fetch(id, 3, {}), 12, 3); // a long poll
        auto newer = FetchContext::create(cache, fetch(id, 4, {}), 12, 4);
        CHECK(newer.kind() == FetchContext::Kind::Incremental);
        const auto late = parked.finish(cache, unchanged(4), 5);
        CHECK(late.errorCode == 71);
        CHECK(late.include.empty());
    }
}

TEST_CASE("Fetch v0-6 and session id 0 with epoch -1 never touch the cache", "[broker][fetch]")
{
    FetchSessionCache cache(10);
    auto old = FetchContext::create(cache, fetch(0, 0, {{"a", 0}}), 6, 0);
    CHECK(old.kind() == FetchContext::Kind::Sessionless);
    CHECK(old.finish(cache, unchanged(1), 0).sessionId == 0);
    auto plain = FetchContext::create(cache, fetch(0, -1, {{"a", 0}}), 11, 0);
    CHECK(plain.kind() == FetchContext::Kind::Sessionless);
    CHECK(plain.finish(cache, unchanged(1), 0).include.size() == 1);
    CHECK(cache.size() == 0);
}
