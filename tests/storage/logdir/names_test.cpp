// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/kafka_uuid.h"
#include "core/storage/format/segment_file_name.h"
#include "core/storage/logdir/topic_name.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace spillway::core;

TEST_CASE("topic names follow Kafka's rules and wording", "[logdir][names]")
{
    CHECK(validateTopicName("orders").ok());
    CHECK(validateTopicName("my-topic.v2_x").ok());
    CHECK(validateTopicName(std::string(249, 'a')).ok());

    const auto empty = validateTopicName("");
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().message == "Topic name is illegal, it can't be empty");
    CHECK(validateTopicName(".").error().message == "Topic name cannot be \".\" or \"..\"");
    CHECK_FALSE(validateTopicName("..").ok());
    CHECK(validateTopicName(std::string(250, 'a')).error().message.find("can't be longer than 249 characters") !=
          std::string::npos);
    CHECK(validateTopicName("bad topic").error().message ==
          "Topic name \"bad topic\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' "
          "and '-'");
    CHECK_FALSE(validateTopicName("caf\xC3\xA9").ok());
    CHECK_FALSE(validateTopicName("a/b").ok());
}

TEST_CASE("metric-name collisions between '.' and '_'", "[logdir][names]")
{
    CHECK(hasCollisionChars("a.b"));
    CHECK(hasCollisionChars("a_b"));
    CHECK_FALSE(hasCollisionChars("a-b"));
    CHECK(unifyCollisionChars("a.b_c") == "a_b_c");
    CHECK(topicCollisionWarning("a.b_c").has_value());
    CHECK_FALSE(topicCollisionWarning("a.b.c").has_value());
    const std::vector<std::string> existing{"orders", "metrics_cpu", "a.b"};
    CHECK(findCollidingTopic("metrics.cpu", existing) == "metrics_cpu");
    CHECK_FALSE(findCollidingTopic("a.b", existing).has_value()); // the same topic is no collision
    CHECK_FALSE(findCollidingTopic("other", existing).has_value());
}

TEST_CASE("partition directory names - the partition is after the last '-'", "[logdir][names]")
{
    auto live = parsePartitionDirName("orders-0");
    REQUIRE(live.ok());
    CHECK(live->topic == "orders");
    CHECK(live->partition == PartitionId(0));
    CHECK(live->kind == PartitionDirKind::Live);

    auto dashed = parsePartitionDirName("my-topic.v2-17");
    REQUIRE(dashed.ok());
    CHECK(dashed->topic == "my-topic.v2");
    CHECK(dashed->partition == PartitionId(17));
    CHECK(dashed->toString() == "my-topic.v2-17");

    auto internal = parsePartitionDirName("__cluster_metadata-0");
    REQUIRE(internal.ok());
    CHECK(internal->topic == "__cluster_metadata");
}

TEST_CASE("partition dirs with the -delete, -future and -stray suffixes", "[logdir][names]")
{
    const std::string uuid = "4f1c0d6b2a3e4c5d8e9f0a1b2c3d4e5f";
    auto del = parsePartitionDirName("my-topic.v2-3." + uuid + "-delete");
    REQUIRE(del.ok());
    CHECK(del->topic == "my-topic.v2");
    CHECK(del->partition == PartitionId(3));
    CHECK(del->kind == PartitionDirKind::Delete);
    CHECK(del->uniqueId == uuid);
    CHECK(del->toString() == "my-topic.v2-3." + uuid + "-delete");

    auto future = parsePartitionDirName("orders-12." + uuid + "-future");
    REQUIRE(future.ok());
    CHECK(future->kind == PartitionDirKind::Future);
    CHECK(future->partition == PartitionId(12));
    auto stray = parsePartitionDirName("orders-1." + uuid + "-stray");
    REQUIRE(stray.ok());
    CHECK(stray->kind == PartitionDirKind::Stray);
}

