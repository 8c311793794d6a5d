// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Helpers of the retention shrink tests: a lab broker whose retention check
// runs every 200 ms, topics with small segments, kcat (librdkafka) producing
// and consuming, `spillway-cli ops` runs, and reading their JSON.

#include "core/admin/admin_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <csignal>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace spillway::test {

inline const std::string kShrinkCli = SPILLWAY_BINARY_DIR "/app/spillway-cli";

inline std::int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// spillway-broker with the given log dirs (created), a fast retention check
/// and no delay before `.deleted` files go. Restartable on the same port.
class RetentionBroker {
public:
    explicit RetentionBroker(std::vector<std::filesystem::path> logDirs = {}) : m_logDirs(std::move(logDirs))
    {
        if (m_logDirs.empty())
            m_logDirs = {m_dir / "data0", m_dir / "data1"};
        std::filesystem::create_directories(m_dir / "metadata");
        std::string dirs;
        for (const auto &d : m_logDirs) {
            std::filesystem::create_directories(d);
            dirs += (dirs.empty() ? "" : ",") + d.string();
        }
        std::ofstream(m_dir / "server.properties")
            << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << m_port << "\nlog.dirs=" << dirs
            << "\nnum.partitions=1\nauto.create.topics.enable=false\n"
               "log.segment.bytes=262144\nlog.index.size.max.bytes=65536\n"
               "log.retention.check.interval.ms=200\nfile.delete.delay.ms=0\n"
               "spillway.metadata.dir="
            << (m_dir / "metadata").string() << "\n";
        start();
    }
    void start()
    {
        m_process =
            std::make_unique<BackgroundProcess>(std::vector<std::string>{SPILLWAY_BINARY_DIR "/app/spillway-broker",
                                                                         (m_dir / "server.properties").string()},
                                                (m_dir / ("broker-" + std::to_string(m_starts++) + ".log")).string());
        REQUIRE(waitForPort(m_port, std::chrono::seconds(10)));
    }
    void stop()
    {
        const int status = m_process->stop(SIGTERM, std::chrono::seconds(30));
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);
    }
    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] const std::vector<std::filesystem::path> &logDirs() const { return m_logDirs; }
    [[nodiscard]] std::string logDirList() const
    {
        std::string out;
        for (const auto &d : m_logDirs)
            out += (out.empty() ? "" : ",") + d.string();
        return out;
    }
    [[nodiscard]] const TempDir &dir() const { return m_dir; }

    [[nodiscard]] std::unique_ptr<core::admin::AdminClient> admin() const
    {
        core::admin::AdminOptions options;
        options.bootstrap = bootstrap();
        auto made = core::admin::AdminClient::create(options);
        REQUIRE(made.ok());
        return std::move(made.value());
    }

    /// A topic with the given configs (segments are the broker's 256 KiB:
    /// the lab broker does not take segment.bytes per topic yet).
    void createTopic(const std::string &topic, int partitions,
                     std::vector<std::pair<std::string, std::string>> configs = {}) const
    {
        auto results = admin()->createTopics({{topic, partitions, 1, configs}});
        REQUIRE(results.ok());
        REQUIRE(results->size() == 1);
        INFO(results->front().errorMessage);
        REQUIRE(results->front().error == core::KafkaError::None);
    }

    /// `count` messages of about `size` bytes to one partition with kcat
    /// (librdkafka), in batches small enough for 256 KiB segments.
    void produce(const std::string &topic, int partition, int count, const std::string &prefix, std::size_t size = 100,
                 int batchMessages = 10000) const
    {
        const auto file = m_dir / (topic + "-" + std::to_string(partition) + "-" + prefix + ".txt");
        {
            std::ofstream out(file);
            for (int i = 0; i < count; ++i) {
                std::string line = prefix + "-" + std::to_string(i) + "-";
                line.resize(std::max(size, line.size()), 'x');
                out << line << "\n";
            }
        }
        const auto r = runProcess({"kcat", "-b", bootstrap(), "-P", "-t", topic, "-p", std::to_string(partition), "-X",
                                   "batch.size=65536", "-X", "linger.ms=5", "-X",
                                   "batch.num.messages=" + std::to_string(batchMessages), "-l", file.string()},
                                  std::chrono::seconds(60));
        INFO(r.out);
        REQUIRE(r.exitCode == 0);
    }

    /// Every message of one partition from its log start: offset -> value.
    [[nodiscard]] std::map<std::int64_t, std::string> consume(const std::string &topic, int partition) const
    {
        const auto r = runProcess({"kcat", "-b", bootstrap(), "-C", "-t", topic, "-p", std::to_string(partition), "-o",
                                   "beginning", "-e", "-q", "-f", "%o %s\\n"},
                                  std::chrono::seconds(60));
        INFO(r.out.substr(0, 2000));
        REQUIRE(r.exitCode == 0);
        std::map<std::int64_t, std::string> out;
        std::istringstream in(r.out);
        std::string line;
        while (std::getline(in, line)) {
            const auto space = line.find(' ');
            if (space == std::string::npos)
                continue;
            out[std::stoll(line.substr(0, space))] = line.substr(space + 1);
        }
        return out;
    }

    /// Earliest and latest (high watermark) offsets of a partition.
    [[nodiscard]] std::pair<std::int64_t, std::int64_t> offsets(const std::string &topic, int partition) const
    {
        using core::admin::OffsetSpec;
        auto a = admin();
        auto r = a->listOffsets({{topic, core::PartitionId(partition), OffsetSpec::earliest()},
                                 {topic, core::PartitionId(partition), OffsetSpec::latest()}});
        REQUIRE(r.ok());
        REQUIRE(r->size() == 2);
        return {(*r)[0].offset.get(), (*r)[1].offset.get()};
    }

    /// A topic config's value and whether it is a topic override.
    [[nodiscard]] std::pair<std::string, bool> config(const std::string &topic, const std::string &key) const
    {
        auto r = admin()->describeConfigs({core::admin::ConfigResource::topic(topic)});
        REQUIRE(r.ok());
        REQUIRE(r->size() == 1);
        const auto *e = r->front().entry(key);
        REQUIRE(e != nullptr);
        return {e->value.value_or(""), e->source == core::admin::ConfigSource::DynamicTopic};
    }

