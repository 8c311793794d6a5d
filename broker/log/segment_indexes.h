// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/log/file_handle.h"
#include "core/common/result.h"
#include "core/storage/index/offset_index.h"
#include "core/storage/index/segment_files.h"
#include "core/storage/index/time_index.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace spillway::broker {

/// The `.index` and `.timeindex` of one segment: the entries in memory (the
/// index library's OffsetIndex/TimeIndex, which enforce Kafka's append rules)
/// and the two open files they are written to with pwrite at
/// `entries x entrySize`, which leaves the same bytes as Kafka's memory-mapped
/// indexes. Preallocation and trimming follow ON-DISK-FORMAT §11. Owned by
/// one LogSegment; the broker's loop thread.
class SegmentIndexes {
public:
    /// Opens (creating when missing) both files. With `load`, the entries
    /// already in the files are read; otherwise the files are emptied.
    static core::Result<SegmentIndexes> open(const core::SegmentFiles &files, bool load);

    core::Status appendOffset(core::Offset offset, core::FilePosition position);
    /// Kafka's TimeIndex.maybeAppend: only a timestamp above the last one.
    core::Status maybeAppendTime(core::Timestamp timestamp, core::Offset offset);

    /// Grows both files to `maxIndexBytes` rounded down to whole entries
    /// (10485760 / 10485756 bytes by default), as Kafka does for the active segment.
    core::Status preallocate(std::int64_t maxIndexBytes);
    /// Cuts both files to exactly their entries (roll, close).
    core::Status trim();
    /// Replaces every entry (recovery); the files are cut to the new entries.
    core::Status replace(const core::OffsetIndex &offsets, const core::TimeIndex &times);
    core::Status sync();

    /// Either index cannot take one more entry within `maxIndexBytes`.
    [[nodiscard]] bool isFull(std::int64_t maxIndexBytes) const noexcept;
    /// A reason to rebuild what was loaded (Kafka 1.1-style sanity checks
    /// plus position bounds), or nullopt when it looks sound.
    [[nodiscard]] std::optional<std::string> sanityProblem(std::int64_t logSize) const;

    [[nodiscard]] const core::OffsetIndex &offsets() const noexcept { return m_offsets; }
    [[nodiscard]] const core::TimeIndex &times() const noexcept { return m_times; }

private:
    SegmentIndexes(core::SegmentFiles files, core::Offset base)
        : m_files(std::move(files))
        , m_offsets(base)
        , m_times(base)
    {}
    core::Status writeAt(const FileHandle &file, const std::filesystem::path &path, const std::byte *data,
                         std::size_t size, std::int64_t position);
    core::Status truncate(const FileHandle &file, const std::filesystem::path &path, std::int64_t size);

    core::SegmentFiles m_files;
    std::unique_ptr<FileHandle> m_offsetFile;
    std::unique_ptr<FileHandle> m_timeFile;
    core::OffsetIndex m_offsets;
    core::TimeIndex m_times;
    bool m_loadedWithTrailingBytes = false;
};

} // namespace spillway::broker
