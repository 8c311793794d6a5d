// SPDX-License-Identifier: GPL-3.0-or-later
// A real spillway-broker on log dirs the test chooses (e.g. a small tmpfs),
// and helpers for the monitor tests.
#pragma once

#include "core/admin/admin_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace spillway::test {

/// spillway-broker (broker.id 1) on a free port with the given log dirs
/// (created when missing); killed on destruction.
class MonitorBroker {
public:
    MonitorBroker(const std::filesystem::path &home, std::vector<std::filesystem::path> logDirs)
        : m_home(home)
        , m_logDirs(std::move(logDirs))
    {
        std::string dirs;
        for (const auto &d : m_logDirs) {
            std::filesystem::create_directories(d);
            dirs += (dirs.empty() ? "" : ",") + d.string();
        }
        std::filesystem::create_directories(home);
        std::ofstream(home / "server.properties")
            << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << m_port << "\nlog.dirs=" << dirs
            << "\nnum.partitions=1\nauto.create.topics.enable=false\ngroup.initial.rebalance.delay.ms=0\n"
               "log.segment.bytes=1048576\n";
        m_process = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{binary("spillway-broker"), (home / "server.properties").string()},
            (home / "broker.log").string());
        REQUIRE(waitForPort(m_port, std::chrono::seconds(10)));
    }
    int stop() { return m_process->stop(SIGTERM); }

    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] const std::vector<std::filesystem::path> &logDirs() const { return m_logDirs; }
    [[nodiscard]] std::filesystem::path serverProperties() const { return m_home / "server.properties"; }

    static std::string binary(const std::string &name) { return std::string(SPILLWAY_BINARY_DIR "/app/") + name; }

    /// Creates `topic` with `partitions` partitions (RF 1) through the admin client.
    void createTopic(const std::string &topic, int partitions) const
    {
        core::admin::AdminOptions o;
        o.bootstrap = bootstrap();
        auto client = core::admin::AdminClient::create(o);
        REQUIRE(client.ok());
        auto created = (*client)->createTopics({{topic, partitions, 1, {}}});
        REQUIRE(created.ok());
        REQUIRE(created->size() == 1);
        REQUIRE(created->front().error == core::KafkaError::None);
    }

    /// Produces `count` messages of about `size` bytes to one partition with kcat.
    void produce(const std::string &topic, int partition, int count, std::size_t size = 100) const
    {
        const auto file = m_home / (topic + "-" + std::to_string(partition) + ".txt");
        {
            std::ofstream out(file);
            for (int i = 0; i < count; ++i)
                out << std::string(size, static_cast<char>('a' + i % 26)) << "\n";
        }
        const auto r = runProcess(
            {"kcat", "-b", bootstrap(), "-P", "-t", topic, "-p", std::to_string(partition), "-l", file.string()},
            std::chrono::seconds(60));
        INFO(r.out);
        REQUIRE(r.exitCode == 0);
    }

    /// A kcat consumer group member that reads everything, commits and leaves.
    void consumeAsGroup(const std::string &group, const std::string &topic) const
    {
        const auto r = runProcess({"kcat", "-b", bootstrap(), "-G", group, "-o", "beginning", "-e", "-q", "-X",
                                   "auto.commit.interval.ms=100", "-f", "%s\n", topic},
                                  std::chrono::seconds(90));
        INFO(r.out);
        REQUIRE(r.exitCode == 0);
    }

private:
    std::filesystem::path m_home;
    std::vector<std::filesystem::path> m_logDirs;
    int m_port = freePort();
    std::unique_ptr<BackgroundProcess> m_process;
};

/// Evaluates a Python expression over a JSON document (as `d`) with python3.
inline std::string jsonQuery(const std::filesystem::path &scratch, const std::string &json,
                             const std::string &expression)
{
    const auto file = scratch / "doc.json";
    std::ofstream(file) << json;
    const auto r = runProcess(
        {"python3", "-c", "import json,sys\nd=json.load(open(sys.argv[1]))\nprint(" + expression + ")", file.string()});
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    return out;
}

} // namespace spillway::test
