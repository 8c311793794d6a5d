// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/admin/admin_types.h"
#include "core/admin/kafka_connection.h"
#include "core/admin/spillway_versions.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core::admin {

/// An Error for Kafka's answer `error` to `what` ("FindCoordinator for group
/// g from broker 1 (h:9092)"), with the broker's message when it sent one.
Error kafkaError(const std::string &what, KafkaError error, const std::optional<std::string> &message = {});

/// Adds " (for <API>)" to a failure to reach a broker, so that the error
/// names the request it was for.
Error forApi(Error error, ApiKey key);

/// AdminClient's plumbing (internal): the bootstrap servers, the brokers
/// learned from Metadata, one open connection per broker, and requests
/// routed to a broker or to any, with one retry when a kept-alive
/// connection turns out to be dead. Not thread-safe; AdminClient holds its
/// mutex around every use.
class ClusterLink {
public:
    ClusterLink(std::vector<BrokerEndpoint> bootstrap, ConnectionOptions options);

    template <class Resp>
    struct Answer {
        Resp response;
        std::int16_t version = 0;
        BrokerEndpoint from;
    };

    /// Sends the request `build(version)` returns to `node` (any broker when
    /// nullopt), in the version negotiated with that broker from
    /// spillwayVersions(), and decodes the answer.
    template <class Req, class Resp, class Build>
    Result<Answer<Resp>> request(std::optional<BrokerId> node, Build &&build)
    {
        const VersionRange ours =
            spillwayVersions(Req::kApiKey).value_or(VersionRange{Req::kMinVersion, Req::kMaxVersion});
        for (int attempt = 0;; ++attempt) {
            auto picked = connection(node);
            if (!picked)
                return forApi(picked.error(), Req::kApiKey);
            KafkaConnection &c = *picked->connection;
            auto version = c.apiVersions().negotiate(Req::kApiKey, ours, c.endpoint().describe());
            if (!version)
                return version.error();
            const Req request = build(*version);
            auto answer = c.call<Resp>(request, *version);
            if (answer)
                return Answer<Resp>{std::move(*answer), *version, c.endpoint()};
            if (!c.usable()) {
                const bool retry = picked->reused && attempt == 0;
                drop(c);
                if (retry)
                    continue;
            }
            return answer.error();
        }
    }

    struct Picked {
        KafkaConnection *connection = nullptr;
        bool reused = false; ///< opened by an earlier call (may have gone stale)
    };
    /// An open connection to `node`, or to any broker when nullopt (an open
    /// one first, then the bootstrap servers and known brokers in turn).
    Result<Picked> connection(std::optional<BrokerId> node);
    void drop(const KafkaConnection &connection);

    /// Metadata for `topics` (nullopt: all topics; empty: brokers only).
    /// Learns the brokers' addresses.
    Result<ClusterMetadata> fetchMetadata(const std::optional<std::vector<std::string>> &topics);
    /// The coordinator of a consumer group; learns its address.
    Result<BrokerId> findCoordinator(const std::string &groupId);
    /// Brokers from the last Metadata or DescribeCluster answer.
    [[nodiscard]] const std::vector<BrokerInfo> &brokers() const noexcept { return m_brokers; }
    void learn(const std::vector<BrokerInfo> &brokers);

private:
    Result<KafkaConnection *> open(const BrokerEndpoint &endpoint);
    Result<Picked> nodeConnection(BrokerId node);
    static std::string keyOf(const BrokerEndpoint &endpoint);

    std::vector<BrokerEndpoint> m_bootstrap;
    ConnectionOptions m_options;
    std::vector<BrokerInfo> m_brokers;
    std::map<std::string, std::unique_ptr<KafkaConnection>> m_connections; ///< by keyOf()
};

} // namespace spillway::core::admin
