// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace spillway::core::measure {

/// What one log dir holds: Kafka bytes and partitions, and the capacity of
/// its filesystem when known.
struct DiskLoad {
    std::string dir;
    std::int64_t kafkaBytes = 0;
    std::int64_t partitions = 0;
    std::optional<std::int64_t> capacityBytes;
};

struct BrokerLoad {
    BrokerId broker{0};
    std::vector<DiskLoad> disks; ///< online dirs only: an offline dir holds nothing Kafka can use
};

struct SkewOptions {
    /// Balanced = every disk within +-threshold % of the broker's mean, as
    /// Cruise Control's disk distribution goals (balance percentage 1.10).
    double thresholdPercent = 10.0;
    /// Below this mean the broker is too empty for skew to matter.
    std::int64_t minMeanBytes = std::int64_t{1} << 20;
};

/// What the deviations are measured on.
enum class SkewBasis {
    Bytes,       ///< Kafka bytes per disk (capacities unknown)
    Utilisation, ///< Kafka bytes / filesystem capacity (every capacity known)
};

struct DiskSkew {
    std::string dir;
    std::int64_t kafkaBytes = 0;
    std::int64_t partitions = 0;
    double utilisation = 0;      ///< kafkaBytes / capacity; 0 when unknown
    double deviationPercent = 0; ///< from the broker mean, on the basis
    double partitionDeviationPercent = 0;
    bool withinThreshold = true;
};

/// The distribution of one broker's data over its disks.
struct BrokerSkew {
    BrokerId broker{0};
    SkewBasis basis = SkewBasis::Bytes;
    std::vector<DiskSkew> disks;
    std::int64_t totalBytes = 0;
    std::int64_t totalPartitions = 0;
    double meanBytes = 0;
    double meanPartitions = 0;
    /// The skew index: the largest |deviation| from the mean, in %. Zero for
    /// a perfectly even broker; compared directly against the threshold.
    double skewIndexPercent = 0;
    double partitionSkewIndexPercent = 0;
    double coefficientOfVariation = 0; ///< stddev / mean on the basis, for charts
    bool belowMinimum = false;         ///< mean bytes under minMeanBytes: not judged
    bool balanced = true;
};

/// One broker's share of the cluster.
struct BrokerShare {
    BrokerId broker{0};
    std::int64_t kafkaBytes = 0;
    std::int64_t partitions = 0;
    double deviationPercent = 0;
    double partitionDeviationPercent = 0;
    bool withinThreshold = true;
};

struct ClusterSkew {
    std::vector<BrokerSkew> brokers; ///< disk skew inside each broker
    std::vector<BrokerShare> shares; ///< bytes and partitions across brokers
    double skewIndexPercent = 0;     ///< max |deviation| of broker bytes from the cluster mean
    double partitionSkewIndexPercent = 0;
    bool belowMinimum = false;
    bool balanced = true;
};

/// Pure functions; any thread.
BrokerSkew computeBrokerSkew(const BrokerLoad &load, const SkewOptions &options = {});
ClusterSkew computeClusterSkew(std::span<const BrokerLoad> brokers, const SkewOptions &options = {});

} // namespace spillway::core::measure
