// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/admin/admin_types.h"
#include "core/admin/api_version_table.h"
#include "core/admin/kafka_connection.h"
#include "core/common/result.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core::admin {

class ClusterLink;

struct AdminOptions {
    /// Kafka's bootstrap.servers: "host:port,host:port".
    std::string bootstrap;
    ConnectionOptions connection;
    /// Change configs with AlterConfigs (read-modify-write of the whole set
    /// of overrides) even when the broker has IncrementalAlterConfigs. Off by
    /// default: the fallback is taken only for brokers older than Kafka 2.3.
    bool forceAlterConfigs = false;
};

/// Group listings from every broker; a broker that cannot be asked is
/// reported in `errors` and the others still count.
struct GroupListings {
    std::vector<GroupListing> groups; ///< sorted by group id
    std::vector<Error> errors;
};

/// Spillway's Kafka admin client: Kafka's protocol over plain sockets,
/// sharing the lab broker's codec, for Apache Kafka 2.x to 4.x and the lab
/// broker.
///
/// It learns the brokers through Metadata from the bootstrap servers and
/// sends each request where Kafka wants it: DescribeLogDirs and
/// AlterReplicaLogDirs to the broker hosting the replicas, ListOffsets to
/// partition leaders, group calls to the coordinator (FindCoordinator),
/// BROKER config resources to that broker, CreateTopics to the controller.
/// Versions are negotiated per broker and per API from ApiVersions. A
/// connection that fails is dropped and opened again on the next call (one
/// transparent retry when a kept-alive connection turns out dead, e.g. after
/// Kafka's idle timeout).
///
/// Results are typed (admin_types.h); a KafkaError per item is Kafka's
/// answer, a core::Error is a failure of the call (unreachable broker,
/// timeout, unsupported version, malformed answer) naming the broker and
/// the API.
///
/// Blocking. Thread-safe: calls on one instance are serialised; use one
/// client per worker thread to overlap calls. Never use it on a GUI thread.
class AdminClient {
public:
    /// Checks the bootstrap list; connects lazily on the first call.
    static Result<std::unique_ptr<AdminClient>> create(AdminOptions options);
    ~AdminClient();
    AdminClient(const AdminClient &) = delete;
    AdminClient &operator=(const AdminClient &) = delete;

    // --- cluster -------------------------------------------------------------
    /// Brokers, controller, cluster id and every topic with its partitions.
    Result<ClusterMetadata> metadata();
    /// The same for some topics; an unknown one comes back with
    /// UNKNOWN_TOPIC_OR_PARTITION (topics are never auto-created).
    Result<ClusterMetadata> metadata(const std::vector<std::string> &topics);
    /// Brokers, controller and cluster id, no topics: DescribeCluster when
    /// the broker has it (Kafka 2.8+), Metadata otherwise.
    Result<ClusterMetadata> describeCluster();
    /// The ApiVersions table of one broker, or of any broker.
    Result<ApiVersionTable> apiVersions(std::optional<BrokerId> broker = std::nullopt);
    /// The version this client would use for `key` with that broker.
    Result<std::int16_t> negotiatedVersion(ApiKey key, std::optional<BrokerId> broker = std::nullopt);

    Result<std::vector<TopicResult>> createTopics(const std::vector<NewTopic> &topics);

    // --- log dirs ------------------------------------------------------------
    /// Every log dir of `broker` with capacity (v4) and its partitions.
    Result<std::vector<LogDirInfo>> describeLogDirs(BrokerId broker);
    /// Moves replicas between the log dirs of `broker` (KIP-113).
    Result<std::vector<ReplicaLogDirResult>> alterReplicaLogDirs(BrokerId broker,
                                                                 const std::vector<ReplicaLogDirMove> &moves);

    // --- configs -------------------------------------------------------------
    /// One result per resource, in the order asked, with sources and synonyms.
    Result<std::vector<ConfigResourceResult>> describeConfigs(const std::vector<ConfigResource> &resources);
    /// Incremental changes (set, delete, append, subtract). With brokers
    /// older than Kafka 2.3, or forceAlterConfigs, through AlterConfigs:
    /// describe, apply the changes to the current overrides, write the whole
    /// set back (as Kafka's own tools did). Refused for a resource whose
    /// sensitive override cannot be read back and would be lost.
    Result<std::vector<AlterConfigsResult>> incrementalAlterConfigs(const std::vector<ConfigAlteration> &alterations,
                                                                    bool validateOnly = false);

    // --- offsets -------------------------------------------------------------
    /// Earliest, latest or by-timestamp offsets, from each partition's leader.
    Result<std::vector<PartitionOffset>> listOffsets(const std::vector<OffsetQuery> &queries);

    // --- consumer groups -----------------------------------------------------
    GroupListings listGroups();
    Result<std::vector<GroupDescription>> describeGroups(const std::vector<std::string> &groupIds);
    /// Every committed offset of a group (OffsetFetch from its coordinator).
    Result<std::vector<CommittedOffset>> committedOffsets(const std::string &groupId);
    /// Committed offset, log end offset and lag of every partition the
    /// group has committed or is assigned.
    Result<GroupLag> groupLag(const std::string &groupId);

private:
    AdminClient(AdminOptions options, std::unique_ptr<ClusterLink> link);

    Result<std::vector<ConfigResourceResult>> describeConfigsLocked(const std::vector<ConfigResource> &resources);
    Result<std::vector<PartitionOffset>> listOffsetsLocked(const std::vector<OffsetQuery> &queries);
    Result<std::vector<GroupDescription>> describeGroupsLocked(const std::vector<std::string> &groupIds);
    Result<std::vector<CommittedOffset>> committedOffsetsLocked(const std::string &groupId, BrokerId coordinator);
    Result<AlterConfigsResult> alterViaAlterConfigs(const ConfigAlteration &alteration, bool validateOnly);

    AdminOptions m_options;
    std::unique_ptr<ClusterLink> m_link;
    std::mutex m_mutex;
};

} // namespace spillway::core::admin
