// SPDX-License-Identifier: GPL-3.0-or-later
// DescribeLogDirs, AlterReplicaLogDirs, DescribeConfigs, AlterConfigs,
// IncrementalAlterConfigs, DescribeCluster.
#include "broker/api/request_router.h"
#include "broker/broker_state.h"
#include "core/protocol/messages/alter_configs.h"
#include "core/protocol/messages/alter_replica_log_dirs.h"
#include "core/protocol/messages/describe_cluster.h"
#include "core/protocol/messages/describe_configs.h"
#include "core/protocol/messages/describe_log_dirs.h"
#include "core/protocol/messages/incremental_alter_configs.h"

namespace spillway::broker {
namespace {

using core::KafkaError;

constexpr std::int8_t kTopicResource = 2;
constexpr std::int8_t kBrokerResource = 4;

using core::DescribeLogDirsRequest;
using core::DescribeLogDirsResponse;

std::optional<DescribeLogDirsResponse> handleDescribeLogDirs(BrokerState &s, const RequestContext &,
                                                             DescribeLogDirsRequest &req)
{
    DescribeLogDirsResponse r;
    const auto wanted = [&](const std::string &topic, std::int32_t partition) {
        if (!req.Topics)
            return true;
        for (const auto &t : *req.Topics)
            if (t.Topic == topic)
                for (std::int32_t p : t.Partitions)
                    if (p == partition)
                        return true;
        return false;
    };
    for (const auto &dir : s.logs.describeLogDirs()) {
        DescribeLogDirsResponse::DescribeLogDirsResult res;
        res.LogDir = dir.path.string();
        res.ErrorCode = code(dir.online ? KafkaError::None : KafkaError::KafkaStorageError);
        res.TotalBytes = dir.totalBytes;
        res.UsableBytes = dir.usableBytes;
        std::map<std::string, DescribeLogDirsResponse::DescribeLogDirsResult::DescribeLogDirsTopic> topics;
        for (const auto &p : dir.partitions) {
            if (!wanted(p.topic, p.partition.get()))
                continue;
            auto &t = topics[p.topic];
            t.Name = p.topic;
            t.Partitions.push_back({p.partition.get(), p.sizeBytes, p.offsetLag, p.isFuture});
        }
        for (auto &[name, t] : topics)
            res.Topics.push_back(std::move(t));
        r.Results.push_back(std::move(res));
    }
    return r;
}

using core::AlterReplicaLogDirsRequest;
using core::AlterReplicaLogDirsResponse;

/// The Kafka error for a refused move (LogManager::alterLogDir names it in the hint).
KafkaError alterLogDirError(const core::Error &error)
{
    if (error.hint == "LOG_DIR_NOT_FOUND")
        return KafkaError::LogDirNotFound;
    if (error.hint == "KAFKA_STORAGE_ERROR")
        return KafkaError::KafkaStorageError;
    if (error.hint == "REPLICA_NOT_AVAILABLE")
        return KafkaError::ReplicaNotAvailable;
    if (error.hint == "INVALID_TOPIC_EXCEPTION")
        return KafkaError::InvalidTopicException;
    return kafkaErrorFor(error);
}

std::optional<AlterReplicaLogDirsResponse> handleAlterReplicaLogDirs(BrokerState &s, const RequestContext &,
                                                                     AlterReplicaLogDirsRequest &req)
{
    // Kafka (KafkaApis.handleAlterReplicaLogDirsRequest) maps each partition
    // to one destination, the last one listed.
    std::map<std::pair<std::string, std::int32_t>, std::string> moves;
    for (const auto &dir : req.Dirs)
        for (const auto &t : dir.Topics)
            for (std::int32_t p : t.Partitions)
                moves[{t.Name, p}] = dir.Path;
    AlterReplicaLogDirsResponse r;
    for (const auto &[tp, path] : moves) {
        const auto &[topic, partition] = tp;
        KafkaError error = KafkaError::None;
        if (auto st = s.logs.alterLogDir(topic, core::PartitionId(partition), path, BrokerState::nowMs()); !st.ok()) {
            error = alterLogDirError(st.error());
            // Not hosted: REPLICA_NOT_AVAILABLE (Kafka keeps it instead of
            // NOT_LEADER_OR_FOLLOWER), unless the cluster has no such partition.
            const TopicInfo *t = s.topics.find(topic);
            if (error == KafkaError::ReplicaNotAvailable &&
                (t == nullptr || partition < 0 || partition >= t->partitions))
                error = KafkaError::UnknownTopicOrPartition;
            s.say("AlterReplicaLogDirs " + topic + "-" + std::to_string(partition) + " -> " + path + ": " +
                  std::string(core::toString(error)) + " (" + st.error().message + ")");
        }
        if (r.Results.empty() || r.Results.back().TopicName != topic)
            r.Results.push_back({topic, {}});
        r.Results.back().Partitions.push_back({partition, code(error)});
    }
    return r;
}

using core::DescribeConfigsRequest;
using core::DescribeConfigsResponse;

std::optional<DescribeConfigsResponse> handleDescribeConfigs(BrokerState &s, const RequestContext &ctx,
                                                             DescribeConfigsRequest &req)
{
    DescribeConfigsResponse r;
    for (const auto &res : req.Resources) {
        DescribeConfigsResponse::DescribeConfigsResult out;
        out.ResourceType = res.ResourceType;
        out.ResourceName = res.ResourceName;
        std::vector<ConfigEntry> entries;
        if (res.ResourceType == kTopicResource) {
            const TopicInfo *t = s.topics.find(res.ResourceName);
            if (t == nullptr) {
                out.ErrorCode = code(KafkaError::UnknownTopicOrPartition);
                out.ErrorMessage = "Topic " + res.ResourceName + " does not exist.";
            } else {
                entries = s.topicSchema.describe(t->configs);
            }
        } else if (res.ResourceType == kBrokerResource) {
            if (!res.ResourceName.empty() && res.ResourceName != std::to_string(s.config.brokerId)) {
                out.ErrorCode = code(KafkaError::InvalidRequest);
                out.ErrorMessage = "Unexpected broker id, expected " + std::to_string(s.config.brokerId);
            } else {
                entries = s.brokerSchema.describe(s.topics.brokerConfigs());
            }
        } else {
            out.ErrorCode = code(KafkaError::InvalidRequest);
            out.ErrorMessage = "Unsupported resource type " + std::to_string(res.ResourceType);
        }
        for (const auto &e : entries) {
            if (res.ConfigurationKeys) {
                bool keep = false;
                for (const auto &k : *res.ConfigurationKeys)
                    keep |= k == e.name;
                if (!keep)
                    continue;
            }
            DescribeConfigsResponse::DescribeConfigsResult::DescribeConfigsResourceResult c;
            c.Name = e.name;
            c.Value = e.value;
            c.ReadOnly = e.readOnly;
            c.IsDefault = e.source == ConfigSource::Default;
            c.ConfigSource = static_cast<std::int8_t>(e.source);
            c.IsSensitive = e.sensitive;
            c.ConfigType = e.type;
            if (req.IncludeDocumentation)
                c.Documentation = e.documentation;
            if (req.IncludeSynonyms || ctx.header.apiVersion >= 1)
                c.Synonyms.push_back({e.name, e.value, static_cast<std::int8_t>(e.source)});
            out.Configs.push_back(std::move(c));
        }
        r.Results.push_back(std::move(out));
    }
    return r;
}

/// Applies (or, with validateOnly, checks) a complete new set of overrides
/// for one resource. Returns the Kafka error and message for the response.
std::pair<KafkaError, std::string> applyConfigs(BrokerState &s, std::int8_t type, const std::string &name,
                                                const std::map<std::string, std::string> &configs, bool validateOnly)
{
    if (type == kTopicResource) {
        const TopicInfo *t = s.topics.find(name);
        if (t == nullptr)
            return {KafkaError::UnknownTopicOrPartition, "Topic " + name + " does not exist."};
        for (const auto &[k, v] : configs)
            if (auto st = s.topicSchema.validate(k, v); !st.ok())
                return {KafkaError::InvalidConfig, st.error().message};
        if (validateOnly)
            return {KafkaError::None, {}};
        if (auto st = s.topics.setConfigs(name, configs); !st.ok())
            return {KafkaError::KafkaStorageError, st.error().message};
        if (const TopicInfo *changed = s.topics.find(name))
            s.applyTopicLogConfig(*changed);
        s.say("topic " + name + " configs changed");
        return {KafkaError::None, {}};
    }
    if (type == kBrokerResource) {
        for (const auto &[k, v] : configs)
            if (auto st = s.brokerSchema.validateDynamic(k, v); !st.ok())
                return {KafkaError::InvalidConfig, st.error().message};
        if (validateOnly)
            return {KafkaError::None, {}};
        if (auto st = s.topics.setBrokerConfigs(configs); !st.ok())
            return {KafkaError::KafkaStorageError, st.error().message};
        return {KafkaError::None, {}};
    }
    return {KafkaError::InvalidRequest, "Unsupported resource type " + std::to_string(type)};
}

using core::AlterConfigsRequest;
using core::AlterConfigsResponse;

std::optional<AlterConfigsResponse> handleAlterConfigs(BrokerState &s, const RequestContext &, AlterConfigsRequest &req)
{
    AlterConfigsResponse r;
    for (const auto &res : req.Resources) {
        // AlterConfigs replaces the whole set of overrides.
        std::map<std::string, std::string> configs;
        for (const auto &c : res.Configs)
            if (c.Value)
                configs[c.Name] = *c.Value;
        const auto [error, message] = applyConfigs(s, res.ResourceType, res.ResourceName, configs, req.ValidateOnly);
        AlterConfigsResponse::AlterConfigsResourceResponse out;
        out.ErrorCode = code(error);
        if (!message.empty())
            out.ErrorMessage = message;
        out.ResourceType = res.ResourceType;
        out.ResourceName = res.ResourceName;
        r.Responses.push_back(std::move(out));
    }
    return r;
}

using core::IncrementalAlterConfigsRequest;
using core::IncrementalAlterConfigsResponse;

std::optional<IncrementalAlterConfigsResponse> handleIncrementalAlterConfigs(BrokerState &s, const RequestContext &,
                                                                             IncrementalAlterConfigsRequest &req)
{
    IncrementalAlterConfigsResponse r;
    for (const auto &res : req.Resources) {
        std::map<std::string, std::string> configs;
        if (res.ResourceType == kTopicResource) {
            if (const TopicInfo *t = s.topics.find(res.ResourceName))
                configs = t->configs;
        } else if (res.ResourceType == kBrokerResource) {
            configs = s.topics.brokerConfigs();
        }
        std::string opError;
        for (const auto &c : res.Configs) {
            switch (c.ConfigOperation) {
            case 0: // SET
                if (c.Value)
                    configs[c.Name] = *c.Value;
                break;
            case 1: // DELETE
                configs.erase(c.Name);
                break;
            case 2:   // APPEND (list configs)
            case 3: { // SUBTRACT
                std::string current =
                    configs.count(c.Name) ? configs[c.Name] : s.topicSchema.effective(c.Name, configs);
                const std::string item = c.Value.value_or("");
                if (c.ConfigOperation == 2) {
                    if (current.find(item) == std::string::npos)
                        current = current.empty() ? item : current + "," + item;
                } else {
                    std::string kept;
                    std::size_t start = 0;
                    while (start <= current.size()) {
                        const auto comma = current.find(',', start);
                        const std::string part =
                            current.substr(start, comma == std::string::npos ? comma : comma - start);
                        if (part != item)
                            kept += (kept.empty() ? "" : ",") + part;
                        if (comma == std::string::npos)
                            break;
                        start = comma + 1;
                    }
                    current = kept;
                }
                configs[c.Name] = current;
                break;
            }
            default: opError = "Unknown config operation " + std::to_string(c.ConfigOperation);
            }
        }
        IncrementalAlterConfigsResponse::AlterConfigsResourceResponse out;
        out.ResourceType = res.ResourceType;
        out.ResourceName = res.ResourceName;
        if (!opError.empty()) {
            out.ErrorCode = code(KafkaError::InvalidRequest);
            out.ErrorMessage = opError;
        } else {
            const auto [error, message] =
                applyConfigs(s, res.ResourceType, res.ResourceName, configs, req.ValidateOnly);
            out.ErrorCode = code(error);
            if (!message.empty())
                out.ErrorMessage = message;
        }
        r.Responses.push_back(std::move(out));
    }
    return r;
}

using core::DescribeClusterRequest;
using core::DescribeClusterResponse;

std::optional<DescribeClusterResponse> handleDescribeCluster(BrokerState &s, const RequestContext &,
                                                             DescribeClusterRequest &)
{
    DescribeClusterResponse r;
    r.ClusterId = s.logs.clusterId();
    r.ControllerId = s.config.brokerId;
    r.Brokers.push_back({s.config.brokerId, s.advertisedHost, s.advertisedPort, std::nullopt});
    return r;
}

} // namespace

std::vector<ApiEntry> adminApis(BrokerState &s)
{
    std::vector<ApiEntry> t;
    t.push_back(makeApiEntry<DescribeLogDirsRequest, DescribeLogDirsResponse>(
        0, 4, [&s](const RequestContext &c, DescribeLogDirsRequest &r) { return handleDescribeLogDirs(s, c, r); }));
    t.push_back(makeApiEntry<AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse>(
        0, 2,
        [&s](const RequestContext &c, AlterReplicaLogDirsRequest &r) { return handleAlterReplicaLogDirs(s, c, r); }));
    t.push_back(makeApiEntry<DescribeConfigsRequest, DescribeConfigsResponse>(
        0, 4, [&s](const RequestContext &c, DescribeConfigsRequest &r) { return handleDescribeConfigs(s, c, r); }));
    t.push_back(makeApiEntry<AlterConfigsRequest, AlterConfigsResponse>(
        0, 2, [&s](const RequestContext &c, AlterConfigsRequest &r) { return handleAlterConfigs(s, c, r); }));
    t.push_back(makeApiEntry<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(
        0, 1, [&s](const RequestContext &c, IncrementalAlterConfigsRequest &r) {
            return handleIncrementalAlterConfigs(s, c, r);
        }));
    t.push_back(makeApiEntry<DescribeClusterRequest, DescribeClusterResponse>(
        0, 1, [&s](const RequestContext &c, DescribeClusterRequest &r) { return handleDescribeCluster(s, c, r); }));
    return t;
}

} // namespace spillway::broker
