// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/protocol/messages/api_versions.h"
#include "core/protocol/messages/fetch.h"
#include "core/protocol/request_header.h"
#include "tests/protocol/bytes_helpers.h"

#include <catch2/catch.hpp>

using namespace spillway::core;
using spillway::test::bytes;

TEST_CASE("ApiVersionsResponse v0 encodes as Kafka does", "[protocol][codec]")
{
    ApiVersionsResponse r;
    r.ApiKeys = {{18, 0, 3}};
    r.ThrottleTimeMs = 100; // not in v0: must not be written
    auto body = encodeMessage(r, 0);
    REQUIRE(body.ok());
    CHECK(*body == bytes({0x00, 0x00, /* ApiKeys count */ 0x00, 0x00, 0x00, 0x01, 0x00, 0x12, 0x00, 0x00, 0x00, 0x03}));
}

TEST_CASE("ApiVersionsResponse v3 uses compact arrays and tagged fields", "[protocol][codec]")
{
    ApiVersionsResponse r;
    r.ApiKeys = {{0, 0, 9}};
    r.ThrottleTimeMs = 0;
    auto plain = encodeMessage(r, 3);
    REQUIRE(plain.ok());
    // ErrorCode, compact array (1+1), one element + its empty tag section,
    // ThrottleTimeMs, empty top-level tag section.
    CHECK(*plain == bytes({0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}));

    r.FinalizedFeaturesEpoch = 5; // differs from its default (-1): written as tag 1
    auto tagged = encodeMessage(r, 3);
    REQUIRE(tagged.ok());
    const auto tail = std::vector<std::byte>(tagged->end() - 11, tagged->end());
    CHECK(tail == bytes({0x01, /* tag */ 0x01, /* size */ 0x08, 0, 0, 0, 0, 0, 0, 0, 0x05}));

    auto back = decodeMessage<ApiVersionsResponse>(*tagged, 3);
    REQUIRE(back.ok());
    CHECK(back->FinalizedFeaturesEpoch == 5);
    CHECK(back->ApiKeys == r.ApiKeys);
}

TEST_CASE("ApiVersions round-trips in every version", "[protocol][codec]")
{
    ApiVersionsResponse r;
    r.ApiKeys = {{0, 3, 9}, {1, 4, 12}, {18, 0, 4}};
    r.ThrottleTimeMs = 7;
    r.SupportedFeatures = {{"metadata.version", 1, 20}};
    for (std::int16_t v = 0; v <= 4; ++v) {
        auto body = encodeMessage(r, v);
        REQUIRE(body.ok());
        auto back = decodeMessage<ApiVersionsResponse>(*body, v);
        REQUIRE(back.ok());
        CHECK(back->ApiKeys == r.ApiKeys);
        CHECK(back->ThrottleTimeMs == (v >= 1 ? 7 : 0));
        CHECK(back->SupportedFeatures.size() == (v >= 3 ? 1u : 0u));
    }
}

TEST_CASE("ApiVersionsRequest v3 carries the client software as compact strings", "[protocol][codec]")
{
    ApiVersionsRequest req{"librdkafka", "2.0.2"};
    auto body = encodeMessage(req, 3);
    REQUIRE(body.ok());
    auto expected = bytes({0x0B});
    for (char c : std::string("librdkafka"))
        expected.push_back(static_cast<std::byte>(c));
    expected.push_back(std::byte{0x06});
    for (char c : std::string("2.0.2"))
        expected.push_back(static_cast<std::byte>(c));
    expected.push_back(std::byte{0x00});
    CHECK(*body == expected);
    auto v0 = encodeMessage(req, 0);
    REQUIRE(v0.ok());
    CHECK(v0->empty());
}

TEST_CASE("Unknown tagged fields are skipped by size", "[protocol][codec]")
{
    // v3 response with a tag 9 nobody knows, carrying 3 bytes.
    const auto body = bytes({0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x09, 0x03, 0xAA, 0xBB, 0xCC});
    auto r = decodeMessage<ApiVersionsResponse>(body, 3);
    REQUIRE(r.ok());
    CHECK(r->ApiKeys.empty());
}

TEST_CASE("Malformed bodies are errors that say where", "[protocol][codec]")
{
    SECTION("truncated")
    {
        auto r = decodeMessage<ApiVersionsResponse>(bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x12}), 0);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::Corrupt);
        CHECK(r.error().message.find("ApiVersions v0") != std::string::npos);
    }
    SECTION("array count larger than the message, refused before allocating")
    {
        auto r = decodeMessage<ApiVersionsResponse>(bytes({0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF}), 0);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("array of 2147483647 elements") != std::string::npos);
    }
    SECTION("trailing garbage")
    {
        auto r = decodeMessage<ApiVersionsResponse>(
            bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x42}), 1);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("1 unexpected bytes") != std::string::npos);
    }
    SECTION("tagged fields out of order")
    {
        auto r = decodeMessage<ApiVersionsResponse>(
            bytes({0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x01, 0x00}), 3);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("out of order") != std::string::npos);
    }
}

