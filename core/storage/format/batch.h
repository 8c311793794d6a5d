// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace spillway::core {

/// Compression codec, attribute bits 0-2 of every magic (ON-DISK-FORMAT §3, §4).
enum class Compression : std::uint8_t { None = 0, Gzip = 1, Snappy = 2, Lz4 = 3, Zstd = 4 };
std::string_view toString(Compression c) noexcept;

enum class TimestampType : std::uint8_t { CreateTime = 0, LogAppendTime = 1 };

/// Byte sizes shared by every magic: offset (8) + size (4) is the log overhead;
/// the magic byte sits at 16 in all formats.
inline constexpr std::int64_t kLogOverhead = 12;
inline constexpr std::int64_t kMagicOffset = 16;
inline constexpr std::int64_t kRecordBatchV2HeaderSize = 61;
inline constexpr std::int32_t kMinLegacyMessageSize = 14; ///< smallest legal messageSize (v0)

/// What the parser knows about one batch (v2) or one legacy log entry
/// (magic 0/1, possibly a compressed wrapper), straight from its header.
/// `bytes` views the whole batch (from its offset field to its last byte) in
/// the caller's buffer and is only valid during the callback.
struct BatchInfo {
    FilePosition position{0};     ///< where the batch starts in the segment file
    std::int64_t sizeInBytes = 0; ///< total bytes = kLogOverhead + declared size
    std::int8_t magic = 2;
    /// v2: baseOffset. v0/v1 uncompressed: the message offset. v0/v1
    /// wrapper: equal to lastOffset (the inner first offset needs decompression).
    Offset baseOffset{0};
    /// v2: baseOffset + lastOffsetDelta. v0/v1: the entry's offset field.
    Offset lastOffset{0};
    /// v2: maxTimestamp (the append time for LogAppendTime). v1: timestamp.
    /// v0: -1 (no timestamps).
    Timestamp maxTimestamp{-1};
    Timestamp baseTimestamp{-1}; ///< v2 only, else == maxTimestamp
    LeaderEpoch leaderEpoch{-1}; ///< v2 only, else -1
    Compression compression = Compression::None;
    TimestampType timestampType = TimestampType::CreateTime;
    bool transactional = false; ///< v2 attribute bit 4
    bool control = false;       ///< v2 attribute bit 5 (transaction markers ...)
    std::int64_t producerId = -1;
    std::int16_t producerEpoch = -1;
    std::int32_t baseSequence = -1;
    /// v2: recordsCount from the header. v0/v1 uncompressed: 1. v0/v1
    /// compressed wrapper: -1 (unknown without decompressing).
    std::int32_t recordCount = 0;
    std::uint32_t storedCrc = 0; ///< CRC-32C (v2) or CRC-32 (v0/v1) as stored
    std::span<const std::byte> bytes;
};

} // namespace spillway::core
