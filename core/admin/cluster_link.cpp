// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/admin/cluster_link.h"

#include "core/protocol/messages/find_coordinator.h"
#include "core/protocol/messages/metadata.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace spillway::core::admin {

Error kafkaError(const std::string &what, KafkaError error, const std::optional<std::string> &message)
{
    Errc code = Errc::Io;
    switch (error) {
    case KafkaError::UnknownTopicOrPartition:
    case KafkaError::GroupIdNotFound:
    case KafkaError::LogDirNotFound:
    case KafkaError::UnknownTopicId: code = Errc::NotFound; break;
    case KafkaError::UnsupportedVersion: code = Errc::Unsupported; break;
    case KafkaError::InvalidRequest:
    case KafkaError::InvalidConfig:
    case KafkaError::InvalidTopicException:
    case KafkaError::InvalidPartitions:
    case KafkaError::InvalidReplicationFactor:
    case KafkaError::InvalidGroupId:
    case KafkaError::PolicyViolation: code = Errc::InvalidArgument; break;
    default: break;
    }
    std::string text = what + ": " + std::string(toString(error));
    if (message && !message->empty())
        text += " (" + *message + ")";
    return makeError(code, std::move(text));
}

ClusterLink::ClusterLink(std::vector<BrokerEndpoint> bootstrap, ConnectionOptions options)
    : m_bootstrap(std::move(bootstrap))
    , m_options(std::move(options))
{}

std::string ClusterLink::keyOf(const BrokerEndpoint &endpoint)
{
    return endpoint.address() + "#" + (endpoint.nodeId ? std::to_string(endpoint.nodeId->get()) : "bootstrap");
}

Result<KafkaConnection *> ClusterLink::open(const BrokerEndpoint &endpoint)
{
    auto opened = KafkaConnection::open(endpoint, m_options);
    if (!opened)
        return opened.error();
    auto &slot = m_connections[keyOf(endpoint)];
    slot = std::move(*opened);
    return slot.get();
}

void ClusterLink::drop(const KafkaConnection &connection) { m_connections.erase(keyOf(connection.endpoint())); }

Error forApi(Error error, ApiKey key)
{
    if (error.code != Errc::NotFound)
        error.message += " (for " + std::string(toString(key)) + ")";
    return error;
}

Result<ClusterLink::Picked> ClusterLink::nodeConnection(BrokerId node)
{
    const auto known = [&]() -> const BrokerInfo * {
        const auto it = std::find_if(m_brokers.begin(), m_brokers.end(), [&](auto &b) { return b.id == node; });
        return it == m_brokers.end() ? nullptr : &*it;
    };
    bool refreshed = false;
    if (known() == nullptr) {
        if (auto m = fetchMetadata(std::vector<std::string>{}); !m)
            return m.error();
        refreshed = true;
    }
    const BrokerInfo *broker = known();
    if (broker == nullptr) {
        std::string ids;
        for (const auto &b : m_brokers)
            ids += (ids.empty() ? "" : ", ") + std::to_string(b.id.get());
        return makeError(Errc::NotFound,
                         "broker " + std::to_string(node.get()) + " is not in the cluster (brokers: " + ids + ")");
    }
    BrokerEndpoint endpoint{broker->host, broker->port, broker->id};
    if (auto cached = m_connections.find(keyOf(endpoint)); cached != m_connections.end()) {
        if (cached->second->usable())
            return Picked{cached->second.get(), true};
        m_connections.erase(cached);
    }
    auto opened = open(endpoint);
    if (opened)
        return Picked{*opened, false};
    if (refreshed)
        return opened.error();
    // The broker may have come back elsewhere (a new port or host): ask the
    // cluster once and try again if its address changed.
    if (auto m = fetchMetadata(std::vector<std::string>{}); !m)
        return opened.error();
    broker = known();
    if (broker == nullptr || (broker->host == endpoint.host && broker->port == endpoint.port))
        return opened.error();
    auto reopened = open({broker->host, broker->port, broker->id});
    if (!reopened)
        return reopened.error();
    return Picked{*reopened, false};
}

Result<ClusterLink::Picked> ClusterLink::connection(std::optional<BrokerId> node)
{
    if (node)
        return nodeConnection(*node);

    for (auto it = m_connections.begin(); it != m_connections.end();) {
        if (it->second->usable())
            return Picked{it->second.get(), true};
        it = m_connections.erase(it);
    }
    std::vector<BrokerEndpoint> candidates = m_bootstrap;
    for (const auto &b : m_brokers)
        candidates.push_back({b.host, b.port, b.id});
    std::optional<Error> first;
    std::string all;
    for (const auto &endpoint : candidates) {
        auto opened = open(endpoint);
        if (opened)
            return Picked{*opened, false};
        all += (all.empty() ? "" : "; ") + opened.error().message;
        if (!first)
            first = opened.error();
    }
    if (candidates.size() > 1)
        first->message = "no broker reachable: " + all;
    return *first;
}

