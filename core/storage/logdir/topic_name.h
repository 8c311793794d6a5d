// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace spillway::core {

/// Kafka's longest legal topic name (Topic.MAX_NAME_LENGTH): 255 minus room
/// for the partition suffix of the directory name.
inline constexpr std::size_t kMaxTopicNameLength = 249;

/// Kafka's topic-name rules (Topic.validate): 1..249 characters of
/// [a-zA-Z0-9._-], not "." or "..". The error uses Kafka's own wording.
Status validateTopicName(std::string_view topic);

/// Topic.hasCollisionChars: '.' or '_' appear (metric names map both to '_').
bool hasCollisionChars(std::string_view topic);

/// Topic.unifyCollisionChars: '.' replaced by '_'.
std::string unifyCollisionChars(std::string_view topic);

/// A warning for a name that mixes '.' and '_', the case most likely to
/// collide with another topic in metric names; nullopt when it does not.
std::optional<std::string> topicCollisionWarning(std::string_view topic);

/// The existing topic that `topic` would collide with in metric names
/// ("a.b" vs "a_b"), if any; an identical name is not a collision.
std::optional<std::string> findCollidingTopic(std::string_view topic, std::span<const std::string> existing);

/// Kind of a partition directory, from its suffix (ON-DISK-FORMAT §1).
enum class PartitionDirKind {
    Live,   ///< `<topic>-<p>`
    Delete, ///< `<topic>-<p>.<uuid>-delete`: waiting for asynchronous deletion
    Future, ///< `<topic>-<p>.<uuid>-future`: AlterReplicaLogDirs copy in progress
    Stray,  ///< `<topic>-<p>.<uuid>-stray`: KRaft replica no longer hosted here
};
std::string_view toString(PartitionDirKind kind) noexcept;

/// A parsed partition directory name. For suffixed kinds `uniqueId` holds
/// the text between the '.' and the suffix (32 hex digits when Kafka made it).
struct PartitionDirName {
    std::string topic;
    PartitionId partition{0};
    PartitionDirKind kind = PartitionDirKind::Live;
    std::string uniqueId;

    /// The directory name back: `orders-0` or `orders-0.<uuid>-delete`.
    [[nodiscard]] std::string toString() const;
};

/// Parses a partition directory name exactly as Kafka does at startup
/// (LocalLog.parseTopicPartitionName): the partition is the text after the
/// last '-', the topic everything before it (topics may contain '-').
/// Kafka refuses to start on a directory that fails this; the error says so.
Result<PartitionDirName> parsePartitionDirName(std::string_view dirName);

/// `<topic>-<partition>`.
std::string partitionDirName(std::string_view topic, PartitionId partition);

} // namespace spillway::core
