// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/storage/index/index_layout.h"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

namespace spillway::core {

/// One `.index` slot: int32 offset relative to the segment base, int32 byte
/// position of a batch start in the `.log` (ON-DISK-FORMAT §5).
struct OffsetIndexEntry {
    RelativeOffset relativeOffset{0};
    FilePosition position{0};
    bool operator==(const OffsetIndexEntry &) const = default;
};

/// An offset index in memory: the segment's base offset and its real
/// entries, in file order. Reading keeps whatever the file holds (verification
/// judges it); append() only accepts what Kafka itself would write. A value
/// type, no thread affinity.
class OffsetIndex {
public:
    static constexpr std::int64_t kEntrySize = 8;

    explicit OffsetIndex(Offset baseOffset) : m_baseOffset(baseOffset) {}

    /// Decodes `bytes` as a `.index` file: entries up to the zero tail, in
    /// file order, unvalidated; layout() says how the bytes divided.
    static OffsetIndex parse(std::span<const std::byte> bytes, Offset baseOffset);
    /// Reads a `.index` file; the base offset comes from its 20-digit name.
    static Result<OffsetIndex> readFile(const std::filesystem::path &path);

    /// Adds an entry the way Kafka's OffsetIndex.append does: the offset must
    /// be above the last entry's and fit a relative offset, the position must
    /// not go backwards.
    Status append(Offset offset, FilePosition position);

    /// The entry to start a scan for `target` from: the last entry whose offset
    /// is <= target, or nullopt when the scan starts at position 0.
    [[nodiscard]] std::optional<OffsetIndexEntry> lookup(Offset target) const;

    [[nodiscard]] Offset absolute(RelativeOffset rel) const noexcept { return Offset(m_baseOffset.get() + rel.get()); }
    /// Relative form of `offset`, or an error when it lies outside
    /// [base, base + 2^31 - 1] and so cannot be stored.
    [[nodiscard]] Result<RelativeOffset> toRelative(Offset offset) const;

    /// The exact bytes of a trimmed file (as after a clean shutdown).
    [[nodiscard]] std::vector<std::byte> serialize() const;
    /// Replaces `path` atomically (temp file, fsync, rename, dir fsync).
    [[nodiscard]] Status writeFile(const std::filesystem::path &path) const;

    [[nodiscard]] Offset baseOffset() const noexcept { return m_baseOffset; }
    [[nodiscard]] const std::vector<OffsetIndexEntry> &entries() const noexcept { return m_entries; }
    [[nodiscard]] std::size_t size() const noexcept { return m_entries.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_entries.empty(); }
    /// How the parsed bytes divided into entries (all zero for a built index).
    [[nodiscard]] const IndexFileLayout &layout() const noexcept { return m_layout; }

private:
    Offset m_baseOffset;
    std::vector<OffsetIndexEntry> m_entries;
    IndexFileLayout m_layout;
};

} // namespace spillway::core
