// SPDX-License-Identifier: GPL-3.0-or-later
// spillway-cli lab up / status / down for real: a broker that kcat can talk
// to, testKafka with 12 partitions, data growing under the load generator,
// and nothing left behind by lab down or by a crash that lab up cleans up.
#include "tests/lab/lab_test_support.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <unistd.h>

using namespace spillway::test;

namespace {

/// FUSE disks where they work (the lab's default), plain directories otherwise.
bool fuseOrWarn()
{
    const bool fuse = labfsUsable();
    if (!fuse)
        WARN("spillway-labfs cannot mount FUSE disks here: this test runs the lab on plain directories");
    return fuse;
}

/// The pids state.properties records (brokers, load generator, labfs daemons).
std::vector<pid_t> recordedPids(const std::filesystem::path &root)
{
    std::vector<pid_t> pids;
    std::istringstream lines(slurp((root / "state.properties").string()));
    std::string line;
    while (std::getline(lines, line)) {
        const auto eq = line.find('=');
        if (eq != std::string::npos && eq >= 4 && line.compare(eq - 4, 4, ".pid") == 0)
            pids.push_back(static_cast<pid_t>(std::stol(line.substr(eq + 1))));
    }
    return pids;
}

} // namespace

TEST_CASE("Lab up serves testKafka with 12 partitions and growing data, and lab down leaves nothing behind", "[lab]")
{
    const bool fuse = fuseOrWarn();
    TestLab lab(fuse);
    const auto up = lab.up();
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    CHECK(up.out.find("the lab is up") != std::string::npos);
    if (fuse)
        CHECK(mountsUnder(lab.root()).size() == 5); // data0..data3 in log.dirs, data4 spare

    // A real client sees the topic.
    const auto metadata = runProcess({"kcat", "-b", lab.bootstrap(), "-L", "-t", "testKafka"});
    INFO(metadata.out);
    CHECK(metadata.exitCode == 0);
    CHECK(metadata.out.find("topic \"testKafka\" with 12 partitions") != std::string::npos);

    // The load generator makes the data grow.
    const auto before = topicBytes(lab.root());
    CHECK(eventually([&] { return topicBytes(lab.root()) > before + 256 * 1024; }, std::chrono::seconds(60)));

    // status --json is JSON, and says everything runs.
    const auto status = lab.lab({"status", "--json"});
    INFO(status.out);
    CHECK(status.exitCode == 0);
    CHECK(jsonEval(lab.dir(), status.out, "d['healthy']") == "True");
    CHECK(jsonEval(lab.dir(), status.out, "d['loadgen']['state']") == "running");
    CHECK(jsonEval(lab.dir(), status.out, "len(d['brokers'][0]['disks'])") == "5");
    CHECK(jsonEval(lab.dir(), status.out,
                   "sum(len(x['broker_view']['partitions']) for x in d['brokers'][0]['disks'] if x['broker_view'])") ==
          "12");
    CHECK(jsonEval(lab.dir(), status.out, "d['brokers'][0]['disks'][4]['role']") == "spare");

    // A second up finds it up.
    const auto again = lab.up();
    INFO(again.out);
    CHECK(again.exitCode == 0);
    CHECK(again.out.find("already up") != std::string::npos);
    REQUIRE(!labProcessesUnder(lab.root()).empty());

    const auto down = lab.lab({"down"});
    INFO(down.out);
    CHECK(down.exitCode == 0);
    CHECK(labProcessesUnder(lab.root()).empty());
    CHECK(mountsUnder(lab.root()).empty());
    CHECK_FALSE(std::filesystem::exists(lab.root() / "state.properties"));
    CHECK_FALSE(runProcess({"kcat", "-b", lab.bootstrap(), "-L", "-m", "2"}).exitCode == 0);

    const auto downStatus = lab.lab({"status"});
    CHECK(downStatus.exitCode == 1);
    CHECK(downStatus.out.find("down") != std::string::npos);
}

TEST_CASE("Lab up after every lab process was killed with SIGKILL cleans up and starts again with the data", "[lab]")
{
    const bool fuse = fuseOrWarn();
    TestLab lab(fuse);
    const auto up = lab.up();
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    REQUIRE(eventually([&] { return topicBytes(lab.root()) > 128 * 1024; }, std::chrono::seconds(60)));

    // The crash: every process the lab started dies at once; labfs mounts
    // are left dangling ("Transport endpoint is not connected").
    const auto pids = recordedPids(lab.root());
    REQUIRE(pids.size() == (fuse ? 7U : 2U));
    for (const pid_t pid : pids)
        ::kill(pid, SIGKILL);
    REQUIRE(eventually([&] { return labProcessesUnder(lab.root()).empty(); }, std::chrono::seconds(20)));
    if (fuse)
        CHECK(mountsUnder(lab.root()).size() == 5);
    const auto kept = topicBytes(lab.root());

    const auto recovered = lab.up();
    INFO(recovered.out);
    REQUIRE(recovered.exitCode == 0);
    CHECK(recovered.out.find("did not stop cleanly") != std::string::npos);
    CHECK(recovered.out.find("testKafka: already exists with 12 partitions") != std::string::npos);
    CHECK(topicBytes(lab.root()) >= kept / 2); // recovery may truncate a torn tail, never the whole log
    const auto metadata = runProcess({"kcat", "-b", lab.bootstrap(), "-L", "-t", "testKafka"});
    CHECK(metadata.out.find("with 12 partitions") != std::string::npos);
    if (fuse)
        CHECK(mountsUnder(lab.root()).size() == 5);
    const auto status = lab.lab({"status"});
    INFO(status.out);
    CHECK(status.exitCode == 0);

    CHECK(lab.lab({"down"}).exitCode == 0);
    CHECK(labProcessesUnder(lab.root()).empty());
    CHECK(mountsUnder(lab.root()).empty());
}

TEST_CASE("Lab up refuses a busy port and more than one broker, saying what to do", "[lab]")
{
    TestLab lab(false);
    // Something else holds the port.
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(lab.port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    const auto busy = lab.up();
    ::close(fd);
    INFO(busy.out);
    CHECK(busy.exitCode == 2);
    CHECK(busy.out.find("port " + std::to_string(lab.port()) + " on 127.0.0.1 is in use") != std::string::npos);
    CHECK(busy.out.find("--port") != std::string::npos);
    CHECK(labProcessesUnder(lab.root()).empty());

    const auto three = lab.up({"--brokers", "3"});
    INFO(three.out);
    CHECK(three.exitCode == 2);
    CHECK(three.out.find("1 broker until the lab broker replicates") != std::string::npos);

    const auto noReset = lab.lab({"reset"});
    CHECK(noReset.exitCode == 2);
    CHECK(noReset.out.find("--yes") != std::string::npos);
}
