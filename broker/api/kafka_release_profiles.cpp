// SPDX-License-Identifier: GPL-3.0-or-later
// The request version ranges of Apache Kafka releases, for the API keys the
// lab broker implements (plus SaslHandshake/SaslAuthenticate).
//
// Sources (facts only; no code taken from them):
// - maximum versions per release: franz-go's kversion package
//   (github.com/twmb/franz-go, pkg/kversion; the ZooKeeper-broker release
//   chain z20..z39 and the KRaft broker b40), which lists, per release, each
//   key's version bump with its KIP and Kafka commit;
// - Apache Kafka's message definitions (clients/src/main/resources/common/
//   message/*.json, snapshot in /work/shared/kafka-protocol/messages at a
//   commit after the 3.9 branch): validVersions agree with the 3.9 column
//   here; `deprecatedVersions` marks what KIP-896 planned to remove;
// - KIP-896 ("Remove old client protocol API versions in Kafka 4.0"), as
//   released in 4.0: "Version 0 was removed in Apache Kafka 4.0, Version 1 is
//   the new baseline" (ListOffsets, OffsetFetch, DeleteTopics,
//   DescribeConfigs, AlterReplicaLogDirs, DescribeLogDirs), Fetch 0-3,
//   OffsetCommit 0-1, JoinGroup 0-1, CreateTopics 0-1 and Produce 0-2
//   removed; Metadata 0-3, FindCoordinator 0 and SaslHandshake 0 were kept.
//   Kafka 4.0 still *advertises* Produce from v0 (KAFKA-18659, for
//   librdkafka) but closes the connection on v0-2; the table holds the range
//   it accepts, 3-12 (the lab broker's own minimum is 3 anyway).
// Patch releases do not change these ranges.
#include "broker/api/kafka_release_profiles.h"

#include <array>
#include <cctype>

