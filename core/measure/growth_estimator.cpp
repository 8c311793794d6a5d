// SPDX-License-Identifier: GPL-3.0-or-later
// Theil–Sen over the recent window, with retention deletions cut out of the
// pairs (see core/measure/README.md for why and for the alternatives).
#include "core/measure/growth_estimator.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace spillway::core::measure {
namespace {

double median(std::vector<double> &v)
{
    const std::size_t mid = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
    double m = v[mid];
    if (v.size() % 2 == 0) {
        const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
        m = (m + lower) / 2;
    }
    return m;
}

/// Appends the slopes of every pair inside [begin, end).
void pairSlopes(std::span<const SeriesSample> s, std::size_t begin, std::size_t end, std::vector<double> &out)
{
    for (std::size_t i = begin; i < end; ++i) {
        for (std::size_t j = i + 1; j < end; ++j) {
            const auto dt = s[j].timeMs - s[i].timeMs;
            if (dt > 0)
                out.push_back((s[j].value - s[i].value) / static_cast<double>(dt));
        }
    }
}

/// 1.4826 * MAD of the steps: the standard deviation of the step noise for
/// Gaussian noise, unaffected by the few big steps that are deletions.
double stepNoise(std::span<const SeriesSample> s)
{
    if (s.size() < 3)
        return 0;
    std::vector<double> steps;
    steps.reserve(s.size() - 1);
    for (std::size_t i = 0; i + 1 < s.size(); ++i)
        steps.push_back(s[i + 1].value - s[i].value);
    std::vector<double> copy = steps;
    const double med = median(copy);
    for (auto &d : steps)
        d = std::abs(d - med);
    return 1.4826 * median(steps);
}

/// Whether the step from i to i+1 is a deletion: a fall beyond the
/// threshold below the level before it (the lower of samples i-1 and i, so
/// that the return from a one-sample upward spike is no fall), which
/// persists (sample i+2 stays down, so a one-sample dip is no fall either).
bool isDrop(std::span<const SeriesSample> s, std::size_t i, double noise, const GrowthOptions &o)
{
    const double level = i > 0 ? std::min(s[i].value, s[i - 1].value) : s[i].value;
    const double threshold = std::max({o.dropAbsolute, o.dropFraction * std::abs(level), o.noiseSigmas * noise});
    if (s[i + 1].value >= level - threshold)
        return false;
    return i + 2 >= s.size() || s[i + 2].value < level - threshold;
}

std::vector<SeriesSample> selectWindow(std::span<const SeriesSample> samples, const GrowthOptions &o)
{
    std::vector<SeriesSample> s(samples.begin(), samples.end());
    if (!std::is_sorted(s.begin(), s.end(), [](const auto &a, const auto &b) { return a.timeMs < b.timeMs; }))
        std::stable_sort(s.begin(), s.end(), [](const auto &a, const auto &b) { return a.timeMs < b.timeMs; });
    if (s.empty())
        return s;
    const std::int64_t from = s.back().timeMs - o.windowMs;
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), [&](const auto &x) { return x.timeMs >= from; }));
    if (o.maxSamples >= 2 && s.size() > o.maxSamples) {
        std::vector<SeriesSample> thin;
        thin.reserve(o.maxSamples);
        const double stride = static_cast<double>(s.size() - 1) / static_cast<double>(o.maxSamples - 1);
        for (std::size_t k = 0; k < o.maxSamples; ++k)
            thin.push_back(s[static_cast<std::size_t>(std::llround(static_cast<double>(k) * stride))]);
        s = std::move(thin);
    }
    return s;
}

} // namespace

std::string_view toString(Trend trend) noexcept
{
    switch (trend) {
    case Trend::Steady: return "steady";
    case Trend::Growing: return "growing";
    case Trend::Shrinking: return "shrinking";
    }
    return "unknown";
}

std::optional<double> theilSenSlope(std::span<const SeriesSample> samples)
{
    std::vector<double> slopes;
    slopes.reserve(samples.size() * (samples.size() - (samples.empty() ? 0 : 1)) / 2);
    pairSlopes(samples, 0, samples.size(), slopes);
    if (slopes.empty())
        return std::nullopt;
    return median(slopes);
}

std::optional<GrowthEstimate> estimateGrowth(std::span<const SeriesSample> samples, const GrowthOptions &o)
{
    const std::vector<SeriesSample> s = selectWindow(samples, o);
    if (s.size() < std::max<std::size_t>(o.minSamples, 2))
        return std::nullopt;
    GrowthEstimate g;
    g.samples = s.size();
    g.spanMs = s.back().timeMs - s.front().timeMs;
    g.lastValue = s.back().value;
    if (g.spanMs < std::max<std::int64_t>(o.minSpanMs, 1))
        return std::nullopt;
    const double noise = stepNoise(s);

    // Runs of samples between deletions; a fall over several steps is one.
    std::vector<std::pair<std::size_t, std::size_t>> runs; // [begin, end)
    std::size_t runStart = 0;
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
        if (o.splitAtDrops && isDrop(s, i, noise, o)) {
            runs.emplace_back(runStart, i + 1);
            runStart = i + 1;
        }
    }
    runs.emplace_back(runStart, s.size());

    std::vector<double> slopes;
    for (const auto &[b, e] : runs)
        pairSlopes(s, b, e, slopes);
    if (slopes.empty())
        pairSlopes(s, 0, s.size(), slopes); // every step a fall: use them all
    if (slopes.empty())
        return std::nullopt;
    g.writeRatePerSecond = median(slopes) * 1000.0;
    g.perSecond = g.writeRatePerSecond;

    // Deletion events: a fall over several steps leaves runs of one sample
    // behind it; those belong to the event before them.
    std::vector<SeriesSample> peaks; // the high-water mark before each deletion
    for (std::size_t r = 0; r + 1 < runs.size(); ++r) {
        const auto [b, e] = runs[r];
        if (r > 0 && e - b == 1)
            continue;
        const auto top =
            std::max_element(s.begin() + static_cast<std::ptrdiff_t>(b), s.begin() + static_cast<std::ptrdiff_t>(e),
                             [](const auto &x, const auto &y) { return x.value < y.value; });
        peaks.push_back(*top);
    }
    g.deletions = peaks.size();
    if (peaks.size() >= 2) {
        // Retention deletes again and again: the disk fills only if the
        // level it reaches before each deletion keeps rising.
        g.retentionActive = true;
        if (const auto slope = theilSenSlope(peaks))
            g.perSecond = *slope * 1000.0;
    }

    std::vector<double> levels;
    levels.reserve(s.size());
    for (const auto &x : s)
        levels.push_back(std::abs(x.value));
    const double level = median(levels);
    const double change = g.perSecond * static_cast<double>(g.spanMs) / 1000.0;
    const double tolerance = std::max({o.steadyAbsolute, o.steadyFraction * level, noise});
    g.trend = std::abs(change) <= tolerance ? Trend::Steady : change > 0 ? Trend::Growing : Trend::Shrinking;
    return g;
}

std::optional<double> secondsToFull(std::int64_t freeBytes, const GrowthEstimate &growth)
{
    if (growth.perSecond <= 0 || growth.trend != Trend::Growing)
        return std::nullopt;
    return static_cast<double>(std::max<std::int64_t>(freeBytes, 0)) / growth.perSecond;
}

} // namespace spillway::core::measure
