// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/metadata/config_schema.h"

#include <catch2/catch.hpp>

using namespace spillway::broker;

namespace {
BrokerConfig brokerWithRetention()
{
    auto c = BrokerConfig::parse("broker.id=1\nlog.retention.hours=2\nlog.segment.bytes=1048576\n");
    REQUIRE(c.ok());
    return *c;
}
} // namespace

TEST_CASE("Topic configs default to the broker's synonyms and report their source", "[broker][configs]")
{
    const BrokerConfig broker = brokerWithRetention();
    TopicConfigSchema schema(broker);
    const auto entries = schema.describe({{"retention.bytes", "1000"}});
    const auto find = [&](const std::string &n) {
        for (const auto &e : entries)
            if (e.name == n)
                return e;
        FAIL("no entry " << n);
        return ConfigEntry{};
    };
    CHECK(find("retention.ms").value == "7200000");
    CHECK(find("retention.ms").source == ConfigSource::StaticBroker);
    CHECK(find("retention.bytes").value == "1000");
    CHECK(find("retention.bytes").source == ConfigSource::DynamicTopic);
    CHECK(find("segment.bytes").value == "1048576");
    CHECK(find("cleanup.policy").source == ConfigSource::Default);
    CHECK(schema.effectiveLong("retention.ms", {}) == 7200000);
    CHECK(schema.effectiveLong("retention.ms", {{"retention.ms", "60000"}}) == 60000);
}

TEST_CASE("Topic config validation follows Kafka's rules and wording", "[broker][configs]")
{
    const BrokerConfig broker = brokerWithRetention();
    TopicConfigSchema schema(broker);
    CHECK(schema.validate("retention.ms", "-1").ok());
    CHECK(schema.validate("cleanup.policy", "compact,delete").ok());
    CHECK(schema.validate("message.timestamp.type", "LogAppendTime").ok());

    auto unknown = schema.validate("retention.msec", "1");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().message == "Unknown topic config name: retention.msec");
    auto nan = schema.validate("retention.ms", "soon");
    REQUIRE_FALSE(nan.ok());
    CHECK(nan.error().message == "Invalid value soon for configuration retention.ms: Not a number of type LONG");
    CHECK_FALSE(schema.validate("segment.bytes", "10").ok());
    CHECK_FALSE(schema.validate("cleanup.policy", "delete,shred").ok());
    CHECK_FALSE(schema.validate("unclean.leader.election.enable", "yes").ok());
}

TEST_CASE("Only the replica move throttle is a dynamic broker config", "[broker][configs]")
{
    const BrokerConfig broker = brokerWithRetention();
    BrokerConfigSchema schema(broker);
    CHECK(schema.validateDynamic("replica.alter.log.dirs.io.max.bytes.per.second", "1048576").ok());
    CHECK_FALSE(schema.validateDynamic("replica.alter.log.dirs.io.max.bytes.per.second", "0").ok());
    CHECK_FALSE(schema.validateDynamic("log.dirs", "/x").ok());
    const auto entries = schema.describe({{"replica.alter.log.dirs.io.max.bytes.per.second", "42"}});
    bool found = false;
    for (const auto &e : entries)
        if (e.name == "replica.alter.log.dirs.io.max.bytes.per.second") {
            found = true;
            CHECK(e.value == "42");
            CHECK(e.source == ConfigSource::DynamicBrokerConfig);
        }
    CHECK(found);
}
