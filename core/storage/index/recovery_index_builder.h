// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/storage/format/segment_parser.h"
#include "core/storage/index/offset_index.h"
#include "core/storage/index/time_index.h"

#include <cstdint>
#include <optional>

namespace spillway::core {

/// `log.index.interval.bytes` / `index.interval.bytes`, Kafka's default.
inline constexpr std::int64_t kDefaultIndexIntervalBytes = 4096;

/// A BatchConsumer that builds a segment's offset and time indexes the way
/// Kafka's LogSegment.recover does (ON-DISK-FORMAT §11): per batch, when more
/// than `indexIntervalBytes` lie between the last indexed position and this
/// batch's start, index (batch last offset, batch start) and offer (max
/// timestamp so far, its offset) to the time index; finish() adds the
/// segment's final (max timestamp, offset) entry. One walk per object; the
/// caller's thread.
class RecoveryIndexBuilder final : public BatchConsumer {
public:
    RecoveryIndexBuilder(Offset baseOffset, std::int64_t indexIntervalBytes = kDefaultIndexIntervalBytes);

    bool onBatch(const BatchInfo &batch) override;
    /// Appends the final time-index entry; call once after the walk.
    void finish();

    /// Set when a batch's offsets do not fit this segment (Kafka's
    /// InvalidOffsetException); the walk stopped there.
    [[nodiscard]] const std::optional<Error> &error() const noexcept { return m_error; }
    [[nodiscard]] const OffsetIndex &offsetIndex() const noexcept { return m_offsetIndex; }
    [[nodiscard]] const TimeIndex &timeIndex() const noexcept { return m_timeIndex; }
    [[nodiscard]] Timestamp maxTimestamp() const noexcept { return m_maxTimestamp; }

private:
    bool fail(Error error);

    std::int64_t m_interval;
    OffsetIndex m_offsetIndex;
    TimeIndex m_timeIndex;
    std::int64_t m_lastIndexedPosition = 0;
    Timestamp m_maxTimestamp{-1};
    Offset m_maxTimestampOffset{0};
    std::optional<Error> m_error;
};

} // namespace spillway::core
