// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/admin/admin_types.h"
#include "core/common/strong_type.h"
#include "core/measure/cluster_snapshot.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace spillway::core::admin {

class AdminClient;

/// A broker whose log dirs are on this machine: they are scanned locally
/// (statvfs, mount table, the files) in addition to what the broker says.
struct LocalBrokerDirs {
    BrokerId id{0};
    std::string name;      ///< "lab broker 1"; empty: "broker <id>"
    std::string bootstrap; ///< "127.0.0.1:9092", empty if not known
    std::vector<std::filesystem::path> logDirs;
};

struct SamplerOptions {
    /// The cluster's bootstrap servers. Empty: the local brokers' own
    /// addresses; with none of those either, only the local scan runs.
    std::string bootstrap;
    std::vector<LocalBrokerDirs> localBrokers;
    /// Every admin call is bounded by these: a dead host costs at most
    /// connectTimeout per address, a hung broker requestTimeout per call.
    std::chrono::milliseconds connectTimeout{3000};
    std::chrono::milliseconds requestTimeout{10000};
    bool consumerGroups = true; ///< ListGroups + lag of every consumer group
};

/// What one sampling round found about a broker beyond its snapshot.
struct SampledBroker {
    BrokerId id{0};
    std::string address;   ///< host:port from Metadata, or the local target's bootstrap
    bool local = false;    ///< its log dirs are on this machine (file-based operations possible)
    bool answered = false; ///< DescribeLogDirs answered this round
};

/// One round: the snapshot for the alert rules plus what could not be measured.
struct ClusterSample {
    measure::ClusterSnapshot snapshot;
    std::vector<SampledBroker> brokers; ///< parallel to snapshot.brokers
    std::string clusterId;
    std::vector<std::string> problems; ///< per source, human readable; never fatal
};

/// Builds measure::ClusterSnapshot from a live cluster (the admin client:
/// Metadata, DescribeLogDirs per broker, ListGroups + lag) merged with the
/// local scan of the brokers whose log dirs are on this machine.
///
/// Merge rule, per log dir of a local broker (matched by lexically normal
/// path): the local scan is the base — filesystem usage (statvfs), device,
/// mount point, own mount / root filesystem / not mounted, existence, the
/// partition dirs and their file sizes, I/O errors met while scanning; the
/// broker's DescribeLogDirs adds its offline state (KAFKA_STORAGE_ERROR:
/// offline, with the reason among ioErrors) and, only when statvfs failed
/// here, its TotalBytes/UsableBytes. A dir the broker reports but the local
/// configuration does not list is added as the broker reports it (source
/// DescribeLogDirs). Remote brokers' dirs come from DescribeLogDirs only.
///
/// Blocking (call it on a worker thread), never throws. Keeps its admin
/// client (connections) across rounds. Not thread-safe: one owner thread.
class ClusterSampler {
public:
    explicit ClusterSampler(SamplerOptions options);
    ~ClusterSampler();
    ClusterSampler(const ClusterSampler &) = delete;
    ClusterSampler &operator=(const ClusterSampler &) = delete;

    [[nodiscard]] const SamplerOptions &options() const { return m_options; }
    /// The bootstrap servers the admin client uses ("" when none).
    [[nodiscard]] const std::string &bootstrap() const { return m_bootstrap; }

    ClusterSample sample();

private:
    AdminClient *client(std::vector<std::string> &problems);

    SamplerOptions m_options;
    std::string m_bootstrap;
    std::unique_ptr<AdminClient> m_client;
};

/// A LogDirSnapshot from a DescribeLogDirs answer (source DescribeLogDirs,
/// offline = KAFKA_STORAGE_ERROR or any other error, usage from v4 bytes).
measure::LogDirSnapshot logDirFromDescribe(const LogDirInfo &info);

/// Merges the broker's view of a dir into the local scan of it (the rule above).
void mergeBrokerView(measure::LogDirSnapshot &local, const measure::LogDirSnapshot &broker);

/// Topics with partition count and replication factor (the largest replica
/// set of any partition), internal ones marked.
std::vector<measure::TopicSnapshot> topicsFromMetadata(const ClusterMetadata &metadata);

/// "a/b/../c/" -> "a/c": how dirs of both sources are matched.
std::string normalDirPath(const std::string &path);

} // namespace spillway::core::admin
