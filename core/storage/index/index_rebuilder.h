// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/storage/format/segment_parser.h"
#include "core/storage/index/recovery_index_builder.h"
#include "core/storage/index/segment_files.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace spillway::core {

/// Points in a rebuild at which RebuildOptions::afterStep is called, so tests
/// can simulate a crash (the process dies there) and check what is left.
enum class RebuildStep { Verified, OffsetIndexBackedUp, OffsetIndexReplaced, TimeIndexBackedUp, TimeIndexReplaced };

struct RebuildOptions {
    std::int64_t indexIntervalBytes = kDefaultIndexIntervalBytes;
    bool keepBackup = true;                     ///< keep the old file as `<name>.corrupt-<UTC time>`
    bool force = false;                         ///< proceed although `<log dir>/.lock` is held
    bool writeUnchanged = false;                ///< rewrite files whose bytes would not change
    std::function<void(RebuildStep)> afterStep; ///< test hook; may be empty
};

/// What a rebuild did to one index file.
struct RebuiltFile {
    std::filesystem::path path;
    std::int64_t entries = 0;
    bool existed = false;
    bool changed = false; ///< false: identical bytes, left alone
    std::optional<std::filesystem::path> backup;
};

struct RebuildReport {
    SegmentFiles segment;
    RebuiltFile offsetIndex;
    RebuiltFile timeIndex;
    std::int64_t logSize = 0;
    std::int64_t validBytes = 0; ///< the indexes cover the log up to here
    TailState logTail = TailState::Clean;
    std::optional<ParseProblem> logProblem;
    /// The log has a torn or corrupt tail: Kafka's recovery would truncate it.
    /// Spillway never touches the .log; the indexes cover only valid bytes.
    [[nodiscard]] bool logNeedsRecovery() const noexcept
    {
        return logTail == TailState::Torn || logTail == TailState::Corrupt;
    }
};

/// Rebuilds a segment's `.index` and `.timeindex` from its `.log` by Kafka's
/// recovery rule (RecoveryIndexBuilder). Each new file is verified against
/// the log, then written to a temp file, fsynced and renamed over the old one;
/// the old one stays as a hard link `<name>.corrupt-<yyyyMMddTHHmmssZ>` unless
/// keepBackup is off, so at every instant either the old or the new file is
/// in place. Refuses (Errc::Locked) while a broker holds `<log dir>/.lock`,
/// unless forced. Never modifies the `.log`. Blocking; any thread.
class IndexRebuilder {
public:
    static Result<RebuildReport> rebuild(const SegmentFiles &segment, const RebuildOptions &options = {});

    /// `<log dir>` of a segment: the parent of its partition directory.
    static std::filesystem::path logDirOf(const SegmentFiles &segment);
};

} // namespace spillway::core
