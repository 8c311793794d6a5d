// SPDX-License-Identifier: GPL-3.0-or-later
// The lab broker on two lab disks (scenario B on one machine): kcat produces
// and consumes through both, then one disk fails; the broker takes that log
// dir offline and says so, while the other disk keeps serving.
#include "tests/lab/lab_disk.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

using namespace spillway::test;

namespace {

const std::string kBroker = SPILLWAY_BINARY_DIR "/app/spillway-broker";

std::string writeMessages(const TempDir &dir, const std::string &prefix, int count)
{
    const auto path = (dir / (prefix + ".txt")).string();
    std::ofstream out(path);
    for (int i = 0; i < count; ++i)
        out << prefix << "-" << i << "\n";
    return path;
}

std::vector<std::string> consume(const std::string &bootstrap, int partition)
{
    const auto r = runProcess({"kcat", "-b", bootstrap, "-C", "-t", "t", "-p", std::to_string(partition), "-o",
                               "beginning", "-e", "-q", "-f", "%s\n"},
                              std::chrono::seconds(60));
    INFO(r.out);
    REQUIRE(r.exitCode == 0);
    std::vector<std::string> out;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            out.push_back(line);
    return out;
}

ProcessResult produce(const std::string &bootstrap, int partition, const std::string &file, int timeoutMs = 10000)
{
    return runProcess({"kcat", "-b", bootstrap, "-P", "-t", "t", "-p", std::to_string(partition), "-l", file, "-X",
                       "message.timeout.ms=" + std::to_string(timeoutMs)},
                      std::chrono::seconds(60));
}

} // namespace

TEST_CASE("labfs broker takes a failed lab disk offline and keeps serving from the other", "[labfs][broker]")
{
    TempDir dir;
    // The disks outlive the broker: declared first, destroyed (unmounted) last.
    LabDisk data0(dir.path(), "data0", "64M");
    LabDisk data1(dir.path(), "data1", "64M");
    SPILLWAY_REQUIRE_LAB_DISK(data0);
    SPILLWAY_REQUIRE_LAB_DISK(data1);

    const int port = freePort();
    const std::string bootstrap = "127.0.0.1:" + std::to_string(port);
    // Kafka's placement rule, so that each disk gets one of the two partitions.
    std::ofstream(dir / "server.properties")
        << "broker.id=1\nlisteners=PLAINTEXT://" << bootstrap << "\nlog.dirs=" << data0.mountpoint().string() << ","
        << data1.mountpoint().string() << "\nnum.partitions=2\nlog.segment.bytes=1048576\n"
        << "spillway.partition.placement=partition-count\nspillway.metadata.dir=" << (dir / "meta").string() << "\n";
    std::filesystem::create_directories(dir / "meta");
    BackgroundProcess broker({kBroker, (dir / "server.properties").string()}, (dir / "broker.log").string());
    REQUIRE(waitForPort(port, std::chrono::seconds(20)));
    INFO(slurp((dir / "broker.log").string()));
    // The broker locks each log dir (fcntl on .lock) through the disk.
    CHECK(std::filesystem::exists(data0.backing() / ".lock"));
    CHECK(std::filesystem::exists(data1.backing() / ".lock"));

    REQUIRE(runProcess({"kcat", "-b", bootstrap, "-L", "-t", "t"}).exitCode == 0);
    REQUIRE(std::filesystem::exists(data0 / "t-0"));
    REQUIRE(std::filesystem::exists(data1 / "t-1"));

    const auto first0 = writeMessages(dir, "first0", 2000);
    const auto first1 = writeMessages(dir, "first1", 2000);
    REQUIRE(produce(bootstrap, 0, first0).exitCode == 0);
    REQUIRE(produce(bootstrap, 1, first1).exitCode == 0);
    CHECK(consume(bootstrap, 0).size() == 2000);
    CHECK(consume(bootstrap, 1).size() == 2000);
    CHECK(data0.used() > 2000 * 8); // the records are on the lab disks
    CHECK(data1.used() > 2000 * 8);

    // data0 dies. The next append to t-0 hits EIO and the broker takes the dir offline.
    REQUIRE(data0.ctl({"fail"}).exitCode == 0);
    const auto lost = writeMessages(dir, "lost", 10);
    (void)produce(bootstrap, 0, lost, 3000); // fails: KAFKA_STORAGE_ERROR until the message timeout
    std::string log;
    for (int i = 0; i < 500; ++i) {
        log = slurp((dir / "broker.log").string());
        if (log.find("log dir " + data0.mountpoint().string() + " is offline") != std::string::npos)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    INFO(log);
    CHECK(log.find("log dir " + data0.mountpoint().string() + " is offline") != std::string::npos);
    CHECK(log.find("Input/output error") != std::string::npos);
    CHECK(log.find("log dir " + data1.mountpoint().string() + " is offline") == std::string::npos);

    // data1 keeps serving: new messages go in and everything comes back out.
    const auto second1 = writeMessages(dir, "second1", 1000);
    REQUIRE(produce(bootstrap, 1, second1).exitCode == 0);
    const auto got = consume(bootstrap, 1);
    CHECK(got.size() == 3000);
    CHECK((!got.empty() && got.back() == "second1-999"));
    CHECK(broker.running());

    // The broker stops with one dead disk; then both disks unmount and their daemons end.
    const int status = broker.stop(SIGTERM, std::chrono::seconds(30));
    CHECK(WIFEXITED(status));
    CHECK(data0.unmount());
    CHECK(data1.unmount());
}
