// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace spillway::core::measure {

/// One point of a measured series: bytes used, lag in messages, ...
struct SeriesSample {
    std::int64_t timeMs = 0;
    double value = 0;
};

enum class Trend {
    Steady, ///< the change over the window is within the noise and the tolerance
    Growing,
    Shrinking,
};
std::string_view toString(Trend trend) noexcept;

struct GrowthOptions {
    std::int64_t windowMs = 3'600'000; ///< only the most recent hour counts
    std::size_t minSamples = 3;        ///< fewer: no estimate
    std::int64_t minSpanMs = 60'000;   ///< a shorter window: no estimate
    std::size_t maxSamples = 360;      ///< thinned evenly beyond this (Theil–Sen is O(n^2))
    /// Bytes on a disk fall when retention deletes segments; such a fall is
    /// a deletion, not negative growth (see README). Off for consumer lag,
    /// where a fall is the consumer catching up.
    bool splitAtDrops = true;
    double dropFraction = 0.001; ///< a fall counts as a deletion above 0.1 % of the level,
    double dropAbsolute = 0;     ///< and above this many units,
    double noiseSigmas = 4.0;    ///< and above 4 sigma of the step noise
    /// Steady when |rate * span| is within max(steadyAbsolute,
    /// steadyFraction * level, step noise).
    double steadyFraction = 0.01;
    double steadyAbsolute = 0;
};

/// A robust growth rate over the recent window.
struct GrowthEstimate {
    /// The rate to forecast with, in units per second: the write rate
    /// between deletions, or with retention deleting repeatedly (two or
    /// more deletions in the window) the trend of the high-water marks.
    double perSecond = 0;
    double writeRatePerSecond = 0; ///< Theil–Sen slope over pairs not separated by a deletion
    Trend trend = Trend::Steady;
    std::size_t samples = 0;   ///< used, after windowing and thinning
    std::int64_t spanMs = 0;   ///< from the first to the last sample used
    std::size_t deletions = 0; ///< falls treated as deletions (a multi-step fall counts once)
    bool retentionActive = false;
    double lastValue = 0;
};

/// Theil–Sen estimator: the median of the slopes of all pairs of samples
/// (per millisecond). Robust to 29 % outliers. Samples sorted by time; pairs
/// with equal times are skipped. nullopt with fewer than two distinct times.
std::optional<double> theilSenSlope(std::span<const SeriesSample> samples);

/// The growth of a series (sorted by time, or sorted here) over the last
/// `windowMs`; nullopt while there is too little data. Pure; any thread.
std::optional<GrowthEstimate> estimateGrowth(std::span<const SeriesSample> samples, const GrowthOptions &options = {});

/// free / rate when the rate is positive: seconds until a filesystem with
/// `freeBytes` left is full. nullopt when not growing.
std::optional<double> secondsToFull(std::int64_t freeBytes, const GrowthEstimate &growth);

} // namespace spillway::core::measure
