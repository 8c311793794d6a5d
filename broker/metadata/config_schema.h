// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/config/broker_config.h"
#include "core/common/result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spillway::broker {

/// Where a config value comes from, with Kafka's DescribeConfigs source codes.
enum class ConfigSource : std::int8_t {
    DynamicTopic = 1,
    DynamicBrokerConfig = 2,
    StaticBroker = 4,
    Default = 5,
};

/// One resolved config entry, as DescribeConfigs reports it.
struct ConfigEntry {
    std::string name;
    std::string value;
    ConfigSource source = ConfigSource::Default;
    bool readOnly = false;
    bool sensitive = false;
    /// Kafka's ConfigType code (1 boolean, 2 string, 3 int, 4 short, 5 long,
    /// 6 double, 7 list, 8 class, 9 password).
    std::int8_t type = 2;
    std::string documentation;
};

/// The topic configs the lab broker knows, with Kafka's names, types,
/// validation and broker-level synonyms (retention.ms <- log.retention.ms).
/// Stateless apart from the broker config it reads defaults from.
class TopicConfigSchema {
public:
    explicit TopicConfigSchema(const BrokerConfig &broker) : m_broker(broker) {}

    /// Checks a key/value pair as Kafka would (unknown key, bad number, out of
    /// range, not one of the allowed values); the error names the key.
    [[nodiscard]] core::Status validate(const std::string &name, const std::string &value) const;
    /// Every known topic config, resolved against the overrides.
    [[nodiscard]] std::vector<ConfigEntry> describe(const std::map<std::string, std::string> &overrides) const;
    /// The effective value of one config for a topic with these overrides.
    [[nodiscard]] std::string effective(const std::string &name,
                                        const std::map<std::string, std::string> &overrides) const;
    [[nodiscard]] std::int64_t effectiveLong(const std::string &name,
                                             const std::map<std::string, std::string> &overrides) const;

private:
    const BrokerConfig &m_broker;
};

/// Dynamic broker configs (AlterConfigs / IncrementalAlterConfigs on a
/// BROKER resource) the lab broker honours.
class BrokerConfigSchema {
public:
    explicit BrokerConfigSchema(const BrokerConfig &broker) : m_broker(broker) {}
    [[nodiscard]] core::Status validateDynamic(const std::string &name, const std::string &value) const;
    [[nodiscard]] std::vector<ConfigEntry> describe(const std::map<std::string, std::string> &dynamic) const;

private:
    const BrokerConfig &m_broker;
};

} // namespace spillway::broker
