// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_layout.h"
#include "core/lab/processes.h"

#include <optional>
#include <vector>

namespace spillway::lab {

/// A broker the lab started.
struct BrokerRun {
    int id = 1;
    int port = 0;
    std::optional<ProcessRef> process;
};

/// A disk the lab prepared: mounted through labfs (with the daemon serving
/// it, when known) or a plain directory.
struct DiskRun {
    int broker = 1;
    int index = 0;
    bool mounted = false;            ///< a labfs mount the lab made and has not unmounted
    bool unmountedByDrill = false;   ///< `lab drill unmount-disk` detached it
    std::optional<ProcessRef> labfs; ///< the spillway-labfs daemon serving the mount
};

/// What the lab started and mounted, in `<root>/state.properties`, rewritten
/// atomically after every step so that a crash at any point leaves a record
/// of what to clean up. `lab down` removes it. A value type.
struct LabState {
    DiskMode mode = DiskMode::Labfs;
    std::vector<BrokerRun> brokers;
    std::vector<DiskRun> disks;
    std::optional<ProcessRef> loadgen;

    [[nodiscard]] BrokerRun *broker(int id);
    [[nodiscard]] DiskRun *disk(int broker, int index);
    DiskRun &ensureDisk(int broker, int index);
    BrokerRun &ensureBroker(int id);

    /// nullopt when there is no state file (the lab is down).
    static Result<std::optional<LabState>> read(const std::filesystem::path &file);
    [[nodiscard]] Status write(const std::filesystem::path &file) const;
};

} // namespace spillway::lab
