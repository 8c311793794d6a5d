// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/metadata/config_schema.h"

#include <charconv>
#include <functional>

namespace spillway::broker {
namespace {

using core::Errc;
using core::makeError;

enum class Kind { Long, Int, Boolean, Enum, List };

struct TopicConfigDef {
    const char *name;
    Kind kind;
    std::int64_t min;
    std::int64_t max;
    std::vector<std::string> allowed; ///< Enum / List values
    const char *doc;
    std::function<std::string(const BrokerConfig &)> brokerDefault;
    bool brokerDefaultIsStatic; ///< the default comes from a server.properties key
};

std::string str(std::int64_t v) { return std::to_string(v); }

const std::vector<TopicConfigDef> &topicDefs()
{
    static const std::vector<TopicConfigDef> defs{
        {"cleanup.policy",
         Kind::List,
         0,
         0,
         {"delete", "compact"},
         "delete and/or compact old segments",
         [](const BrokerConfig &) { return std::string("delete"); },
         false},
        {"compression.type",
         Kind::Enum,
         0,
         0,
         {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"},
         "final compression of the topic's data",
         [](const BrokerConfig &) { return std::string("producer"); },
         false},
        {"file.delete.delay.ms",
         Kind::Long,
         0,
         INT64_MAX,
         {},
         "wait before deleting a file from the filesystem",
         [](const BrokerConfig &b) { return str(b.fileDeleteDelayMs); },
         true},
        {"flush.messages",
         Kind::Long,
         1,
         INT64_MAX,
         {},
         "fsync after this many messages",
         [](const BrokerConfig &b) { return str(b.logFlushIntervalMessages); },
         true},
        {"flush.ms",
         Kind::Long,
         0,
         INT64_MAX,
         {},
         "fsync after this many milliseconds",
         [](const BrokerConfig &b) { return str(b.logFlushIntervalMs); },
         true},
        {"index.interval.bytes",
         Kind::Int,
         0,
         INT32_MAX,
         {},
         "bytes between offset index entries",
         [](const BrokerConfig &b) { return str(b.logIndexIntervalBytes); },
         true},
        {"max.message.bytes",
         Kind::Int,
         0,
         INT32_MAX,
         {},
         "largest record batch size allowed",
         [](const BrokerConfig &b) { return str(b.messageMaxBytes); },
         true},
        {"message.timestamp.type",
         Kind::Enum,
         0,
         0,
         {"CreateTime", "LogAppendTime"},
         "whose timestamp the records carry",
         [](const BrokerConfig &) { return std::string("CreateTime"); },
         false},
        {"min.insync.replicas",
         Kind::Int,
         1,
         INT32_MAX,
         {},
         "replicas that must acknowledge acks=all writes",
         [](const BrokerConfig &) { return std::string("1"); },
         false},
        {"retention.bytes",
         Kind::Long,
         -1,
         INT64_MAX,
         {},
         "largest size of a partition before old segments go",
         [](const BrokerConfig &b) { return str(b.logRetentionBytes); },
         true},
        {"retention.ms",
         Kind::Long,
         -1,
         INT64_MAX,
         {},
         "age after which old segments go",
         [](const BrokerConfig &b) { return str(b.logRetentionMs); },
         true},
        {"segment.bytes",
         Kind::Int,
         14,
         INT32_MAX,
         {},
         "segment file size",
         [](const BrokerConfig &b) { return str(b.logSegmentBytes); },
         true},
        {"segment.index.bytes",
         Kind::Int,
         4,
         INT32_MAX,
         {},
         "offset index size",
         [](const BrokerConfig &b) { return str(b.logIndexSizeMaxBytes); },
         true},
        {"segment.ms",
         Kind::Long,
         1,
         INT64_MAX,
         {},
         "time after which a segment is rolled",
         [](const BrokerConfig &b) { return str(b.logRollMs); },
         true},
        {"unclean.leader.election.enable",
         Kind::Boolean,
         0,
         0,
         {},
         "allow out-of-sync replicas to lead",
         [](const BrokerConfig &) { return std::string("false"); },
         false},
    };
    return defs;
}

const TopicConfigDef *findDef(const std::string &name)
{
    for (const auto &d : topicDefs())
        if (name == d.name)
            return &d;
    return nullptr;
}

std::int8_t typeCode(Kind k)
{
    switch (k) {
    case Kind::Long: return 5;
    case Kind::Int: return 3;
    case Kind::Boolean: return 1;
    case Kind::Enum: return 2;
    case Kind::List: return 7;
    }
    return 2;
}

core::Status validateNumber(const std::string &name, const std::string &value, std::int64_t min, std::int64_t max)
{
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc{} || ptr != value.data() + value.size() || value.empty())
        return makeError(Errc::InvalidArgument, "Invalid value " + value + " for configuration " + name +
                                                    ": Not a number of type " + (max > INT32_MAX ? "LONG" : "INT"));
    if (v < min || v > max)
        return makeError(Errc::InvalidArgument, "Invalid value " + value + " for configuration " + name +
                                                    ": Value must be at least " + std::to_string(min));
    return {};
}

} // namespace

core::Status TopicConfigSchema::validate(const std::string &name, const std::string &value) const
{
    const TopicConfigDef *d = findDef(name);
    if (d == nullptr)
        return makeError(Errc::InvalidArgument, "Unknown topic config name: " + name);
    switch (d->kind) {
    case Kind::Long:
    case Kind::Int: return validateNumber(name, value, d->min, d->max);
    case Kind::Boolean:
        if (value != "true" && value != "false")
            return makeError(Errc::InvalidArgument, "Invalid value " + value + " for configuration " + name +
                                                        ": Expected value to be either true or false");
        return {};
    case Kind::Enum:
        for (const auto &a : d->allowed)
            if (a == value)
                return {};
        return makeError(Errc::InvalidArgument, "Invalid value " + value + " for configuration " + name);
    case Kind::List: {
        std::size_t start = 0;
        while (start <= value.size()) {
            const auto comma = value.find(',', start);
            std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            while (!item.empty() && item.front() == ' ')
                item.erase(item.begin());
            while (!item.empty() && item.back() == ' ')
                item.pop_back();
            bool ok = false;
            for (const auto &a : d->allowed)
                ok |= a == item;
            if (!ok)
                return makeError(Errc::InvalidArgument, "Invalid value " + value + " for configuration " + name);
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
        return {};
    }
    }
    return {};
}

std::vector<ConfigEntry> TopicConfigSchema::describe(const std::map<std::string, std::string> &overrides) const
{
    std::vector<ConfigEntry> out;
    for (const auto &d : topicDefs()) {
        ConfigEntry e;
        e.name = d.name;
        e.type = typeCode(d.kind);
        e.documentation = d.doc;
        if (const auto it = overrides.find(d.name); it != overrides.end()) {
            e.value = it->second;
            e.source = ConfigSource::DynamicTopic;
        } else {
            e.value = d.brokerDefault(m_broker);
            e.source = d.brokerDefaultIsStatic ? ConfigSource::StaticBroker : ConfigSource::Default;
        }
        out.push_back(std::move(e));
    }
    return out;
}

std::string TopicConfigSchema::effective(const std::string &name,
                                         const std::map<std::string, std::string> &overrides) const
{
    if (const auto it = overrides.find(name); it != overrides.end())
        return it->second;
    const TopicConfigDef *d = findDef(name);
    return d == nullptr ? std::string() : d->brokerDefault(m_broker);
}

std::int64_t TopicConfigSchema::effectiveLong(const std::string &name,
                                              const std::map<std::string, std::string> &overrides) const
{
    const std::string v = effective(name, overrides);
    std::int64_t out = 0;
    std::from_chars(v.data(), v.data() + v.size(), out);
    return out;
}

namespace {
constexpr const char *kThrottleKey = "replica.alter.log.dirs.io.max.bytes.per.second";
} // namespace

core::Status BrokerConfigSchema::validateDynamic(const std::string &name, const std::string &value) const
{
    if (name == kThrottleKey)
        return validateNumber(name, value, 1, INT64_MAX);
    return makeError(Errc::InvalidArgument, "Cannot update these configs dynamically: " + name +
                                                " (the lab broker supports " + kThrottleKey + ")");
}

std::vector<ConfigEntry> BrokerConfigSchema::describe(const std::map<std::string, std::string> &dynamic) const
{
    std::vector<ConfigEntry> out;
    const auto add = [&](const std::string &name, const std::string &value, ConfigSource source, bool readOnly,
                         std::int8_t type) {
        ConfigEntry e;
        e.name = name;
        e.value = value;
        e.source = source;
        e.readOnly = readOnly;
        e.type = type;
        out.push_back(std::move(e));
    };
    std::string dirs;
    for (const auto &d : m_broker.logDirs)
        dirs += (dirs.empty() ? "" : ",") + d.string();
    add("broker.id", str(m_broker.brokerId), ConfigSource::StaticBroker, true, 3);
    add("log.dirs", dirs, ConfigSource::StaticBroker, true, 2);
    add("num.partitions", str(m_broker.numPartitions), ConfigSource::StaticBroker, true, 3);
    add("default.replication.factor", str(m_broker.defaultReplicationFactor), ConfigSource::StaticBroker, true, 3);
    add("log.segment.bytes", str(m_broker.logSegmentBytes), ConfigSource::StaticBroker, true, 3);
    add("log.retention.ms", str(m_broker.logRetentionMs), ConfigSource::StaticBroker, true, 5);
    add("log.retention.bytes", str(m_broker.logRetentionBytes), ConfigSource::StaticBroker, true, 5);
    add("log.retention.check.interval.ms", str(m_broker.logRetentionCheckIntervalMs), ConfigSource::StaticBroker, true,
        5);
    add("log.index.interval.bytes", str(m_broker.logIndexIntervalBytes), ConfigSource::StaticBroker, true, 3);
    add("message.max.bytes", str(m_broker.messageMaxBytes), ConfigSource::StaticBroker, true, 3);
    add("auto.create.topics.enable", m_broker.autoCreateTopicsEnable ? "true" : "false", ConfigSource::StaticBroker,
        true, 1);
    if (const auto it = dynamic.find(kThrottleKey); it != dynamic.end())
        add(kThrottleKey, it->second, ConfigSource::DynamicBrokerConfig, false, 5);
    else
        add(kThrottleKey, str(INT64_MAX), ConfigSource::Default, false, 5);
    return out;
}

} // namespace spillway::broker
