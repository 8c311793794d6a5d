// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/skew.h"

#include <catch2/catch.hpp>

using namespace spillway::core;
using namespace spillway::core::measure;

namespace {

constexpr std::int64_t kGiB = std::int64_t{1} << 30;

BrokerLoad broker(int id, std::vector<DiskLoad> disks) { return BrokerLoad{BrokerId(id), std::move(disks)}; }

} // namespace

TEST_CASE("an even broker has skew 0 and is balanced", "[measure][skew]")
{
    const auto s = computeBrokerSkew(broker(1, {{"/d0", 10 * kGiB, 4, {}}, {"/d1", 10 * kGiB, 4, {}}}));
    CHECK(s.basis == SkewBasis::Bytes);
    CHECK(s.skewIndexPercent == 0.0);
    CHECK(s.partitionSkewIndexPercent == 0.0);
    CHECK(s.coefficientOfVariation == 0.0);
    CHECK(s.balanced);
    CHECK(s.meanBytes == Approx(10.0 * kGiB));
}

TEST_CASE("deviation from the broker mean decides balance at +-10 %", "[measure][skew]")
{
    // Scenario B: re-created partitions piled onto one disk.
    const auto s = computeBrokerSkew(
        broker(3, {{"/data0", 30 * kGiB, 2, {}}, {"/data1", 10 * kGiB, 3, {}}, {"/data2", 20 * kGiB, 3, {}}}));
    REQUIRE(s.disks.size() == 3);
    CHECK(s.meanBytes == Approx(20.0 * kGiB));
    CHECK(s.disks[0].deviationPercent == Approx(50.0));
    CHECK(s.disks[1].deviationPercent == Approx(-50.0));
    CHECK(s.disks[2].deviationPercent == Approx(0.0));
    CHECK_FALSE(s.disks[0].withinThreshold);
    CHECK(s.disks[2].withinThreshold);
    CHECK(s.skewIndexPercent == Approx(50.0));
    CHECK(s.disks[0].partitionDeviationPercent == Approx(-25.0));
    CHECK(s.partitionSkewIndexPercent == Approx(25.0));
    CHECK(s.coefficientOfVariation == Approx(0.40825).epsilon(1e-4));
    CHECK_FALSE(s.balanced);

    SECTION("just inside and just outside the threshold")
    {
        const auto inside = computeBrokerSkew(broker(1, {{"/a", 109, 1, {}}, {"/b", 91, 1, {}}}), {10.0, 0});
        CHECK(inside.skewIndexPercent == Approx(9.0));
        CHECK(inside.balanced);
        const auto outside = computeBrokerSkew(broker(1, {{"/a", 111, 1, {}}, {"/b", 89, 1, {}}}), {10.0, 0});
        CHECK_FALSE(outside.balanced);
        const auto looser = computeBrokerSkew(broker(1, {{"/a", 111, 1, {}}, {"/b", 89, 1, {}}}), {15.0, 0});
        CHECK(looser.balanced);
    }
}

TEST_CASE("with every capacity known skew compares utilisation, as Cruise Control", "[measure][skew]")
{
    // Same bytes on a 100 GiB and a 200 GiB disk: the small one is twice as full.
    const auto s =
        computeBrokerSkew(broker(1, {{"/small", 50 * kGiB, 5, 100 * kGiB}, {"/big", 50 * kGiB, 5, 200 * kGiB}}));
    CHECK(s.basis == SkewBasis::Utilisation);
    CHECK(s.disks[0].utilisation == Approx(0.5));
    CHECK(s.disks[0].deviationPercent == Approx(100.0 / 3.0));
    CHECK_FALSE(s.balanced);

    // Bytes in proportion to capacity are balanced.
    const auto even =
        computeBrokerSkew(broker(1, {{"/small", 50 * kGiB, 5, 100 * kGiB}, {"/big", 100 * kGiB, 5, 200 * kGiB}}));
    CHECK(even.balanced);
    // One capacity unknown: back to bytes.
    const auto mixed = computeBrokerSkew(broker(1, {{"/small", 50 * kGiB, 5, 100 * kGiB}, {"/big", 50 * kGiB, 5, {}}}));
    CHECK(mixed.basis == SkewBasis::Bytes);
    CHECK(mixed.balanced);
}

TEST_CASE("a nearly empty broker is not judged", "[measure][skew]")
{
    const auto s = computeBrokerSkew(broker(1, {{"/a", 1000, 1, {}}, {"/b", 0, 0, {}}}));
    CHECK(s.skewIndexPercent == Approx(100.0));
    CHECK(s.belowMinimum);
    CHECK(s.balanced);
    const auto empty = computeBrokerSkew(broker(1, {}));
    CHECK(empty.balanced);
    CHECK(empty.disks.empty());
}

TEST_CASE("skew across brokers compares each broker's total with the cluster mean", "[measure][skew]")
{
    const std::vector<BrokerLoad> cluster{broker(1, {{"/d0", 10 * kGiB, 4, {}}, {"/d1", 10 * kGiB, 4, {}}}),
                                          broker(2, {{"/d0", 20 * kGiB, 8, {}}}),
                                          broker(3, {{"/d0", 35 * kGiB, 14, {}}})};
    const ClusterSkew c = computeClusterSkew(cluster);
    REQUIRE(c.shares.size() == 3);
    REQUIRE(c.brokers.size() == 3);
    CHECK(c.shares[0].kafkaBytes == 20 * kGiB);
    CHECK(c.shares[0].deviationPercent == Approx(-20.0));
    CHECK(c.shares[2].deviationPercent == Approx(40.0));
    CHECK(c.shares[2].partitionDeviationPercent == Approx(40.0));
    CHECK(c.skewIndexPercent == Approx(40.0));
    CHECK_FALSE(c.balanced);
    CHECK(c.brokers[0].balanced);
}
