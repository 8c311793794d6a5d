// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/kafka_uuid.h"
#include "core/common/strong_type.h"
#include "core/protocol/api.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Typed results of AdminClient: plain values with std::string, strong types
// and one KafkaError per partition or resource, so that callers never see
// the wire format. A KafkaError other than None is Kafka's answer for that
// item; failures of the whole call are core::Error.
namespace spillway::core::admin {

/// "-1" broker id: no leader, no controller.
inline constexpr BrokerId kNoBroker{-1};

// --- cluster -------------------------------------------------------------------

struct BrokerInfo {
    BrokerId id{-1};
    std::string host;
    std::int32_t port = 0;
    std::optional<std::string> rack;
};

struct PartitionInfo {
    PartitionId partition{0};
    KafkaError error = KafkaError::None;
    BrokerId leader = kNoBroker;
    LeaderEpoch leaderEpoch{-1};
    std::vector<BrokerId> replicas;
    std::vector<BrokerId> isr;
    std::vector<BrokerId> offlineReplicas;
};

struct TopicInfo {
    std::string name;
    KafkaUuid id; ///< zero before Metadata v10
    bool internal = false;
    KafkaError error = KafkaError::None;
    std::vector<PartitionInfo> partitions; ///< sorted by partition
};

/// What Metadata (or DescribeCluster) says about the cluster.
struct ClusterMetadata {
    std::string clusterId; ///< empty before Metadata v2
    BrokerId controller = kNoBroker;
    std::vector<BrokerInfo> brokers; ///< sorted by id
    std::vector<TopicInfo> topics;   ///< sorted by name

    [[nodiscard]] const BrokerInfo *broker(BrokerId id) const;
    [[nodiscard]] const TopicInfo *topic(std::string_view name) const;
};

// --- log dirs ------------------------------------------------------------------

struct LogDirPartition {
    std::string topic;
    PartitionId partition{0};
    std::int64_t sizeBytes = 0;
    std::int64_t offsetLag = 0; ///< how far a -future replica is behind
    bool isFuture = false;      ///< the target of a move in progress
};

struct LogDirInfo {
    std::string path;
    KafkaError error = KafkaError::None; ///< KAFKA_STORAGE_ERROR for an offline dir
    std::int64_t totalBytes = -1;        ///< -1 before DescribeLogDirs v4 (Kafka 3.3)
    std::int64_t usableBytes = -1;
    std::vector<LogDirPartition> partitions; ///< sorted by topic, partition
};

/// Move one replica on `broker` into the log dir `path` (AlterReplicaLogDirs).
struct ReplicaLogDirMove {
    std::string topic;
    PartitionId partition{0};
    std::string path;
};

struct ReplicaLogDirResult {
    std::string topic;
    PartitionId partition{0};
    KafkaError error = KafkaError::None;
};

// --- configs -------------------------------------------------------------------

/// Kafka's config resource types (the ones Spillway uses).
enum class ResourceType : std::int8_t { Unknown = 0, Topic = 2, Broker = 4, BrokerLogger = 8 };
std::string_view toString(ResourceType type) noexcept;

/// A topic by name, or a broker by id ("" for the cluster-wide default).
struct ConfigResource {
    ResourceType type = ResourceType::Topic;
    std::string name;

