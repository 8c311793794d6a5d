// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace spillway::lab {

/// How the lab's disks are made.
enum class DiskMode {
    Labfs, ///< each disk a spillway-labfs FUSE mount with its own capacity and faults
    Plain, ///< plain directories (no FUSE here): no capacity limit, no fault drills
};
std::string_view toString(DiskMode mode) noexcept;

/// The lab's shape, chosen when it is first created and kept in
/// `<root>/lab.properties`: the disk layout and mode are fixed until
/// `lab reset`; port, capacity and the normal load rates may change at `up`.
struct LabConfig {
    int brokers = 1;
    int disks = 4;  ///< data0..data<disks-1> in log.dirs
    int spares = 1; ///< the next ones, mounted but not in log.dirs (scenario C's data4)
    std::uint64_t capacity = 256ULL << 20;
    int port = 9092; ///< broker N listens on port + N - 1, on 127.0.0.1
    DiskMode mode = DiskMode::Labfs;
    std::uint64_t produceRate = 256ULL << 10; ///< bytes/s, the "normal" rate restore returns to
    std::uint64_t consumeRate = 256ULL << 10;
    std::uint32_t messageBytes = 1024;
    /// "2.8": the brokers speak only the protocol version ranges of that
    /// Apache Kafka release (spillway.emulate.kafka.version); "": their own.
    std::string emulateKafka;

    [[nodiscard]] int totalDisks() const noexcept { return disks + spares; }
    /// log.segment.bytes for the lab's brokers: capacity/16 within [1 MiB, 1 GiB],
    /// so that a disk holds many segments and retention has something to delete.
    [[nodiscard]] std::uint64_t segmentBytes() const noexcept;

    static Result<LabConfig> read(const std::filesystem::path &file);
    [[nodiscard]] Status write(const std::filesystem::path &file) const;
};

/// Where everything of a lab lives under its root. Pure path arithmetic; a value type.
///   lab.properties, state.properties, load.properties, loadgen.status, lab.lock
///   logs/               broker-<n>.log, loadgen.log, labfs.log
///   broker-<n>/         server.properties, metadata/, data0..dataN (log dirs and mount points)
///   broker-<n>/.disks/  labfs backing dirs data0..dataN and their control sockets dataK.ctl
class LabLayout {
public:
    explicit LabLayout(std::filesystem::path root) : m_root(std::move(root)) {}

    /// $XDG_DATA_HOME/spillway/lab, else $HOME/.local/share/spillway/lab (as the console's AppPaths).
    static std::filesystem::path defaultRoot();

    [[nodiscard]] const std::filesystem::path &root() const noexcept { return m_root; }
    [[nodiscard]] std::filesystem::path configFile() const { return m_root / "lab.properties"; }
    [[nodiscard]] std::filesystem::path stateFile() const { return m_root / "state.properties"; }
    [[nodiscard]] std::filesystem::path loadControlFile() const { return m_root / "load.properties"; }
    [[nodiscard]] std::filesystem::path loadStatusFile() const { return m_root / "loadgen.status"; }
    [[nodiscard]] std::filesystem::path lockFile() const { return m_root / "lab.lock"; }
    [[nodiscard]] std::filesystem::path logsDir() const { return m_root / "logs"; }
    [[nodiscard]] std::filesystem::path loadgenLog() const { return logsDir() / "loadgen.log"; }
    [[nodiscard]] std::filesystem::path labfsLog() const { return logsDir() / "labfs.log"; }

    [[nodiscard]] std::filesystem::path brokerDir(int broker) const;
    [[nodiscard]] std::filesystem::path serverProperties(int broker) const
    {
        return brokerDir(broker) / "server.properties";
    }
    [[nodiscard]] std::filesystem::path metadataDir(int broker) const { return brokerDir(broker) / "metadata"; }
    [[nodiscard]] std::filesystem::path brokerLog(int broker) const;

    static std::string diskName(int disk) { return "data" + std::to_string(disk); }
    /// The log dir path: a labfs mount point, or a plain directory.
    [[nodiscard]] std::filesystem::path diskPath(int broker, int disk) const
    {
        return brokerDir(broker) / diskName(disk);
    }
    [[nodiscard]] std::filesystem::path backingDir(int broker, int disk) const
    {
        return brokerDir(broker) / ".disks" / diskName(disk);
    }
    [[nodiscard]] std::filesystem::path controlSocket(int broker, int disk) const
    {
        return brokerDir(broker) / ".disks" / (diskName(disk) + ".ctl");
    }

    /// "data3" -> 3; an error naming the valid range otherwise.
    static Result<int> parseDiskName(std::string_view name, int totalDisks);

private:
    std::filesystem::path m_root;
};

} // namespace spillway::lab
