// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/growth_estimator.h"

#include <catch2/catch.hpp>

#include <random>
#include <vector>

using namespace spillway::core;
using namespace spillway::core::measure;

namespace {

constexpr std::int64_t kStepMs = 10'000; // one sample every 10 s
constexpr int kHour = 360;               // samples per hour

/// `count` samples of base + rate * t (bytes per second), every 10 s.
std::vector<SeriesSample> linear(int count, double base, double perSecond, std::int64_t startMs = 0)
{
    std::vector<SeriesSample> s;
    for (int i = 0; i < count; ++i) {
        const std::int64_t t = startMs + i * kStepMs;
        s.push_back({t, base + perSecond * static_cast<double>(t - startMs) / 1000.0});
    }
    return s;
}

/// A disk filled at `writePerSecond` whose retention deletes every
/// `cycleSamples` samples, taking back all but `keptPerCycle` bytes.
std::vector<SeriesSample> sawtooth(int count, double base, double writePerSecond, int cycleSamples, double keptPerCycle)
{
    std::vector<SeriesSample> s;
    double floor = base;
    double value = base;
    for (int i = 0; i < count; ++i) {
        if (i > 0 && i % cycleSamples == 0) {
            floor += keptPerCycle;
            value = floor;
        } else if (i > 0) {
            value += writePerSecond * kStepMs / 1000.0;
        }
        s.push_back({i * kStepMs, value});
    }
    return s;
}

} // namespace

