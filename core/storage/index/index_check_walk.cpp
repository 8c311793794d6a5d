// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/index_check_walk.h"

#include "core/storage/index/offset_index.h"
#include "core/storage/index/time_index.h"

#include <limits>
#include <string>

namespace spillway::core {
namespace {

std::string num(std::int64_t v) { return std::to_string(v); }

} // namespace

IndexCheckWalk::IndexCheckWalk(Offset baseOffset, std::span<const CheckedOffsetEntry> offsetEntries,
                               std::span<const CheckedTimeEntry> timeEntries, SegmentVerdict &verdict)
    : m_base(baseOffset)
    , m_offsetEntries(offsetEntries)
    , m_timeEntries(timeEntries)
    , m_verdict(verdict)
{}

IndexFinding IndexCheckWalk::offsetFinding(const CheckedOffsetEntry &entry, std::string reason) const
{
    return {FindingSeverity::Problem, std::move(reason), entry.slot * OffsetIndex::kEntrySize, entry.position,
            entry.offset};
}

IndexFinding IndexCheckWalk::timeFinding(const CheckedTimeEntry &entry, std::string reason) const
{
    return {FindingSeverity::Problem, std::move(reason), entry.slot * TimeIndex::kEntrySize, std::nullopt,
            entry.offset};
}

bool IndexCheckWalk::onBatch(const BatchInfo &batch)
{
    // A compressed magic 0/1 wrapper carries only its last offset; its first
    // inner offset is known to be above the previous batch's last.
    const bool legacyWrapper = batch.magic < 2 && batch.compression != Compression::None;
    const Offset lowest =
        legacyWrapper ? (m_prevLastOffset ? Offset(m_prevLastOffset->get() + 1) : m_base) : batch.baseOffset;
    checkLogOrder(batch);
    checkOffsetEntriesAt(batch, legacyWrapper);

    const Timestamp runningMaxBefore = m_runningMax;
    if (batch.maxTimestamp > m_runningMax) {
        m_runningMax = batch.maxTimestamp;
        m_runningMaxOffset = batch.lastOffset;
    }
    checkTimeEntriesIn(batch, lowest, runningMaxBefore);

    if (!m_verdict.logSummary.firstOffset)
        m_verdict.logSummary.firstOffset = lowest;
    m_prevLastOffset = batch.lastOffset;
    m_prevPosition = batch.position;
    ++m_batchCount;
    return true;
}

void IndexCheckWalk::checkLogOrder(const BatchInfo &batch)
{
    FileVerdict &log = m_verdict.log;
    if (batch.baseOffset < m_base) {
        log.add({FindingSeverity::Problem,
                 "batch offset " + num(batch.baseOffset.get()) + " is below the segment's base offset " +
                     num(m_base.get()) + " (from the file name)",
                 batch.position.get(), std::nullopt, batch.baseOffset});
    }
    if (batch.lastOffset.get() - m_base.get() > std::numeric_limits<std::int32_t>::max()) {
        log.add({FindingSeverity::Problem,
                 "offset " + num(batch.lastOffset.get()) + " does not fit the segment (base + 2^31 - 1)",
                 batch.position.get(), std::nullopt, batch.lastOffset});
    }
    if (m_prevLastOffset && batch.lastOffset <= *m_prevLastOffset) {
        log.add({FindingSeverity::Problem,
                 "offsets go backwards: this batch ends at " + num(batch.lastOffset.get()) +
                     " but the previous one ended at " + num(m_prevLastOffset->get()),
                 batch.position.get(), std::nullopt, batch.lastOffset});
    }
}

void IndexCheckWalk::notInsideBatch(const CheckedOffsetEntry &entry)
{
    m_verdict.offsetIndex.add(offsetFinding(
        entry, "position " + num(entry.position.get()) +
                   " is not the start of a batch: it falls inside the batch at log byte " + num(m_prevPosition.get()) +
                   " (last offset " + num(m_prevLastOffset ? m_prevLastOffset->get() : -1) + ")"));
}

void IndexCheckWalk::checkOffsetEntriesAt(const BatchInfo &batch, bool legacyWrapper)
{
    FileVerdict &index = m_verdict.offsetIndex;
    while (m_offsetCursor < m_offsetEntries.size() && m_offsetEntries[m_offsetCursor].position < batch.position)
        notInsideBatch(m_offsetEntries[m_offsetCursor++]);

    while (m_offsetCursor < m_offsetEntries.size() && m_offsetEntries[m_offsetCursor].position == batch.position) {
        const CheckedOffsetEntry &e = m_offsetEntries[m_offsetCursor++];
        if (m_prevLastOffset && e.offset <= *m_prevLastOffset) {
            // A lookup for an offset between e.offset and the previous batch's
            // last offset would start scanning past the batch that holds it.
            index.add(offsetFinding(e, "offset " + num(e.offset.get()) +
                                           " is wrong for this position: the batch before it already ends at offset " +
                                           num(m_prevLastOffset->get()) + ", so lookups would start too late"));
        } else if (!legacyWrapper && e.offset < batch.baseOffset) {
            index.add(offsetFinding(e, "offset " + num(e.offset.get()) + " is below the base offset " +
                                           num(batch.baseOffset.get()) + " of the batch at this position"));
        } else if (batch.baseOffset != batch.lastOffset || legacyWrapper) {
            if (e.offset == batch.lastOffset)
                ++m_lastOffsetMatches;
            else if (e.offset == batch.baseOffset || (legacyWrapper && e.offset < batch.lastOffset))
                ++m_firstOffsetMatches;
        }
    }
}

void IndexCheckWalk::checkTimeEntriesIn(const BatchInfo &batch, Offset lowest, Timestamp runningMaxBefore)
{
    while (m_timeCursor < m_timeEntries.size() && m_timeEntries[m_timeCursor].offset <= batch.lastOffset) {
        const CheckedTimeEntry &e = m_timeEntries[m_timeCursor++];
        const bool inBatch = e.offset >= lowest;
        // Kafka records (max timestamp so far, offset of the batch holding it):
        // either the batch itself has T as its max, or T is the running max.
        const bool consistent = inBatch ? (batch.maxTimestamp == e.timestamp || m_runningMax == e.timestamp)
                                        : (runningMaxBefore == e.timestamp);
        if (!consistent)
            m_timeMismatches.push_back({e, batch.position, inBatch ? batch.maxTimestamp : Timestamp(-1),
                                        inBatch ? m_runningMax : runningMaxBefore});
    }
}

void IndexCheckWalk::finish(const ParseOutcome &outcome)
{
    LogSummary &summary = m_verdict.logSummary;
    summary.tail = outcome.tail;
    summary.validBytes = outcome.validBytes;
    summary.batchCount = m_batchCount;
    summary.lastOffset = m_prevLastOffset;
    summary.maxTimestamp = m_runningMax;
    summary.maxTimestampOffset = m_runningMaxOffset;

    FileVerdict &log = m_verdict.log;
    const std::string ofSize = " of " + num(outcome.dataSize);
    switch (outcome.tail) {
    case TailState::Clean:
    case TailState::Stopped: break;
    case TailState::Torn:
        log.add({FindingSeverity::Problem,
                 "torn tail: the last batch is incomplete; valid up to byte " + num(outcome.validBytes) + ofSize +
                     " (Kafka's recovery truncates the log there; the log itself needs recovery)",
                 outcome.validBytes, std::nullopt, std::nullopt});
        break;
    case TailState::ZeroFilled:
        log.add({FindingSeverity::Notice,
                 "zero-filled tail from byte " + num(outcome.validBytes) + ofSize +
                     " (preallocated segment or unclean shutdown; Kafka's recovery truncates it)",
                 outcome.validBytes, std::nullopt, std::nullopt});
        break;
    case TailState::Corrupt: {
        IndexFinding f{FindingSeverity::Problem, "corrupt batch", outcome.validBytes, std::nullopt, std::nullopt};
        if (outcome.problem) {
            f.reason = outcome.problem->reason + "; valid up to byte " + num(outcome.validBytes) + ofSize;
            f.filePosition = outcome.problem->position.get();
            f.offset = outcome.problem->offset;
        }
        log.add(std::move(f));
        break;
    }
    }
    finishOffsetIndex(outcome);
    finishTimeIndex(outcome);

    if (m_lastOffsetMatches > 0 && m_firstOffsetMatches > 0)
        m_verdict.offsetConvention = OffsetConvention::Mixed;
    else if (m_lastOffsetMatches > 0)
        m_verdict.offsetConvention = OffsetConvention::LastOffset;
    else if (m_firstOffsetMatches > 0)
        m_verdict.offsetConvention = OffsetConvention::FirstOffset;
}

void IndexCheckWalk::finishOffsetIndex(const ParseOutcome &outcome)
{
    FileVerdict &index = m_verdict.offsetIndex;
    const bool corrupt = outcome.tail == TailState::Corrupt;
    std::int64_t unchecked = 0;
    std::optional<std::int64_t> firstUnchecked;
    for (; m_offsetCursor < m_offsetEntries.size(); ++m_offsetCursor) {
        const CheckedOffsetEntry &e = m_offsetEntries[m_offsetCursor];
        if (e.position.get() < outcome.validBytes) {
            notInsideBatch(e);
        } else if (corrupt) {
            ++unchecked;
            if (!firstUnchecked)
                firstUnchecked = e.slot * OffsetIndex::kEntrySize;
        } else {
            index.add(offsetFinding(e, "position " + num(e.position.get()) +
                                           " is past the valid end of the log (valid up to byte " +
                                           num(outcome.validBytes) + ")"));
        }
    }
    if (unchecked > 0)
        index.add({FindingSeverity::Notice,
                   num(unchecked) + " entries not checked: the log is corrupt from byte " + num(outcome.validBytes),
                   firstUnchecked, std::nullopt, std::nullopt});

    // Offsets the log does not hold: lookups for them would be served from
    // the wrong place (checked once the walk knows the last offset).
    for (const CheckedOffsetEntry &e : m_offsetEntries) {
        if (e.position.get() >= outcome.validBytes || !m_prevLastOffset || e.offset <= *m_prevLastOffset)
            continue;
        if (corrupt)
            continue; // the log's true last offset is unknown
        index.add(offsetFinding(e, "offset " + num(e.offset.get()) + " is past the last offset in the log (" +
                                       num(m_prevLastOffset->get()) + ")"));
    }
}

void IndexCheckWalk::finishTimeIndex(const ParseOutcome &outcome)
{
    FileVerdict &index = m_verdict.timeIndex;
    const bool corrupt = outcome.tail == TailState::Corrupt;
    std::int64_t unchecked = 0;
    std::optional<std::int64_t> firstUnchecked;
    for (; m_timeCursor < m_timeEntries.size(); ++m_timeCursor) {
        const CheckedTimeEntry &e = m_timeEntries[m_timeCursor];
        if (corrupt) {
            ++unchecked;
            if (!firstUnchecked)
                firstUnchecked = e.slot * TimeIndex::kEntrySize;
            continue;
        }
        index.add(timeFinding(e, "offset " + num(e.offset.get()) + " is past the last offset in the log" +
                                     (m_prevLastOffset ? " (" + num(m_prevLastOffset->get()) + ")"
                                                       : std::string(" (the log holds no batches)"))));
    }
    if (unchecked > 0)
        index.add({FindingSeverity::Notice,
                   num(unchecked) + " entries not checked: the log is corrupt from byte " + num(outcome.validBytes),
                   firstUnchecked, std::nullopt, std::nullopt});

    for (const TimeMismatch &m : m_timeMismatches) {
        IndexFinding f = timeFinding(m.entry, {});
        f.logPosition = m.batchPosition;
        const std::string t = num(m.entry.timestamp.get());
        if (!corrupt && m.entry.timestamp > m_runningMax)
            f.reason = "timestamp " + t + " is after the segment's max timestamp " + num(m_runningMax.get());
        else if (m.batchMaxTimestamp.get() < 0 && m.runningMax != m.entry.timestamp)
            f.reason = "timestamp " + t + " does not match the max timestamp up to offset " +
                       num(m.entry.offset.get()) + " (" + num(m.runningMax.get()) + ")";
        else
            f.reason = "timestamp " + t + " matches neither the batch holding offset " + num(m.entry.offset.get()) +
                       " (max timestamp " + num(m.batchMaxTimestamp.get()) +
                       ") nor the max timestamp up to that offset (" + num(m.runningMax.get()) + ")";
        index.add(std::move(f));
    }

    const bool walkedAll = outcome.tail == TailState::Clean || outcome.tail == TailState::ZeroFilled;
    if (walkedAll && m_verdict.timeIndex.present && m_runningMax.get() >= 0 && m_runningMaxOffset &&
        (m_timeEntries.empty() || m_timeEntries.back().timestamp < m_runningMax)) {
        index.add({FindingSeverity::Notice,
                   "no entry for the segment's max timestamp " + num(m_runningMax.get()) + " at offset " +
                       num(m_runningMaxOffset->get()) +
                       ": Kafka adds it when the segment is rolled or closed (normal for the active segment)",
                   std::nullopt, std::nullopt, m_runningMaxOffset});
    }
}

} // namespace spillway::core
