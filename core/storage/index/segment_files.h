// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace spillway::core {

/// The file extensions of one segment, as Kafka names them (ON-DISK-FORMAT §1).
inline constexpr std::string_view kLogSuffix = ".log";
inline constexpr std::string_view kOffsetIndexSuffix = ".index";
inline constexpr std::string_view kTimeIndexSuffix = ".timeindex";

/// The paths of one segment's files, derived from its partition directory and
/// base offset: `<dir>/<20-digit base offset>.log|.index|.timeindex`. A value
/// type; the files need not exist.
struct SegmentFiles {
    std::filesystem::path partitionDir;
    Offset baseOffset{0};

    [[nodiscard]] std::filesystem::path log() const { return withSuffix(kLogSuffix); }
    [[nodiscard]] std::filesystem::path offsetIndex() const { return withSuffix(kOffsetIndexSuffix); }
    [[nodiscard]] std::filesystem::path timeIndex() const { return withSuffix(kTimeIndexSuffix); }
    [[nodiscard]] std::filesystem::path withSuffix(std::string_view suffix) const;

    /// Any of a segment's files (.log, .index or .timeindex) -> that segment.
    static Result<SegmentFiles> fromPath(const std::filesystem::path &anySegmentFile);
};

/// The base offset encoded in a segment file name such as
/// "00000000000001725413.index" (exactly 20 digits before the first dot).
Result<Offset> parseSegmentBaseOffset(const std::filesystem::path &file);

/// True when `file`'s name is `<20 digits>` + `suffix`.
bool isSegmentFileName(const std::filesystem::path &file, std::string_view suffix);

} // namespace spillway::core
