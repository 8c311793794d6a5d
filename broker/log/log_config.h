// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/config/broker_config.h"

#include <cstdint>

namespace spillway::broker {

/// The per-log settings a PartitionLog obeys (Kafka's topic-level names in
/// the comments). Built from the broker defaults; topic overrides replace
/// fields. A plain value; any thread.
struct LogConfig {
    std::int64_t segmentBytes = 1073741824;         ///< segment.bytes
    std::int64_t rollMs = 168LL * 3600 * 1000;      ///< segment.ms
    std::int64_t indexIntervalBytes = 4096;         ///< index.interval.bytes
    std::int64_t indexSizeMaxBytes = 10485760;      ///< segment.index.bytes
    std::int64_t flushIntervalMessages = INT64_MAX; ///< flush.messages
    std::int64_t flushIntervalMs = INT64_MAX;       ///< flush.ms

    static LogConfig fromBroker(const BrokerConfig &config)
    {
        LogConfig c;
        c.segmentBytes = config.logSegmentBytes;
        c.rollMs = config.logRollMs;
        c.indexIntervalBytes = config.logIndexIntervalBytes;
        c.indexSizeMaxBytes = config.logIndexSizeMaxBytes;
        c.flushIntervalMessages = config.logFlushIntervalMessages;
        c.flushIntervalMs = config.logFlushIntervalMs;
        return c;
    }
};

} // namespace spillway::broker
