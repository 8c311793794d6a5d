// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core::ops {

/// Bytes a disk holds before and after an operation. A negative free figure
/// is unknown (a remote broker older than Kafka 3.3 reports no free space in
/// DescribeLogDirs): shown as "unknown", never as a number.
struct DiskUsageChange {
    std::filesystem::path logDir;
    std::int64_t kafkaBytesBefore = 0;
    std::int64_t kafkaBytesAfter = 0;
    std::int64_t freeBytesBefore = 0;
    std::int64_t freeBytesAfter = 0;

    [[nodiscard]] bool freeKnown() const noexcept { return freeBytesBefore >= 0 && freeBytesAfter >= 0; }
};

/// What an operation will do, computed without changing anything: shown to
/// the operator before execution (preview) and recorded in the journal.
struct Plan {
    std::string kind;    ///< "partition-move", "index-rebuild"
    std::string summary; ///< one line a human reads
    std::vector<DiskUsageChange> disks;
    std::vector<std::string> steps;
    /// Flat string parameters, journaled as a JSON object; enough to recover.
    std::map<std::string, std::string> params;

    /// The multi-line preview text: summary, per-disk bytes, steps.
    [[nodiscard]] std::string preview() const;
};

/// Progress of a running operation: fraction in [0, 1] and a message.
using ProgressFn = std::function<void(double fraction, std::string_view message)>;

/// How a caller drives an execution: progress, a cancel flag checked between
/// steps and chunks, and a test hook called after each named step (a test
/// may kill the process there to simulate a crash in that window).
struct RunOptions {
    ProgressFn progress;
    const std::atomic<bool> *cancel = nullptr;
    std::function<void(std::string_view step)> afterStep;

    [[nodiscard]] bool cancelled() const { return cancel && cancel->load(); }
    void report(double fraction, std::string_view message) const
    {
        if (progress)
            progress(fraction, message);
    }
    void stepHook(std::string_view step) const
    {
        if (afterStep)
            afterStep(step);
    }
};

/// Bytes an unprivileged writer can still put on `dir`'s filesystem (statvfs f_bavail).
Result<std::int64_t> freeBytes(const std::filesystem::path &dir);

/// A Locked error when a process (the broker) holds `logDir`/.lock, with
/// `hint` saying what to do; the offline operations call it before touching
/// a log dir.
Status refuseIfLocked(const std::filesystem::path &logDir, std::string_view hint);

/// Flat `{"k":"v",...}` JSON for Plan::params, and back.
std::string paramsToJson(const std::map<std::string, std::string> &params);
std::map<std::string, std::string> paramsFromJson(std::string_view json);

} // namespace spillway::core::ops
