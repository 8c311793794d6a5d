// SPDX-License-Identifier: GPL-3.0-or-later
// Every generated message round-trips in every version it defines: encode ->
// decode -> encode gives the same bytes. This checks the codec against the
// shape of all 27 APIs (nested structs, tagged fields, nullable fields).
#include "core/protocol/messages/all.h"

#include <catch2/catch.hpp>

#include <tuple>

using namespace spillway::core;

namespace {

template <class M>
void roundTripAllVersions(M message)
{
    int encodedVersions = 0;
    for (std::int16_t v = M::kMinVersion; v <= M::kMaxVersion; ++v) {
        INFO(toString(M::kApiKey) << " v" << v);
        auto first = encodeMessage(message, v);
        if (!first.ok()) {
            // Only a null in a version where the field is not nullable may fail.
            CHECK(first.error().message.find("not nullable") != std::string::npos);
            continue;
        }
        ++encodedVersions;
        auto decoded = decodeMessage<M>(*first, v);
        REQUIRE(decoded.ok());
        auto second = encodeMessage(*decoded, v);
        REQUIRE(second.ok());
        CHECK(*first == *second);
    }
    CHECK(encodedVersions > 0);
}

template <class... Ms>
void roundTripEach()
{
    (roundTripAllVersions(Ms{}), ...);
}

} // namespace

TEST_CASE("Every message round-trips in every version", "[protocol][messages]")
{
    roundTripEach<ProduceRequest, ProduceResponse, FetchRequest, FetchResponse, ListOffsetsRequest, ListOffsetsResponse,
                  MetadataRequest, MetadataResponse, OffsetCommitRequest, OffsetCommitResponse, OffsetFetchRequest,
                  OffsetFetchResponse, FindCoordinatorRequest, FindCoordinatorResponse, JoinGroupRequest,
                  JoinGroupResponse, HeartbeatRequest, HeartbeatResponse, LeaveGroupRequest, LeaveGroupResponse,
                  SyncGroupRequest, SyncGroupResponse, DescribeGroupsRequest, DescribeGroupsResponse, ListGroupsRequest,
                  ListGroupsResponse, SaslHandshakeRequest, SaslHandshakeResponse, ApiVersionsRequest,
                  ApiVersionsResponse, CreateTopicsRequest, CreateTopicsResponse, DeleteTopicsRequest,
                  DeleteTopicsResponse, DeleteRecordsRequest, DeleteRecordsResponse, InitProducerIdRequest,
                  InitProducerIdResponse, DescribeConfigsRequest, DescribeConfigsResponse, AlterConfigsRequest,
                  AlterConfigsResponse, AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse, DescribeLogDirsRequest,
                  DescribeLogDirsResponse, SaslAuthenticateRequest, SaslAuthenticateResponse, CreatePartitionsRequest,
                  CreatePartitionsResponse, IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse,
                  DescribeClusterRequest, DescribeClusterResponse>();
}

TEST_CASE("MetadataRequest v1+ distinguishes 'all topics' (null) from 'no topics' (empty)", "[protocol][messages]")
{
    MetadataRequest all;
    all.Topics = std::nullopt;
    auto nullBody = encodeMessage(all, 4);
    REQUIRE(nullBody.ok());
    auto back = decodeMessage<MetadataRequest>(*nullBody, 4);
    REQUIRE(back.ok());
    CHECK_FALSE(back->Topics.has_value());

    MetadataRequest none;
    none.Topics.emplace();
    auto emptyBody = encodeMessage(none, 4);
    REQUIRE(emptyBody.ok());
    auto back2 = decodeMessage<MetadataRequest>(*emptyBody, 4);
    REQUIRE(back2.ok());
    REQUIRE(back2->Topics.has_value());
    CHECK(back2->Topics->empty());

    // v0 has no null: an empty list meant "all topics".
    CHECK_FALSE(encodeMessage(all, 0).ok());
}

TEST_CASE("DescribeLogDirsResponse v4 carries TotalBytes and UsableBytes", "[protocol][messages]")
{
    DescribeLogDirsResponse r;
    DescribeLogDirsResponse::DescribeLogDirsResult dir;
    dir.LogDir = "/data0";
    dir.TotalBytes = 256LL << 20;
    dir.UsableBytes = 100LL << 20;
    DescribeLogDirsResponse::DescribeLogDirsResult::DescribeLogDirsTopic topic;
    topic.Name = "testKafka";
    topic.Partitions.push_back({3, 12345, 0, false});
    dir.Topics.push_back(topic);
    r.Results.push_back(dir);

    auto v4 = encodeMessage(r, 4);
    REQUIRE(v4.ok());
    auto back = decodeMessage<DescribeLogDirsResponse>(*v4, 4);
    REQUIRE(back.ok());
    CHECK(back->Results.at(0).TotalBytes == 256LL << 20);
    CHECK(back->Results.at(0).UsableBytes == 100LL << 20);
    CHECK(back->Results.at(0).Topics.at(0).Partitions.at(0).PartitionSize == 12345);

    auto v1 = encodeMessage(r, 1);
    REQUIRE(v1.ok());
    auto old = decodeMessage<DescribeLogDirsResponse>(*v1, 1);
    REQUIRE(old.ok());
    CHECK(old->Results.at(0).TotalBytes == -1); // default when absent
}
