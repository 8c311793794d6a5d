// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/config/broker_config.h"

#include <catch2/catch.hpp>

using spillway::broker::BrokerConfig;
using spillway::broker::PlacementPolicy;

TEST_CASE("A minimal config gets Apache Kafka's defaults", "[broker][config]")
{
    auto c = BrokerConfig::parse("broker.id=1\n");
    REQUIRE(c.ok());
    CHECK(c->brokerId == 1);
    REQUIRE(c->listeners.size() == 1);
    CHECK(c->listeners[0].host == "127.0.0.1");
    CHECK(c->listeners[0].port == 9092);
    CHECK(c->logDirs == std::vector<std::filesystem::path>{"/tmp/kafka-logs"});
    CHECK(c->numPartitions == 1);
    CHECK(c->logSegmentBytes == 1073741824);
    CHECK(c->logRetentionMs == 168LL * 3600 * 1000);
    CHECK(c->logRetentionBytes == -1);
    CHECK(c->logIndexIntervalBytes == 4096);
    CHECK(c->logIndexSizeMaxBytes == 10485760);
    CHECK(c->messageMaxBytes == 1048588);
    CHECK(c->socketRequestMaxBytes == 104857600);
    CHECK(c->fileDeleteDelayMs == 60000);
    CHECK(c->autoCreateTopicsEnable);
    CHECK(c->placement == PlacementPolicy::MostFreeSpace);
    CHECK(c->warnings.empty());
}

TEST_CASE("A Kafka-style server.properties is read with its keys", "[broker][config]")
{
    auto c = BrokerConfig::parse("# Licensed to the Apache Software Foundation\n"
                                 "node.id=3\n"
                                 "listeners=PLAINTEXT://127.0.0.1:19093\n"
                                 "log.dirs=/lab/b3/data0,/lab/b3/data1, /lab/b3/data2 ,/lab/b3/data3\n"
                                 "num.partitions=12\n"
                                 "default.replication.factor=2\n"
                                 "log.segment.bytes=1048576\n"
                                 "log.retention.hours=1\n"
                                 "log.retention.check.interval.ms=5000\n"
                                 "num.network.threads=3\n"
                                 "auto.create.topics.enable=FALSE\n"
                                 "spillway.partition.placement=partition-count\n");
    REQUIRE(c.ok());
    CHECK(c->brokerId == 3);
    CHECK(c->listeners[0].port == 19093);
    REQUIRE(c->logDirs.size() == 4);
    CHECK(c->logDirs[2] == "/lab/b3/data2");
    CHECK(c->numPartitions == 12);
    CHECK(c->defaultReplicationFactor == 2);
    CHECK(c->logSegmentBytes == 1048576);
    CHECK(c->logRetentionMs == 3600 * 1000);
    CHECK(c->logRetentionCheckIntervalMs == 5000);
    CHECK_FALSE(c->autoCreateTopicsEnable);
    CHECK(c->placement == PlacementPolicy::FewestPartitions);
    CHECK(c->warnings.empty()); // num.network.threads is a known Kafka key
}

TEST_CASE("Retention keys follow Kafka's precedence: ms, then minutes, then hours", "[broker][config]")
{
    CHECK(BrokerConfig::parse("broker.id=1\nlog.retention.hours=2\nlog.retention.minutes=3\n")->logRetentionMs ==
          180000);
    CHECK(BrokerConfig::parse("broker.id=1\nlog.retention.minutes=3\nlog.retention.ms=42\n")->logRetentionMs == 42);
    CHECK(BrokerConfig::parse("broker.id=1\nlog.retention.ms=-1\n")->logRetentionMs == -1);
    CHECK(BrokerConfig::parse("broker.id=1\nlog.roll.hours=2\n")->logRollMs == 7200000);
}

TEST_CASE("Invalid values are startup errors that name the key", "[broker][config]")
{
    auto bad = BrokerConfig::parse("broker.id=1\nlog.segment.bytes=lots\n");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "invalid value 'lots' for log.segment.bytes: expected an integer");

    auto small = BrokerConfig::parse("broker.id=1\nlog.segment.bytes=10\n");
    REQUIRE_FALSE(small.ok());
    CHECK(small.error().message.find("log.segment.bytes") != std::string::npos);

    auto boolean = BrokerConfig::parse("broker.id=1\nauto.create.topics.enable=yes\n");
    REQUIRE_FALSE(boolean.ok());
    CHECK(boolean.error().message.find("auto.create.topics.enable: expected true or false") != std::string::npos);

    auto listener = BrokerConfig::parse("broker.id=1\nlisteners=SSL://127.0.0.1:9093\n");
    REQUIRE_FALSE(listener.ok());
    CHECK(listener.error().message.find("listeners") != std::string::npos);

    auto port = BrokerConfig::parse("broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:99999\n");
    REQUIRE_FALSE(port.ok());

    auto relative = BrokerConfig::parse("broker.id=1\nlog.dirs=data0\n");
    REQUIRE_FALSE(relative.ok());
    CHECK(relative.error().message.find("absolute") != std::string::npos);

    auto noId = BrokerConfig::parse("log.dirs=/x\n");
    REQUIRE_FALSE(noId.ok());
    CHECK(noId.error().message == "broker.id is not set");

    auto conflict = BrokerConfig::parse("broker.id=1\nnode.id=2\n");
    REQUIRE_FALSE(conflict.ok());
    CHECK(conflict.error().message.find("differ") != std::string::npos);
}

TEST_CASE("Unknown keys are warnings, not errors", "[broker][config]")
{
    auto c = BrokerConfig::parse("broker.id=1\nlog.retention.hourz=5\n");
    REQUIRE(c.ok());
    REQUIRE(c->warnings.size() == 1);
    CHECK(c->warnings[0] == "unknown configuration key 'log.retention.hourz' is ignored");
}

TEST_CASE("An empty listener host means every interface, as in Kafka", "[broker][config]")
{
    auto c = BrokerConfig::parse("broker.id=1\nlisteners=PLAINTEXT://:9092\n");
    REQUIRE(c.ok());
    CHECK(c->listeners[0].host.empty());
}
