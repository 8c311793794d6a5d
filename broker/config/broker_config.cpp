// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/config/broker_config.h"

#include "broker/api/kafka_release_profiles.h"
#include "core/common/fileio.h"
#include "core/common/properties.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <string_view>

namespace spillway::broker {
namespace {

using core::Errc;
using core::makeError;
using core::Result;

/// Kafka keys that the lab broker accepts without using them (cluster
/// plumbing of a real deployment); they do not earn a warning.
const std::set<std::string, std::less<>> &acceptedUnusedKeys()
{
    static const std::set<std::string, std::less<>> keys{"zookeeper.connect",
                                                         "zookeeper.connection.timeout.ms",
                                                         "num.network.threads",
                                                         "num.io.threads",
                                                         "socket.send.buffer.bytes",
                                                         "socket.receive.buffer.bytes",
                                                         "num.recovery.threads.per.data.dir",
                                                         "offsets.topic.replication.factor",
                                                         "transaction.state.log.replication.factor",
                                                         "transaction.state.log.min.isr",
                                                         "process.roles",
                                                         "controller.quorum.voters",
                                                         "controller.listener.names",
                                                         "inter.broker.listener.name",
                                                         "listener.security.protocol.map",
                                                         "log.flush.scheduler.interval.ms",
                                                         "log.cleaner.enable",
                                                         "delete.topic.enable",
                                                         "log.message.format.version",
                                                         "inter.broker.protocol.version"};
    return keys;
}

std::string invalid(std::string_view key, std::string_view value, std::string_view expected)
{
    return "invalid value '" + std::string(value) + "' for " + std::string(key) + ": expected " + std::string(expected);
}

Result<std::int64_t> parseLong(std::string_view key, std::string_view text, std::int64_t min, std::int64_t max)
{
    std::int64_t v = 0;
    const auto *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc{} || ptr != end || text.empty())
        return makeError(Errc::InvalidArgument, invalid(key, text, "an integer"));
    if (v < min || v > max)
        return makeError(Errc::InvalidArgument,
                         invalid(key, text, "a value in [" + std::to_string(min) + ", " + std::to_string(max) + "]"));
    return v;
}

Result<bool> parseBool(std::string_view key, std::string_view text)
{
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "true")
        return true;
    if (lower == "false")
        return false;
    return makeError(Errc::InvalidArgument, invalid(key, text, "true or false"));
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string> splitList(std::string_view text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        const auto item =
            trim(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (!item.empty())
            out.emplace_back(item);
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    return out;
}

Result<std::vector<Listener>> parseListeners(std::string_view key, std::string_view text)
{
    std::vector<Listener> out;
    for (const std::string &item : splitList(text)) {
        const auto sep = item.find("://");
        if (sep == std::string::npos)
            return makeError(Errc::InvalidArgument, invalid(key, item, "NAME://host:port"));
        Listener l;
        l.name = item.substr(0, sep);
        if (l.name != "PLAINTEXT")
            return makeError(Errc::Unsupported,
                             invalid(key, item, "a PLAINTEXT listener (the lab broker speaks no TLS or SASL)"));
        const std::string hostPort = item.substr(sep + 3);
        const auto colon = hostPort.rfind(':');
        if (colon == std::string::npos)
            return makeError(Errc::InvalidArgument, invalid(key, item, "NAME://host:port"));
        l.host = hostPort.substr(0, colon);
        if (l.host.size() >= 2 && l.host.front() == '[' && l.host.back() == ']')
            l.host = l.host.substr(1, l.host.size() - 2);
        auto port = parseLong(key, std::string_view(hostPort).substr(colon + 1), 0, 65535);
        if (!port.ok())
            return makeError(Errc::InvalidArgument, invalid(key, item, "a port between 0 and 65535"));
        l.port = static_cast<std::uint16_t>(*port);
        out.push_back(l);
    }
    if (out.empty())
        return makeError(Errc::InvalidArgument, invalid(key, text, "at least one listener"));
    return out;
}

} // namespace

Result<BrokerConfig> BrokerConfig::parse(std::string_view text)
{
    auto doc = core::PropertiesDocument::parse(text);
    if (!doc.ok())
        return doc.error();
    BrokerConfig c;
    std::set<std::string, std::less<>> used;
    const auto get = [&](std::string_view key) {
        used.insert(std::string(key));
        return doc->get(key);
    };
    // Each setter returns false after storing an error.
    std::optional<core::Error> error;
    const auto longKey = [&](std::string_view key, auto &field, std::int64_t min, std::int64_t max) {
        if (auto v = get(key)) {
            auto n = parseLong(key, trim(*v), min, max);
            if (!n.ok()) {
                if (!error)
                    error = n.error();
                return;
            }
            field = static_cast<std::remove_reference_t<decltype(field)>>(*n);
        }
    };

    std::int32_t nodeId = -1;
    longKey("broker.id", c.brokerId, -1, INT32_MAX);
    longKey("node.id", nodeId, -1, INT32_MAX);
    if (error)
        return *error;
    if (nodeId >= 0 && c.brokerId >= 0 && nodeId != c.brokerId)
        return makeError(Errc::InvalidArgument, "broker.id (" + std::to_string(c.brokerId) + ") and node.id (" +
                                                    std::to_string(nodeId) + ") differ; set one of them");
    if (nodeId >= 0)
        c.brokerId = nodeId;

    if (auto v = get("listeners")) {
        auto l = parseListeners("listeners", *v);
        if (!l.ok())
            return l.error();
        c.listeners = *l;
    }
    if (auto v = get("advertised.listeners")) {
        auto l = parseListeners("advertised.listeners", *v);
        if (!l.ok())
            return l.error();
        c.advertisedListeners = *l;
    }
    const auto dirs = get("log.dirs");
    const auto dir = get("log.dir");
    if (dirs || dir) {
        const auto list = splitList(dirs ? *dirs : *dir);
        if (list.empty())
            return makeError(Errc::InvalidArgument,
                             invalid(dirs ? "log.dirs" : "log.dir", "", "at least one directory"));
        c.logDirs.assign(list.begin(), list.end());
        for (const auto &d : c.logDirs)
            if (!d.is_absolute())
                return makeError(Errc::InvalidArgument, invalid("log.dirs", d.string(),
                                                                "absolute paths (a relative log dir depends on the "
                                                                "broker's working directory)"));
    }

    longKey("num.partitions", c.numPartitions, 1, INT32_MAX);
    longKey("default.replication.factor", c.defaultReplicationFactor, 1, INT16_MAX);
    longKey("log.segment.bytes", c.logSegmentBytes, 14, INT32_MAX);
    std::int64_t rollHours = -1;
    longKey("log.roll.hours", rollHours, 1, INT32_MAX);
    if (rollHours > 0)
        c.logRollMs = rollHours * 3600 * 1000;
    longKey("log.roll.ms", c.logRollMs, 1, INT64_MAX);
    // Kafka's precedence: log.retention.ms, then .minutes, then .hours.
    std::int64_t retentionHours = 168;
    std::int64_t retentionMinutes = INT64_MIN;
    std::int64_t retentionMs = INT64_MIN;
    longKey("log.retention.hours", retentionHours, -1, INT32_MAX);
    longKey("log.retention.minutes", retentionMinutes, -1, INT32_MAX);
    longKey("log.retention.ms", retentionMs, -1, INT64_MAX);
    if (retentionMs != INT64_MIN)
        c.logRetentionMs = retentionMs;
    else if (retentionMinutes != INT64_MIN)
        c.logRetentionMs = retentionMinutes < 0 ? -1 : retentionMinutes * 60 * 1000;
    else
        c.logRetentionMs = retentionHours < 0 ? -1 : retentionHours * 3600 * 1000;
    longKey("log.retention.bytes", c.logRetentionBytes, -1, INT64_MAX);
    longKey("log.retention.check.interval.ms", c.logRetentionCheckIntervalMs, 1, INT64_MAX);
    longKey("file.delete.delay.ms", c.fileDeleteDelayMs, 0, INT64_MAX);
    longKey("log.index.interval.bytes", c.logIndexIntervalBytes, 0, INT32_MAX);
    longKey("log.index.size.max.bytes", c.logIndexSizeMaxBytes, 4, INT32_MAX);
    longKey("message.max.bytes", c.messageMaxBytes, 0, INT32_MAX);
    longKey("socket.request.max.bytes", c.socketRequestMaxBytes, 1, INT32_MAX);
    longKey("log.flush.interval.messages", c.logFlushIntervalMessages, 1, INT64_MAX);
    longKey("log.flush.interval.ms", c.logFlushIntervalMs, 0, INT64_MAX);
    longKey("group.initial.rebalance.delay.ms", c.groupInitialRebalanceDelayMs, 0, INT32_MAX);
    longKey("max.incremental.fetch.session.cache.slots", c.maxIncrementalFetchSessionCacheSlots, 0, INT32_MAX);
    if (error)
        return *error;

    if (auto v = get("auto.create.topics.enable")) {
        auto b = parseBool("auto.create.topics.enable", trim(*v));
        if (!b.ok())
            return b.error();
        c.autoCreateTopicsEnable = *b;
    }
    if (auto v = get("spillway.log.dirs.create.missing")) {
        auto b = parseBool("spillway.log.dirs.create.missing", trim(*v));
        if (!b.ok())
            return b.error();
        c.createMissingLogDirs = *b;
    }
    if (auto v = get("spillway.partition.placement")) {
        const auto p = trim(*v);
        if (p == "free-space")
            c.placement = PlacementPolicy::MostFreeSpace;
        else if (p == "partition-count")
            c.placement = PlacementPolicy::FewestPartitions;
        else
            return makeError(Errc::InvalidArgument,
                             invalid("spillway.partition.placement", p, "free-space or partition-count"));
    }

    if (auto v = get("spillway.metadata.dir"))
        c.metadataDir = std::string(trim(*v));

    if (auto v = get("spillway.emulate.kafka.version")) {
        const auto version = trim(*v);
        if (findKafkaRelease(version) == nullptr)
            return makeError(Errc::InvalidArgument,
                             invalid("spillway.emulate.kafka.version", version,
                                     "one of the Apache Kafka releases " + knownKafkaReleasesText() +
                                         " (a patch number such as 2.8.2 is accepted)"));
        c.emulateKafkaVersion = std::string(version);
    }

    if (c.brokerId < 0)
        return makeError(Errc::InvalidArgument, "broker.id is not set",
                         "set broker.id (or node.id) to this broker's id, e.g. broker.id=1");

    for (const std::string &key : doc->keys()) {
        if (used.count(key) == 0 && acceptedUnusedKeys().count(key) == 0)
            c.warnings.push_back("unknown configuration key '" + key + "' is ignored");
    }
    return c;
}

Result<BrokerConfig> BrokerConfig::load(const std::filesystem::path &file)
{
    auto text = core::readFile(file);
    if (!text.ok())
        return text.error();
    auto config = parse(*text);
    if (!config.ok()) {
        core::Error e = config.error();
        e.message = file.string() + ": " + e.message;
        return e;
    }
    if (config->metadataDir.empty())
        config->metadataDir = std::filesystem::absolute(file).parent_path();
    return config;
}

} // namespace spillway::broker
