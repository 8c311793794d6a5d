// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/recovery_index_builder.h"

#include <string>

namespace spillway::core {

RecoveryIndexBuilder::RecoveryIndexBuilder(Offset baseOffset, std::int64_t indexIntervalBytes)
    : m_interval(indexIntervalBytes)
    , m_offsetIndex(baseOffset)
    , m_timeIndex(baseOffset)
    , m_maxTimestampOffset(baseOffset)
{}

bool RecoveryIndexBuilder::fail(Error error)
{
    error.message = "batch at log byte " + error.message;
    m_error = std::move(error);
    return false;
}

bool RecoveryIndexBuilder::onBatch(const BatchInfo &batch)
{
    // Kafka checks that the batch's last offset fits before indexing it.
    auto rel = m_offsetIndex.toRelative(batch.lastOffset);
    if (!rel)
        return fail(makeError(Errc::Corrupt, std::to_string(batch.position.get()) + ": " + rel.error().message,
                              "the segment needs splitting or recovery by Kafka"));

    if (batch.maxTimestamp > m_maxTimestamp) {
        m_maxTimestamp = batch.maxTimestamp;
        m_maxTimestampOffset = batch.lastOffset;
    }
    if (batch.position.get() - m_lastIndexedPosition > m_interval) {
        if (auto s = m_offsetIndex.append(batch.lastOffset, batch.position); !s)
            return fail(makeError(Errc::Corrupt, std::to_string(batch.position.get()) + ": " + s.error().message,
                                  "offsets in the log are not increasing; the log itself needs recovery"));
        if (auto t = m_timeIndex.maybeAppend(m_maxTimestamp, m_maxTimestampOffset); !t)
            return fail(makeError(Errc::Corrupt, std::to_string(batch.position.get()) + ": " + t.error().message));
        m_lastIndexedPosition = batch.position.get();
    }
    return true;
}

void RecoveryIndexBuilder::finish()
{
    if (m_error)
        return;
    // Offsets only grow here, so this cannot fail; a failure would already
    // have stopped the walk.
    auto appended = m_timeIndex.maybeAppend(m_maxTimestamp, m_maxTimestampOffset);
    if (!appended)
        m_error = appended.error();
}

} // namespace spillway::core
