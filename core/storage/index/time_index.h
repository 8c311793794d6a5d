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

/// One `.timeindex` slot: int64 timestamp, int32 offset relative to the
/// segment base (ON-DISK-FORMAT §6). Means: T was the largest timestamp seen
/// so far, and O is the offset recorded with it.
struct TimeIndexEntry {
    Timestamp timestamp{0};
    RelativeOffset relativeOffset{0};
    bool operator==(const TimeIndexEntry &) const = default;
};

/// A time index in memory: the segment's base offset and its real entries,
/// in file order. Reading keeps whatever the file holds; maybeAppend() only
/// adds what Kafka's TimeIndex.maybeAppend would. A value type, no thread
/// affinity.
class TimeIndex {
public:
    static constexpr std::int64_t kEntrySize = 12;

    explicit TimeIndex(Offset baseOffset) : m_baseOffset(baseOffset) {}

    /// Decodes `bytes` as a `.timeindex` file: entries up to the zero tail,
    /// unvalidated; layout() says how the bytes divided.
    static TimeIndex parse(std::span<const std::byte> bytes, Offset baseOffset);
    /// Reads a `.timeindex` file; the base offset comes from its name.
    static Result<TimeIndex> readFile(const std::filesystem::path &path);

    /// Appends (timestamp, offset) only when the timestamp is above the last
    /// entry's (an empty index behaves as if its last timestamp were -1), as
    /// Kafka does; returns whether it was appended. Errors when the offset
    /// goes backwards or does not fit a relative offset.
    Result<bool> maybeAppend(Timestamp timestamp, Offset offset);

    /// The last entry whose timestamp is <= target, or nullopt (scan the
    /// segment from its start).
    [[nodiscard]] std::optional<TimeIndexEntry> lookup(Timestamp target) const;

    [[nodiscard]] Offset absolute(RelativeOffset rel) const noexcept { return Offset(m_baseOffset.get() + rel.get()); }

    [[nodiscard]] std::vector<std::byte> serialize() const;
    [[nodiscard]] Status writeFile(const std::filesystem::path &path) const;

    [[nodiscard]] Offset baseOffset() const noexcept { return m_baseOffset; }
    [[nodiscard]] const std::vector<TimeIndexEntry> &entries() const noexcept { return m_entries; }
    [[nodiscard]] std::size_t size() const noexcept { return m_entries.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_entries.empty(); }
    [[nodiscard]] const IndexFileLayout &layout() const noexcept { return m_layout; }

private:
    Offset m_baseOffset;
    std::vector<TimeIndexEntry> m_entries;
    IndexFileLayout m_layout;
};

} // namespace spillway::core
