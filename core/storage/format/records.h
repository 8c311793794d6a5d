// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/storage/format/batch.h"
#include "core/storage/format/compression.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace spillway::core {

/// One record header; views into the batch (or its decompressed copy).
struct RecordHeaderView {
    std::span<const std::byte> key;
    std::optional<std::span<const std::byte>> value; ///< nullopt = null value
};

/// One record as a consumer sees it, whatever the magic and codec. All
/// spans are only valid during the callback.
struct RecordView {
    Offset offset{0};                                ///< absolute offset
    Timestamp timestamp{-1};                         ///< effective timestamp (LogAppendTime applied); -1 for magic 0
    std::optional<std::span<const std::byte>> key;   ///< nullopt = null key
    std::optional<std::span<const std::byte>> value; ///< nullopt = null value (tombstone)
    std::span<const RecordHeaderView> headers;       ///< always empty for magic 0/1
};

struct RecordDecodeOptions {
    /// Cap on the decompressed size of one batch (decompression bombs).
    std::size_t maxDecompressedBytes = kDefaultMaxDecompressedBytes;
};

/// Return false to stop the iteration early (not an error).
using RecordCallback = std::function<bool(const RecordView &)>;

/// Decodes the records of one batch as the parser handed it over: v2
/// records (decompressing the records section if needed, checking that each
/// record's length is consumed exactly and that the count matches the
/// header), a legacy uncompressed message (one record) or a legacy
/// compressed wrapper (inner messages, CRC-checked, offsets made absolute
/// per ON-DISK-FORMAT §4). Errors are Errc::Corrupt / Errc::Unsupported
/// naming the batch position and offset. Stateless; any thread.
Status forEachRecord(const BatchInfo &batch, const RecordCallback &callback, const RecordDecodeOptions &options = {});

/// Counts records by decoding them (so it also validates them). For v2 the
/// header's BatchInfo::recordCount is the cheap, undecoded answer.
Result<std::int64_t> countRecords(const BatchInfo &batch, const RecordDecodeOptions &options = {});

} // namespace spillway::core
