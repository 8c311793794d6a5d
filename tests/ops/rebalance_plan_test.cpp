// SPDX-License-Identifier: GPL-3.0-or-later
// The disk rebalance planner (core/ops/rebalance_plan.h) on hand-made broker
// snapshots: balanced input, one overloaded disk, the growth penalty, an
// unreachable target, the free margin, `-future` replicas left alone.
#include "core/ops/rebalance_plan.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>

using namespace spillway;
using namespace spillway::core;
using namespace spillway::core::ops;

namespace {

constexpr std::int64_t kMiB = 1 << 20;
constexpr std::int64_t kGiB = std::int64_t{1} << 30;

/// A dir with partitions of the given sizes (topic "t<dir index>") on a
/// filesystem of `capacity` with `free` bytes free.
measure::LogDirSnapshot dir(const std::string &path, const std::vector<std::int64_t> &sizes, std::int64_t capacity,
                            std::int64_t free, const std::string &topic)
{
    measure::LogDirSnapshot d;
    d.path = path;
    d.device = path; // each on its own disk
    measure::FilesystemUsage usage;
    usage.capacityBytes = capacity;
    usage.freeBytes = free;
    usage.usedBytes = capacity - free;
    d.usage = usage;
    int p = 0;
    for (auto s : sizes) {
        d.partitions.push_back({topic, PartitionId{p++}, s, false});
        d.kafkaBytes += s;
        ++d.partitionCount;
    }
    return d;
}

measure::BrokerSnapshot brokerOf(std::vector<measure::LogDirSnapshot> dirs)
{
    measure::BrokerSnapshot b;
    b.id = BrokerId{1};
    b.dirs = std::move(dirs);
    return b;
}

/// Applies the moves to per-dir bytes and checks each within the threshold.
std::map<std::string, std::int64_t> applyMoves(const measure::BrokerSnapshot &b, const RebalancePlan &plan)
{
    std::map<std::string, std::int64_t> bytes;
    for (const auto &d : b.dirs)
        bytes[d.path] = d.kafkaBytes;
    for (const auto &m : plan.moves) {
        bytes[m.from] -= m.bytes;
        bytes[m.to] += m.bytes;
    }
    return bytes;
}

} // namespace

TEST_CASE("A balanced broker needs no moves", "[ops][rebalance]")
{
    const auto b = brokerOf({dir("/d0", {100 * kMiB, 100 * kMiB}, 10 * kGiB, 9 * kGiB, "a"),
                             dir("/d1", {105 * kMiB, 95 * kMiB}, 10 * kGiB, 9 * kGiB, "b"),
                             dir("/d2", {190 * kMiB}, 10 * kGiB, 9 * kGiB, "c")});
    const auto plan = planRebalance(b);
    CHECK(plan.moves.empty());
    CHECK(plan.balancedBefore);
    CHECK(plan.reachable);
    CHECK_FALSE(plan.belowMinimum);
    REQUIRE(plan.disks.size() == 3);
    for (const auto &d : plan.disks) {
        CHECK(d.bytesAfter == d.bytesBefore);
        CHECK(d.withinThresholdAfter);
    }
    CHECK(plan.describe().find("balanced") != std::string::npos);
}

TEST_CASE("One overloaded disk gives its partitions to the emptiest disks until all are within 10 %",
          "[ops][rebalance]")
{
    // d0 holds 600 MiB in 12 partitions, d1 and d2 150 MiB each: mean 300.
    std::vector<std::int64_t> big(12, 50 * kMiB);
    const auto b = brokerOf({dir("/d0", big, 10 * kGiB, 9 * kGiB, "a"),
                             dir("/d1", {75 * kMiB, 75 * kMiB}, 10 * kGiB, 5 * kGiB, "b"),
                             dir("/d2", {150 * kMiB}, 10 * kGiB, 8 * kGiB, "c")});
    const auto plan = planRebalance(b);
    CHECK_FALSE(plan.balancedBefore);
    CHECK(plan.reachable);
    REQUIRE_FALSE(plan.moves.empty());
    CHECK(plan.skewBeforePercent == Approx(100.0));
    CHECK(plan.skewAfterPercent <= 10.0);
    // The first move goes to the dir with the most free space (d2: 8 GiB).
    CHECK(plan.moves.front().from == "/d0");
    CHECK(plan.moves.front().to == "/d2");
    for (const auto &m : plan.moves) {
        CHECK(m.from == "/d0");
        CHECK(m.topic == "a");
    }
    const auto after = applyMoves(b, plan);
    for (const auto &[path, bytes] : after)
        CHECK(std::abs(static_cast<double>(bytes) - plan.meanBytes) <= 0.10 * plan.meanBytes);
    for (const auto &d : plan.disks) {
        CHECK(d.bytesAfter == after.at(d.dir));
        CHECK(d.withinThresholdAfter);
    }
    // Each on its own disk: the destination's free space falls by what it got.
    for (const auto &d : plan.disks)
        CHECK(*d.freeAfter - *d.freeBefore == d.bytesBefore - d.bytesAfter);
}

