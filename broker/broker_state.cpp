// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/broker_state.h"

namespace spillway::broker {

bool BrokerState::anyDirOffline() const
{
    for (const auto &d : logs.describeLogDirs())
        if (!d.online)
            return true;
    return false;
}

core::Status BrokerState::ensurePartitions(const TopicInfo &topic)
{
    if (anyDirOffline())
        return {};
    for (std::int32_t p = 0; p < topic.partitions; ++p) {
        if (logs.find(topic.name, core::PartitionId(p)) != nullptr)
            continue;
        auto created = logs.createPartition(topic.name, core::PartitionId(p), topic.id, nowMs());
        if (!created.ok())
            return created.error();
        const auto dir = logs.logDirOf(topic.name, core::PartitionId(p));
        say("created partition " + topic.name + "-" + std::to_string(p) + " in " + (dir ? dir->string() : "?"));
    }
    return {};
}

LogConfig BrokerState::topicLogConfig(const std::map<std::string, std::string> &overrides) const
{
    LogConfig c = LogConfig::fromBroker(config);
    c.segmentBytes = topicSchema.effectiveLong("segment.bytes", overrides);
    c.rollMs = topicSchema.effectiveLong("segment.ms", overrides);
    c.indexIntervalBytes = topicSchema.effectiveLong("index.interval.bytes", overrides);
    c.indexSizeMaxBytes = topicSchema.effectiveLong("segment.index.bytes", overrides);
    c.flushIntervalMessages = topicSchema.effectiveLong("flush.messages", overrides);
    c.flushIntervalMs = topicSchema.effectiveLong("flush.ms", overrides);
    return c;
}

void BrokerState::applyTopicLogConfig(const TopicInfo &topic)
{
    logs.setTopicConfig(topic.name, topicLogConfig(topic.configs));
}

core::Result<TopicInfo> BrokerState::createTopic(const std::string &name, std::int32_t partitions,
                                                 std::int16_t replicationFactor,
                                                 std::map<std::string, std::string> configs)
{
    auto topic = topics.create(name, partitions, replicationFactor, std::move(configs));
    if (!topic.ok())
        return topic.error();
    applyTopicLogConfig(*topic);
    if (auto st = ensurePartitions(*topic); !st.ok())
        return st.error();
    return topic;
}

core::KafkaError kafkaErrorFor(const core::Error &error)
{
    using core::KafkaError;
    if (error.sysErrno != 0)
        return KafkaError::KafkaStorageError;
    const std::string &h = error.hint;
    if (h == "OFFSET_OUT_OF_RANGE")
        return KafkaError::OffsetOutOfRange;
    if (h == "RECORD_LIST_TOO_LARGE")
        return KafkaError::RecordListTooLarge;
    if (h == "INVALID_RECORD")
        return KafkaError::InvalidRecord;
    if (h == "CORRUPT_MESSAGE")
        return KafkaError::CorruptMessage;
    if (error.code == core::Errc::Corrupt)
        return KafkaError::CorruptMessage;
    if (error.code == core::Errc::NoSpace || error.code == core::Errc::Io)
        return KafkaError::KafkaStorageError;
    return KafkaError::UnknownServerError;
}

} // namespace spillway::broker
