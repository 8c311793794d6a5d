// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/group/group_apis.h"

#include "core/protocol/messages/find_coordinator.h"

namespace spillway::broker {

using namespace spillway::core;

namespace {

/// "/127.0.0.1", the form Kafka reports a member's host in.
std::string clientHost(const std::string &peer)
{
    const auto colon = peer.rfind(':');
    return "/" + (colon == std::string::npos ? peer : peer.substr(0, colon));
}

FindCoordinatorResponse findCoordinator(const FindCoordinatorRequest &request, std::int16_t version,
                                        const CoordinatorAddress &self)
{
    // This single broker coordinates every group; transactions (key type 1)
    // have no coordinator here.
    auto answer = [&](const std::string &key, std::int8_t keyType) {
        FindCoordinatorResponse::Coordinator c;
        c.Key = key;
        if (keyType != 0) {
            c.ErrorCode = code(KafkaError::CoordinatorNotAvailable);
            c.ErrorMessage = "this broker has no transaction coordinator";
            c.NodeId = -1;
            c.Host = "";
            c.Port = -1;
            return c;
        }
        c.NodeId = self.nodeId;
        c.Host = self.host;
        c.Port = self.port;
        return c;
    };
    FindCoordinatorResponse response;
    if (version >= 4) {
        for (const auto &key : request.CoordinatorKeys)
            response.Coordinators.push_back(answer(key, request.KeyType));
        return response;
    }
    const auto c = answer(request.Key, version == 0 ? std::int8_t{0} : request.KeyType);
    response.ErrorCode = c.ErrorCode;
    response.ErrorMessage = c.ErrorMessage;
    response.NodeId = c.NodeId;
    response.Host = c.Host;
    response.Port = c.Port;
    return response;
}

} // namespace

std::vector<ApiEntry> groupApiEntries(GroupCoordinator &coordinator, std::function<CoordinatorAddress()> self)
{
    GroupCoordinator *gc = &coordinator;
    std::vector<ApiEntry> table;
    table.push_back(makeApiEntry<FindCoordinatorRequest, FindCoordinatorResponse>(
        0, 4, [self = std::move(self)](const RequestContext &ctx, FindCoordinatorRequest &request) {
            return std::optional(findCoordinator(request, ctx.header.apiVersion, self()));
        }));
    table.push_back(makeDeferredApiEntry<JoinGroupRequest, JoinGroupResponse>(
        0, 9,
        [gc](const RequestContext &ctx, JoinGroupRequest &request,
             std::function<void(std::optional<JoinGroupResponse>)> reply) {
            const std::int16_t version = ctx.header.apiVersion;
            gc->joinGroup(request, version, {ctx.header.clientId.value_or(""), clientHost(ctx.client.peer)},
                          [reply = std::move(reply), version](JoinGroupResponse response) {
                              // ProtocolName is nullable only from v7 on.
                              if (version < 7 && !response.ProtocolName)
                                  response.ProtocolName = "";
                              reply(std::move(response));
                          });
        }));
    table.push_back(makeDeferredApiEntry<SyncGroupRequest, SyncGroupResponse>(
        0, 5,
        [gc](const RequestContext &ctx, SyncGroupRequest &request,
             std::function<void(std::optional<SyncGroupResponse>)> reply) {
            gc->syncGroup(request, ctx.header.apiVersion,
                          [reply = std::move(reply)](SyncGroupResponse response) { reply(std::move(response)); });
        }));
    table.push_back(makeApiEntry<HeartbeatRequest, HeartbeatResponse>(
        0, 4,
        [gc](const RequestContext &, HeartbeatRequest &request) { return std::optional(gc->heartbeat(request)); }));
    table.push_back(makeApiEntry<LeaveGroupRequest, LeaveGroupResponse>(
        0, 5, [gc](const RequestContext &ctx, LeaveGroupRequest &request) {
            return std::optional(gc->leaveGroup(request, ctx.header.apiVersion));
        }));
    table.push_back(makeApiEntry<OffsetCommitRequest, OffsetCommitResponse>(
        0, 8, [gc](const RequestContext &ctx, OffsetCommitRequest &request) {
            return std::optional(gc->commitOffsets(request, ctx.header.apiVersion));
        }));
    table.push_back(makeApiEntry<OffsetFetchRequest, OffsetFetchResponse>(
        0, 8, [gc](const RequestContext &ctx, OffsetFetchRequest &request) {
            return std::optional(gc->fetchOffsets(request, ctx.header.apiVersion));
        }));
    table.push_back(makeApiEntry<ListGroupsRequest, ListGroupsResponse>(
        0, 5,
        [gc](const RequestContext &, ListGroupsRequest &request) { return std::optional(gc->listGroups(request)); }));
    table.push_back(makeApiEntry<DescribeGroupsRequest, DescribeGroupsResponse>(
        0, 5, [gc](const RequestContext &, DescribeGroupsRequest &request) {
            return std::optional(gc->describeGroups(request));
        }));
    return table;
}

} // namespace spillway::broker
