// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/consumer_lag.h"

#include <catch2/catch.hpp>

using namespace spillway::core;
using namespace spillway::core::measure;

namespace {

PartitionOffsets at(const char *topic, int p, std::optional<std::int64_t> committed, std::int64_t start,
                    std::int64_t end)
{
    return PartitionOffsets{topic, PartitionId(p), committed, start, end};
}

std::vector<SeriesSample> lagSeries(int count, double start, double perSecond)
{
    std::vector<SeriesSample> s;
    for (int i = 0; i < count; ++i)
        s.push_back({i * 10'000, start + perSecond * i * 10.0});
    return s;
}

} // namespace

TEST_CASE("lag is log end minus committed, per partition, topic and group", "[measure][lag]")
{
    GroupOffsets g{"billing", {at("orders", 1, 90, 0, 100), at("orders", 0, 40, 0, 100), at("payments", 0, 10, 0, 15)}};
    const GroupLag lag = computeGroupLag(g);
    CHECK(lag.group == "billing");
    REQUIRE(lag.partitions.size() == 3);
    CHECK(lag.partitions[0].topic == "orders");
    CHECK(lag.partitions[0].partition == PartitionId(0)); // sorted
    CHECK(lag.partitions[0].lag == 60);
    CHECK(lag.partitions[1].lag == 10);
    CHECK(lag.partitions[2].lag == 5);
    CHECK(lag.totalLag == 75);
    REQUIRE(lag.topics.size() == 2);
    CHECK(lag.topics[0].topic == "orders"); // largest first
    CHECK(lag.topics[0].lag == 70);
    CHECK(lag.topics[0].partitions == 2);
    CHECK(lag.partitionsWithoutCommit == 0);
}

TEST_CASE("without a committed offset the lag counts from the log start", "[measure][lag]")
{
    const GroupLag lag = computeGroupLag({"new-group", {at("orders", 0, std::nullopt, 250, 1000)}});
    REQUIRE(lag.partitions.size() == 1);
    CHECK(lag.partitions[0].committedMissing);
    CHECK(lag.partitions[0].lag == 750);
    CHECK(lag.partitionsWithoutCommit == 1);
    CHECK(lag.totalLag == 750);
}

TEST_CASE("a committed offset retention has passed is flagged and lag is never negative", "[measure][lag]")
{
    const GroupLag lag = computeGroupLag({"slow", {at("orders", 0, 100, 500, 900), at("orders", 1, 1200, 0, 1000)}});
    CHECK(lag.partitions[0].behindLogStart);
    CHECK(lag.partitions[0].lag == 800);
    CHECK(lag.partitions[1].lag == 0); // committed past the end (truncation): not negative
    CHECK_FALSE(lag.partitions[1].behindLogStart);
    CHECK(lag.partitionsBehindLogStart == 1);
}

TEST_CASE("lag trend: growing, shrinking, steady", "[measure][lag]")
{
    const auto growing = estimateLagTrend(lagSeries(60, 1000, 50.0));
    REQUIRE(growing.has_value());
    CHECK(growing->trend == Trend::Growing);
    CHECK(growing->perSecond == Approx(50.0));

    // A consumer catching up fast: the fall is the trend, not a deletion.
    const auto shrinking = estimateLagTrend(lagSeries(60, 100000, -100.0));
    REQUIRE(shrinking.has_value());
    CHECK(shrinking->trend == Trend::Shrinking);

    auto wobbly = lagSeries(60, 5000, 0.0);
    for (std::size_t i = 0; i < wobbly.size(); ++i)
        wobbly[i].value += (i % 2 == 0) ? 40 : -40;
    const auto steady = estimateLagTrend(wobbly);
    REQUIRE(steady.has_value());
    CHECK(steady->trend == Trend::Steady);

    CHECK_FALSE(estimateLagTrend(lagSeries(2, 0, 10.0)).has_value());
}
