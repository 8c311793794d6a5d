// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/log/file_handle.h"
#include "broker/log/log_segment.h"
#include "core/common/result.h"
#include "core/common/strong_type.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

namespace spillway::broker {

/// Decodes the header of the batch at `position` of a segment of `fileSize`
/// bytes from `bytes` (what the file holds from there, up to a v2 header):
/// nullopt when no whole header is left before the end, Corrupt when the
/// batch claims to run past the end.
core::Result<std::optional<BatchHeader>> parseBatchHeader(std::span<const std::byte> bytes, std::int64_t position,
                                                          std::int64_t fileSize, const std::filesystem::path &path);

/// Walks the batch headers of one segment file forward, reading it 16 KiB
/// at a time, so that a walk over many small batches costs a system call per
/// chunk instead of one per batch (a fetch's start and end, index lookups
/// that land before the target). The read path of the log; not thread-safe,
/// one per walk.
class BatchScanner {
public:
    BatchScanner(const FileHandle &file, std::filesystem::path path, std::int64_t fileSize)
        : m_file(file)
        , m_path(std::move(path))
        , m_size(fileSize)
    {}

    /// The header of the batch at `position`; nullopt at or after the end.
    core::Result<std::optional<BatchHeader>> at(std::int64_t position);
    /// The end of the last whole batch in [from, limit): `from` (a batch
    /// start) when even the first batch there does not end by `limit`.
    core::Result<std::int64_t> lastBoundary(std::int64_t from, std::int64_t limit);

private:
    static constexpr std::int64_t kChunk = 16384;
    const FileHandle &m_file;
    std::filesystem::path m_path; ///< for error messages
    std::int64_t m_size;
    std::vector<std::byte> m_buffer;
    std::int64_t m_bufferStart = -1; ///< file position of m_buffer[0]
};

} // namespace spillway::broker
