// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/config/broker_config.h"
#include "broker/fetch/delayed_fetches.h"
#include "broker/fetch/fetch_session_cache.h"
#include "broker/log/log_manager.h"
#include "broker/metadata/config_schema.h"
#include "broker/metadata/topic_registry.h"
#include "core/protocol/api.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace spillway::broker {

/// What the protocol handlers share: the config, the log manager, the topic
/// registry and config schemas and the advertised endpoint (producer state
/// lives with each PartitionLog).
/// Owned by the Broker; used only on its event-loop thread.
class BrokerState {
public:
    BrokerState(const BrokerConfig &brokerConfig, LogManager &logManager, TopicRegistry &registry)
        : config(brokerConfig)
        , logs(logManager)
        , topics(registry)
        , topicSchema(brokerConfig)
        , brokerSchema(brokerConfig)
    {}

    const BrokerConfig &config;
    LogManager &logs;
    TopicRegistry &topics;
    TopicConfigSchema topicSchema;
    BrokerConfigSchema brokerSchema;
    std::string advertisedHost = "127.0.0.1";
    std::int32_t advertisedPort = 9092;
    std::int64_t nextProducerId = 0;
    std::function<void(const std::string &)> log;
    /// Fetches waiting for data (MaxWaitMs/MinBytes); produce reports each
    /// append to it, a timer expires each fetch at its deadline.
    DelayedFetches delayedFetches;
    /// Incremental fetch sessions (KIP-227).
    FetchSessionCache fetchSessions{static_cast<std::size_t>(config.maxIncrementalFetchSessionCacheSlots)};
    /// Schedules work on the loop thread (set by the Broker).
    std::function<void(std::chrono::milliseconds, std::function<void()>)> runAfter;

    [[nodiscard]] static std::int64_t nowMs()
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    /// True when some configured log dir is offline: a partition missing from
    /// the online dirs may then live on the failed disk, so it must not be
    /// re-created elsewhere (KIP-112).
    [[nodiscard]] bool anyDirOffline() const;

    /// Creates the topic's partitions that exist in no online dir, when no
    /// dir is offline (what a Kafka broker does when told to host a replica
    /// it does not have: scenario C's re-created partitions).
    core::Status ensurePartitions(const TopicInfo &topic);

    /// The log settings of a topic with these overrides: segment.bytes,
    /// segment.ms, index.interval.bytes, segment.index.bytes, flush.messages
    /// and flush.ms, each the override or else the broker's default.
    [[nodiscard]] LogConfig topicLogConfig(const std::map<std::string, std::string> &overrides) const;
    /// Gives the topic's partitions (open ones and those created or loaded
    /// later) its current log settings.
    void applyTopicLogConfig(const TopicInfo &topic);

    /// Creates a topic: registry entry and partitions, placed by the policy.
    core::Result<TopicInfo> createTopic(const std::string &name, std::int32_t partitions,
                                        std::int16_t replicationFactor, std::map<std::string, std::string> configs);

    void say(const std::string &line) const
    {
        if (log)
            log(line);
    }
};

/// Kafka error code for a storage Error (the hint carries Kafka's name when
/// the log layer knows it; an OS error means the partition is offline).
core::KafkaError kafkaErrorFor(const core::Error &error);

/// Table rows, one group per file.
std::vector<struct ApiEntry> topicApis(BrokerState &state);
std::vector<struct ApiEntry> dataApis(BrokerState &state);
std::vector<struct ApiEntry> adminApis(BrokerState &state);

} // namespace spillway::broker
