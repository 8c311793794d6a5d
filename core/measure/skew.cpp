// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/skew.h"

#include <algorithm>
#include <cmath>

namespace spillway::core::measure {
namespace {

double deviationPercent(double value, double mean) { return mean > 0 ? 100.0 * (value - mean) / mean : 0.0; }

double meanOf(const std::vector<double> &v)
{
    if (v.empty())
        return 0;
    double sum = 0;
    for (double x : v)
        sum += x;
    return sum / static_cast<double>(v.size());
}

double coefficientOfVariation(const std::vector<double> &v, double mean)
{
    if (v.empty() || mean <= 0)
        return 0;
    double sq = 0;
    for (double x : v)
        sq += (x - mean) * (x - mean);
    return std::sqrt(sq / static_cast<double>(v.size())) / mean;
}

} // namespace

BrokerSkew computeBrokerSkew(const BrokerLoad &load, const SkewOptions &options)
{
    BrokerSkew out;
    out.broker = load.broker;
    const bool allCapacities =
        !load.disks.empty() && std::all_of(load.disks.begin(), load.disks.end(),
                                           [](const auto &d) { return d.capacityBytes && *d.capacityBytes > 0; });
    out.basis = allCapacities ? SkewBasis::Utilisation : SkewBasis::Bytes;

    std::vector<double> basis;
    std::vector<double> parts;
    for (const auto &d : load.disks) {
        DiskSkew s;
        s.dir = d.dir;
        s.kafkaBytes = d.kafkaBytes;
        s.partitions = d.partitions;
        if (d.capacityBytes && *d.capacityBytes > 0)
            s.utilisation = static_cast<double>(d.kafkaBytes) / static_cast<double>(*d.capacityBytes);
        out.totalBytes += d.kafkaBytes;
        out.totalPartitions += d.partitions;
        basis.push_back(allCapacities ? s.utilisation : static_cast<double>(d.kafkaBytes));
        parts.push_back(static_cast<double>(d.partitions));
        out.disks.push_back(std::move(s));
    }
    if (out.disks.empty())
        return out;
    const auto n = static_cast<double>(out.disks.size());
    out.meanBytes = static_cast<double>(out.totalBytes) / n;
    out.meanPartitions = static_cast<double>(out.totalPartitions) / n;
    const double meanBasis = meanOf(basis);
    out.coefficientOfVariation = coefficientOfVariation(basis, meanBasis);
    out.belowMinimum = out.meanBytes < static_cast<double>(options.minMeanBytes);
    for (std::size_t i = 0; i < out.disks.size(); ++i) {
        auto &s = out.disks[i];
        s.deviationPercent = deviationPercent(basis[i], meanBasis);
        s.partitionDeviationPercent = deviationPercent(parts[i], out.meanPartitions);
        s.withinThreshold = std::abs(s.deviationPercent) <= options.thresholdPercent;
        out.skewIndexPercent = std::max(out.skewIndexPercent, std::abs(s.deviationPercent));
        out.partitionSkewIndexPercent = std::max(out.partitionSkewIndexPercent, std::abs(s.partitionDeviationPercent));
    }
    out.balanced = out.belowMinimum || out.skewIndexPercent <= options.thresholdPercent;
    return out;
}

ClusterSkew computeClusterSkew(std::span<const BrokerLoad> brokers, const SkewOptions &options)
{
    ClusterSkew out;
    std::int64_t bytes = 0;
    std::int64_t partitions = 0;
    for (const auto &b : brokers) {
        out.brokers.push_back(computeBrokerSkew(b, options));
        BrokerShare share;
        share.broker = b.broker;
        share.kafkaBytes = out.brokers.back().totalBytes;
        share.partitions = out.brokers.back().totalPartitions;
        bytes += share.kafkaBytes;
        partitions += share.partitions;
        out.shares.push_back(share);
    }
    if (out.shares.empty())
        return out;
    const auto n = static_cast<double>(out.shares.size());
    const double meanBytes = static_cast<double>(bytes) / n;
    const double meanPartitions = static_cast<double>(partitions) / n;
    out.belowMinimum = meanBytes < static_cast<double>(options.minMeanBytes);
    for (auto &s : out.shares) {
        s.deviationPercent = deviationPercent(static_cast<double>(s.kafkaBytes), meanBytes);
        s.partitionDeviationPercent = deviationPercent(static_cast<double>(s.partitions), meanPartitions);
        s.withinThreshold = std::abs(s.deviationPercent) <= options.thresholdPercent;
        out.skewIndexPercent = std::max(out.skewIndexPercent, std::abs(s.deviationPercent));
        out.partitionSkewIndexPercent = std::max(out.partitionSkewIndexPercent, std::abs(s.partitionDeviationPercent));
    }
    out.balanced = out.belowMinimum || out.skewIndexPercent <= options.thresholdPercent;
    return out;
}

} // namespace spillway::core::measure
