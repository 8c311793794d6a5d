// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_binaries.h"
#include "core/lab/lab_session.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spillway::lab {

/// One drill: its name, what it does, and why it needs labfs disks (empty
/// when it works on plain directories too).
struct DrillInfo {
    std::string_view name;
    std::string_view summary;
    std::string_view needsLabfsBecause;
};
/// Every drill, in the order `lab drill --help` lists them.
std::span<const DrillInfo> drillCatalog();
/// The drills a lab with `mode` disks cannot run, with the reason.
std::vector<std::pair<std::string, std::string>> unavailableDrills(DiskMode mode);

/// `lab drill <name> ...` arguments; each drill reads the ones it needs.
struct DrillRequest {
    std::string name;
    int broker = 1;
    std::optional<std::string> disk;         ///< "data2"
    std::optional<int> slowMs;               ///< slow-disk --ms
    std::optional<std::uint64_t> leaveBytes; ///< fill-disk --leave
    std::optional<int> percent;              ///< fill-disk --percent
    bool remove = false;                     ///< fill-disk --remove
    std::string topic = kLabTopic;           ///< corrupt-index --topic
    std::optional<int> partition;            ///< corrupt-index --partition
    std::optional<std::uint64_t> rate;       ///< slow-consumer --rate (bytes/s)
};

/// What a drill did, as named facts for --json ("file", "bytes", ...); the
/// human account goes through the Reporter as it happens.
struct DrillResult {
    std::vector<std::pair<std::string, std::string>> facts;
};

/// The drills of SCENARIOS.md, done for real on the running lab: labfs
/// faults, filler files, lazy unmounts, garbage in an index, a slowed
/// consumer, and `restore` to undo them all. Each takes the lab's lock.
class LabDrills {
public:
    static Result<DrillResult> run(const std::filesystem::path &root, const DrillRequest &request,
                                   const LabBinaries &binaries, const Reporter &say);
};

} // namespace spillway::lab
