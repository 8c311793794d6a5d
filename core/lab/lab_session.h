// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_binaries.h"
#include "core/lab/lab_layout.h"
#include "core/lab/lab_state.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace spillway::lab {

/// Receives one line per thing a lab command did ("mounted data0 ...").
using Reporter = std::function<void(const std::string &)>;

/// The lab's topic and consumer group (scenario C).
inline constexpr const char *kLabTopic = "testKafka";
inline constexpr int kLabPartitions = 12;
inline constexpr const char *kLabGroup = "spillway-lab-consumer";

/// One lab command's hold on a lab root: the lock `<root>/lab.lock` (so two
/// commands never interleave), the lab's shape and its recorded state, and
/// the steps every command is built from: start/stop a broker or the load
/// generator, mount/unmount a disk. Each step records what it did in
/// state.properties before it returns. Single-threaded; one per command.
class LabSession {
public:
    /// Takes the lock (waiting for another lab command to finish) and reads
    /// the lab. `create`: make the root if it does not exist.
    static Result<std::unique_ptr<LabSession>> open(const std::filesystem::path &root, LabBinaries binaries,
                                                    Reporter reporter, bool create);
    ~LabSession();
    LabSession(const LabSession &) = delete;
    LabSession &operator=(const LabSession &) = delete;

    [[nodiscard]] const LabLayout &layout() const noexcept { return m_layout; }
    [[nodiscard]] const LabBinaries &binaries() const noexcept { return m_binaries; }
    /// nullopt when no lab was ever created under this root.
    [[nodiscard]] const std::optional<LabConfig> &config() const noexcept { return m_config; }
    [[nodiscard]] Status setConfig(const LabConfig &config);
    /// nullopt when the lab is down (no state file).
    [[nodiscard]] std::optional<LabState> &state() noexcept { return m_state; }
    LabState &ensureState(DiskMode mode);
    [[nodiscard]] Status saveState();
    [[nodiscard]] Status removeState();
    void say(const std::string &line) const;

    [[nodiscard]] int portOf(int broker) const { return m_config->port + broker - 1; }
    [[nodiscard]] bool brokerRunning(int broker);
    [[nodiscard]] bool loadgenRunning();

    /// Starts a broker and waits until it accepts connections.
    [[nodiscard]] Status startBroker(int broker);
    /// SIGTERM (a clean shutdown), SIGKILL after `grace`.
    [[nodiscard]] Status stopBroker(int broker, std::chrono::milliseconds grace);
    /// Stops and starts a broker; the broker's log lines of the new start
    /// (from its log file) go to `startupLog` when given.
    [[nodiscard]] Status restartBroker(int broker, std::string *startupLog = nullptr);

    /// Mounts one disk through spillway-labfs (Labfs mode only).
    [[nodiscard]] Status mountDisk(int broker, int disk);
    /// Unmounts one disk and waits for its labfs daemon to exit. `lazyOnly`:
    /// detach at once even while busy (the unmount-disk drill).
    [[nodiscard]] Status unmountDisk(int broker, int disk, bool lazyOnly);

    /// Creates testKafka (12 partitions) through spillway-loadgen --create-topic.
    [[nodiscard]] Status createTopic();
    [[nodiscard]] Status startLoadgen();
    [[nodiscard]] Status stopLoadgen();

    /// Whether `spillway-labfs probe` says FUSE mounts work; the reason when not.
    [[nodiscard]] Result<bool> probeFuse(std::string &reason);

private:
    LabSession(LabLayout layout, LabBinaries binaries, Reporter reporter);
    [[nodiscard]] Status moveStrayFilesAside(int broker, int disk);
    [[nodiscard]] std::string logSince(const std::filesystem::path &file, std::uintmax_t offset) const;

    LabLayout m_layout;
    LabBinaries m_binaries;
    Reporter m_reporter;
    std::optional<LabConfig> m_config;
    std::optional<LabState> m_state;
    int m_lockFd = -1;
};

/// Size of a file, 0 when it does not exist (to read a log from a point on).
std::uintmax_t fileSizeOrZero(const std::filesystem::path &file);
/// The last `lines` lines of `text`, each indented for a message.
std::string lastLines(const std::string &text, std::size_t lines);

} // namespace spillway::lab
