// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/metadata/topic_registry.h"
#include "core/common/fileio.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

using namespace spillway::broker;
using spillway::test::TempDir;

TEST_CASE("TopicRegistry persists topics, ids and configs across reopen", "[broker][metadata]")
{
    TempDir dir;
    const auto file = dir / "metadata";
    std::string id;
    {
        auto r = TopicRegistry::open(file);
        REQUIRE(r.ok());
        CHECK(r->topics().empty());
        auto t = r->create("testKafka", 12, 2, {{"retention.ms", "3600000"}});
        REQUIRE(t.ok());
        id = t->id.toString();
        CHECK(id.size() == 22);
        REQUIRE(r->create("odd name-with.chars_", 1, 1, {{"cleanup.policy", "compact delete"}}).ok());
        CHECK_FALSE(r->create("testKafka", 3, 1, {}).ok());
        REQUIRE(r->setBrokerConfigs({{"replica.alter.log.dirs.io.max.bytes.per.second", "1048576"}}).ok());
    }
    auto r = TopicRegistry::open(file);
    REQUIRE(r.ok());
    const TopicInfo *t = r->find("testKafka");
    REQUIRE(t != nullptr);
    CHECK(t->partitions == 12);
    CHECK(t->replicationFactor == 2);
    CHECK(t->id.toString() == id);
    CHECK(t->configs.at("retention.ms") == "3600000");
    CHECK(r->find("odd name-with.chars_")->configs.at("cleanup.policy") == "compact delete");
    CHECK(r->findById(t->id) == t);
    CHECK(r->brokerConfigs().at("replica.alter.log.dirs.io.max.bytes.per.second") == "1048576");

    REQUIRE(r->setPartitionCount("testKafka", 16).ok());
    REQUIRE(r->remove("odd name-with.chars_").ok());
    auto again = TopicRegistry::open(file);
    REQUIRE(again.ok());
    CHECK(again->find("testKafka")->partitions == 16);
    CHECK(again->find("odd name-with.chars_") == nullptr);
}

TEST_CASE("A damaged metadata file is an error naming the line", "[broker][metadata]")
{
    TempDir dir;
    REQUIRE(spillway::core::writeFileAtomic(dir / "metadata", "# spillway-broker metadata v1\ntopic x\n").ok());
    auto r = TopicRegistry::open(dir / "metadata");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("metadata:2: malformed line") != std::string::npos);
}
