// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spillway::core {

inline constexpr std::string_view kMetaPropertiesFile = "meta.properties";

/// A log dir's `meta.properties` (ON-DISK-FORMAT §10):
///   v0 (ZooKeeper mode): broker.id, cluster.id from Kafka 2.4;
///   v1 (KRaft): node.id and cluster.id required, directory.id from 3.7.
/// `nodeId` holds broker.id (v0) or node.id (v1). Keys Kafka does not know
/// are kept in `otherKeys` so a rewrite loses nothing. Written as
/// java.util.Properties.store does (a "#" line and a "#<date>" line first),
/// atomically. A plain value type.
struct MetaProperties {
    int version = 1;
    std::optional<BrokerId> nodeId;
    std::optional<std::string> clusterId;
    std::optional<std::string> directoryId; ///< 22-char Kafka Uuid
    std::vector<std::pair<std::string, std::string>> otherKeys;

    /// Kafka's rules: a missing version means 0; only 0 and 1 exist; v1
    /// needs node.id and cluster.id; ids must be integers >= 0; a
    /// directory.id must be a valid Uuid.
    static Result<MetaProperties> parse(std::string_view text, std::string_view fileLabel);
    static Result<MetaProperties> read(const std::filesystem::path &file);

    /// The file's bytes; `now` goes into the date comment as Java writes it.
    [[nodiscard]] std::string serialize(std::time_t now) const;
    [[nodiscard]] Status write(const std::filesystem::path &file) const;
};

} // namespace spillway::core
