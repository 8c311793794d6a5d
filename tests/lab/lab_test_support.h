// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace spillway::test {

inline const std::string kCli = SPILLWAY_BINARY_DIR "/app/spillway-cli";

/// Whether spillway-labfs can mount FUSE disks here (`spillway-labfs probe`).
bool labfsUsable();

/// A lab in a temp root on a free port, driven through the real
/// spillway-cli. `lab down` always runs on destruction, so that no process
/// and no mount outlives the test even when a check fails.
class TestLab {
public:
    explicit TestLab(bool fuse);
    ~TestLab();
    TestLab(const TestLab &) = delete;
    TestLab &operator=(const TestLab &) = delete;

    /// `spillway-cli lab <args...> --root <root>`.
    ProcessResult lab(std::vector<std::string> args, std::chrono::seconds timeout = std::chrono::seconds(180));
    /// `lab up` with small disks and a brisk load, plus `extra`.
    ProcessResult up(std::vector<std::string> extra = {});

    [[nodiscard]] const std::filesystem::path &root() const { return m_root; }
    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] std::filesystem::path disk(const std::string &name) const { return m_root / "broker-1" / name; }
    [[nodiscard]] std::string brokerLog() const;
    [[nodiscard]] const TempDir &dir() const { return m_dir; }

private:
    TempDir m_dir;
    std::filesystem::path m_root;
    int m_port;
    bool m_fuse;
};

/// Lab processes (spillway-broker, -loadgen, -labfs; zombies excluded)
/// whose command line names something under `root`: "pid argv0".
std::vector<std::string> labProcessesUnder(const std::filesystem::path &root);
/// Mount points at or below `root` in /proc/self/mountinfo.
std::vector<std::string> mountsUnder(const std::filesystem::path &root);
/// Polls `condition` every 100 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()> &condition, std::chrono::seconds timeout);
/// Evaluates a Python expression over the JSON document `json` (as `d`) with
/// python3's own parser; "PARSE ERROR ..." when it is not JSON.
std::string jsonEval(const TempDir &scratch, const std::string &json, const std::string &expression);
/// Bytes of testKafka's segment files on all of a lab broker's disks.
std::uintmax_t topicBytes(const std::filesystem::path &root);
/// The testKafka partitions (numbers) whose directories are on `disk`.
std::vector<int> partitionsOn(const std::filesystem::path &disk);

} // namespace spillway::test
