// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace spillway::broker {

/// A topic partition as the group coordinator keys offsets.
using TopicPartition = std::pair<std::string, std::int32_t>;

/// One committed offset, as Kafka's OffsetAndMetadata.
struct CommittedOffset {
    std::int64_t offset = -1;
    std::int32_t leaderEpoch = -1;
    std::optional<std::string> metadata;
    std::int64_t commitTimestampMs = -1;
    bool operator==(const CommittedOffset &) const = default;
};

/// What survives a restart about a group besides its offsets: its protocol
/// type and last generation (Kafka keeps both in __consumer_offsets, so
/// generations keep increasing across restarts).
struct StoredGroup {
    std::string protocolType;
    std::int32_t generationId = 0;
    bool operator==(const StoredGroup &) const = default;
};

/// The consumer offsets of every group of one broker, in memory and in one
/// file (`<metadata dir>/consumer-offsets`), the role __consumer_offsets plays
/// in Kafka. The file is an append-only log of CRC-checked records, one
/// write() per commit request; once it holds several times the live data it
/// is compacted into a new file through temp + fsync + rename. Appends are
/// not fsynced, as Kafka does not fsync __consumer_offsets by default: a
/// killed broker process loses nothing (the page cache keeps it), only a
/// power loss may. A torn tail (a crash mid-append) is cut off on open and
/// reported in recoveryNote(). Not thread-safe: the broker uses it from its
/// loop thread only.
class OffsetStore {
public:
    using GroupOffsets = std::map<TopicPartition, CommittedOffset>;

    OffsetStore() = default;
    OffsetStore(OffsetStore &&other) noexcept;
    OffsetStore &operator=(OffsetStore &&other) noexcept;
    OffsetStore(const OffsetStore &) = delete;
    OffsetStore &operator=(const OffsetStore &) = delete;
    ~OffsetStore();

    /// Opens (creating if missing) and loads `file`. `compactAfterBytes`: the
    /// log is rewritten when it grows past this and past 4x its live size.
    static core::Result<OffsetStore> open(const std::filesystem::path &file, std::size_t compactAfterBytes = 4u << 20);

    /// Appends and applies one commit request's offsets; all or nothing.
    core::Status commit(const std::string &group,
                        const std::vector<std::pair<TopicPartition, CommittedOffset>> &offsets);
    /// Records a group's protocol type and generation (after a rebalance).
    core::Status recordGroup(const std::string &group, const StoredGroup &info);

    /// Offsets of `group` (nullptr if it never committed).
    [[nodiscard]] const GroupOffsets *offsets(const std::string &group) const;
    [[nodiscard]] const std::map<std::string, GroupOffsets> &allOffsets() const noexcept { return m_offsets; }
    [[nodiscard]] const std::map<std::string, StoredGroup> &groups() const noexcept { return m_groups; }

    /// Rewrites the file with only the live records.
    core::Status compact();
    [[nodiscard]] std::size_t fileBytes() const noexcept { return m_fileBytes; }
    /// Empty, or what open() had to cut off ("valid up to byte N ...").
    [[nodiscard]] const std::string &recoveryNote() const noexcept { return m_recoveryNote; }

private:
    core::Status append(const std::vector<std::byte> &records);
    core::Status openForAppend();
    [[nodiscard]] std::vector<std::byte> snapshot() const;

    std::filesystem::path m_path;
    int m_fd = -1;
    std::size_t m_fileBytes = 0;
    std::size_t m_compactAfterBytes = 0;
    std::size_t m_compactThreshold = 0; ///< next size at which compaction is considered
    std::map<std::string, GroupOffsets> m_offsets;
    std::map<std::string, StoredGroup> m_groups;
    std::string m_recoveryNote;
};

} // namespace spillway::broker
