// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/admin/spillway_versions.h"

#include "core/protocol/messages/all.h"

namespace spillway::core::admin {

namespace {

template <class M>
constexpr VersionRange rangeOf(std::int16_t min = M::kMinVersion)
{
    return {min, M::kMaxVersion};
}

} // namespace

std::optional<VersionRange> spillwayVersions(ApiKey key) noexcept
{
    switch (key) {
    case ApiKey::ApiVersions: return VersionRange{0, 3};
    case ApiKey::Metadata: return rangeOf<MetadataRequest>(1);
    case ApiKey::ListOffsets: return rangeOf<ListOffsetsRequest>(1);
    case ApiKey::OffsetFetch: return rangeOf<OffsetFetchRequest>(2);
    case ApiKey::FindCoordinator: return rangeOf<FindCoordinatorRequest>();
    case ApiKey::ListGroups: return rangeOf<ListGroupsRequest>();
    case ApiKey::DescribeGroups: return rangeOf<DescribeGroupsRequest>();
    case ApiKey::CreateTopics: return rangeOf<CreateTopicsRequest>();
    case ApiKey::DescribeConfigs: return rangeOf<DescribeConfigsRequest>();
    case ApiKey::AlterConfigs: return rangeOf<AlterConfigsRequest>();
    case ApiKey::IncrementalAlterConfigs: return rangeOf<IncrementalAlterConfigsRequest>();
    case ApiKey::AlterReplicaLogDirs: return rangeOf<AlterReplicaLogDirsRequest>();
    case ApiKey::DescribeLogDirs: return rangeOf<DescribeLogDirsRequest>();
    case ApiKey::DescribeCluster: return rangeOf<DescribeClusterRequest>();
    default: return std::nullopt;
    }
}

} // namespace spillway::core::admin
