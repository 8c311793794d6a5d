// SPDX-License-Identifier: GPL-3.0-or-later
// AdminClient: construction, cluster metadata, API versions, CreateTopics.
// Log dirs, configs, offsets and groups live in admin_client_<area>.cpp.
#include "core/admin/admin_client.h"

#include "core/admin/cluster_link.h"
#include "core/protocol/messages/create_topics.h"
#include "core/protocol/messages/describe_cluster.h"

#include <algorithm>

namespace spillway::core::admin {

AdminClient::AdminClient(AdminOptions options, std::unique_ptr<ClusterLink> link)
    : m_options(std::move(options))
    , m_link(std::move(link))
{}

AdminClient::~AdminClient() = default;

Result<std::unique_ptr<AdminClient>> AdminClient::create(AdminOptions options)
{
    auto bootstrap = parseBootstrap(options.bootstrap);
    if (!bootstrap)
        return bootstrap.error();
    auto link = std::make_unique<ClusterLink>(std::move(*bootstrap), options.connection);
    return std::unique_ptr<AdminClient>(new AdminClient(std::move(options), std::move(link)));
}

Result<ClusterMetadata> AdminClient::metadata()
{
    std::lock_guard lock(m_mutex);
    return m_link->fetchMetadata(std::nullopt);
}

Result<ClusterMetadata> AdminClient::metadata(const std::vector<std::string> &topics)
{
    std::lock_guard lock(m_mutex);
    return m_link->fetchMetadata(topics);
}

Result<ClusterMetadata> AdminClient::describeCluster()
{
    std::lock_guard lock(m_mutex);
    auto picked = m_link->connection(std::nullopt);
    if (!picked)
        return forApi(picked.error(), ApiKey::DescribeCluster);
    if (!picked->connection->apiVersions().supports(ApiKey::DescribeCluster))
        return m_link->fetchMetadata(std::vector<std::string>{});
    auto answer = m_link->request<DescribeClusterRequest, DescribeClusterResponse>(std::nullopt, [](std::int16_t) {
        DescribeClusterRequest req;
        req.EndpointType = 1; // brokers, not KRaft controllers
        return req;
    });
    if (!answer)
        return answer.error();
    const auto &r = answer->response;
    if (r.ErrorCode != 0)
        return kafkaError("DescribeCluster v" + std::to_string(answer->version) + " from " + answer->from.describe(),
                          static_cast<KafkaError>(r.ErrorCode), r.ErrorMessage);
    ClusterMetadata m;
    m.clusterId = r.ClusterId;
    m.controller = BrokerId(r.ControllerId);
    for (const auto &b : r.Brokers)
        m.brokers.push_back({BrokerId(b.BrokerId), b.Host, b.Port, b.Rack});
    std::sort(m.brokers.begin(), m.brokers.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
    m_link->learn(m.brokers);
    return m;
}

Result<ApiVersionTable> AdminClient::apiVersions(std::optional<BrokerId> broker)
{
    std::lock_guard lock(m_mutex);
    auto picked = m_link->connection(broker);
    if (!picked)
        return forApi(picked.error(), ApiKey::ApiVersions);
    return picked->connection->apiVersions();
}

Result<std::int16_t> AdminClient::negotiatedVersion(ApiKey key, std::optional<BrokerId> broker)
{
    std::lock_guard lock(m_mutex);
    auto picked = m_link->connection(broker);
    if (!picked)
        return forApi(picked.error(), ApiKey::ApiVersions);
    if (key == ApiKey::ApiVersions)
        return picked->connection->apiVersionsVersion();
    const auto ours = spillwayVersions(key);
    if (!ours)
        return makeError(Errc::Unsupported, "Spillway's admin client does not use " + std::string(toString(key)));
    return picked->connection->apiVersions().negotiate(key, *ours, picked->connection->endpoint().describe());
}

Result<std::vector<TopicResult>> AdminClient::createTopics(const std::vector<NewTopic> &topics)
{
    std::lock_guard lock(m_mutex);
    auto cluster = m_link->fetchMetadata(std::vector<std::string>{});
    if (!cluster)
        return cluster.error();
    // Kafka 2.x wants CreateTopics at the controller; KRaft brokers forward it.
    std::optional<BrokerId> target;
    if (cluster->broker(cluster->controller) != nullptr)
        target = cluster->controller;
    const auto timeoutMs = static_cast<std::int32_t>(m_options.connection.requestTimeout.count());
    auto answer = m_link->request<CreateTopicsRequest, CreateTopicsResponse>(target, [&](std::int16_t) {
        CreateTopicsRequest req;
        req.timeoutMs = timeoutMs;
        for (const auto &t : topics) {
            CreateTopicsRequest::CreatableTopic c;
            c.Name = t.name;
            c.NumPartitions = t.partitions;
            c.ReplicationFactor = t.replicationFactor;
            for (const auto &[k, v] : t.configs)
                c.Configs.push_back({k, v});
            req.Topics.push_back(std::move(c));
        }
        return req;
    });
    if (!answer)
        return answer.error();
    std::vector<TopicResult> out;
    for (const auto &t : answer->response.Topics)
        out.push_back({t.Name, static_cast<KafkaError>(t.ErrorCode), t.ErrorMessage.value_or("")});
    return out;
}

} // namespace spillway::core::admin
