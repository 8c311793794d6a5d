// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/admin/admin_types.h"

#include <algorithm>

namespace spillway::core::admin {

const BrokerInfo *ClusterMetadata::broker(BrokerId id) const
{
    const auto it = std::find_if(brokers.begin(), brokers.end(), [&](const BrokerInfo &b) { return b.id == id; });
    return it == brokers.end() ? nullptr : &*it;
}

const TopicInfo *ClusterMetadata::topic(std::string_view name) const
{
    const auto it = std::find_if(topics.begin(), topics.end(), [&](const TopicInfo &t) { return t.name == name; });
    return it == topics.end() ? nullptr : &*it;
}

const ConfigEntry *ConfigResourceResult::entry(std::string_view name) const
{
    const auto it = std::find_if(entries.begin(), entries.end(), [&](const ConfigEntry &e) { return e.name == name; });
    return it == entries.end() ? nullptr : &*it;
}

std::int64_t GroupLag::totalLag() const
{
    std::int64_t total = 0;
    for (const auto &p : partitions)
        total += p.lag.value_or(0);
    return total;
}

std::string_view toString(ResourceType type) noexcept
{
    switch (type) {
    case ResourceType::Topic: return "topic";
    case ResourceType::Broker: return "broker";
    case ResourceType::BrokerLogger: return "broker-logger";
    case ResourceType::Unknown: break;
    }
    return "unknown";
}

std::string_view toString(ConfigSource source) noexcept
{
    switch (source) {
    case ConfigSource::Unknown: return "UNKNOWN";
    case ConfigSource::DynamicTopic: return "DYNAMIC_TOPIC_CONFIG";
    case ConfigSource::DynamicBroker: return "DYNAMIC_BROKER_CONFIG";
    case ConfigSource::DynamicDefaultBroker: return "DYNAMIC_DEFAULT_BROKER_CONFIG";
    case ConfigSource::StaticBroker: return "STATIC_BROKER_CONFIG";
    case ConfigSource::Default: return "DEFAULT_CONFIG";
    case ConfigSource::DynamicBrokerLogger: return "DYNAMIC_BROKER_LOGGER_CONFIG";
    case ConfigSource::ClientMetrics: return "CLIENT_METRICS_CONFIG";
    case ConfigSource::Group: return "GROUP_CONFIG";
    }
    return "UNKNOWN";
}

} // namespace spillway::core::admin
