// SPDX-License-Identifier: GPL-3.0-or-later
// A real spillway-broker process with several log dirs for the admin client
// and `spillway-cli cluster` tests, plus kcat helpers to produce and consume.
#pragma once

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <csignal>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace spillway::test {

/// spillway-broker on a free port with log dirs data0..data<n-1>,
/// restartable on the same port and files.
class AdminLabBroker {
public:
    explicit AdminLabBroker(int logDirs = 3)
    {
        std::string dirs;
        for (int i = 0; i < logDirs; ++i) {
            const auto d = m_dir / ("data" + std::to_string(i));
            std::filesystem::create_directories(d);
            dirs += (i == 0 ? "" : ",") + d.string();
            m_logDirs.push_back(d);
        }
        std::ofstream(m_dir / "server.properties")
            << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << m_port << "\nlog.dirs=" << dirs
            << "\nnum.partitions=1\nauto.create.topics.enable=false\ngroup.initial.rebalance.delay.ms=0\n"
               // Larger than librdkafka's biggest batch.
               "log.segment.bytes=2097152\n";
        start();
    }
    void start()
    {
        m_process = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{binary("spillway-broker"), (m_dir / "server.properties").string()},
            (m_dir / ("broker-" + std::to_string(m_starts++) + ".log")).string());
        REQUIRE(waitForPort(m_port, std::chrono::seconds(10)));
    }
    int stop() { return m_process->stop(SIGTERM); }

    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] const std::vector<std::filesystem::path> &logDirs() const { return m_logDirs; }
    [[nodiscard]] const TempDir &dir() const { return m_dir; }

    static std::string binary(const std::string &name) { return std::string(SPILLWAY_BINARY_DIR "/app/") + name; }

    /// Produces `count` messages "<prefix>-<i>" to one partition with kcat.
    void produce(const std::string &topic, int partition, int count, const std::string &prefix = "m") const
    {
        const auto file = m_dir / (topic + "-" + std::to_string(partition) + "-" + prefix + ".txt");
        {
            std::ofstream out(file);
            for (int i = 0; i < count; ++i)
                out << prefix << "-" << i << "\n";
        }
        const auto r = runProcess(
            {"kcat", "-b", bootstrap(), "-P", "-t", topic, "-p", std::to_string(partition), "-l", file.string()},
            std::chrono::seconds(60));
        INFO(r.out);
        REQUIRE(r.exitCode == 0);
    }

    /// A kcat consumer group member that reads everything there is, commits
    /// and leaves. Returns the number of messages read.
    [[nodiscard]] std::size_t consumeAsGroup(const std::string &group, const std::string &topic) const
    {
        const auto r = runProcess({"kcat", "-b", bootstrap(), "-G", group, "-o", "beginning", "-e", "-q", "-X",
                                   "auto.commit.interval.ms=100", "-f", "%s\n", topic},
                                  std::chrono::seconds(90));
        INFO(r.out);
        REQUIRE(r.exitCode == 0);
        std::size_t lines = 0;
        for (char c : r.out)
            lines += c == '\n' ? 1 : 0;
        return lines;
    }

private:
    TempDir m_dir;
    int m_port = freePort();
    int m_starts = 0;
    std::vector<std::filesystem::path> m_logDirs;
    std::unique_ptr<BackgroundProcess> m_process;
};

} // namespace spillway::test