TEST_CASE("growth of a clean linear series is its slope", "[measure][growth]")
{
    const auto s = linear(kHour, 1e9, 1e6);
    const auto g = estimateGrowth(s);
    REQUIRE(g.has_value());
    CHECK(g->perSecond == Approx(1e6).epsilon(1e-9));
    CHECK(g->trend == Trend::Growing);
    CHECK(g->deletions == 0);
    CHECK_FALSE(g->retentionActive);
    CHECK(g->samples == kHour);
    CHECK(g->spanMs == (kHour - 1) * kStepMs);
    const auto ttf = secondsToFull(3'600'000'000, *g);
    REQUIRE(ttf.has_value());
    CHECK(*ttf == Approx(3600.0));
}

TEST_CASE("growth of a noisy series with outliers stays near the true rate", "[measure][growth]")
{
    std::mt19937 rng(42);
    std::normal_distribution<double> noise(0.0, 2e6);
    std::uniform_int_distribution<int> pick(0, 9);
    auto s = linear(kHour, 5e9, 1e5); // 100 kB/s: 360 MB over the hour
    int outliers = 0;
    for (auto &x : s) {
        x.value += noise(rng);
        if (pick(rng) == 0) { // 10 % wild readings, both ways
            x.value *= (outliers++ % 2 == 0) ? 1.5 : 0.5;
        }
    }
    REQUIRE(outliers > 20);
    const auto g = estimateGrowth(s);
    REQUIRE(g.has_value());
    CHECK(g->perSecond == Approx(1e5).epsilon(0.05));
    CHECK(g->trend == Trend::Growing);
}

TEST_CASE("a flat series is steady and has no time to full", "[measure][growth]")
{
    SECTION("exactly flat")
    {
        const auto g = estimateGrowth(linear(kHour, 4e9, 0.0));
        REQUIRE(g.has_value());
        CHECK(g->perSecond == 0.0);
        CHECK(g->trend == Trend::Steady);
        CHECK_FALSE(secondsToFull(1000, *g).has_value());
    }
    SECTION("flat with noise")
    {
        std::mt19937 rng(7);
        std::normal_distribution<double> noise(0.0, 1e6);
        auto s = linear(kHour, 4e9, 0.0);
        for (auto &x : s)
            x.value += noise(rng);
        const auto g = estimateGrowth(s);
        REQUIRE(g.has_value());
        CHECK(g->trend == Trend::Steady);
        CHECK_FALSE(secondsToFull(1000, *g).has_value());
    }
}

TEST_CASE("a sudden deletion by retention does not turn growth negative", "[measure][growth]")
{
    auto s = linear(kHour, 8e9, 1e6);
    for (int i = kHour / 2; i < kHour; ++i)
        s[static_cast<std::size_t>(i)].value -= 5e9; // a retention shrink freed 5 GB at half time

    // A plain Theil–Sen over every pair sees mostly the fall.
    const auto plain = theilSenSlope(s);
    REQUIRE(plain.has_value());
    CHECK(*plain < 0);

    const auto g = estimateGrowth(s);
    REQUIRE(g.has_value());
    CHECK(g->perSecond == Approx(1e6).epsilon(1e-6));
    CHECK(g->trend == Trend::Growing);
    CHECK(g->deletions == 1);
    CHECK_FALSE(g->retentionActive);

    SECTION("right after the deletion, too")
    {
        std::vector<SeriesSample> early(s.begin(), s.begin() + kHour / 2 + 2);
        const auto e = estimateGrowth(early);
        REQUIRE(e.has_value());
        CHECK(e->perSecond == Approx(1e6).epsilon(1e-6));
    }
    SECTION("a fall spread over three samples is one deletion")
    {
        auto staged = linear(kHour, 8e9, 1e6);
        for (int i = 100; i < kHour; ++i)
            staged[static_cast<std::size_t>(i)].value -= i < 101 ? 1e9 : i < 102 ? 2e9 : 3e9;
        const auto st = estimateGrowth(staged);
        REQUIRE(st.has_value());
        CHECK(st->deletions == 1);
        CHECK(st->perSecond == Approx(1e6).epsilon(1e-6));
    }
}

TEST_CASE("retention deleting as fast as data arrives is steady, not filling", "[measure][growth]")
{
    // 1 MB/s written, every 5 minutes retention deletes it all again.
    const auto s = sawtooth(kHour, 6e9, 1e6, 30, 0.0);
    const auto g = estimateGrowth(s);
    REQUIRE(g.has_value());
    CHECK(g->retentionActive);
    CHECK(g->deletions >= 10);
    CHECK(g->writeRatePerSecond == Approx(1e6).epsilon(1e-6));
    CHECK(g->trend == Trend::Steady);
    CHECK_FALSE(secondsToFull(1'000'000'000, *g).has_value());
}

TEST_CASE("retention deleting less than arrives: the rising high-water mark is the growth", "[measure][growth]")
{
    // Each 5-minute cycle keeps 60 MB more than the previous: 200 kB/s net.
    const auto s = sawtooth(kHour, 6e9, 1e6, 30, 6e7);
    const auto g = estimateGrowth(s);
    REQUIRE(g.has_value());
    CHECK(g->retentionActive);
    CHECK(g->perSecond == Approx(2e5).epsilon(0.01));
    CHECK(g->trend == Trend::Growing);
    const auto ttf = secondsToFull(720'000'000, *g);
    REQUIRE(ttf.has_value());
    CHECK(*ttf == Approx(3600.0).epsilon(0.01));
}

TEST_CASE("a single upward spike is not taken for a deletion", "[measure][growth]")
{
    auto s = linear(kHour, 2e9, 1e6);
    s[200].value += 5e9;
    const auto g = estimateGrowth(s);
    REQUIRE(g.has_value());
    CHECK(g->deletions == 0);
    CHECK(g->perSecond == Approx(1e6).epsilon(1e-3));
}

TEST_CASE("too little data gives no estimate", "[measure][growth]")
{
    CHECK_FALSE(estimateGrowth(linear(2, 1e9, 1e6)).has_value());
    CHECK_FALSE(estimateGrowth(std::vector<SeriesSample>{}).has_value());
    // Three samples within 20 s: below the one-minute minimum span.
    CHECK_FALSE(estimateGrowth(linear(3, 1e9, 1e6)).has_value());
    const auto enough = estimateGrowth(linear(7, 1e9, 1e6));
    REQUIRE(enough.has_value());
    CHECK(enough->perSecond == Approx(1e6));
}

TEST_CASE("only the recent window counts, and order does not matter", "[measure][growth]")
{
    auto s = linear(kHour, 1e9, 0.0);                             // a flat hour...
    const auto recent = linear(kHour, 1e9, 5e5, kHour * kStepMs); // ...then growing
    s.insert(s.end(), recent.begin(), recent.end());
    std::reverse(s.begin(), s.end());
    const auto g = estimateGrowth(s);
    REQUIRE(g.has_value());
    CHECK(g->perSecond == Approx(5e5).epsilon(1e-6));
    CHECK(g->samples <= static_cast<std::size_t>(kHour + 1));
}

TEST_CASE("a long window is thinned evenly and keeps its slope", "[measure][growth]")
{
    GrowthOptions o;
    o.windowMs = 24 * 3'600'000;
    const auto g = estimateGrowth(linear(24 * kHour, 1e9, 3e4), o);
    REQUIRE(g.has_value());
    CHECK(g->samples == o.maxSamples);
    CHECK(g->perSecond == Approx(3e4).epsilon(1e-6));
}

TEST_CASE("without splitting at drops a falling series is shrinking", "[measure][growth]")
{
    GrowthOptions o;
    o.splitAtDrops = false;
    const auto g = estimateGrowth(linear(kHour, 1e6, -200.0), o);
    REQUIRE(g.has_value());
    CHECK(g->trend == Trend::Shrinking);
    CHECK(g->perSecond == Approx(-200.0));
    CHECK_FALSE(secondsToFull(1000, *g).has_value());
}
