// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace spillway::lab {

/// One log dir as the broker sees it (DescribeLogDirs v4).
struct BrokerLogDir {
    std::string path;
    std::int16_t errorCode = 0; ///< 0 online, 56 KAFKA_STORAGE_ERROR when offline
    std::int64_t totalBytes = -1;
    std::int64_t usableBytes = -1;
    int partitions = 0;
    std::int64_t kafkaBytes = 0;             ///< sum of the partitions' sizes
    std::vector<std::string> partitionNames; ///< "testKafka-3", ...
};

/// Asks a broker on 127.0.0.1 about itself over the Kafka protocol: one
/// blocking connection per call, with a timeout. Any thread.
class BrokerProbe {
public:
    /// Whether something accepts TCP connections on 127.0.0.1:port.
    static bool isListening(int port);
    /// Whether this process could bind 127.0.0.1:port right now.
    static bool canBind(int port);
    /// DescribeLogDirs for every partition.
    static Result<std::vector<BrokerLogDir>>
    describeLogDirs(int port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
};

} // namespace spillway::lab
