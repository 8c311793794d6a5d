// SPDX-License-Identifier: GPL-3.0-or-later
// The Apache Kafka release profiles of the lab broker: the table lookup, its
// consistency between releases, the config key, and the RequestRouter
// restriction (ApiVersions answer, versions outside the range, the ApiVersions
// v0 fallback before and after KIP-511).
#include "broker/api/kafka_release_profiles.h"
#include "broker/api/request_router.h"
#include "broker/config/broker_config.h"
#include "core/protocol/message.h"
#include "core/protocol/messages/api_versions.h"
#include "core/protocol/request_header.h"

#include <catch2/catch.hpp>

#include <map>

using namespace spillway;
using broker::findKafkaRelease;
using core::ApiKey;

namespace {

std::int16_t key(ApiKey k) { return static_cast<std::int16_t>(k); }

/// A table row that answers with an empty body.
broker::ApiEntry row(ApiKey k, std::int16_t min, std::int16_t max)
{
    broker::ApiEntry e;
    e.key = k;
    e.minVersion = min;
    e.maxVersion = max;
    e.firstFlexibleVersion = 99;
    e.handler = [](const broker::RequestContext &, std::span<const std::byte>) -> broker::ApiEntry::Body {
        return std::optional<broker::ResponseParts>(broker::ResponseParts(std::vector<std::byte>{}));
    };
    return e;
}

/// Rows with the lab broker's own ranges of a few APIs.
std::vector<broker::ApiEntry> labRows()
{
    return {row(ApiKey::Produce, 3, 9),
            row(ApiKey::ListOffsets, 0, 7),
            row(ApiKey::Metadata, 0, 12),
            row(ApiKey::DescribeLogDirs, 0, 4),
            row(ApiKey::IncrementalAlterConfigs, 0, 1),
            row(ApiKey::DescribeCluster, 0, 1)};
}

std::map<std::int16_t, std::pair<std::int16_t, std::int16_t>> advertised(const broker::RequestRouter &router)
{
    std::map<std::int16_t, std::pair<std::int16_t, std::int16_t>> out;
    for (const auto &k : router.apiVersions().ApiKeys)
        out[k.ApiKey] = {k.MinVersion, k.MaxVersion};
    return out;
}

broker::HandlerOutcome send(const broker::RequestRouter &router, ApiKey k, std::int16_t version,
                            std::span<const std::byte> body = {})
{
    const bool flexible = k == ApiKey::ApiVersions && version >= 3;
    auto frame = core::frameRequest(key(k), version, 7, std::string("test"), flexible, body);
    // The router gets the frame without its size prefix.
    return router.handle(std::span<const std::byte>(frame).subspan(4), broker::ClientInfo{});
}

/// The body of an ApiVersions answer (response header v0: correlation id).
core::ApiVersionsResponse apiVersionsAnswer(const broker::HandlerOutcome &outcome, std::int16_t version)
{
    REQUIRE(outcome.kind == broker::HandlerOutcome::Kind::Respond);
    const auto &bytes = outcome.response.bytes;
    REQUIRE(bytes.size() >= 8);
    auto decoded =
        core::decodeMessage<core::ApiVersionsResponse>(std::span<const std::byte>(bytes).subspan(8), version);
    REQUIRE(decoded.ok());
    return *decoded;
}

} // namespace

TEST_CASE("Kafka release profiles are found by release, with or without a patch number", "[broker][profiles]")
{
    REQUIRE(findKafkaRelease("2.0") != nullptr);
    CHECK(findKafkaRelease("2.0")->name == "2.0");
    REQUIRE(findKafkaRelease("2.8.2") != nullptr);
    CHECK(findKafkaRelease("2.8.2")->name == "2.8");
    CHECK(findKafkaRelease("4.0.0")->name == "4.0");
    CHECK(findKafkaRelease("2.8.x") == nullptr);
    CHECK(findKafkaRelease("2.8.") == nullptr);
    CHECK(findKafkaRelease("1.1") == nullptr);
    CHECK(findKafkaRelease("5.0") == nullptr);
    CHECK(findKafkaRelease("2") == nullptr);
    CHECK(findKafkaRelease("") == nullptr);
    CHECK(broker::knownKafkaReleasesText() == "2.0, 2.2, 2.3, 2.4, 2.8, 3.3, 3.9, 4.0");
}