private:
    TempDir m_dir;
    int m_port = freePort();
    int m_starts = 0;
    std::vector<std::filesystem::path> m_logDirs;
    std::unique_ptr<BackgroundProcess> m_process;
};

/// `spillway-cli ops <args> --journal <journal>`.
inline ProcessResult opsCli(const std::string &journal, std::vector<std::string> args,
                            std::chrono::seconds timeout = std::chrono::seconds(90))
{
    std::vector<std::string> argv{kShrinkCli, "ops"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--journal");
    argv.push_back(journal);
    return runProcess(argv, timeout);
}

/// The string value of `"key":"..."` in a JSON text (first occurrence).
inline std::optional<std::string> jsonString(const std::string &json, const std::string &key)
{
    const std::string needle = "\"" + key + "\":\"";
    const auto at = json.find(needle);
    if (at == std::string::npos)
        return std::nullopt;
    const auto start = at + needle.size();
    const auto end = json.find('"', start);
    return json.substr(start, end - start);
}

/// The integer value of `"key":N` in a JSON text (first occurrence).
inline std::optional<std::int64_t> jsonInt(const std::string &json, const std::string &key)
{
    std::smatch m;
    if (std::regex_search(json, m, std::regex("\"" + key + "\":(-?[0-9]+)")))
        return std::stoll(m[1].str());
    return std::nullopt;
}

/// Per partition ("topic-p") of a shrink plan's JSON: segments that go and
/// the new log start.
struct PlannedCut {
    std::int64_t segments = 0;
    std::int64_t bytes = 0;
    std::int64_t newLogStart = 0;
    std::string logDir;
};
inline std::map<std::string, PlannedCut> plannedCuts(const std::string &json)
{
    std::map<std::string, PlannedCut> out;
    const std::regex row(
        "\\{\"partition\":\"([^\"]+)\",\"logDir\":\"([^\"]+)\",\"segments\":([0-9]+),\"bytes\":([0-9]+),"
        "\"newLogStart\":\"(-?[0-9]+)\"\\}");
    for (std::sregex_iterator it(json.begin(), json.end(), row), end; it != end; ++it) {
        PlannedCut c;
        c.logDir = (*it)[2].str();
        c.segments = std::stoll((*it)[3].str());
        c.bytes = std::stoll((*it)[4].str());
        c.newLogStart = std::stoll((*it)[5].str());
        out[(*it)[1].str()] = c;
    }
    return out;
}

/// Apparent bytes of every file in a partition dir.
inline std::int64_t dirBytes(const std::filesystem::path &dir)
{
    std::int64_t sum = 0;
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator(dir, ec))
        if (e.is_regular_file(ec))
            sum += static_cast<std::int64_t>(e.file_size(ec));
    return sum;
}

/// The largest segment file set (.log + indexes) of a partition dir, bytes.
inline std::int64_t largestSegmentBytes(const std::filesystem::path &dir)
{
    std::map<std::string, std::int64_t> bySegment;
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator(dir, ec)) {
        const auto name = e.path().filename().string();
        const auto dot = name.find('.');
        if (dot == 20)
            bySegment[name.substr(0, dot)] += static_cast<std::int64_t>(e.file_size(ec));
    }
    std::int64_t max = 0;
    for (const auto &[k, v] : bySegment)
        max = std::max(max, v);
    return max;
}

} // namespace spillway::test
