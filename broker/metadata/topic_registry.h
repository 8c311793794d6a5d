// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/kafka_uuid.h"
#include "core/common/result.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spillway::broker {

/// What the cluster knows about one topic (Kafka keeps this in its metadata
/// log or ZooKeeper, not in the log dirs).
struct TopicInfo {
    std::string name;
    core::KafkaUuid id;
    std::int32_t partitions = 0;
    std::int16_t replicationFactor = 1;
    /// Topic-level config overrides (retention.ms, segment.bytes, ...).
    std::map<std::string, std::string> configs;
};

/// The lab broker's metadata store: topics, their ids, partition counts and
/// config overrides, and dynamic broker configs. Persisted as a small text
/// file outside the log dirs (so the log dirs stay exactly what Apache Kafka
/// would load), rewritten atomically on every change. Loop thread.
class TopicRegistry {
public:
    /// Loads `file` if it exists; a missing file is an empty registry.
    static core::Result<TopicRegistry> open(std::filesystem::path file);

    [[nodiscard]] const TopicInfo *find(const std::string &name) const;
    [[nodiscard]] const TopicInfo *findById(const core::KafkaUuid &id) const;
    [[nodiscard]] std::vector<const TopicInfo *> topics() const;

    /// Adds a topic with a fresh random id; fails if it exists.
    core::Result<TopicInfo> create(const std::string &name, std::int32_t partitions, std::int16_t replicationFactor,
                                   std::map<std::string, std::string> configs);
    core::Status remove(const std::string &name);
    core::Status setPartitionCount(const std::string &name, std::int32_t partitions);
    /// Replaces a topic's config overrides.
    core::Status setConfigs(const std::string &name, std::map<std::string, std::string> configs);

    [[nodiscard]] const std::map<std::string, std::string> &brokerConfigs() const { return m_brokerConfigs; }
    core::Status setBrokerConfigs(std::map<std::string, std::string> configs);

    [[nodiscard]] const std::filesystem::path &file() const { return m_file; }

private:
    using Topics = std::map<std::string, TopicInfo>;
    using Configs = std::map<std::string, std::string>;

    /// Writes the given state atomically, then adopts it.
    core::Status commit(Topics topics, Configs brokerConfigs);
    /// Applies `change` to a copy of the topic `name` (NotFound if absent) and commits it.
    core::Status changeTopic(const std::string &name, const std::function<void(Topics &, Topics::iterator)> &change);

    std::filesystem::path m_file;
    Topics m_topics;
    Configs m_brokerConfigs;
};

} // namespace spillway::broker