    static ConfigResource topic(std::string name) { return {ResourceType::Topic, std::move(name)}; }
    static ConfigResource broker(BrokerId id) { return {ResourceType::Broker, std::to_string(id.get())}; }
};

/// Where a config value comes from (DescribeConfigs ConfigSource).
enum class ConfigSource : std::int8_t {
    Unknown = 0,
    DynamicTopic = 1,
    DynamicBroker = 2,
    DynamicDefaultBroker = 3,
    StaticBroker = 4,
    Default = 5,
    DynamicBrokerLogger = 6,
    ClientMetrics = 7,
    Group = 8,
};
/// Kafka's names: "DYNAMIC_TOPIC_CONFIG", "DEFAULT_CONFIG", ...
std::string_view toString(ConfigSource source) noexcept;

struct ConfigSynonym {
    std::string name;
    std::optional<std::string> value;
    ConfigSource source = ConfigSource::Unknown;
};

struct ConfigEntry {
    std::string name;
    std::optional<std::string> value; ///< null for sensitive values
    ConfigSource source = ConfigSource::Unknown;
    bool readOnly = false;
    bool sensitive = false;
    bool isDefault = false;
    std::vector<ConfigSynonym> synonyms; ///< most specific first
};

struct ConfigResourceResult {
    ConfigResource resource;
    KafkaError error = KafkaError::None;
    std::string errorMessage;
    std::vector<ConfigEntry> entries; ///< in the broker's order
    [[nodiscard]] const ConfigEntry *entry(std::string_view name) const;
};

/// IncrementalAlterConfigs operations (KIP-339).
enum class ConfigOp : std::int8_t { Set = 0, Delete = 1, Append = 2, Subtract = 3 };

struct ConfigChange {
    std::string name;
    ConfigOp op = ConfigOp::Set;
    std::optional<std::string> value; ///< unused for Delete
};

struct ConfigAlteration {
    ConfigResource resource;
    std::vector<ConfigChange> changes;
};

struct AlterConfigsResult {
    ConfigResource resource;
    KafkaError error = KafkaError::None;
    std::string errorMessage;
    /// True when the change went through AlterConfigs (read-modify-write of
    /// the resource's whole set of overrides) instead of IncrementalAlterConfigs.
    bool viaAlterConfigs = false;
};

// --- offsets -------------------------------------------------------------------

/// Which offset ListOffsets looks up.
struct OffsetSpec {
    enum class Kind { Earliest, Latest, ByTimestamp };
    Kind kind = Kind::Latest;
    Timestamp timestamp{-1}; ///< ByTimestamp only

    static OffsetSpec earliest() { return {Kind::Earliest, Timestamp(-1)}; }
    static OffsetSpec latest() { return {Kind::Latest, Timestamp(-1)}; }
    static OffsetSpec at(Timestamp t) { return {Kind::ByTimestamp, t}; }
};

struct OffsetQuery {
    std::string topic;
    PartitionId partition{0};
    OffsetSpec spec;
};

struct PartitionOffset {
    std::string topic;
    PartitionId partition{0};
    KafkaError error = KafkaError::None;
    Offset offset{-1};       ///< -1: no such offset (e.g. a timestamp after the last record)
    Timestamp timestamp{-1}; ///< of the record found, for ByTimestamp
    LeaderEpoch leaderEpoch{-1};
    /// Why, when the leader could not be asked at all (error NETWORK_EXCEPTION).
    std::string errorMessage;
};

// --- consumer groups -----------------------------------------------------------

struct GroupListing {
    std::string groupId;
    std::string protocolType; ///< "consumer" for consumer groups
    std::string state;        ///< empty before ListGroups v4 (Kafka 2.6)
    BrokerId coordinator = kNoBroker;
};

struct GroupMember {
    std::string memberId;
    std::optional<std::string> groupInstanceId;
    std::string clientId;
    std::string clientHost;
    /// Decoded from the consumer protocol assignment; empty for other protocols.
    std::vector<std::pair<std::string, PartitionId>> assignment;
};

struct GroupDescription {
    std::string groupId;
    KafkaError error = KafkaError::None;
    std::string state; ///< "Stable", "PreparingRebalance", "Empty", "Dead", ...
    std::string protocolType;
    std::string protocol; ///< the assignor, e.g. "range"
    BrokerId coordinator = kNoBroker;
    std::vector<GroupMember> members;
};

struct CommittedOffset {
    std::string topic;
    PartitionId partition{0};
    KafkaError error = KafkaError::None;
    Offset offset{-1}; ///< -1: nothing committed
    std::optional<std::string> metadata;
};

/// One partition of a consumer group: committed offset, log end offset and
/// lag = logEnd - committed (absent when either is unknown).
struct PartitionLag {
    std::string topic;
    PartitionId partition{0};
    Offset committed{-1};
    Offset logEnd{-1};
    std::optional<std::int64_t> lag;
    KafkaError error = KafkaError::None; ///< from OffsetFetch or ListOffsets
    std::string memberId;                ///< the member the partition is assigned to, if any
    std::string clientId;
    std::string clientHost;
};

struct GroupLag {
    std::string groupId;
    std::string state;
    BrokerId coordinator = kNoBroker;
    std::vector<PartitionLag> partitions; ///< sorted by topic, partition
    [[nodiscard]] std::int64_t totalLag() const;
};

// --- topics --------------------------------------------------------------------

struct NewTopic {
    std::string name;
    std::int32_t partitions = 1;
    std::int16_t replicationFactor = 1;
    std::vector<std::pair<std::string, std::string>> configs;
};

struct TopicResult {
    std::string name;
    KafkaError error = KafkaError::None;
    std::string errorMessage;
};

} // namespace spillway::core::admin