TEST_CASE("The partition that best closes the gap is chosen", "[ops][rebalance]")
{
    // Mean 200: d0 is 100 over, d1 100 under; the 100 MiB partition closes it in one move.
    const auto b = brokerOf({dir("/d0", {30 * kMiB, 100 * kMiB, 170 * kMiB}, 10 * kGiB, 9 * kGiB, "a"),
                             dir("/d1", {100 * kMiB}, 10 * kGiB, 9 * kGiB, "b")});
    const auto plan = planRebalance(b);
    REQUIRE(plan.moves.size() == 1);
    CHECK(plan.moves[0].bytes == 100 * kMiB);
    CHECK(plan.moves[0].partition == PartitionId{1});
    CHECK(plan.skewAfterPercent == Approx(0.0));
}

TEST_CASE("A fast-growing dir does not receive even with the most free space", "[ops][rebalance]")
{
    std::vector<std::int64_t> big(8, 50 * kMiB);
    auto fast = dir("/fast", {100 * kMiB}, 10 * kGiB, 9 * kGiB, "b");
    measure::GrowthEstimate growth;
    growth.perSecond = 1.0 * kMiB; // 3.5 GiB over the hour horizon
    growth.trend = measure::Trend::Growing;
    fast.growth = growth;
    auto slow = dir("/slow", {100 * kMiB}, 10 * kGiB, 8 * kGiB, "c");
    const auto b = brokerOf({dir("/d0", big, 10 * kGiB, 9 * kGiB, "a"), fast, slow});

    const auto plan = planRebalance(b);
    REQUIRE_FALSE(plan.moves.empty());
    // Without growth /fast (9 GiB free) would be first; with it /slow is.
    CHECK(plan.moves.front().to == "/slow");
    const auto withoutGrowth = planRebalance(brokerOf(
        {dir("/d0", big, 10 * kGiB, 9 * kGiB, "a"), dir("/fast", {100 * kMiB}, 10 * kGiB, 9 * kGiB, "b"), slow}));
    REQUIRE_FALSE(withoutGrowth.moves.empty());
    CHECK(withoutGrowth.moves.front().to == "/fast");

    // A dir whose growth eats all its free space within the horizon gets nothing.
    growth.perSecond = 4.0 * kMiB; // 14 GiB over the hour: more than it has
    fast.growth = growth;
    const auto starving = planRebalance(brokerOf({dir("/d0", big, 10 * kGiB, 9 * kGiB, "a"), fast, slow}));
    for (const auto &m : starving.moves)
        CHECK(m.to != "/fast");
}

TEST_CASE("An unreachable target is reported: one huge partition cannot be split", "[ops][rebalance]")
{
    const auto b =
        brokerOf({dir("/d0", {900 * kMiB}, 10 * kGiB, 9 * kGiB, "a"), dir("/d1", {50 * kMiB}, 10 * kGiB, 9 * kGiB, "b"),
                  dir("/d2", {50 * kMiB}, 10 * kGiB, 9 * kGiB, "c")});
    const auto plan = planRebalance(b);
    CHECK_FALSE(plan.reachable);
    CHECK_FALSE(plan.reason.empty());
    // Moving the 900 MiB partition would only move the problem: no move improves.
    CHECK(plan.moves.empty());
    CHECK(plan.describe().find("not reachable") != std::string::npos);
}