namespace spillway::broker {
namespace {

// API keys, as in core::ApiKey (spelled out here so that the table reads as
// the sources do).
constexpr std::int16_t kProduce = 0, kFetch = 1, kListOffsets = 2, kMetadata = 3, kOffsetCommit = 8, kOffsetFetch = 9,
                       kFindCoordinator = 10, kJoinGroup = 11, kHeartbeat = 12, kLeaveGroup = 13, kSyncGroup = 14,
                       kDescribeGroups = 15, kListGroups = 16, kSaslHandshake = 17, kApiVersions = 18,
                       kCreateTopics = 19, kDeleteTopics = 20, kDeleteRecords = 21, kInitProducerId = 22,
                       kDescribeConfigs = 32, kAlterConfigs = 33, kAlterReplicaLogDirs = 34, kDescribeLogDirs = 35,
                       kSaslAuthenticate = 36, kCreatePartitions = 37, kIncrementalAlterConfigs = 44,
                       kDescribeCluster = 60;

/// Versions 0 to `max` of `key`.
constexpr ReleaseApiRange upTo(std::int16_t key, std::int16_t max) { return {key, 0, max}; }
/// Versions `min` to `max` of `key` (4.0's KIP-896 minimums).
constexpr ReleaseApiRange between(std::int16_t key, std::int16_t min, std::int16_t max) { return {key, min, max}; }

constexpr std::array kKafka20{
    upTo(kProduce, 6),          upTo(kFetch, 8),
    upTo(kListOffsets, 3),      upTo(kMetadata, 6),
    upTo(kOffsetCommit, 4),     upTo(kOffsetFetch, 4),
    upTo(kFindCoordinator, 2),  upTo(kJoinGroup, 3),
    upTo(kHeartbeat, 2),        upTo(kLeaveGroup, 2),
    upTo(kSyncGroup, 2),        upTo(kDescribeGroups, 2),
    upTo(kListGroups, 2),       upTo(kSaslHandshake, 1),
    upTo(kApiVersions, 2),      upTo(kCreateTopics, 3),
    upTo(kDeleteTopics, 2),     upTo(kDeleteRecords, 1),
    upTo(kInitProducerId, 1),   upTo(kDescribeConfigs, 2),
    upTo(kAlterConfigs, 1),     upTo(kAlterReplicaLogDirs, 1),
    upTo(kDescribeLogDirs, 1),  upTo(kSaslAuthenticate, 0),
    upTo(kCreatePartitions, 1),
};

// 2.1: OffsetCommit 6, DeleteTopics 3, Fetch 10, ListOffsets 4, Metadata 7,
// OffsetFetch 5, Produce 7. 2.2: ListOffsets 5, JoinGroup 4, SaslAuthenticate 1.
constexpr std::array kKafka22{
    upTo(kProduce, 7),          upTo(kFetch, 10),
    upTo(kListOffsets, 5),      upTo(kMetadata, 7),
    upTo(kOffsetCommit, 6),     upTo(kOffsetFetch, 5),
    upTo(kFindCoordinator, 2),  upTo(kJoinGroup, 4),
    upTo(kHeartbeat, 2),        upTo(kLeaveGroup, 2),
    upTo(kSyncGroup, 2),        upTo(kDescribeGroups, 2),
    upTo(kListGroups, 2),       upTo(kSaslHandshake, 1),
    upTo(kApiVersions, 2),      upTo(kCreateTopics, 3),
    upTo(kDeleteTopics, 3),     upTo(kDeleteRecords, 1),
    upTo(kInitProducerId, 1),   upTo(kDescribeConfigs, 2),
    upTo(kAlterConfigs, 1),     upTo(kAlterReplicaLogDirs, 1),
    upTo(kDescribeLogDirs, 1),  upTo(kSaslAuthenticate, 1),
    upTo(kCreatePartitions, 1),
};

// 2.3: Metadata 8, DescribeGroups 3 (KIP-430), Fetch 11 (KIP-392), JoinGroup 5,
// OffsetCommit 7, Heartbeat 3, SyncGroup 3 (KIP-345), IncrementalAlterConfigs
// added (KIP-339).
constexpr std::array kKafka23{
    upTo(kProduce, 7),          upTo(kFetch, 11),
    upTo(kListOffsets, 5),      upTo(kMetadata, 8),
    upTo(kOffsetCommit, 7),     upTo(kOffsetFetch, 5),
    upTo(kFindCoordinator, 2),  upTo(kJoinGroup, 5),
    upTo(kHeartbeat, 3),        upTo(kLeaveGroup, 2),
    upTo(kSyncGroup, 3),        upTo(kDescribeGroups, 3),
    upTo(kListGroups, 2),       upTo(kSaslHandshake, 1),
    upTo(kApiVersions, 2),      upTo(kCreateTopics, 3),
    upTo(kDeleteTopics, 3),     upTo(kDeleteRecords, 1),
    upTo(kInitProducerId, 1),   upTo(kDescribeConfigs, 2),
    upTo(kAlterConfigs, 1),     upTo(kAlterReplicaLogDirs, 1),
    upTo(kDescribeLogDirs, 1),  upTo(kSaslAuthenticate, 1),
    upTo(kCreatePartitions, 1), upTo(kIncrementalAlterConfigs, 0),
};

// 2.4: flexible versions (KIP-482) for many keys, ApiVersions v3 (KIP-511),
// DescribeGroups 4-5, CreateTopics 4-5, LeaveGroup 3-4, Produce 8.
constexpr std::array kKafka24{
    upTo(kProduce, 8),          upTo(kFetch, 11),
    upTo(kListOffsets, 5),      upTo(kMetadata, 9),
    upTo(kOffsetCommit, 8),     upTo(kOffsetFetch, 6),
    upTo(kFindCoordinator, 3),  upTo(kJoinGroup, 6),
    upTo(kHeartbeat, 4),        upTo(kLeaveGroup, 4),
    upTo(kSyncGroup, 4),        upTo(kDescribeGroups, 5),
    upTo(kListGroups, 3),       upTo(kSaslHandshake, 1),
    upTo(kApiVersions, 3),      upTo(kCreateTopics, 5),
    upTo(kDeleteTopics, 4),     upTo(kDeleteRecords, 1),
    upTo(kInitProducerId, 2),   upTo(kDescribeConfigs, 2),
    upTo(kAlterConfigs, 1),     upTo(kAlterReplicaLogDirs, 1),
    upTo(kDescribeLogDirs, 1),  upTo(kSaslAuthenticate, 1),
    upTo(kCreatePartitions, 1), upTo(kIncrementalAlterConfigs, 1),
};

// 2.5-2.8: DescribeLogDirs 2 (2.6), DescribeConfigs 3-4, ListGroups 4, CreateTopics
// 6-7, DeleteTopics 5-6, Fetch 12, Metadata 10-11, DescribeCluster added (2.8,
// KIP-700).
constexpr std::array kKafka28{
    upTo(kProduce, 9),          upTo(kFetch, 12),
    upTo(kListOffsets, 6),      upTo(kMetadata, 11),
    upTo(kOffsetCommit, 8),     upTo(kOffsetFetch, 7),
    upTo(kFindCoordinator, 3),  upTo(kJoinGroup, 7),
    upTo(kHeartbeat, 4),        upTo(kLeaveGroup, 4),
    upTo(kSyncGroup, 5),        upTo(kDescribeGroups, 5),
    upTo(kListGroups, 4),       upTo(kSaslHandshake, 1),
    upTo(kApiVersions, 3),      upTo(kCreateTopics, 7),
    upTo(kDeleteTopics, 6),     upTo(kDeleteRecords, 2),
    upTo(kInitProducerId, 4),   upTo(kDescribeConfigs, 4),
    upTo(kAlterConfigs, 2),     upTo(kAlterReplicaLogDirs, 2),
    upTo(kDescribeLogDirs, 2),  upTo(kSaslAuthenticate, 2),
    upTo(kCreatePartitions, 3), upTo(kIncrementalAlterConfigs, 1),
    upTo(kDescribeCluster, 0),
};

// 3.0-3.3: ListOffsets 7, FindCoordinator 4 (batched, KIP-699), OffsetFetch 8,
// Fetch 13, Metadata 12, JoinGroup 9, LeaveGroup 5, DescribeLogDirs 3-4 (3.3,
// KIP-827: TotalBytes/UsableBytes).
constexpr std::array kKafka33{
    upTo(kProduce, 9),          upTo(kFetch, 13),
    upTo(kListOffsets, 7),      upTo(kMetadata, 12),
    upTo(kOffsetCommit, 8),     upTo(kOffsetFetch, 8),
    upTo(kFindCoordinator, 4),  upTo(kJoinGroup, 9),
    upTo(kHeartbeat, 4),        upTo(kLeaveGroup, 5),
    upTo(kSyncGroup, 5),        upTo(kDescribeGroups, 5),
    upTo(kListGroups, 4),       upTo(kSaslHandshake, 1),
    upTo(kApiVersions, 3),      upTo(kCreateTopics, 7),
    upTo(kDeleteTopics, 6),     upTo(kDeleteRecords, 2),
    upTo(kInitProducerId, 4),   upTo(kDescribeConfigs, 4),
    upTo(kAlterConfigs, 2),     upTo(kAlterReplicaLogDirs, 2),
    upTo(kDescribeLogDirs, 4),  upTo(kSaslAuthenticate, 2),
    upTo(kCreatePartitions, 3), upTo(kIncrementalAlterConfigs, 1),
    upTo(kDescribeCluster, 0),
};

// 3.5-3.9: Fetch 14-17, ListOffsets 8-9, Produce 10-11, OffsetCommit 9,
// OffsetFetch 9, DescribeCluster 1, FindCoordinator 5-6, InitProducerId 5,
// ListGroups 5, ApiVersions 4.
constexpr std::array kKafka39{
    upTo(kProduce, 11),         upTo(kFetch, 17),
    upTo(kListOffsets, 9),      upTo(kMetadata, 12),
    upTo(kOffsetCommit, 9),     upTo(kOffsetFetch, 9),
    upTo(kFindCoordinator, 6),  upTo(kJoinGroup, 9),
    upTo(kHeartbeat, 4),        upTo(kLeaveGroup, 5),
    upTo(kSyncGroup, 5),        upTo(kDescribeGroups, 5),
    upTo(kListGroups, 5),       upTo(kSaslHandshake, 1),
    upTo(kApiVersions, 4),      upTo(kCreateTopics, 7),
    upTo(kDeleteTopics, 6),     upTo(kDeleteRecords, 2),
    upTo(kInitProducerId, 5),   upTo(kDescribeConfigs, 4),
    upTo(kAlterConfigs, 2),     upTo(kAlterReplicaLogDirs, 2),
    upTo(kDescribeLogDirs, 4),  upTo(kSaslAuthenticate, 2),
    upTo(kCreatePartitions, 3), upTo(kIncrementalAlterConfigs, 1),
    upTo(kDescribeCluster, 1),
};

// 4.0: KIP-896 minimums (see above); Produce 12, ListOffsets 10, Metadata 13,
// DescribeGroups 6, DescribeCluster 2.
constexpr std::array kKafka40{
    between(kProduce, 3, 12),
    between(kFetch, 4, 17),
    between(kListOffsets, 1, 10),
    upTo(kMetadata, 13),
    between(kOffsetCommit, 2, 9),
    between(kOffsetFetch, 1, 9),
    upTo(kFindCoordinator, 6),
    between(kJoinGroup, 2, 9),
    upTo(kHeartbeat, 4),
    upTo(kLeaveGroup, 5),
    upTo(kSyncGroup, 5),
    upTo(kDescribeGroups, 6),
    upTo(kListGroups, 5),
    upTo(kSaslHandshake, 1),
    upTo(kApiVersions, 4),
    between(kCreateTopics, 2, 7),
    between(kDeleteTopics, 1, 6),
    upTo(kDeleteRecords, 2),
    upTo(kInitProducerId, 5),
    between(kDescribeConfigs, 1, 4),
    upTo(kAlterConfigs, 2),
    between(kAlterReplicaLogDirs, 1, 2),
    between(kDescribeLogDirs, 1, 4),
    upTo(kSaslAuthenticate, 2),
    upTo(kCreatePartitions, 3),
    upTo(kIncrementalAlterConfigs, 1),
    upTo(kDescribeCluster, 2),
};

const std::array kReleases{
    KafkaReleaseProfile{"2.0", kKafka20, false}, KafkaReleaseProfile{"2.2", kKafka22, false},
    KafkaReleaseProfile{"2.3", kKafka23, false}, KafkaReleaseProfile{"2.4", kKafka24, true},
    KafkaReleaseProfile{"2.8", kKafka28, true},  KafkaReleaseProfile{"3.3", kKafka33, true},
    KafkaReleaseProfile{"3.9", kKafka39, true},  KafkaReleaseProfile{"4.0", kKafka40, true},
};

bool allDigits(std::string_view s)
{
    if (s.empty())
        return false;
    for (char c : s)
        if (std::isdigit(static_cast<unsigned char>(c)) == 0)
            return false;
    return true;
}

} // namespace

std::optional<ReleaseApiRange> KafkaReleaseProfile::find(std::int16_t apiKey) const
{
    for (const auto &a : apis)
        if (a.apiKey == apiKey)
            return a;
    return std::nullopt;
}

const KafkaReleaseProfile *findKafkaRelease(std::string_view version)
{
    // "X.Y" or "X.Y.Z": the patch number does not change the protocol.
    const auto firstDot = version.find('.');
    if (firstDot == std::string_view::npos)
        return nullptr;
    const auto secondDot = version.find('.', firstDot + 1);
    const std::string_view majorMinor = version.substr(0, secondDot);
    if (secondDot != std::string_view::npos && !allDigits(version.substr(secondDot + 1)))
        return nullptr;
    for (const auto &release : kReleases)
        if (release.name == majorMinor)
            return &release;
    return nullptr;
}

std::vector<std::string_view> knownKafkaReleases()
{
    std::vector<std::string_view> out;
    for (const auto &release : kReleases)
        out.push_back(release.name);
    return out;
}

std::string knownKafkaReleasesText()
{
    std::string out;
    for (const auto &release : kReleases)
        out += (out.empty() ? "" : ", ") + std::string(release.name);
    return out;
}

} // namespace spillway::broker
