// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/storage/format/batch.h"
#include "core/storage/index/segment_files.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

namespace spillway::test {

/// Where one batch landed in a generated segment.
struct BuiltBatch {
    core::FilePosition position{0};
    core::Offset baseOffset{0};
    core::Offset lastOffset{0};
    core::Timestamp maxTimestamp{-1};
    std::int64_t size = 0;
};

/// A segment's .log bytes made with the format library's batch builders,
/// and the batches' positions for the tests to aim at.
struct BuiltSegment {
    core::Offset baseOffset{0};
    std::vector<std::byte> log;
    std::vector<BuiltBatch> batches;

    [[nodiscard]] core::Offset lastOffset() const { return batches.back().lastOffset; }
};

/// Timestamp of record `record` in batch `batch`.
using TimestampFn = std::function<std::int64_t(int batch, int record)>;

/// `batchCount` magic-2 batches of `recordsPerBatch` records with
/// `valueSize`-byte values; timestamps 1'700'000'000'000 + 10 * batch + record
/// unless `timestamps` says otherwise.
BuiltSegment buildV2Segment(core::Offset base, int batchCount, int recordsPerBatch, int valueSize,
                            const TimestampFn &timestamps = {});

/// `setCount` legacy message sets (magic 0 or 1) of `recordsPerSet` records;
/// compressed sets become one wrapper each.
BuiltSegment buildLegacySegment(std::int8_t magic, core::Offset base, int setCount, int recordsPerSet,
                                core::Compression compression, int valueSize);

void writeBytes(const std::filesystem::path &path, const std::vector<std::byte> &bytes);
std::vector<std::byte> readBytes(const std::filesystem::path &path);

/// Writes `<dir>/<base>.log` and indexes built by Kafka's recovery rule.
core::SegmentFiles writeSegment(const std::filesystem::path &dir, const BuiltSegment &segment,
                                std::int64_t indexIntervalBytes = 4096);

/// Raw index bytes, for hand-made (possibly broken) indexes.
void appendOffsetEntry(std::vector<std::byte> &out, std::int32_t relativeOffset, std::int32_t position);
void appendTimeEntry(std::vector<std::byte> &out, std::int64_t timestamp, std::int32_t relativeOffset);

/// Holds an fcntl write lock on `lockFile` from a forked child until
/// destroyed, as a running broker holds `<log dir>/.lock`.
class LockHolder {
public:
    explicit LockHolder(const std::filesystem::path &lockFile);
    ~LockHolder();
    LockHolder(const LockHolder &) = delete;
    LockHolder &operator=(const LockHolder &) = delete;

private:
    int m_pid = -1;
};

} // namespace spillway::test
