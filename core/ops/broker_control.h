// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace spillway::core::ops {

/// One log dir as the running broker reports it (DescribeLogDirs).
struct BrokerLogDirView {
    std::string path;
    bool online = false;
    std::int64_t totalBytes = -1;
    std::int64_t usableBytes = -1;
    /// "<topic>-<p>" -> bytes, current replicas only (no -future copies).
    std::map<std::string, std::int64_t> partitions;
};

/// One partition this broker is a replica of, as Metadata reports it.
struct PartitionReplicasView {
    std::string topic;
    std::int32_t partition = 0;
    std::vector<std::int32_t> replicas;
    std::vector<std::int32_t> isr;
    std::vector<std::int32_t> offlineReplicas;
    std::int32_t leader = -1; ///< -1: no leader
};

/// What a running broker and its cluster say about it: its log dirs and
/// every partition it holds a replica of, with the replicas and ISR.
struct BrokerView {
    std::int32_t brokerId = -1;
    std::vector<BrokerLogDirView> dirs;
    std::vector<PartitionReplicasView> partitions;
};

/// Stops, starts and asks one local broker, for operations that need it
/// stopped (the disk swap). Implemented for the lab's brokers (through the
/// lab's own session, so that its state stays true) and for the brokers of
/// the registry (BrokerSupervisor) in app/cli; core/ops stays Qt-free and
/// knows neither. Calls block. One thread at a time.
class BrokerControl {
public:
    virtual ~BrokerControl() = default;

    /// "lab broker 1 (/root)", "kafka-1": for messages and the journal.
    [[nodiscard]] virtual std::string label() const = 0;
    /// Flat parameters that let a BrokerControlFactory make this control
    /// again (journaled, for recover() in another process).
    [[nodiscard]] virtual std::map<std::string, std::string> identity() const = 0;
    [[nodiscard]] virtual std::filesystem::path serverProperties() const = 0;
    /// Whether the broker places new partitions by free space (the lab
    /// broker) rather than by partition count (Apache Kafka).
    [[nodiscard]] virtual bool placesByFreeSpace() const = 0;

    virtual Result<bool> running() = 0;
    /// Clean stop (SIGTERM, SIGKILL after a timeout); stopped already: nothing.
    virtual Status stop() = 0;
    /// Starts it with its server.properties; returns once the process runs
    /// (and, where the implementation knows how, accepts connections).
    virtual Status start() = 0;
    /// Until the broker answers ApiVersions, or `timeout`.
    virtual Status waitHealthy(std::chrono::milliseconds timeout) = 0;
    /// Metadata and DescribeLogDirs of this broker (it must be running).
    virtual Result<BrokerView> describe(std::int32_t brokerId) = 0;
};

/// Makes the BrokerControl an interrupted operation journaled (its
/// identity()), in the process that recovers it.
using BrokerControlFactory =
    std::function<Result<std::unique_ptr<BrokerControl>>(const std::map<std::string, std::string> &identity)>;

} // namespace spillway::core::ops