void ClusterLink::learn(const std::vector<BrokerInfo> &brokers)
{
    for (const auto &b : brokers) {
        auto it = std::find_if(m_brokers.begin(), m_brokers.end(), [&](const BrokerInfo &k) { return k.id == b.id; });
        if (it == m_brokers.end())
            m_brokers.push_back(b);
        else
            *it = b;
    }
    std::sort(m_brokers.begin(), m_brokers.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
}

namespace {

std::vector<BrokerId> brokerIds(const std::vector<std::int32_t> &ids)
{
    std::vector<BrokerId> out;
    out.reserve(ids.size());
    for (std::int32_t id : ids)
        out.emplace_back(id);
    return out;
}

ClusterMetadata toClusterMetadata(const MetadataResponse &r)
{
    ClusterMetadata m;
    m.clusterId = r.ClusterId.value_or("");
    m.controller = BrokerId(r.ControllerId);
    for (const auto &b : r.Brokers)
        m.brokers.push_back({BrokerId(b.NodeId), b.Host, b.Port, b.Rack});
    std::sort(m.brokers.begin(), m.brokers.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
    for (const auto &t : r.Topics) {
        TopicInfo topic;
        topic.name = t.Name.value_or("");
        topic.id = t.TopicId;
        topic.internal = t.IsInternal;
        topic.error = static_cast<KafkaError>(t.ErrorCode);
        for (const auto &p : t.Partitions) {
            PartitionInfo partition;
            partition.partition = PartitionId(p.PartitionIndex);
            partition.error = static_cast<KafkaError>(p.ErrorCode);
            partition.leader = BrokerId(p.LeaderId);
            partition.leaderEpoch = LeaderEpoch(p.LeaderEpoch);
            partition.replicas = brokerIds(p.ReplicaNodes);
            partition.isr = brokerIds(p.IsrNodes);
            partition.offlineReplicas = brokerIds(p.OfflineReplicas);
            topic.partitions.push_back(std::move(partition));
        }
        std::sort(topic.partitions.begin(), topic.partitions.end(),
                  [](const auto &a, const auto &b) { return a.partition < b.partition; });
        m.topics.push_back(std::move(topic));
    }
    std::sort(m.topics.begin(), m.topics.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    return m;
}

} // namespace

Result<ClusterMetadata> ClusterLink::fetchMetadata(const std::optional<std::vector<std::string>> &topics)
{
    auto answer = request<MetadataRequest, MetadataResponse>(std::nullopt, [&](std::int16_t) {
        MetadataRequest req;
        req.AllowAutoTopicCreation = false;
        if (topics) {
            req.Topics.emplace();
            for (const auto &name : *topics)
                req.Topics->push_back({Uuid{}, name});
        }
        return req;
    });
    if (!answer)
        return answer.error();
    ClusterMetadata m = toClusterMetadata(answer->response);
    learn(m.brokers);
    return m;
}

Result<BrokerId> ClusterLink::findCoordinator(const std::string &groupId)
{
    constexpr int kAttempts = 5;
    for (int attempt = 1;; ++attempt) {
        auto answer = request<FindCoordinatorRequest, FindCoordinatorResponse>(std::nullopt, [&](std::int16_t v) {
            FindCoordinatorRequest req;
            req.KeyType = 0; // a consumer group
            if (v >= 4)
                req.CoordinatorKeys = {groupId};
            else
                req.Key = groupId;
            return req;
        });
        if (!answer)
            return answer.error();
        const auto &r = answer->response;
        KafkaError error = static_cast<KafkaError>(r.ErrorCode);
        std::optional<std::string> message = r.ErrorMessage;
        BrokerInfo coordinator{BrokerId(r.NodeId), r.Host, r.Port, std::nullopt};
        if (answer->version >= 4) {
            if (r.Coordinators.empty())
                return makeError(Errc::Corrupt, "FindCoordinator v" + std::to_string(answer->version) + " from " +
                                                    answer->from.describe() + ": no coordinator in the answer");
            const auto &c = r.Coordinators.front();
            error = static_cast<KafkaError>(c.ErrorCode);
            message = c.ErrorMessage;
            coordinator = {BrokerId(c.NodeId), c.Host, c.Port, std::nullopt};
        }
        if (error == KafkaError::None) {
            learn({coordinator});
            return coordinator.id;
        }
        const bool retriable = error == KafkaError::CoordinatorNotAvailable ||
                               error == KafkaError::CoordinatorLoadInProgress || error == KafkaError::NotCoordinator;
        if (!retriable || attempt == kAttempts)
            return kafkaError("FindCoordinator for group '" + groupId + "' from " + answer->from.describe(), error,
                              message);
        // The coordinator is moving or loading its offsets: back off briefly.
        std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
    }
}

} // namespace spillway::core::admin
