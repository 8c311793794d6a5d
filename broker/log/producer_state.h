// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"
#include "core/storage/format/batch.h"

#include <cstdint>
#include <deque>
#include <map>

namespace spillway::broker {

/// Idempotent-producer bookkeeping for one (producer id, partition): the
/// epoch and the last batches appended, so that a retried batch is answered
/// with its original offset and a gap is OUT_OF_ORDER_SEQUENCE_NUMBER. Owned
/// by the PartitionLog (rebuilt when it is loaded, kept in `.snapshot` files);
/// the Produce handler checks against it.
struct ProducerPartitionState {
    struct Batch {
        std::int32_t firstSeq = 0;
        std::int32_t lastSeq = 0;
        core::Offset baseOffset{0};
        std::int32_t offsetDelta = 0; ///< last offset - base offset
    };
    static constexpr std::size_t kMaxBatches = 5; ///< as Kafka's ProducerStateEntry
    std::int16_t epoch = -1;
    std::deque<Batch> recent; ///< the last kMaxBatches, oldest first

    /// A batch of this producer was appended (a newer epoch starts afresh).
    void record(std::int16_t batchEpoch, const Batch &batch)
    {
        if (batchEpoch != epoch) {
            epoch = batchEpoch;
            recent.clear();
        }
        recent.push_back(batch);
        while (recent.size() > kMaxBatches)
            recent.pop_front();
    }
    /// The state of a batch header (v2, producer id >= 0, not a control batch).
    void record(const core::BatchInfo &b)
    {
        const auto delta = static_cast<std::int32_t>(b.lastOffset.get() - b.baseOffset.get());
        // Sequences wrap at INT32_MAX (DefaultRecordBatch.incrementSequence).
        const auto last = static_cast<std::int32_t>((static_cast<std::int64_t>(b.baseSequence) + delta) % 2147483648LL);
        record(b.producerEpoch, Batch{b.baseSequence, last, b.baseOffset, delta});
    }
};

/// By producer id.
using ProducerStateMap = std::map<std::int64_t, ProducerPartitionState>;

} // namespace spillway::broker
