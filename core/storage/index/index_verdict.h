// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"
#include "core/storage/format/segment_parser.h"
#include "core/storage/index/index_layout.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core {

class JsonWriter;

/// A Problem makes the file's verdict "corrupt"; a Notice is worth telling an
/// operator (zero tail of an active segment, missing final time entry) but is
/// what Kafka itself leaves on disk.
enum class FindingSeverity { Notice, Problem };

/// One thing the verifier found, with where: the byte position in the file
/// the verdict is about, in the `.log` when it matters, and the offset.
struct IndexFinding {
    FindingSeverity severity = FindingSeverity::Problem;
    std::string reason;
    std::optional<std::int64_t> filePosition; ///< byte in this file (index slot start, or log byte for the log)
    std::optional<FilePosition> logPosition;  ///< byte in the segment's .log (index findings only)
    std::optional<Offset> offset;

    /// "reason (index byte 24, log byte 8192, offset 40)"; `fileLabel` names
    /// filePosition ("index byte" for index files, "byte" for the log).
    [[nodiscard]] std::string describe(std::string_view fileLabel = "byte") const;
};

/// The verdict on one file of a segment. Keeps the first kMaxFindings findings
/// and counts the rest, so a 10 MiB garbage index does not become a million
/// lines. A value type.
struct FileVerdict {
    static constexpr std::size_t kMaxFindings = 20;

    std::filesystem::path path;
    bool present = true;
    std::int64_t sizeBytes = 0;
    std::vector<IndexFinding> findings;
    std::int64_t problemCount = 0;
    std::int64_t noticeCount = 0;

    void add(IndexFinding finding);
    [[nodiscard]] bool ok() const noexcept { return problemCount == 0; }
    [[nodiscard]] const IndexFinding *firstProblem() const noexcept;
    [[nodiscard]] std::int64_t omittedFindings() const noexcept;
};

/// What the single walk over the `.log` saw.
struct LogSummary {
    TailState tail = TailState::Clean;
    std::int64_t validBytes = 0;
    std::int64_t batchCount = 0;
    std::optional<Offset> firstOffset;
    std::optional<Offset> lastOffset;
    Timestamp maxTimestamp{-1};
    std::optional<Offset> maxTimestampOffset;
};

/// Which convention the offset-index entries follow (ON-DISK-FORMAT §5).
enum class OffsetConvention { None, LastOffset, FirstOffset, Mixed };
std::string_view toString(OffsetConvention c) noexcept;

/// The verdict on one segment: its `.log` (read to judge the indexes; a torn
/// or corrupt log is reported here, separately) and both indexes.
struct SegmentVerdict {
    Offset baseOffset{0};
    FileVerdict log;
    FileVerdict offsetIndex;
    FileVerdict timeIndex;
    LogSummary logSummary;
    IndexFileLayout offsetLayout;
    IndexFileLayout timeLayout;
    OffsetConvention offsetConvention = OffsetConvention::None;

    [[nodiscard]] bool indexesOk() const noexcept { return offsetIndex.ok() && timeIndex.ok(); }
    [[nodiscard]] bool ok() const noexcept { return indexesOk() && log.ok(); }
};

/// `--json` form of a verdict: {"baseOffset":..,"ok":..,"log":{..},"index":{..},"timeindex":{..}}.
void writeJson(JsonWriter &json, const SegmentVerdict &verdict);
/// The keys of a file verdict (path, status, findings ...) into an open object.
void writeJsonFields(JsonWriter &json, const FileVerdict &verdict);

} // namespace spillway::core
