// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/broker_probe.h"
#include "core/lab/lab_binaries.h"
#include "core/lab/lab_layout.h"
#include "core/lab/load_files.h"
#include "core/lab/processes.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core {
class JsonWriter;
}

namespace spillway::lab {

/// One disk of a lab broker, seen from every side: the mount table, labfs,
/// the filesystem, and the broker (DescribeLogDirs).
struct DiskStatus {
    std::string name;           ///< data0
    std::filesystem::path path; ///< the log dir path / mount point
    std::string role;           ///< "log.dirs" or "spare" (from the broker's server.properties)
    bool mounted = false;       ///< a mount exists at path (labfs mode)
    std::string mode;           ///< labfs: healthy|failed|readonly|slow; "unmounted", "unreachable", or "plain"
    std::int64_t slowMs = 0;
    std::int64_t capacity = -1; ///< bytes; plain mode: the shared filesystem's
    std::int64_t used = -1;
    std::optional<BrokerLogDir> broker; ///< when the broker answered and lists this dir
    std::int64_t fillerBytes = 0;       ///< spillway-filler-*.bin written by fill-disk
};

struct BrokerStatus {
    int id = 1;
    std::string state; ///< running, starting, exited (recorded but gone), stopped
    std::optional<ProcessRef> process;
    int port = 0;
    std::filesystem::path config;
    std::filesystem::path log;
    std::string probeError; ///< why DescribeLogDirs failed, when it did
    std::vector<DiskStatus> disks;
};

struct LoadgenStatus {
    std::string state; ///< running, exited, stopped
    std::optional<ProcessRef> process;
    std::optional<LoadRates> rates;
    std::optional<LoadStatus> counters;
    std::filesystem::path log;
};

/// Everything `lab status` shows. A value type, built without the lab lock
/// (it only reads).
struct LabStatus {
    std::filesystem::path root;
    bool exists = false;  ///< a lab was created here
    bool up = false;      ///< state.properties exists (lab up ran, lab down did not)
    bool healthy = false; ///< up, and every recorded process runs and every disk is mounted
    std::optional<LabConfig> config;
    std::vector<BrokerStatus> brokers;
    LoadgenStatus loadgen;
    std::vector<std::pair<std::string, std::string>> unavailableDrills; ///< name, why
};

Result<LabStatus> readLabStatus(const std::filesystem::path &root);
void writeJson(core::JsonWriter &json, const LabStatus &status);

} // namespace spillway::lab
