// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_binaries.h"
#include "core/lab/lab_session.h"
#include "core/lab/load_files.h"

#include <cstdint>
#include <filesystem>
#include <optional>

namespace spillway::lab {

/// `lab up` options; unset ones come from the existing lab or the defaults
/// (scenario C's broker on its own: 1 broker, data0..data3 in log.dirs,
/// data4 spare, 256 MiB each, port 9092).
struct UpRequest {
    std::optional<int> brokers;
    std::optional<int> disks;
    std::optional<int> spares;
    std::optional<std::uint64_t> capacity;
    std::optional<int> port;
    bool noFuse = false;
    std::optional<std::uint64_t> produceRate;
    std::optional<std::uint64_t> consumeRate;
    std::optional<std::uint32_t> messageBytes;
    /// "2.8": the brokers speak that Apache Kafka release's protocol version
    /// ranges from their next start; "none": their own again.
    std::optional<std::string> emulateKafka;
};

/// `lab load` options; unset ones keep their current value.
struct LoadRequest {
    std::optional<std::uint64_t> produceRate;
    std::optional<std::uint64_t> consumeRate;
    std::optional<std::uint32_t> messageBytes;
};

enum class UpOutcome { Started, AlreadyUp };

/// The lab's life cycle: up, down, reset and the load generator's rates.
/// Each call is one command: it takes the lab's lock, does its steps,
/// reports each through `say`, and leaves state.properties describing
/// exactly what runs and what is mounted. Drills are in LabDrills; the
/// read-only view is readLabStatus().
class Lab {
public:
    /// Creates the lab if needed (configs, disks), mounts the disks, starts
    /// the broker, creates testKafka and starts the load generator. Already
    /// up: says so. After a crash: cleans up what is left (stale mounts,
    /// our leftover processes) and starts fresh, keeping the data.
    static Result<UpOutcome> up(const std::filesystem::path &root, const UpRequest &request,
                                const LabBinaries &binaries, const Reporter &say);
    /// Stops the load generator and brokers (SIGTERM, SIGKILL after a
    /// timeout), unmounts every disk, removes the state. Touches only what
    /// the state names as started by the lab, and mounts under the root.
    static Status down(const std::filesystem::path &root, const LabBinaries &binaries, const Reporter &say,
                       std::chrono::seconds brokerGrace = std::chrono::seconds(30));
    /// down, then deletes the root; refuses without `confirmed`.
    static Status reset(const std::filesystem::path &root, bool confirmed, const LabBinaries &binaries,
                        const Reporter &say);
    /// Changes the running load generator's rates (it re-reads them within a second).
    static Result<LoadRates> setLoad(const std::filesystem::path &root, const LoadRequest &request,
                                     const LabBinaries &binaries, const Reporter &say);

    /// Stops everything the state names and unmounts everything under the
    /// root; the state file stays (with nothing running) for the caller.
    static Status stopEverything(LabSession &session, std::chrono::seconds brokerGrace);
};

} // namespace spillway::lab
