// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/storage/format/segment_parser.h"
#include "core/storage/index/index_verdict.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace spillway::core {

/// An offset-index entry that passed the order checks, in absolute terms.
struct CheckedOffsetEntry {
    std::int64_t slot = 0; ///< index of the slot in the file
    Offset offset{0};
    FilePosition position{0};
};

/// A time-index entry that passed the order checks.
struct CheckedTimeEntry {
    std::int64_t slot = 0;
    Timestamp timestamp{0};
    Offset offset{0};
};

/// The consumer behind IndexVerifier: walks the `.log` once and checks both
/// indexes' (already order-checked, hence sorted) entries against the batches
/// as they pass, with one cursor per index. Findings go into the verdict it
/// was given. One walk per object; the caller's thread.
class IndexCheckWalk final : public BatchConsumer {
public:
    IndexCheckWalk(Offset baseOffset, std::span<const CheckedOffsetEntry> offsetEntries,
                   std::span<const CheckedTimeEntry> timeEntries, SegmentVerdict &verdict);

    bool onBatch(const BatchInfo &batch) override;
    /// Judges what the walk did not reach and fills the log summary.
    void finish(const ParseOutcome &outcome);

private:
    struct TimeMismatch {
        CheckedTimeEntry entry;
        FilePosition batchPosition{0};
        Timestamp batchMaxTimestamp{-1};
        Timestamp runningMax{-1};
    };

    void checkLogOrder(const BatchInfo &batch);
    void checkOffsetEntriesAt(const BatchInfo &batch, bool legacyWrapper);
    void checkTimeEntriesIn(const BatchInfo &batch, Offset lowest, Timestamp runningMaxBefore);
    void finishOffsetIndex(const ParseOutcome &outcome);
    void finishTimeIndex(const ParseOutcome &outcome);
    void notInsideBatch(const CheckedOffsetEntry &entry);
    IndexFinding offsetFinding(const CheckedOffsetEntry &entry, std::string reason) const;
    IndexFinding timeFinding(const CheckedTimeEntry &entry, std::string reason) const;

    Offset m_base;
    std::span<const CheckedOffsetEntry> m_offsetEntries;
    std::span<const CheckedTimeEntry> m_timeEntries;
    SegmentVerdict &m_verdict;
    std::size_t m_offsetCursor = 0;
    std::size_t m_timeCursor = 0;
    std::vector<TimeMismatch> m_timeMismatches;

    std::optional<Offset> m_prevLastOffset;
    FilePosition m_prevPosition{0};
    std::int64_t m_batchCount = 0;
    Timestamp m_runningMax{-1};
    std::optional<Offset> m_runningMaxOffset;
    std::int64_t m_lastOffsetMatches = 0;
    std::int64_t m_firstOffsetMatches = 0;
};

} // namespace spillway::core
