// SPDX-License-Identifier: GPL-3.0-or-later
// The lab broker's periodic retention check honours each topic's own
// retention.ms / retention.bytes, changed at runtime through
// IncrementalAlterConfigs, and leaves the other topics to the broker default.
#include "tests/ops/retention_test_support.h"

#include <catch2/catch.hpp>

#include <functional>

using namespace spillway;
using namespace spillway::test;

namespace {

bool eventually(const std::function<bool()> &condition, std::chrono::seconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return condition();
}

void alter(const RetentionBroker &broker, const std::string &topic, const std::string &key,
           std::optional<std::string> value)
{
    core::admin::ConfigAlteration a;
    a.resource = core::admin::ConfigResource::topic(topic);
    a.changes.push_back({key, value ? core::admin::ConfigOp::Set : core::admin::ConfigOp::Delete, value});
    auto r = broker.admin()->incrementalAlterConfigs({a});
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    REQUIRE(r->front().error == core::KafkaError::None);
}

} // namespace

TEST_CASE("The lab broker applies per-topic retention overrides changed at runtime", "[broker][retention]")
{
    RetentionBroker broker;
    for (const char *t : {"bytime", "bysize", "untouched"})
        broker.createTopic(t, 1);
    for (const char *t : {"bytime", "bysize", "untouched"})
        broker.produce(t, 0, 6000, "old");
    const std::int64_t oldEnd = wallMs();
    std::this_thread::sleep_for(std::chrono::milliseconds(4000));
    for (const char *t : {"bytime", "bysize", "untouched"})
        broker.produce(t, 0, 3000, "new");
    const auto end = broker.offsets("bytime", 0).second;
    std::this_thread::sleep_for(std::chrono::milliseconds(600)); // a few retention checks with the defaults
    for (const char *t : {"bytime", "bysize", "untouched"})
        REQUIRE(broker.offsets(t, 0).first == 0);

    // retention.ms on one topic: its old segments go, the others keep everything.
    alter(broker, "bytime", "retention.ms", std::to_string(wallMs() - oldEnd - 1500));
    REQUIRE(eventually([&] { return broker.offsets("bytime", 0).first > 0; }, std::chrono::seconds(10)));
    const auto start = broker.offsets("bytime", 0).first;
    CHECK(start < 6000); // the new data and the segment holding the boundary stay
    // Deleting the override falls back to the default (a week): nothing more goes from here on.
    alter(broker, "bytime", "retention.ms", std::nullopt);
    CHECK_FALSE(broker.config("bytime", "retention.ms").second);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto settled = broker.offsets("bytime", 0).first;
    CHECK(settled < 6000);
    CHECK(broker.offsets("bytime", 0).second == end);
    CHECK(broker.consume("bytime", 0).rbegin()->second.rfind("new-2999-", 0) == 0);

    // retention.bytes on another: whole segments go while the rest stays above the limit.
    alter(broker, "bysize", "retention.bytes", "400000");
    REQUIRE(eventually([&] { return broker.offsets("bysize", 0).first > 0; }, std::chrono::seconds(10)));
    std::int64_t logBytes = 0;
    for (const auto &dir : broker.logDirs())
        if (std::filesystem::exists(dir / "bysize-0"))
            for (const auto &e : std::filesystem::directory_iterator(dir / "bysize-0"))
                if (e.path().extension() == ".log")
                    logBytes += static_cast<std::int64_t>(e.file_size());
    CHECK(logBytes >= 400000);
    CHECK(logBytes < 400000 + 2 * 262144);

    CHECK(broker.offsets("untouched", 0).first == 0);

    broker.produce("bytime", 0, 3000, "later");
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    CHECK(broker.offsets("bytime", 0).first == settled);
}

namespace {

/// The .log segments of `topic`-0, wherever its dir is.
int segmentCount(const RetentionBroker &broker, const std::string &topic)
{
    int n = 0;
    for (const auto &dir : broker.logDirs())
        if (std::filesystem::exists(dir / (topic + "-0")))
            for (const auto &e : std::filesystem::directory_iterator(dir / (topic + "-0")))
                n += e.path().extension() == ".log" ? 1 : 0;
    return n;
}

} // namespace

TEST_CASE("The lab broker rolls segments at each topic's own segment.bytes, set at creation or at runtime",
          "[broker][segments]")
{
    RetentionBroker broker; // log.segment.bytes=262144 by default
    // Batches of at most 100 messages (~12 KB): a segment must hold a whole produce.
    broker.createTopic("small", 1, {{"segment.bytes", "65536"}});
    broker.createTopic("plain", 1);
    broker.produce("small", 0, 4000, "s", 100, 100); // ~470 KB
    broker.produce("plain", 0, 2000, "p", 100, 100); // ~235 KB
    const int small = segmentCount(broker, "small");
    INFO("small: " << small << " segments, plain: " << segmentCount(broker, "plain"));
    CHECK(small >= 6);                         // 64 KiB segments
    CHECK(segmentCount(broker, "plain") == 1); // under the broker's 256 KiB
    CHECK(broker.config("small", "segment.bytes") == std::pair<std::string, bool>("65536", true));

    // Changed at runtime: the partition open now rolls at the new size from the next append.
    alter(broker, "plain", "segment.bytes", "65536");
    broker.produce("plain", 0, 4000, "q", 100, 100); // ~470 KB more
    CHECK(segmentCount(broker, "plain") >= 6);

    // After a restart the loaded partitions keep their topic's size.
    broker.stop();
    broker.start();
    const int before = segmentCount(broker, "small");
    broker.produce("small", 0, 2000, "t", 100, 100);
    CHECK(segmentCount(broker, "small") >= before + 2);
    CHECK(broker.consume("small", 0).size() == 6000);
}
