// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"
#include "core/measure/consumer_lag.h"
#include "core/measure/disk_probe.h"
#include "core/measure/growth_estimator.h"
#include "core/measure/skew.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core::measure {

enum class BrokerLiveness {
    Unknown, ///< not supervised by Spillway (e.g. a local `disks` run)
    Up,
    Down,    ///< stopped, or not answering
    Crashed, ///< exited on its own (signal, non-zero exit)
};
std::string_view toString(BrokerLiveness state) noexcept;

/// Where a log dir's figures come from.
enum class MeasurementSource {
    LocalScan,       ///< stat/statvfs + the log dir scan on this machine
    DescribeLogDirs, ///< the running broker's answer (v4+: TotalBytes, UsableBytes)
};
std::string_view toString(MeasurementSource source) noexcept;

struct PartitionSize {
    std::string topic;
    PartitionId partition{0};
    std::int64_t bytes = 0;
    bool isFuture = false; ///< an AlterReplicaLogDirs copy (`-future` dir)
};

/// One log dir of one broker, from either source. The lead's admin client
/// fills it from DescribeLogDirs (`offline` = ErrorCode KAFKA_STORAGE_ERROR,
/// `usage` = usageFromDescribeLogDirs(TotalBytes, UsableBytes)), the local
/// scan from measureLocalLogDirs().
struct LogDirSnapshot {
    std::string path;
    MeasurementSource source = MeasurementSource::LocalScan;
    bool exists = true;                ///< false: configured, but not there
    bool offline = false;              ///< the broker took it offline, or it cannot be read
    std::vector<std::string> ioErrors; ///< I/O errors met reading it (EIO, ...)
    std::optional<FilesystemUsage> usage;
    std::string device;     ///< "major:minor" when known; dirs with the same device share a filesystem
    std::string mountPoint; ///< when known
    bool ownMountPoint = false;
    bool rootFilesystem = false;
    std::optional<NotMountedFinding> notMounted;
    std::int64_t kafkaBytes = 0;
    std::int64_t partitionCount = 0;
    std::vector<PartitionSize> partitions; ///< may be empty when only totals are known
    /// 0: `partitions` were listed from the dir this round. Otherwise the dir
    /// cannot be listed (offline) and `partitions` are what was last seen on
    /// it, at this time: the monitor's memory of an earlier round, or
    /// Metadata's offline replicas of the broker (bytes unknown, 0).
    std::int64_t partitionsAsOfMs = 0;
    std::optional<GrowthEstimate> growth; ///< of the filesystem's used bytes (from history)
};

/// Usage from DescribeLogDirs v4: TotalBytes and UsableBytes (used is the
/// rest, including root's reserve). -1 (unknown, old brokers) gives nullopt.
std::optional<FilesystemUsage> usageFromDescribeLogDirs(std::int64_t totalBytes, std::int64_t usableBytes);

struct BrokerSnapshot {
    BrokerId id{0};
    std::string name; ///< "broker 1", or host:port; used in alert texts
    BrokerLiveness state = BrokerLiveness::Unknown;
    std::string stateDetail; ///< "crashed (signal KILL)", "exited with code 1"
    std::vector<LogDirSnapshot> dirs;

    [[nodiscard]] std::string displayName() const;
    /// The dirs that count for disk skew: existing, online and on a disk of
    /// their own (a not-mounted dir's capacity is the parent filesystem's).
    [[nodiscard]] BrokerLoad diskLoad() const;
};

struct TopicSnapshot {
    std::string name;
    int partitions = 0;
    int replicationFactor = 0;
    bool internal = false; ///< __consumer_offsets, __transaction_state
};

/// An index that failed verification (IndexVerifier) on a broker's dir.
struct CorruptIndexFinding {
    BrokerId broker{0};
    std::string dir;
    std::string topic;
    PartitionId partition{0};
    std::string file;   ///< the .index / .timeindex file
    std::string detail; ///< what verification found
};

struct ConsumerGroupSnapshot {
    GroupLag lag;
    std::optional<GrowthEstimate> trend; ///< of the total lag, from history
};

/// Everything the alert rules look at, for one evaluation round. Plain
/// values, cheap to build from any source; the engine keeps no reference.
struct ClusterSnapshot {
    std::int64_t timeMs = 0;
    std::vector<BrokerSnapshot> brokers;
    std::vector<TopicSnapshot> topics;
    std::vector<CorruptIndexFinding> corruptIndexes;
    std::vector<ConsumerGroupSnapshot> groups;

    [[nodiscard]] const BrokerSnapshot *broker(BrokerId id) const;
};

} // namespace spillway::core::measure
