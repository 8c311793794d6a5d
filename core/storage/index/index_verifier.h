// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/storage/index/index_verdict.h"
#include "core/storage/index/segment_files.h"

#include <cstddef>
#include <optional>
#include <span>

namespace spillway::core {

/// The bytes of one segment's files; nullopt = the file does not exist.
struct SegmentBytes {
    Offset baseOffset{0};
    std::optional<std::span<const std::byte>> log;
    std::optional<std::span<const std::byte>> offsetIndex;
    std::optional<std::span<const std::byte>> timeIndex;
};

struct VerifyOptions {
    /// Check each batch's CRC while walking the log. A caller that has just
    /// walked the same bytes with CRCs on (the rebuilder) may skip it.
    bool verifyLogCrc = true;
};

/// Verifies a segment's `.index` and `.timeindex` against its `.log` in one
/// walk of SegmentParser (Recovery mode, CRCs checked), at least as thoroughly
/// as `kafka-dump-log --verify-index-only`:
///  - sizes are whole entries; zero tails (preallocation) are noticed, not condemned;
///  - offset entries strictly increase, positions never go back, relative
///    offsets are in range, positions lie inside the log and on batch starts;
///  - each entry gives correct lookups: the batch before its position ends
///    below its offset, the batch at its position starts at or below it, and
///    the offset exists in the segment (both Kafka conventions pass: first
///    offset of an append, <= 1.1, and last offset of a batch, >= 2.0);
///  - time entries strictly increase in timestamp, never decrease in offset,
///    and each (T, O) matches the batch holding O (its max timestamp is T) or
///    at least the running max timestamp at O; none exceeds the segment's max.
/// The log's own state (CRC failure, torn tail) is judged separately.
/// Stateless; any thread.
class IndexVerifier {
public:
    static SegmentVerdict verify(const SegmentBytes &segment, const VerifyOptions &options = {});
    /// Maps whichever of the segment's files exist and verifies them. Only
    /// I/O failures are errors; damage is in the verdict.
    static Result<SegmentVerdict> verifyFiles(const SegmentFiles &files);
};

} // namespace spillway::core
