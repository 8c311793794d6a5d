// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/storage/format/batch.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace spillway::core {

/// What a consumer wants done with the batch whose header it was shown.
enum class BatchAction {
    Accept, ///< verify it (CRC, structure) and hand it to onBatch()
    Skip,   ///< do not verify it, go on with the next batch
    Stop,   ///< end the walk here (not an error)
};

/// Receives batches from SegmentParser, one at a time, in file order.
/// Verify, rebuild, inspect and truncation planning are consumers.
class BatchConsumer {
public:
    virtual ~BatchConsumer() = default;
    /// Header fields are parsed and bounds-checked; CRC not yet verified.
    virtual BatchAction onBatchHeader(const BatchInfo &) { return BatchAction::Accept; }
    /// Called for accepted batches once their CRC (if enabled) verified.
    /// Return false to stop the walk.
    virtual bool onBatch(const BatchInfo &batch) = 0;
};

enum class ParseMode {
    /// Anything that is not a complete valid batch is corruption.
    Strict,
    /// After an unclean stop: a torn (incomplete) or zero-filled tail is
    /// expected and reported as "valid up to byte N", not as corruption.
    Recovery,
};

/// How the walk ended.
enum class TailState {
    Clean,      ///< the last batch ended exactly at the end of the data
    Stopped,    ///< a consumer stopped the walk
    Torn,       ///< the data ends inside a batch (incomplete last write)
    ZeroFilled, ///< from validBytes on, only zero bytes (preallocation / crash)
    Corrupt,    ///< a batch failed validation; see ParseOutcome::problem
};
std::string_view toString(TailState s) noexcept;

struct ParseOptions {
    ParseMode mode = ParseMode::Strict;
    bool verifyCrc = true;
    std::int64_t startPosition = 0; ///< must be a batch boundary
};

/// A validation failure, with where it happened.
struct ParseProblem {
    FilePosition position{0};     ///< byte position of the offending batch
    std::optional<Offset> offset; ///< its base offset, when readable
    std::string reason;           ///< e.g. "CRC-32C mismatch: stored 0x..., computed 0x..."
};

struct ParseOutcome {
    TailState tail = TailState::Clean;
    /// Bytes from 0 to the end of the last valid batch. In Recovery mode the
    /// segment is "valid up to byte validBytes".
    std::int64_t validBytes = 0;
    std::int64_t dataSize = 0;           ///< size of the data that was walked
    std::int64_t batchCount = 0;         ///< batches handed to the consumer (accepted or skipped)
    std::optional<Offset> lastOffset;    ///< last offset of the last valid batch
    std::optional<ParseProblem> problem; ///< set when tail is Corrupt (and for Torn/ZeroFilled in Strict mode)
    /// Why the walk ended where it did when it was not Clean/Stopped, in
    /// both modes (e.g. "torn batch at byte 900 (offset 12): declares 16396
    /// bytes but only 100 remain"), for "valid up to byte N" messages.
    std::string tailDetail;

    /// In Strict mode: Clean or Stopped. In Recovery mode: anything but Corrupt.
    [[nodiscard]] bool ok() const noexcept;
};

/// A streaming parser over the bytes of a segment (.log) file: walks batches
/// of every magic (0, 1, 2) back to back, checks each header's bounds,
/// verifies CRCs of accepted batches (CRC-32C for v2, CRC-32 for v0/v1), and
/// never decompresses. Stateless; any thread.
class SegmentParser {
public:
    static ParseOutcome parse(std::span<const std::byte> data, BatchConsumer &consumer,
                              const ParseOptions &options = {});
    /// Maps the file read-only and parses it. I/O errors are errors;
    /// corruption is reported in the outcome.
    static Result<ParseOutcome> parseFile(const std::filesystem::path &segment, BatchConsumer &consumer,
                                          const ParseOptions &options = {});
};

} // namespace spillway::core
