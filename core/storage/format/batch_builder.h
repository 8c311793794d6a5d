// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/storage/format/batch.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core {

struct RecordHeader {
    std::string key;
    std::optional<std::string> value;
};

/// A record to write. Legacy (magic 0/1) messages have no headers; magic 0
/// has no timestamps.
struct Record {
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::int64_t timestampMs = 0;
    std::vector<RecordHeader> headers;
};

/// Everything a magic-2 batch header carries that the writer chooses.
struct RecordBatchSpec {
    Offset baseOffset{0};
    LeaderEpoch leaderEpoch{-1};
    Compression compression = Compression::None;
    TimestampType timestampType = TimestampType::CreateTime;
    std::int64_t producerId = -1;
    std::int16_t producerEpoch = -1;
    std::int32_t baseSequence = -1;
    bool transactional = false;
    bool control = false;
    std::vector<Record> records;
};

/// Encodes a magic-2 record batch exactly as Kafka's MemoryRecordsBuilder
/// would: records with offset deltas 0..n-1, baseTimestamp = first record's,
/// maxTimestamp = the largest, records section compressed with the chosen
/// codec, CRC-32C over [21, end). Used by tests, the bench and the broker.
Result<std::vector<std::byte>> buildRecordBatch(const RecordBatchSpec &spec);

/// Encodes a legacy message set: uncompressed = one log entry per record at
/// offsets firstOffset, firstOffset+1, ...; compressed (gzip, snappy, lz4)
/// = one wrapper whose value holds the inner messages (absolute offsets for
/// magic 0, relative 0..n-1 for magic 1) and whose offset is the last inner
/// offset. Magic 0 lz4 uses Kafka's KAFKA-3160 frame checksum, as Kafka did.
Result<std::vector<std::byte>> buildLegacyMessageSet(std::int8_t magic, Offset firstOffset, Compression compression,
                                                     const std::vector<Record> &records);

/// Control record for a transaction marker (ON-DISK-FORMAT §3.2): key =
/// version 0 + type (0 ABORT, 1 COMMIT), value = version 0 + coordinator epoch.
Record makeEndTxnMarker(bool commit, std::int32_t coordinatorEpoch, std::int64_t timestampMs);

} // namespace spillway::core