TEST_CASE("Kafka release profiles hold the landmarks of each release", "[broker][profiles]")
{
    const auto range = [](std::string_view release, ApiKey k) { return findKafkaRelease(release)->find(key(k)); };
    // IncrementalAlterConfigs arrived in 2.3 (KIP-339), DescribeCluster in 2.8 (KIP-700).
    CHECK_FALSE(range("2.2", ApiKey::IncrementalAlterConfigs));
    REQUIRE(range("2.3", ApiKey::IncrementalAlterConfigs));
    CHECK(range("2.3", ApiKey::IncrementalAlterConfigs)->maxVersion == 0);
    CHECK_FALSE(range("2.4", ApiKey::DescribeCluster));
    REQUIRE(range("2.8", ApiKey::DescribeCluster));
    // DescribeLogDirs v4 (TotalBytes/UsableBytes, KIP-827) in 3.3.
    CHECK(range("2.8", ApiKey::DescribeLogDirs)->maxVersion == 2);
    CHECK(range("3.3", ApiKey::DescribeLogDirs)->maxVersion == 4);
    // ApiVersions v3 (KIP-511) in 2.4, v4 in 3.9.
    CHECK(range("2.3", ApiKey::ApiVersions)->maxVersion == 2);
    CHECK(range("2.4", ApiKey::ApiVersions)->maxVersion == 3);
    CHECK(range("3.9", ApiKey::ApiVersions)->maxVersion == 4);
    CHECK_FALSE(findKafkaRelease("2.2")->apiVersionsErrorListsRange);
    CHECK(findKafkaRelease("2.4")->apiVersionsErrorListsRange);
    // KIP-896: 4.0's new minimums; Metadata and FindCoordinator kept v0.
    CHECK(range("4.0", ApiKey::ListOffsets)->minVersion == 1);
    CHECK(range("4.0", ApiKey::Fetch)->minVersion == 4);
    CHECK(range("4.0", ApiKey::Produce)->minVersion == 3);
    CHECK(range("4.0", ApiKey::DescribeLogDirs)->minVersion == 1);
    CHECK(range("4.0", ApiKey::Metadata)->minVersion == 0);
    CHECK(range("4.0", ApiKey::FindCoordinator)->minVersion == 0);
    CHECK(range("3.9", ApiKey::ListOffsets)->minVersion == 0);
}

TEST_CASE("Kafka release profiles never lose an API or a version from one release to the next", "[broker][profiles]")
{
    // A typo in the table shows up as a max that goes down or a key that
    // disappears; only 4.0 raised minimums (KIP-896).
    const auto releases = broker::knownKafkaReleases();
    for (std::size_t i = 1; i < releases.size(); ++i) {
        const auto *older = findKafkaRelease(releases[i - 1]);
        const auto *newer = findKafkaRelease(releases[i]);
        for (const auto &a : older->apis) {
            INFO(std::string(releases[i - 1]) + " -> " + std::string(releases[i]) + ", key " +
                 std::to_string(a.apiKey));
            const auto later = newer->find(a.apiKey);
            REQUIRE(later);
            CHECK(later->maxVersion >= a.maxVersion);
            CHECK(later->minVersion <= later->maxVersion);
            if (newer->name != "4.0")
                CHECK(later->minVersion == 0);
        }
    }
}

TEST_CASE("spillway.emulate.kafka.version is checked when the config is read", "[broker][profiles]")
{
    auto ok = broker::BrokerConfig::parse("broker.id=1\nspillway.emulate.kafka.version=2.8.1\n");
    REQUIRE(ok.ok());
    CHECK(ok->emulateKafkaVersion == "2.8.1");
    CHECK(ok->warnings.empty());

    auto none = broker::BrokerConfig::parse("broker.id=1\n");
    REQUIRE(none.ok());
    CHECK(none->emulateKafkaVersion.empty());

    auto bad = broker::BrokerConfig::parse("broker.id=1\nspillway.emulate.kafka.version=1.1\n");
    REQUIRE_FALSE(bad.ok());
    const std::string message = bad.error().describe();
    INFO(message);
    CHECK(message.find("spillway.emulate.kafka.version") != std::string::npos);
    CHECK(message.find("'1.1'") != std::string::npos);
    CHECK(message.find("2.0, 2.2, 2.3, 2.4, 2.8, 3.3, 3.9, 4.0") != std::string::npos);
}

