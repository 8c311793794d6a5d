// SPDX-License-Identifier: GPL-3.0-or-later
// The real spillway-broker with real clients: kcat (librdkafka) producing and
// consuming, kafka-python's admin, producer and consumer, restarts (clean and
// kill -9), and the files it leaves checked by `spillway-cli index verify`.
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/wait.h>

using namespace spillway;
using spillway::test::BackgroundProcess;
using spillway::test::TempDir;

namespace {

const std::string kBroker = SPILLWAY_BINARY_DIR "/app/spillway-broker";
const std::string kCli = SPILLWAY_BINARY_DIR "/app/spillway-cli";

/// A broker with two log dirs, restartable on the same port and files.
class LabBroker {
public:
    LabBroker()
    {
        std::filesystem::create_directories(m_dir / "data0");
        std::filesystem::create_directories(m_dir / "data1");
        std::ofstream(m_dir / "server.properties") << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << m_port
                                                   << "\nlog.dirs=" << (m_dir / "data0").string() << ","
                                                   << (m_dir / "data1").string()
                                                   // Larger than the biggest batch librdkafka sends (batch.size
                                                   // 1000000), or Kafka rejects it as RECORD_LIST_TOO_LARGE.
                                                   << "\nnum.partitions=4\nlog.segment.bytes=2097152\n";
        start();
    }
    void start()
    {
        m_process = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{kBroker, (m_dir / "server.properties").string()},
            (m_dir / ("broker-" + std::to_string(m_starts++) + ".log")).string());
        REQUIRE(test::waitForPort(m_port, std::chrono::seconds(10)));
    }
    int stop(int sig) { return m_process->stop(sig); }
    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] std::filesystem::path dir(const std::string &name) const { return m_dir / name; }

private:
    TempDir m_dir;
    int m_port = test::freePort();
    int m_starts = 0;
    std::unique_ptr<BackgroundProcess> m_process;
};

std::string writeMessages(const TempDir &dir, int count, const std::string &prefix)
{
    const auto path = (dir / (prefix + ".txt")).string();
    std::ofstream out(path);
    for (int i = 0; i < count; ++i)
        out << prefix << "-" << i << "\n";
    return path;
}

std::multiset<std::string> lines(const std::string &text)
{
    std::multiset<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            out.insert(line);
    return out;
}

std::multiset<std::string> consumeAll(const LabBroker &broker, const std::string &topic)
{
    const auto r = test::runProcess(
        {"kcat", "-b", broker.bootstrap(), "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%s\n"},
        std::chrono::seconds(60));
    REQUIRE(r.exitCode == 0);
    return lines(r.out);
}

} // namespace

TEST_CASE("kcat produces with idempotence and consumes every message back", "[broker][clients]")
{
    LabBroker broker;
    TempDir work;
    const auto input = writeMessages(work, 5000, "kcat");
    const auto produced = test::runProcess({"kcat", "-b", broker.bootstrap(), "-P", "-t", "orders", "-l", input, "-X",
                                            "enable.idempotence=true", "-X", "acks=all"},
                                           std::chrono::seconds(60));
    INFO(produced.out);
    REQUIRE(produced.exitCode == 0);

    const auto got = consumeAll(broker, "orders");
    CHECK(got.size() == 5000);
    CHECK(got == lines(test::slurp(input)));
    // Four partitions spread over both log dirs (equal free space: by count).
    CHECK(std::filesystem::exists(broker.dir("data0") / "orders-0"));
    CHECK(std::filesystem::exists(broker.dir("data1") / "orders-1"));
}

TEST_CASE("Data survives a clean restart and a kill -9, and the files pass index verify", "[broker][clients]")
{
    LabBroker broker;
    TempDir work;
    const auto first = writeMessages(work, 3000, "first");
    REQUIRE(test::runProcess({"kcat", "-b", broker.bootstrap(), "-P", "-t", "t", "-l", first}, std::chrono::seconds(60))
                .exitCode == 0);

    const int status = broker.stop(SIGTERM);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(std::filesystem::exists(broker.dir("data0") / ".kafka_cleanshutdown"));
    const auto clean =
        test::runProcess({kCli, "index", "verify", broker.dir("data0").string(), broker.dir("data1").string()});
    INFO(clean.out);
    CHECK(clean.exitCode == 0);

    broker.start();
    CHECK(consumeAll(broker, "t").size() == 3000);

    const auto second = writeMessages(work, 3000, "second");
    REQUIRE(
        test::runProcess({"kcat", "-b", broker.bootstrap(), "-P", "-t", "t", "-l", second}, std::chrono::seconds(60))
            .exitCode == 0);
    broker.stop(SIGKILL);
    CHECK_FALSE(std::filesystem::exists(broker.dir("data0") / ".kafka_cleanshutdown"));

    broker.start();
    auto expected = lines(test::slurp(first));
    for (const auto &l : lines(test::slurp(second)))
        expected.insert(l);
    CHECK(consumeAll(broker, "t") == expected); // every acknowledged message, no duplicates
    broker.stop(SIGTERM);
    const auto after =
        test::runProcess({kCli, "index", "verify", broker.dir("data0").string(), broker.dir("data1").string()});
    INFO(after.out);
    CHECK(after.exitCode == 0);
}

TEST_CASE("kafka-python admin, producer and consumer work against the broker", "[broker][clients]")
{
    LabBroker broker;
    const auto r = test::runProcess(
        {"/usr/bin/python3", SPILLWAY_SOURCE_DIR "/tests/broker/kafka_python_client.py", broker.bootstrap()},
        std::chrono::seconds(120));
    INFO(r.out);
    CHECK(r.exitCode == 0);
    CHECK(r.out.find("consumed 300, identical") != std::string::npos);
}
