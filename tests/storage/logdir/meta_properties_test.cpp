// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/fileio.h"
#include "core/storage/logdir/meta_properties.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

using namespace spillway::core;

TEST_CASE("meta.properties v0 as ZooKeeper-mode brokers wrote it", "[logdir][meta]")
{
    // 0.9 - 2.3: version and broker.id only.
    auto old = MetaProperties::parse("#\n#Tue Mar 05 10:11:12 UTC 2019\nversion=0\nbroker.id=2\n", "meta.properties");
    REQUIRE(old.ok());
    CHECK(old->version == 0);
    CHECK(old->nodeId == BrokerId(2));
    CHECK_FALSE(old->clusterId);

    auto withCluster = MetaProperties::parse("cluster.id=abcDEF123\nversion=0\nbroker.id=0\n", "m");
    REQUIRE(withCluster.ok());
    CHECK(withCluster->clusterId == "abcDEF123");
    // A missing version means 0, as in Kafka.
    CHECK(MetaProperties::parse("broker.id=7\n", "m")->version == 0);
}

TEST_CASE("meta.properties v1 as KRaft nodes write it", "[logdir][meta]")
{
    const std::string text = "#\n#Fri Oct 25 10:00:00 UTC 2024\nnode.id=1\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAQ\n"
                             "version=1\ncluster.id=q1Sh-9_ISia_zwGINzRvyQ\n";
    auto meta = MetaProperties::parse(text, "meta.properties");
    REQUIRE(meta.ok());
    CHECK(meta->version == 1);
    CHECK(meta->nodeId == BrokerId(1));
    CHECK(meta->clusterId == "q1Sh-9_ISia_zwGINzRvyQ");
    CHECK(meta->directoryId == "AAAAAAAAAAAAAAAAAAAAAQ");
    CHECK(meta->otherKeys.empty());
}

TEST_CASE("meta.properties errors", "[logdir][meta]")
{
    const auto fails = [](std::string_view text) {
        auto meta = MetaProperties::parse(text, "/data/kafka/meta.properties");
        REQUIRE_FALSE(meta.ok());
        CHECK(meta.error().message.starts_with("/data/kafka/meta.properties"));
        return meta.error();
    };
    CHECK(fails("version=2\nnode.id=1\ncluster.id=x\n").code == Errc::Unsupported);
    CHECK(fails("version=1\ncluster.id=x\n").message.find("requires node.id") != std::string::npos);
    CHECK(fails("version=1\nnode.id=1\n").message.find("requires cluster.id") != std::string::npos);
    CHECK(fails("version=one\n").message.find("not a number") != std::string::npos);
    CHECK(fails("version=0\nbroker.id=-3\n").message.find("broker.id") != std::string::npos);
    CHECK(fails("version=1\nnode.id=1\ncluster.id=x\ndirectory.id=nope\n").message.find("directory.id") !=
          std::string::npos);
}

TEST_CASE("meta.properties is written like Properties.store, atomically, and reads back", "[logdir][meta]")
{
    MetaProperties meta;
    meta.version = 1;
    meta.nodeId = BrokerId(3);
    meta.clusterId = "q1Sh-9_ISia_zwGINzRvyQ";
    meta.directoryId = "AAAAAAAAAAAAAAAAAAAAAQ";
    meta.otherKeys.emplace_back("custom.key", "kept");
    const std::string text = meta.serialize(1729850400); // 2024-10-25 10:00:00 UTC
    CHECK(text == "#\n#Fri Oct 25 10:00:00 UTC 2024\ncluster.id=q1Sh-9_ISia_zwGINzRvyQ\n"
                  "directory.id=AAAAAAAAAAAAAAAAAAAAAQ\nnode.id=3\ncustom.key=kept\nversion=1\n");

    spillway::test::TempDir dir;
    REQUIRE(meta.write(dir / "meta.properties").ok());
    CHECK_FALSE(std::filesystem::exists(dir / "meta.properties.tmp"));
    auto back = MetaProperties::read(dir / "meta.properties");
    REQUIRE(back.ok());
    CHECK(back->nodeId == BrokerId(3));
    CHECK(back->clusterId == meta.clusterId);
    CHECK(back->directoryId == meta.directoryId);
    REQUIRE(back->otherKeys.size() == 1);
    CHECK(back->otherKeys[0].second == "kept");

    MetaProperties v0;
    v0.version = 0;
    v0.nodeId = BrokerId(5);
    CHECK(v0.serialize(0) == "#\n#Thu Jan 01 00:00:00 UTC 1970\nbroker.id=5\nversion=0\n");
}
