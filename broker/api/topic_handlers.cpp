// SPDX-License-Identifier: GPL-3.0-or-later
// Metadata, CreateTopics, DeleteTopics, CreatePartitions.
#include "broker/api/request_router.h"
#include "broker/broker_state.h"
#include "core/protocol/messages/create_partitions.h"
#include "core/protocol/messages/create_topics.h"
#include "core/protocol/messages/delete_topics.h"
#include "core/protocol/messages/metadata.h"
#include "core/storage/logdir/topic_name.h"

namespace spillway::broker {
namespace {

using core::KafkaError;

using core::MetadataRequest;
using core::MetadataResponse;

MetadataResponse::MetadataResponseTopic describeTopic(BrokerState &s, const TopicInfo &t)
{
    MetadataResponse::MetadataResponseTopic out;
    out.Name = t.name;
    out.TopicId = t.id;
    const std::int32_t self = s.config.brokerId;
    for (std::int32_t p = 0; p < t.partitions; ++p) {
        MetadataResponse::MetadataResponseTopic::MetadataResponsePartition part;
        part.PartitionIndex = p;
        part.ReplicaNodes = {self};
        PartitionLog *log = s.logs.find(t.name, core::PartitionId(p));
        if (log == nullptr || log->offlineError()) {
            // The only replica is on a failed (or missing) disk: no leader.
            part.ErrorCode = code(KafkaError::LeaderNotAvailable);
            part.LeaderId = -1;
            part.OfflineReplicas = {self};
        } else {
            part.LeaderId = self;
            part.LeaderEpoch = 0;
            part.IsrNodes = {self};
        }
        out.Partitions.push_back(std::move(part));
    }
    return out;
}

std::optional<MetadataResponse> handleMetadata(BrokerState &s, const RequestContext &ctx, MetadataRequest &req)
{
    MetadataResponse r;
    r.Brokers.push_back({s.config.brokerId, s.advertisedHost, s.advertisedPort, std::nullopt});
    r.ClusterId = s.logs.clusterId();
    r.ControllerId = s.config.brokerId;
    // v0 had no null: an empty list meant every topic.
    const bool all = !req.Topics || (ctx.header.apiVersion == 0 && req.Topics->empty());
    if (all) {
        for (const TopicInfo *t : s.topics.topics())
            r.Topics.push_back(describeTopic(s, *t));
        return r;
    }
    for (const auto &wanted : *req.Topics) {
        const TopicInfo *t = wanted.Name ? s.topics.find(*wanted.Name) : s.topics.findById(wanted.TopicId);
        if (t == nullptr && wanted.Name && req.AllowAutoTopicCreation && s.config.autoCreateTopicsEnable &&
            core::validateTopicName(*wanted.Name).ok()) {
            auto created = s.createTopic(*wanted.Name, s.config.numPartitions, 1, {});
            if (created.ok()) {
                s.say("auto-created topic " + *wanted.Name + " with " + std::to_string(s.config.numPartitions) +
                      " partition(s)");
                t = s.topics.find(*wanted.Name);
            }
        }
        if (t == nullptr) {
            MetadataResponse::MetadataResponseTopic missing;
            missing.Name = wanted.Name;
            missing.TopicId = wanted.TopicId;
            missing.ErrorCode =
                code(wanted.Name && !core::validateTopicName(*wanted.Name).ok() ? KafkaError::InvalidTopicException
                                                                                : KafkaError::UnknownTopicOrPartition);
            r.Topics.push_back(std::move(missing));
            continue;
        }
        r.Topics.push_back(describeTopic(s, *t));
    }
    return r;
}

using core::CreateTopicsRequest;
using core::CreateTopicsResponse;

std::optional<CreateTopicsResponse> handleCreateTopics(BrokerState &s, const RequestContext &, CreateTopicsRequest &req)
{
    CreateTopicsResponse r;
    for (auto &t : req.Topics) {
        CreateTopicsResponse::CreatableTopicResult res;
        res.Name = t.Name;
        const auto fail = [&](KafkaError e, std::string message) {
            res.ErrorCode = code(e);
            res.ErrorMessage = std::move(message);
            r.Topics.push_back(res);
        };
        if (auto valid = core::validateTopicName(t.Name); !valid.ok()) {
            fail(KafkaError::InvalidTopicException, valid.error().message);
            continue;
        }
        if (s.topics.find(t.Name) != nullptr) {
            fail(KafkaError::TopicAlreadyExists, "Topic '" + t.Name + "' already exists.");
            continue;
        }
        std::int32_t partitions = t.NumPartitions == -1 ? s.config.numPartitions : t.NumPartitions;
        std::int16_t rf = t.ReplicationFactor == -1 ? s.config.defaultReplicationFactor : t.ReplicationFactor;
        if (!t.Assignments.empty()) {
            partitions = static_cast<std::int32_t>(t.Assignments.size());
            rf = static_cast<std::int16_t>(t.Assignments.front().BrokerIds.size());
        }
        if (partitions <= 0) {
            fail(KafkaError::InvalidPartitions, "Number of partitions must be larger than 0.");
            continue;
        }
        if (rf <= 0) {
            fail(KafkaError::InvalidReplicationFactor, "Replication factor must be larger than 0.");
            continue;
        }
        if (rf > 1) {
            fail(KafkaError::InvalidReplicationFactor,
                 "Replication factor: " + std::to_string(rf) + " larger than available brokers: 1.");
            continue;
        }
        std::map<std::string, std::string> configs;
        bool bad = false;
        for (const auto &c : t.Configs) {
            if (!c.Value)
                continue;
            if (auto st = s.topicSchema.validate(c.Name, *c.Value); !st.ok()) {
                fail(KafkaError::InvalidConfig, st.error().message);
                bad = true;
                break;
            }
            configs[c.Name] = *c.Value;
        }
        if (bad)
            continue;
        if (!req.validateOnly) {
            auto created = s.createTopic(t.Name, partitions, rf, configs);
            if (!created.ok()) {
                fail(KafkaError::KafkaStorageError, created.error().message);
                continue;
            }
            res.TopicId = created->id;
            s.say("created topic " + t.Name + " with " + std::to_string(partitions) + " partition(s)");
        }
        res.NumPartitions = partitions;
        res.ReplicationFactor = rf;
        res.Configs.emplace();
        for (const auto &e : s.topicSchema.describe(configs)) {
            CreateTopicsResponse::CreatableTopicResult::CreatableTopicConfigs c;
            c.Name = e.name;
            c.Value = e.value;
            c.ReadOnly = e.readOnly;
            c.ConfigSource = static_cast<std::int8_t>(e.source);
            c.IsSensitive = e.sensitive;
            res.Configs->push_back(std::move(c));
        }
        r.Topics.push_back(std::move(res));
    }
    return r;
}

using core::DeleteTopicsRequest;
using core::DeleteTopicsResponse;

std::optional<DeleteTopicsResponse> handleDeleteTopics(BrokerState &s, const RequestContext &, DeleteTopicsRequest &req)
{
    DeleteTopicsResponse r;
    std::vector<DeleteTopicsRequest::DeleteTopicState> wanted = req.Topics;
    for (const auto &n : req.TopicNames)
        wanted.push_back({n, {}});
    for (const auto &w : wanted) {
        DeleteTopicsResponse::DeletableTopicResult res;
        res.Name = w.Name;
        res.TopicId = w.TopicId;
        const TopicInfo *t = w.Name ? s.topics.find(*w.Name) : s.topics.findById(w.TopicId);
        if (t == nullptr) {
            res.ErrorCode = code(w.Name ? KafkaError::UnknownTopicOrPartition : KafkaError::UnknownTopicId);
            r.Responses.push_back(std::move(res));
            continue;
        }
        const TopicInfo topic = *t;
        res.Name = topic.name;
        res.TopicId = topic.id;
        for (std::int32_t p = 0; p < topic.partitions; ++p) {
            if (s.logs.find(topic.name, core::PartitionId(p)) == nullptr)
                continue;
            if (auto st = s.logs.deletePartition(topic.name, core::PartitionId(p), BrokerState::nowMs()); !st.ok()) {
                res.ErrorCode = code(KafkaError::KafkaStorageError);
                res.ErrorMessage = st.error().message;
            }
        }
        if (auto st = s.topics.remove(topic.name); !st.ok()) {
            res.ErrorCode = code(KafkaError::KafkaStorageError);
            res.ErrorMessage = st.error().message;
        } else {
            s.say("deleted topic " + topic.name);
        }
        r.Responses.push_back(std::move(res));
    }
    return r;
}

using core::CreatePartitionsRequest;
using core::CreatePartitionsResponse;

std::optional<CreatePartitionsResponse> handleCreatePartitions(BrokerState &s, const RequestContext &,
                                                               CreatePartitionsRequest &req)
{
    CreatePartitionsResponse r;
    for (const auto &t : req.Topics) {
        CreatePartitionsResponse::CreatePartitionsTopicResult res;
        res.Name = t.Name;
        const TopicInfo *info = s.topics.find(t.Name);
        if (info == nullptr) {
            res.ErrorCode = code(KafkaError::UnknownTopicOrPartition);
        } else if (t.Count <= info->partitions) {
            res.ErrorCode = code(KafkaError::InvalidPartitions);
            res.ErrorMessage = "Topic currently has " + std::to_string(info->partitions) +
                               " partitions, which is higher than the requested " + std::to_string(t.Count) + ".";
        } else if (!req.ValidateOnly) {
            if (auto st = s.topics.setPartitionCount(t.Name, t.Count); !st.ok()) {
                res.ErrorCode = code(KafkaError::KafkaStorageError);
                res.ErrorMessage = st.error().message;
            } else if (auto created = s.ensurePartitions(*s.topics.find(t.Name)); !created.ok()) {
                res.ErrorCode = code(KafkaError::KafkaStorageError);
                res.ErrorMessage = created.error().message;
            }
        }
        r.Results.push_back(std::move(res));
    }
    return r;
}

} // namespace

std::vector<ApiEntry> topicApis(BrokerState &s)
{
    std::vector<ApiEntry> t;
    t.push_back(makeApiEntry<MetadataRequest, MetadataResponse>(
        0, 12, [&s](const RequestContext &c, MetadataRequest &r) { return handleMetadata(s, c, r); }));
    t.push_back(makeApiEntry<CreateTopicsRequest, CreateTopicsResponse>(
        0, 7, [&s](const RequestContext &c, CreateTopicsRequest &r) { return handleCreateTopics(s, c, r); }));
    t.push_back(makeApiEntry<DeleteTopicsRequest, DeleteTopicsResponse>(
        0, 6, [&s](const RequestContext &c, DeleteTopicsRequest &r) { return handleDeleteTopics(s, c, r); }));
    t.push_back(makeApiEntry<CreatePartitionsRequest, CreatePartitionsResponse>(
        0, 3, [&s](const RequestContext &c, CreatePartitionsRequest &r) { return handleCreatePartitions(s, c, r); }));
    return t;
}

} // namespace spillway::broker