TEST_CASE("names Kafka refuses to start with", "[logdir][names]")
{
    for (const std::string bad : {"", "orders", "orders-", "-0", "orders-x", "orders-1.2.3", "orders-99999999999",
                                  "orders-0-delete", "orders-0.-delete", "orders-0.abc def-delete", "lost+found"}) {
        INFO(bad);
        const auto parsed = parsePartitionDirName(bad);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().message.find("not in the form of topic-partition") != std::string::npos);
    }
}

TEST_CASE("20-digit segment file names", "[logdir][names]")
{
    CHECK(formatOffsetFileStem(Offset(0)) == "00000000000000000000");
    CHECK(formatOffsetFileStem(Offset(1725413)) == "00000000000001725413");
    CHECK(formatOffsetFileStem(Offset(INT64_MAX)) == "09223372036854775807");

    auto log = parseSegmentFileName("00000000000001725413.log");
    REQUIRE(log.has_value());
    CHECK(log->offset == Offset(1725413));
    CHECK(log->type == SegmentFileType::Log);
    CHECK(log->suffix == TempSuffix::None);

    auto swap = parseSegmentFileName("00000000000000000100.timeindex.swap");
    REQUIRE(swap.has_value());
    CHECK(swap->type == SegmentFileType::TimeIndex);
    CHECK(swap->suffix == TempSuffix::Swap);
    CHECK(swap->toString() == "00000000000000000100.timeindex.swap");

    CHECK(parseSegmentFileName("00000000000000000003.snapshot")->type == SegmentFileType::Snapshot);
    CHECK(parseSegmentFileName("00000000000000000000.txnindex.deleted")->suffix == TempSuffix::Deleted);
    CHECK(parseSegmentFileName("00000000000000000000.log.cleaned")->suffix == TempSuffix::Cleaned);

    CHECK_FALSE(parseSegmentFileName("123.log"));                      // not 20 digits
    CHECK_FALSE(parseSegmentFileName("0000000000000000000a.log"));     // not digits
    CHECK_FALSE(parseSegmentFileName("00000000000000000000.logx"));    // unknown extension
    CHECK_FALSE(parseSegmentFileName("99999999999999999999.log"));     // beyond int64
    CHECK_FALSE(parseSegmentFileName("00000000000000000000.deleted")); // suffix without a type
    CHECK_FALSE(parseSegmentFileName("00000000000000000000-0000000001.checkpoint"));
}

TEST_CASE("Kafka Uuid base64 form", "[logdir][names]")
{
    auto zero = KafkaUuid::fromString("AAAAAAAAAAAAAAAAAAAAAA");
    REQUIRE(zero.ok());
    CHECK(zero->isZero());
    auto one = KafkaUuid::fromString("AAAAAAAAAAAAAAAAAAAAAQ"); // Kafka's metadata topic id
    REQUIRE(one.ok());
    CHECK(one->bytes()[15] == 1);
    CHECK(one->toHex() == "00000000000000000000000000000001");

    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::uint8_t>(0xF0 + i);
    const KafkaUuid id(bytes);
    const std::string text = id.toString();
    CHECK(text.size() == 22);
    CHECK(text.find_first_of("+/=") == std::string::npos);
    CHECK(KafkaUuid::fromString(text).value() == id);

    CHECK_FALSE(KafkaUuid::fromString("AAAAAAAAAAAAAAAAAAAAA").ok());  // 21 chars
    CHECK_FALSE(KafkaUuid::fromString("AAAAAAAAAAAAAAAAAAAA+A").ok()); // not URL-safe
    CHECK_FALSE(KafkaUuid::fromString("AAAAAAAAAAAAAAAAAAAAAB").ok()); // non-canonical tail

    auto random = KafkaUuid::random();
    REQUIRE(random.ok());
    CHECK(random->toString().front() != '-');
    CHECK((random->bytes()[6] >> 4) == 4);
}
