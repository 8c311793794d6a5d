// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace spillway::broker {

/// A listener from `listeners`, e.g. PLAINTEXT://127.0.0.1:9092.
struct Listener {
    std::string name = "PLAINTEXT";
    std::string host = "127.0.0.1"; ///< empty in the config means every interface, as Kafka
    std::uint16_t port = 9092;
};

/// Where a new partition goes among the broker's log dirs.
enum class PlacementPolicy {
    MostFreeSpace,    ///< Spillway's default: the online dir with the most free bytes
    FewestPartitions, ///< Apache Kafka's rule (how scenario B filled a disk)
};

/// The lab broker's configuration, read from a server.properties with
/// Apache Kafka's key names and defaults. Plain value; any thread.
struct BrokerConfig {
    std::int32_t brokerId = -1;
    std::vector<Listener> listeners{Listener{}};
    std::vector<Listener> advertisedListeners; ///< empty: same as listeners
    std::vector<std::filesystem::path> logDirs{"/tmp/kafka-logs"};
    std::int32_t numPartitions = 1;
    std::int16_t defaultReplicationFactor = 1;
    std::int64_t logSegmentBytes = 1073741824;
    std::int64_t logRollMs = 168LL * 3600 * 1000;
    std::int64_t logRetentionMs = 168LL * 3600 * 1000; ///< -1 = unlimited
    std::int64_t logRetentionBytes = -1;               ///< -1 = unlimited
    std::int64_t logRetentionCheckIntervalMs = 300000;
    std::int64_t fileDeleteDelayMs = 60000;
    std::int32_t logIndexIntervalBytes = 4096;
    std::int32_t logIndexSizeMaxBytes = 10485760;
    std::int32_t messageMaxBytes = 1048588;
    std::int32_t socketRequestMaxBytes = 104857600;
    bool autoCreateTopicsEnable = true;
    std::int64_t logFlushIntervalMessages = INT64_MAX;
    std::int64_t logFlushIntervalMs = INT64_MAX;
    std::int32_t groupInitialRebalanceDelayMs = 3000;
    std::int32_t maxIncrementalFetchSessionCacheSlots = 1000; ///< fetch sessions (KIP-227) kept at most
    /// Spillway's own keys (prefixed `spillway.`).
    bool createMissingLogDirs = false;                          ///< spillway.log.dirs.create.missing
    PlacementPolicy placement = PlacementPolicy::MostFreeSpace; ///< spillway.partition.placement
    /// spillway.metadata.dir: where topic metadata lives (outside the log
    /// dirs); empty = the directory of server.properties.
    std::filesystem::path metadataDir;
    /// spillway.emulate.kafka.version: answer with exactly the protocol
    /// version ranges of this Apache Kafka release ("2.0" ... "4.0", see
    /// broker/api/kafka_release_profiles.h); empty = the lab broker's own.
    std::string emulateKafkaVersion;

    /// Keys the lab broker does not know (each also printed as a warning).
    std::vector<std::string> warnings;

    /// Parses server.properties text. An invalid value is an error naming the
    /// key, the value and what is expected.
    static core::Result<BrokerConfig> parse(std::string_view text);
    static core::Result<BrokerConfig> load(const std::filesystem::path &file);
};

} // namespace spillway::broker