TEST_CASE("The router advertises the intersection with the emulated release", "[broker][profiles]")
{
    SECTION("no emulation: the table as it is")
    {
        broker::RequestRouter router(labRows());
        const auto a = advertised(router);
        CHECK(a.at(key(ApiKey::Metadata)) == std::pair<std::int16_t, std::int16_t>{0, 12});
        CHECK(a.at(key(ApiKey::ApiVersions)) == std::pair<std::int16_t, std::int16_t>{0, 3});
        CHECK(a.count(key(ApiKey::DescribeCluster)) == 1);
    }
    SECTION("2.0: lower maxima, APIs it lacks are gone")
    {
        broker::RequestRouter router(labRows(), findKafkaRelease("2.0"));
        const auto a = advertised(router);
        CHECK(a.size() == 5); // ApiVersions + Produce, ListOffsets, Metadata, DescribeLogDirs
        CHECK(a.at(key(ApiKey::ApiVersions)) == std::pair<std::int16_t, std::int16_t>{0, 2});
        CHECK(a.at(key(ApiKey::Produce)) == std::pair<std::int16_t, std::int16_t>{3, 6});
        CHECK(a.at(key(ApiKey::ListOffsets)) == std::pair<std::int16_t, std::int16_t>{0, 3});
        CHECK(a.at(key(ApiKey::Metadata)) == std::pair<std::int16_t, std::int16_t>{0, 6});
        CHECK(a.at(key(ApiKey::DescribeLogDirs)) == std::pair<std::int16_t, std::int16_t>{0, 1});
        CHECK(a.count(key(ApiKey::IncrementalAlterConfigs)) == 0);
        CHECK(a.count(key(ApiKey::DescribeCluster)) == 0);
        CHECK(router.find(key(ApiKey::DescribeCluster)) == nullptr);
    }
    SECTION("4.0: the KIP-896 minimums, the lab broker's own maxima")
    {
        broker::RequestRouter router(labRows(), findKafkaRelease("4.0"));
        const auto a = advertised(router);
        CHECK(a.at(key(ApiKey::ApiVersions)) == std::pair<std::int16_t, std::int16_t>{0, 3});
        CHECK(a.at(key(ApiKey::ListOffsets)) == std::pair<std::int16_t, std::int16_t>{1, 7});
        CHECK(a.at(key(ApiKey::DescribeLogDirs)) == std::pair<std::int16_t, std::int16_t>{1, 4});
        CHECK(a.at(key(ApiKey::Metadata)) == std::pair<std::int16_t, std::int16_t>{0, 12});
        CHECK(a.at(key(ApiKey::DescribeCluster)) == std::pair<std::int16_t, std::int16_t>{0, 1});
    }
}

TEST_CASE("The router closes the connection on a version the emulated release lacks", "[broker][profiles]")
{
    broker::RequestRouter v20(labRows(), findKafkaRelease("2.0"));
    CHECK(send(v20, ApiKey::Metadata, 6).kind == broker::HandlerOutcome::Kind::Respond);
    // As Apache Kafka: an unsupported version or API closes the connection.
    const auto above = send(v20, ApiKey::Metadata, 7);
    CHECK(above.kind == broker::HandlerOutcome::Kind::Close);
    CHECK(above.reason.find("0-6") != std::string::npos);
    CHECK(send(v20, ApiKey::DescribeCluster, 0).kind == broker::HandlerOutcome::Kind::Close);
    CHECK(send(v20, ApiKey::IncrementalAlterConfigs, 0).kind == broker::HandlerOutcome::Kind::Close);

    broker::RequestRouter v40(labRows(), findKafkaRelease("4.0"));
    CHECK(send(v40, ApiKey::ListOffsets, 0).kind == broker::HandlerOutcome::Kind::Close);
    CHECK(send(v40, ApiKey::ListOffsets, 1).kind == broker::HandlerOutcome::Kind::Respond);
    CHECK(send(v40, ApiKey::DescribeLogDirs, 0).kind == broker::HandlerOutcome::Kind::Close);

    broker::RequestRouter own(labRows());
    CHECK(send(own, ApiKey::Metadata, 7).kind == broker::HandlerOutcome::Kind::Respond);
    CHECK(send(own, ApiKey::ListOffsets, 0).kind == broker::HandlerOutcome::Kind::Respond);
}

TEST_CASE("ApiVersions above the emulated release's range falls back to v0 as that release does", "[broker][profiles]")
{
    core::ApiVersionsRequest request;
    request.ClientSoftwareName = "test";
    request.ClientSoftwareVersion = "1";
    auto v3 = core::encodeMessage(request, 3);
    REQUIRE(v3.ok());

    SECTION("before KIP-511 (2.2): UNSUPPORTED_VERSION with an empty list")
    {
        broker::RequestRouter router(labRows(), findKafkaRelease("2.2"));
        const auto answer = apiVersionsAnswer(send(router, ApiKey::ApiVersions, 3, *v3), 0);
        CHECK(answer.ErrorCode == core::code(core::KafkaError::UnsupportedVersion));
        CHECK(answer.ApiKeys.empty());
        // v2 is served.
        auto v2 = core::encodeMessage(request, 2);
        REQUIRE(v2.ok());
        const auto ok = apiVersionsAnswer(send(router, ApiKey::ApiVersions, 2, *v2), 2);
        CHECK(ok.ErrorCode == 0);
        CHECK(ok.ApiKeys.size() == 5);
    }
    SECTION("from 2.4 on: UNSUPPORTED_VERSION with the ApiVersions range")
    {
        broker::RequestRouter router(labRows(), findKafkaRelease("2.4"));
        auto v4 = core::encodeMessage(request, 4);
        REQUIRE(v4.ok());
        const auto answer = apiVersionsAnswer(send(router, ApiKey::ApiVersions, 4, *v4), 0);
        CHECK(answer.ErrorCode == core::code(core::KafkaError::UnsupportedVersion));
        REQUIRE(answer.ApiKeys.size() == 1);
        CHECK(answer.ApiKeys.front().ApiKey == key(ApiKey::ApiVersions));
        CHECK(answer.ApiKeys.front().MaxVersion == 3);
        const auto ok = apiVersionsAnswer(send(router, ApiKey::ApiVersions, 3, *v3), 3);
        CHECK(ok.ErrorCode == 0);
    }
}
