// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/api/request_router.h"
#include "broker/group/group_coordinator.h"

#include <functional>
#include <string>
#include <vector>

namespace spillway::broker {

/// Where clients find the group coordinator: this broker.
struct CoordinatorAddress {
    std::int32_t nodeId = 0;
    std::string host;
    std::int32_t port = 0;
};

/// The API table rows of the consumer group APIs (FindCoordinator, JoinGroup,
/// SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups,
/// DescribeGroups), served by `coordinator`, which must outlive the table.
/// `self` is asked on each FindCoordinator (the port may be known only once
/// the listener is bound). Version ranges cover librdkafka 2.0 (JoinGroup v5,
/// OffsetCommit/OffsetFetch v7, ...), kafka-python 2.0 and Java clients up to
/// the last classic-protocol versions.
std::vector<ApiEntry> groupApiEntries(GroupCoordinator &coordinator, std::function<CoordinatorAddress()> self);

} // namespace spillway::broker
