// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>

namespace spillway::lab {

/// The programs the lab runs: spillway-broker, spillway-labfs and
/// spillway-loadgen, found next to the running executable (/proc/self/exe),
/// or in $SPILLWAY_BIN_DIR when set. A value type.
struct LabBinaries {
    std::filesystem::path broker;
    std::filesystem::path labfs;
    std::filesystem::path loadgen;

    static LabBinaries locate();
    static LabBinaries inDirectory(const std::filesystem::path &dir);
};

} // namespace spillway::lab