TEST_CASE("Request headers v1 and v2 parse; ApiVersions responses always use header v0", "[protocol][header]")
{
    const auto body = bytes({0xAB});
    const auto v1 = frameRequest(3, 8, 42, std::string("rdkafka"), false, body);
    auto frame1 = std::span<const std::byte>(v1).subspan(4);
    auto key = peekApiKeyAndVersion(frame1);
    REQUIRE(key);
    CHECK(key->first == 3);
    CHECK(key->second == 8);
    auto h1 = parseRequestHeader(frame1, 9);
    REQUIRE(h1.ok());
    CHECK(h1->correlationId == 42);
    CHECK(h1->clientId == std::optional<std::string>("rdkafka"));
    CHECK(frame1[h1->bodyOffset] == std::byte{0xAB});

    const auto v2 = frameRequest(3, 12, 7, std::nullopt, true, body);
    auto h2 = parseRequestHeader(std::span<const std::byte>(v2).subspan(4), 9);
    REQUIRE(h2.ok());
    CHECK_FALSE(h2->clientId.has_value());
    CHECK(std::span<const std::byte>(v2).subspan(4)[h2->bodyOffset] == std::byte{0xAB});

    CHECK_FALSE(responseHeaderIsFlexible(ApiKey::ApiVersions, 3, 4));
    CHECK(responseHeaderIsFlexible(ApiKey::Metadata, 9, 12));
    CHECK_FALSE(responseHeaderIsFlexible(ApiKey::Metadata, 9, 8));

    const auto resp = frameResponse(7, true, body);
    CHECK(resp == bytes({0, 0, 0, 6, 0, 0, 0, 7, 0x00, 0xAB}));
}

TEST_CASE("A truncated request header is an error", "[protocol][header]")
{
    auto h = parseRequestHeader(bytes({0x00, 0x03, 0x00}), 9);
    REQUIRE_FALSE(h.ok());
    CHECK(h.error().message.find("malformed request header") != std::string::npos);
}

TEST_CASE("Records sent from elsewhere get their length prefix and a place in the encoding", "[protocol][codec]")
{
    FetchResponse r;
    r.SessionId = 9;
    r.Responses.resize(1);
    r.Responses[0].Topic = "t";
    r.Responses[0].Partitions.resize(2);
    r.Responses[0].Partitions[0].Records = RecordsView{{}, false, 1000};
    r.Responses[0].Partitions[1].PartitionIndex = 1;
    r.Responses[0].Partitions[1].Records = RecordsView{{}, false, 70};
    CHECK_FALSE(encodeMessage(r, 11).ok()); // the bytes are not there to copy
    for (const std::int16_t version : {std::int16_t{11}, std::int16_t{12}}) {
        auto parts = encodeMessageWithExternalRecords(r, version);
        REQUIRE(parts.ok());
        REQUIRE(parts->external.size() == 2);
        CHECK(parts->external[0].size == 1000);
        CHECK(parts->external[1].size == 70);
        // Splicing real bytes in gives what encodeMessage gives for them.
        const std::vector<std::byte> a(1000, std::byte{0xaa});
        const std::vector<std::byte> b(70, std::byte{0xbb});
        std::vector<std::byte> spliced(parts->bytes.begin(),
                                       parts->bytes.begin() + static_cast<std::ptrdiff_t>(parts->external[0].position));
        spliced.insert(spliced.end(), a.begin(), a.end());
        spliced.insert(spliced.end(), parts->bytes.begin() + static_cast<std::ptrdiff_t>(parts->external[0].position),
                       parts->bytes.begin() + static_cast<std::ptrdiff_t>(parts->external[1].position));
        spliced.insert(spliced.end(), b.begin(), b.end());
        spliced.insert(spliced.end(), parts->bytes.begin() + static_cast<std::ptrdiff_t>(parts->external[1].position),
                       parts->bytes.end());
        FetchResponse inline_ = r;
        inline_.Responses[0].Partitions[0].Records = RecordsView{a, false};
        inline_.Responses[0].Partitions[1].Records = RecordsView{b, false};
        auto whole = encodeMessage(inline_, version);
        REQUIRE(whole.ok());
        CHECK(spliced == *whole);
    }
}
