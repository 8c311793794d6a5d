// SPDX-License-Identifier: GPL-3.0-or-later
// Shared pieces of `spillway-cli log inspect`: the per-segment walk used by
// the segment and partition views, and the small formatters of its output.
#pragma once

#include "core/common/json_writer.h"
#include "core/common/result.h"
#include "core/storage/format/segment_parser.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace spillway::app {

/// One batch as `log inspect` shows it.
struct BatchRow {
    core::BatchInfo info;     ///< header fields (bytes span not valid after the walk)
    std::int64_t records = 0; ///< -1: unknown without decompressing (legacy wrapper)
};

/// What walking one .log file found. Problems are operator-facing lines.
struct SegmentReport {
    std::filesystem::path path;
    std::optional<core::Offset> nameOffset; ///< base offset from the 20-digit name
    core::ParseOutcome outcome;
    std::vector<BatchRow> batches; ///< only kept when asked
    std::int64_t batchCount = 0;
    std::int64_t recordCount = 0;
    bool recordCountExact = true; ///< false when some legacy wrapper was not decoded
    std::optional<core::Offset> firstOffset;
    std::optional<core::Offset> lastOffset;
    std::vector<std::string> problems;
    std::vector<std::string> notes;
};

/// Walks `logFile` in recovery mode with CRC checks. `keepBatches` keeps a
/// row per batch; `decodeRecords` decompresses to count records exactly.
/// I/O errors are errors; everything about the content is in the report.
core::Result<SegmentReport> inspectSegment(const std::filesystem::path &logFile, bool keepBatches, bool decodeRecords);

/// One line saying how the walk ended ("clean, all 2662 bytes valid").
std::string tailText(const SegmentReport &report);
/// The report's tail as a JSON object.
void writeTailJson(core::JsonWriter &json, const SegmentReport &report);

int inspectSegmentCommand(const std::filesystem::path &path, bool json, bool decodeRecords);
int inspectPartitionCommand(const std::filesystem::path &path, bool json, bool decodeRecords);
int inspectLogDirCommand(const std::filesystem::path &path, bool json);

/// "1.2 GiB", "512 B".
std::string formatBytes(std::int64_t bytes);
/// "2024-10-25T10:00:00.123Z", or "-" for -1.
std::string formatTimestamp(core::Timestamp ts);
/// `text` padded with spaces to `width` (left- or right-aligned).
std::string pad(std::string_view text, std::size_t width, bool right = false);
/// Prints `error.describe()` to stderr prefixed with "spillway-cli log: ".
void printError(const core::Error &error);

} // namespace spillway::app
