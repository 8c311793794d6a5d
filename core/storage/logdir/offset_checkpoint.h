// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core {

/// The four per-log-dir offset checkpoint files (ON-DISK-FORMAT §9.1).
inline constexpr std::string_view kRecoveryPointCheckpointFile = "recovery-point-offset-checkpoint";
inline constexpr std::string_view kReplicationCheckpointFile = "replication-offset-checkpoint";
inline constexpr std::string_view kLogStartOffsetCheckpointFile = "log-start-offset-checkpoint";
inline constexpr std::string_view kCleanerOffsetCheckpointFile = "cleaner-offset-checkpoint";

/// One `<topic> <partition> <offset>` line.
struct OffsetCheckpointEntry {
    std::string topic;
    PartitionId partition{0};
    Offset offset{0};

    bool operator==(const OffsetCheckpointEntry &) const = default;
};

/// The content of an offset checkpoint file (recovery point, high watermark,
/// log start, cleaner offset per partition), in file order. Parsing is as
/// strict as Kafka's reader: a wrong version, a malformed line or a count
/// that does not match is an error naming the file and line. Writing
/// produces Kafka's exact bytes, atomically (`<file>.tmp`, fsync, rename).
/// A plain value type.
class OffsetCheckpoint {
public:
    static constexpr int kVersion = 0;

    OffsetCheckpoint() = default;
    explicit OffsetCheckpoint(std::vector<OffsetCheckpointEntry> entries) : m_entries(std::move(entries)) {}

    /// `fileLabel` names the file in error messages.
    static Result<OffsetCheckpoint> parse(std::string_view text, std::string_view fileLabel);
    /// A missing file is a NotFound error (Kafka treats it as empty).
    static Result<OffsetCheckpoint> read(const std::filesystem::path &file);

    [[nodiscard]] std::string serialize() const;
    [[nodiscard]] Status write(const std::filesystem::path &file) const;

    [[nodiscard]] const std::vector<OffsetCheckpointEntry> &entries() const { return m_entries; }
    [[nodiscard]] std::optional<Offset> find(std::string_view topic, PartitionId partition) const;
    /// Replaces the entry of (topic, partition) or appends one.
    void set(std::string_view topic, PartitionId partition, Offset offset);
    bool remove(std::string_view topic, PartitionId partition);

private:
    std::vector<OffsetCheckpointEntry> m_entries;
};

} // namespace spillway::core
