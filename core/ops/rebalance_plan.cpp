// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/rebalance_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <utility>

namespace spillway::core::ops {
namespace {

struct WorkDir {
    std::string path;
    std::string device; ///< dirs with the same non-empty device share their free space
    std::int64_t bytes = 0;
    std::optional<std::int64_t> free;
    std::int64_t capacity = 0;
    double growth = 0;
    std::vector<measure::PartitionSize> partitions; ///< live ones, movable
};

double deviation(std::int64_t bytes, double mean)
{
    return mean > 0 ? (static_cast<double>(bytes) - mean) / mean * 100.0 : 0.0;
}

std::string gib(std::int64_t bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

std::string percent(double p)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.1f %%", p);
    return buf;
}

bool sharesFilesystem(const WorkDir &a, const WorkDir &b) { return !a.device.empty() && a.device == b.device; }

} // namespace

RebalancePlan planRebalance(const measure::BrokerSnapshot &broker, const RebalanceOptions &options)
{
    RebalancePlan plan;
    plan.broker = broker.id;
    plan.thresholdPercent = options.thresholdPercent;

    // The dirs that count are the ones skew looks at; a partition with a
    // `-future` replica anywhere is being moved already and stays put.
    std::set<std::pair<std::string, std::int32_t>> busy;
    for (const auto &d : broker.dirs)
        for (const auto &p : d.partitions)
            if (p.isFuture)
                busy.insert({p.topic, p.partition.get()});
    std::vector<WorkDir> dirs;
    for (const auto &d : broker.dirs) {
        if (!d.exists || d.offline || !d.ioErrors.empty() || d.notMounted)
            continue;
        WorkDir w;
        w.path = d.path;
        w.device = d.device;
        w.bytes = d.kafkaBytes;
        if (d.usage) {
            w.free = d.usage->freeBytes;
            w.capacity = d.usage->capacityBytes;
        }
        if (d.growth)
            w.growth = std::max(0.0, d.growth->perSecond);
        for (const auto &p : d.partitions)
            if (!p.isFuture && busy.count({p.topic, p.partition.get()}) == 0)
                w.partitions.push_back(p);
        dirs.push_back(std::move(w));
    }
    std::int64_t total = 0;
    for (const auto &d : dirs)
        total += d.bytes;
    const double mean = dirs.empty() ? 0.0 : static_cast<double>(total) / static_cast<double>(dirs.size());
    plan.meanBytes = mean;
    const double limit = options.thresholdPercent;
    auto within = [&](std::int64_t bytes) { return std::abs(deviation(bytes, mean)) <= limit; };
    auto skew = [&](const std::vector<WorkDir> &ds) {
        double s = 0;
        for (const auto &d : ds)
            s = std::max(s, std::abs(deviation(d.bytes, mean)));
        return s;
    };
    auto margin = [&](const WorkDir &d) {
        return std::max(options.minFreeMarginBytes,
                        static_cast<std::int64_t>(static_cast<double>(d.capacity) * options.minFreeMarginFraction));
    };

    const std::vector<WorkDir> before = dirs;
    plan.skewBeforePercent = skew(dirs);
    plan.belowMinimum = dirs.size() < 2 || mean < static_cast<double>(options.minMeanBytes);
    plan.balancedBefore = plan.belowMinimum || plan.skewBeforePercent <= limit;

    std::set<std::pair<std::string, std::int32_t>> moved;
    while (!plan.belowMinimum && plan.moves.size() < options.maxMoves) {
        if (std::all_of(dirs.begin(), dirs.end(), [&](const WorkDir &d) { return within(d.bytes); }))
            break;
        // Sources: over the mean, fullest first. Destinations: under the
        // mean, most effective free space first (free less the growth over
        // the horizon; Kafka bytes decide when free space is unknown).
        std::vector<std::size_t> sources;
        std::vector<std::size_t> targets;
        for (std::size_t i = 0; i < dirs.size(); ++i) {
            if (static_cast<double>(dirs[i].bytes) > mean)
                sources.push_back(i);
            else if (static_cast<double>(dirs[i].bytes) < mean)
                targets.push_back(i);
        }
        std::sort(sources.begin(), sources.end(), [&](auto a, auto b) { return dirs[a].bytes > dirs[b].bytes; });
        auto effectiveFree = [&](const WorkDir &d) {
            if (!d.free)
                return -static_cast<double>(d.bytes);
            return static_cast<double>(*d.free) - d.growth * options.growthHorizonSeconds;
        };
        std::stable_sort(targets.begin(), targets.end(), [&](auto a, auto b) {
            const double fa = effectiveFree(dirs[a]);
            const double fb = effectiveFree(dirs[b]);
            if (fa != fb)
                return fa > fb;
            return dirs[a].bytes < dirs[b].bytes;
        });

        struct Choice {
            std::size_t from = 0;
            std::size_t to = 0;
            std::size_t partition = 0;
        };
        std::optional<Choice> choice;
        for (auto s : sources) {
            for (auto t : targets) {
                const double a = static_cast<double>(dirs[s].bytes) - mean; // > 0
                const double b = static_cast<double>(dirs[t].bytes) - mean; // < 0
                const double worst = std::max(std::abs(a), std::abs(b));
                const double gap = std::min(a, -b);
                double best = 0;
                for (std::size_t k = 0; k < dirs[s].partitions.size(); ++k) {
                    const auto &p = dirs[s].partitions[k];
                    const auto size = static_cast<double>(p.bytes);
                    if (p.bytes <= 0 || moved.count({p.topic, p.partition.get()}) != 0)
                        continue;
                    if (std::max(std::abs(a - size), std::abs(b + size)) >= worst)
                        continue; // would not improve the pair
                    if (dirs[t].free) {
                        const double room = static_cast<double>(*dirs[t].free) -
                                            dirs[t].growth * options.growthHorizonSeconds -
                                            static_cast<double>(margin(dirs[t]));
                        if (size > room)
                            continue; // would overfill the destination
                    }
                    const double fit = std::abs(size - gap);
                    if (!choice || fit < best) {
                        choice = Choice{s, t, k};
                        best = fit;
                    }
                }
                if (choice)
                    break;
            }
            if (choice)
                break;
        }
        if (!choice) {
            plan.reason = "no partition left whose move brings a disk closer to the mean without overfilling its "
                          "destination";
            break;
        }
        WorkDir &src = dirs[choice->from];
        WorkDir &dst = dirs[choice->to];
        const auto p = src.partitions[choice->partition];
        src.partitions.erase(src.partitions.begin() + static_cast<std::ptrdiff_t>(choice->partition));
        dst.partitions.push_back(p);
        moved.insert({p.topic, p.partition.get()});
        src.bytes -= p.bytes;
        dst.bytes += p.bytes;
        if (!sharesFilesystem(src, dst)) {
            if (src.free)
                *src.free += p.bytes;
            if (dst.free)
                *dst.free -= p.bytes;
        }
        plan.moves.push_back({p.topic, p.partition, src.path, dst.path, p.bytes});
    }

    plan.skewAfterPercent = skew(dirs);
    plan.reachable = plan.belowMinimum || plan.skewAfterPercent <= limit;
    if (!plan.reachable && plan.reason.empty())
        plan.reason = "stopped after " + std::to_string(options.maxMoves) + " moves";
    if (plan.reachable)
        plan.reason.clear();
    for (std::size_t i = 0; i < dirs.size(); ++i) {
        RebalanceDisk d;
        d.dir = dirs[i].path;
        d.bytesBefore = before[i].bytes;
        d.bytesAfter = dirs[i].bytes;
        d.freeBefore = before[i].free;
        d.freeAfter = dirs[i].free;
        d.deviationBeforePercent = deviation(d.bytesBefore, mean);
        d.deviationAfterPercent = deviation(d.bytesAfter, mean);
        d.growthPerSecond = dirs[i].growth;
        d.withinThresholdAfter = plan.belowMinimum || within(d.bytesAfter);
        plan.disks.push_back(std::move(d));
    }
    return plan;
}

OnlineMoveRequest toOnlineMoveRequest(const RebalancePlan &plan, std::string bootstrap,
                                      std::int64_t throttleBytesPerSecond)
{
    OnlineMoveRequest request;
    request.bootstrap = std::move(bootstrap);
    request.broker = plan.broker;
    request.throttleBytesPerSecond = throttleBytesPerSecond;
    for (const auto &m : plan.moves)
        request.targets.push_back({m.topic, m.partition, m.to});
    return request;
}

std::string RebalancePlan::describe() const
{
    std::string out = "broker " + std::to_string(broker.get()) + ": mean " + gib(static_cast<std::int64_t>(meanBytes)) +
                      " per disk, threshold +-" + std::to_string(static_cast<int>(thresholdPercent)) + " %\n";
    for (const auto &d : disks) {
        out += "  " + d.dir + ": " + gib(d.bytesBefore) + " (" + percent(d.deviationBeforePercent) + ") -> " +
               gib(d.bytesAfter) + " (" + percent(d.deviationAfterPercent) + ")";
        if (d.freeBefore && d.freeAfter)
            out += ", free " + gib(*d.freeBefore) + " -> " + gib(*d.freeAfter);
        out += d.withinThresholdAfter ? "\n" : "  OUTSIDE\n";
    }
    if (belowMinimum)
        out += "the broker holds too little data to judge its balance; no moves\n";
    else if (moves.empty() && balancedBefore)
        out += "balanced: every disk is within the threshold; no moves\n";
    int n = 1;
    for (const auto &m : moves)
        out += "  " + std::to_string(n++) + ". " + m.topic + "-" + std::to_string(m.partition.get()) + " (" +
               gib(m.bytes) + "): " + m.from + " -> " + m.to + "\n";
    if (!reachable)
        out += "target not reachable: " + reason + "\n";
    return out;
}

} // namespace spillway::core::ops
