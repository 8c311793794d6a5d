// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core {

inline constexpr std::string_view kLeaderEpochCheckpointFile = "leader-epoch-checkpoint";

/// One `<leaderEpoch> <startOffset>` line: the first offset written in that epoch.
struct LeaderEpochEntry {
    LeaderEpoch epoch{0};
    Offset startOffset{0};

    bool operator==(const LeaderEpochEntry &) const = default;
};

/// A partition's leader-epoch-checkpoint (ON-DISK-FORMAT §9.2): the same
/// framing as the offset checkpoints, strict parsing with line numbers,
/// Kafka's exact bytes on writing, atomically. A plain value type.
class LeaderEpochCheckpoint {
public:
    static constexpr int kVersion = 0;

    LeaderEpochCheckpoint() = default;
    explicit LeaderEpochCheckpoint(std::vector<LeaderEpochEntry> entries) : m_entries(std::move(entries)) {}

    static Result<LeaderEpochCheckpoint> parse(std::string_view text, std::string_view fileLabel);
    static Result<LeaderEpochCheckpoint> read(const std::filesystem::path &file);

    [[nodiscard]] std::string serialize() const;
    [[nodiscard]] Status write(const std::filesystem::path &file) const;

    [[nodiscard]] const std::vector<LeaderEpochEntry> &entries() const { return m_entries; }

    /// Kafka requires epochs and start offsets to increase; a violation is
    /// described with the line it sits on (counting the two header lines).
    [[nodiscard]] Status checkMonotonic(std::string_view fileLabel) const;

private:
    std::vector<LeaderEpochEntry> m_entries;
};

} // namespace spillway::core
