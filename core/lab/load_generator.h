// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"
#include "core/lab/load_files.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace spillway::lab {

struct LoadGeneratorOptions {
    std::string bootstrap = "127.0.0.1:9092";
    std::string topic = "testKafka";
    std::string group = "spillway-lab-consumer";
    std::filesystem::path controlFile; ///< load.properties, re-read every second
    std::filesystem::path statusFile;  ///< loadgen.status, written every second
};

/// The lab's load: a librdkafka producer writing `topic` and a consumer in
/// `group` reading it, each throttled by a token bucket to the rates in the
/// control file, which is re-read every second. Three threads: producer,
/// consumer, and the caller's (control file, status file, lag). librdkafka
/// reconnects by itself, so the load survives broker restarts. Lines about
/// what it does go to stderr.
class LoadGenerator {
public:
    explicit LoadGenerator(LoadGeneratorOptions options);
    ~LoadGenerator();
    LoadGenerator(const LoadGenerator &) = delete;
    LoadGenerator &operator=(const LoadGenerator &) = delete;

    /// Runs until `stop` becomes true; then flushes the producer, closes the
    /// consumer (committing its offsets and leaving the group), writes the
    /// final status and returns.
    Status run(const std::atomic<bool> &stop);

    /// Creates `topic` with `partitions` partitions (replication factor 1)
    /// through the Admin API, retrying while the broker is unreachable.
    /// "already exists" is success. Returns a sentence saying which, with
    /// the partition count the broker reports.
    static Result<std::string> createTopic(const std::string &bootstrap, const std::string &topic, int partitions,
                                           std::chrono::milliseconds timeout);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace spillway::lab