TEST_CASE("A destination is never filled beyond its free margin", "[ops][rebalance]")
{
    // d1 has 120 MiB free: 100 MiB partitions would leave under the 16 MiB
    // margin only after the first one; d2 has room.
    std::vector<std::int64_t> big(6, 100 * kMiB);
    const auto b = brokerOf({dir("/d0", big, 10 * kGiB, 9 * kGiB, "a"), dir("/d1", {}, 1 * kGiB, 120 * kMiB, "b"),
                             dir("/d2", {}, 1 * kGiB, 1 * kGiB - 60 * kMiB, "c")});
    RebalanceOptions options;
    options.minFreeMarginFraction = 0; // the 16 MiB floor only
    const auto plan = planRebalance(b, options);
    std::int64_t intoD1 = 0;
    for (const auto &m : plan.moves)
        if (m.to == "/d1")
            intoD1 += m.bytes;
    CHECK(intoD1 <= 120 * kMiB - 16 * kMiB);
    for (const auto &d : plan.disks)
        if (d.freeAfter)
            CHECK(*d.freeAfter >= 16 * kMiB);
    // d1 can take one partition only, so 200 MiB each is out of reach.
    CHECK_FALSE(plan.reachable);
    CHECK(intoD1 == 100 * kMiB);

    // No free space known and none to spare: nothing at all goes there.
    const auto full = planRebalance(
        brokerOf({dir("/d0", big, 10 * kGiB, 9 * kGiB, "a"), dir("/d1", {}, 1 * kGiB, 10 * kMiB, "b")}), options);
    CHECK(full.moves.empty());
    CHECK_FALSE(full.reachable);
}

TEST_CASE("Partitions with a -future replica, offline dirs and tiny brokers are left alone", "[ops][rebalance]")
{
    auto d0 = dir("/d0", {300 * kMiB, 300 * kMiB}, 10 * kGiB, 9 * kGiB, "a");
    auto d1 = dir("/d1", {}, 10 * kGiB, 9 * kGiB, "b");
    // a-0 is moving to d1 already: its future is there.
    d1.partitions.push_back({"a", PartitionId{0}, 10 * kMiB, true});
    auto off = dir("/off", {}, 10 * kGiB, 10 * kGiB, "c");
    off.offline = true;
    const auto plan = planRebalance(brokerOf({d0, d1, off}));
    REQUIRE(plan.disks.size() == 2); // the offline dir does not count
    for (const auto &m : plan.moves) {
        CHECK_FALSE((m.topic == "a" && m.partition == PartitionId{0}));
        CHECK(m.to != "/off");
    }
    REQUIRE(plan.moves.size() == 1);
    CHECK(plan.moves[0].partition == PartitionId{1});

    const auto tiny = planRebalance(
        brokerOf({dir("/d0", {900 * 1024}, 10 * kGiB, 9 * kGiB, "a"), dir("/d1", {}, 10 * kGiB, 9 * kGiB, "b")}));
    CHECK(tiny.belowMinimum);
    CHECK(tiny.moves.empty());
    CHECK(tiny.reachable);
}

TEST_CASE("The number of moves is bounded", "[ops][rebalance]")
{
    std::vector<std::int64_t> many(200, 5 * kMiB);
    const auto b = brokerOf({dir("/d0", many, 10 * kGiB, 9 * kGiB, "a"), dir("/d1", {}, 10 * kGiB, 9 * kGiB, "b")});
    RebalanceOptions options;
    options.maxMoves = 5;
    const auto plan = planRebalance(b, options);
    CHECK(plan.moves.size() == 5);
    CHECK_FALSE(plan.reachable);
    CHECK(plan.reason.find("5 moves") != std::string::npos);
    options.maxMoves = 1000;
    const auto all = planRebalance(b, options);
    CHECK(all.reachable);
    CHECK(all.moves.size() >= 90);
    CHECK(all.moves.size() <= 110);
}

TEST_CASE("A rebalance plan becomes one online move request", "[ops][rebalance]")
{
    const auto b = brokerOf({dir("/d0", {100 * kMiB, 100 * kMiB, 100 * kMiB, 100 * kMiB}, 10 * kGiB, 9 * kGiB, "a"),
                             dir("/d1", {}, 10 * kGiB, 9 * kGiB, "b")});
    const auto plan = planRebalance(b);
    REQUIRE(plan.moves.size() == 2);
    const auto request = toOnlineMoveRequest(plan, "127.0.0.1:9092", 1000000);
    CHECK(request.bootstrap == "127.0.0.1:9092");
    CHECK(request.broker == BrokerId{1});
    CHECK(request.throttleBytesPerSecond == 1000000);
    REQUIRE(request.targets.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK(request.targets[i].topic == plan.moves[i].topic);
        CHECK(request.targets[i].partition == plan.moves[i].partition);
        CHECK(request.targets[i].destination == "/d1");
    }
}
