// SPDX-License-Identifier: GPL-3.0-or-later
// BrokerSupervisor against the real spillway-broker process: start, health,
// stop, crash, SIGKILL after a stop timeout, refusal next to a broker it did
// not start, and attaching to a broker an earlier supervisor started.
#include "core/services/broker_supervisor.h"
#include "tests/core/broker_test_support.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace spillway;
using namespace spillway::core;
using spillway::test::LabBrokerFiles;
using spillway::test::processGone;
using spillway::test::waitUntil;

namespace {

SupervisorOptions testOptions()
{
    SupervisorOptions o;
    o.startTimeout = std::chrono::seconds(60);
    o.healthInterval = std::chrono::milliseconds(300);
    o.startProbeInterval = std::chrono::milliseconds(100);
    o.probeTimeout = std::chrono::seconds(1);
    o.logPollInterval = std::chrono::milliseconds(50);
    return o;
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

bool anyLineContains(const std::vector<std::string> &lines, const std::string &part)
{
    for (const auto &l : lines)
        if (contains(l, part))
            return true;
    return false;
}

/// Records every state transition.
struct StateLog {
    std::vector<BrokerState> states;
    explicit StateLog(BrokerSupervisor &s)
    {
        QObject::connect(&s, &BrokerSupervisor::stateChanged, &s,
                         [this](BrokerState state, BrokerState) { states.push_back(state); });
    }
};

void startAndWaitRunning(BrokerSupervisor &s)
{
    const auto st = s.start();
    INFO((st.ok() ? std::string() : st.error().describe()));
    REQUIRE(st.ok());
    REQUIRE(waitUntil([&] { return s.state() != BrokerState::Starting; }));
    INFO(s.status().describe());
    REQUIRE(s.state() == BrokerState::Running);
}

void stopAndWait(BrokerSupervisor &s, std::optional<std::chrono::milliseconds> timeout = std::nullopt)
{
    REQUIRE(s.stop(timeout).ok());
    REQUIRE(waitUntil([&] { return s.state() == BrokerState::Stopped || s.state() == BrokerState::Crashed; }));
}

} // namespace

TEST_CASE("Supervisor starts a lab broker, sees it answer ApiVersions, and stops it", "[core][supervisor]")
{
    LabBrokerFiles lab;
    BrokerSupervisor s(lab.entry(), lab.stateDir(), testOptions());
    StateLog log(s);
    CHECK(s.state() == BrokerState::Stopped);

    REQUIRE(s.start().ok());
    CHECK(s.state() == BrokerState::Starting);
    REQUIRE(waitUntil([&] { return s.state() != BrokerState::Starting; }));
    REQUIRE(s.state() == BrokerState::Running);
    CHECK(s.health() == BrokerHealth::Healthy);
    CHECK(contains(s.status().healthDetail, "ApiVersions from 127.0.0.1:" + std::to_string(lab.port)));
    const pid_t pid = s.status().pid;
    REQUIRE(pid > 0);
    CHECK(::getsid(pid) == pid); // a session of its own: the console's exit does not reach it
    CHECK(PidFile::read(s.pidFile())->process.pid == pid);
    REQUIRE(waitUntil([&] { return anyLineContains(s.logTail(50), "listening on"); }));

    stopAndWait(s);
    CHECK(s.state() == BrokerState::Stopped);
    CHECK(s.status().exitCode == 0);
    CHECK(!s.status().killedAfterTimeout);
    CHECK(processGone(pid));
    CHECK(!std::filesystem::exists(s.pidFile()));
    CHECK(log.states == std::vector<BrokerState>{BrokerState::Starting, BrokerState::Running, BrokerState::Stopping,
                                                 BrokerState::Stopped});
    // The process log is a file in the state dir, with Spillway's own notes.
    const auto text = test::slurp(s.logFile().string());
    CHECK(contains(text, "--- spillway"));
    CHECK(contains(text, "SIGTERM to pid " + std::to_string(pid)));
}

TEST_CASE("A broker killed with SIGKILL is crashed, with the signal and the log tail", "[core][supervisor]")
{
    LabBrokerFiles lab;
    BrokerSupervisor s(lab.entry(), lab.stateDir(), testOptions());
    startAndWaitRunning(s);
    REQUIRE(waitUntil([&] { return anyLineContains(s.logTail(50), "listening on"); }));
    const pid_t pid = s.status().pid;
    REQUIRE(::kill(pid, SIGKILL) == 0);
    REQUIRE(waitUntil([&] { return s.state() == BrokerState::Crashed; }));
    CHECK(s.status().exitSignal == SIGKILL);
    CHECK(s.status().describe() == "crashed (signal KILL)");
    CHECK(anyLineContains(s.status().crashLog, "listening on"));
    CHECK(!std::filesystem::exists(s.pidFile()));

    // The crash survives the supervisor: a new one (the next console session) shows it.
    BrokerSupervisor next(lab.entry(), lab.stateDir(), testOptions());
    CHECK(next.state() == BrokerState::Crashed);
    CHECK(contains(next.status().describe(), "signal KILL"));
    // A crashed broker can be started again.
    startAndWaitRunning(next);
    stopAndWait(next);
}

TEST_CASE("A broker that exits at startup is crashed with its exit code and its error in the log tail",
          "[core][supervisor]")
{
    // The lab broker speaks no TLS: an SSL listener is a startup error (exit code 2).
    LabBrokerFiles lab({}, "SSL://127.0.0.1:" + std::to_string(test::freePort()));
    BrokerSupervisor s(lab.entry(), lab.stateDir(), testOptions());
    REQUIRE(s.start().ok());
    REQUIRE(waitUntil([&] { return s.state() == BrokerState::Crashed; }));
    CHECK(s.status().exitCode == 2);
    CHECK(s.status().describe() == "crashed (exit code 2)");
    CHECK(anyLineContains(s.status().crashLog, "PLAINTEXT"));
}

TEST_CASE("A start that never answers is stopped and reported as failed to start", "[core][supervisor]")
{
    LabBrokerFiles lab;
    auto options = testOptions();
    options.startTimeout = std::chrono::seconds(1);
    // A program that never opens the broker's port.
    BrokerSupervisor s(lab.entry({"/bin/sleep", "600"}), lab.stateDir(), options);
    REQUIRE(s.start().ok());
    const pid_t pid = s.status().pid;
    REQUIRE(waitUntil([&] { return s.state() == BrokerState::Crashed; }));
    CHECK(contains(s.status().detail, "failed to start: no ApiVersions answer from 127.0.0.1:"));
    CHECK(contains(s.status().detail, "stopped it (signal TERM)"));
    CHECK(processGone(pid));
}

TEST_CASE("Start is refused while another broker process holds the log dir, shown as not started by Spillway",
          "[core][supervisor]")
{
    LabBrokerFiles lab;
    BrokerSupervisor s(lab.entry(), lab.stateDir(), testOptions());
    CHECK(s.state() == BrokerState::Stopped);

    // The same broker started by hand, outside the console.
    test::BackgroundProcess outside({test::kBrokerBinary, lab.properties().string()},
                                    (lab.dir / "outside.log").string());
    REQUIRE(test::waitForPort(lab.port, std::chrono::seconds(30)));

    const auto refused = s.start();
    REQUIRE(!refused.ok());
    CHECK(refused.error().code == Errc::Locked);
    CHECK(contains(refused.error().message, "already running (not started by Spillway)"));
    CHECK(contains(refused.error().message, "process " + std::to_string(outside.pid())));
    CHECK(s.state() == BrokerState::External);
    CHECK(s.status().pid == outside.pid());
    CHECK(s.status().describe() == "running (not started by Spillway, pid " + std::to_string(outside.pid()) + ")");
    CHECK(!std::filesystem::exists(s.pidFile())); // no second instance was started
    CHECK(s.stop().error().code == Errc::Locked); // and Spillway does not signal it
    CHECK(outside.running());
    REQUIRE(waitUntil([&] { return s.health() == BrokerHealth::Healthy; }));

    // Once it stops, the supervisor sees the log dir free again.
    outside.stop(SIGTERM);
    REQUIRE(waitUntil([&] { return s.state() == BrokerState::Stopped; }));
}

TEST_CASE("A broker that ignores SIGTERM is killed with SIGKILL after the stop timeout", "[core][supervisor]")
{
    LabBrokerFiles lab;
    // Stand-in for a JVM stuck in shutdown: a script that ignores SIGTERM
    // and runs the real broker as its child (the broker itself reads SIGTERM
    // through a signalfd, which an ignored disposition does not stop).
    const auto script = lab.dir / "stuck-broker.sh";
    std::ofstream(script) << "#!/bin/sh\ntrap '' TERM\n\"$@\" &\nwait\n";
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    BrokerSupervisor s(lab.entry({script.string(), test::kBrokerBinary, lab.properties().string()}), lab.stateDir(),
                       testOptions());
    startAndWaitRunning(s);
    const pid_t pid = s.status().pid;

    stopAndWait(s, std::chrono::seconds(1));
    CHECK(s.state() == BrokerState::Stopped);
    CHECK(s.status().killedAfterTimeout);
    CHECK(s.status().exitSignal == SIGKILL);
    CHECK(contains(s.status().describe(), "killed with SIGKILL"));
    CHECK(processGone(pid));
    CHECK(contains(test::slurp(s.logFile().string()), "did not exit after SIGTERM; SIGKILL"));
    // SIGKILL went to the broker's whole process group: the script's child is gone too.
    REQUIRE(waitUntil([&] { return !logDirLockHolder(lab.dir / "data0").value().has_value(); }));
}

TEST_CASE("A new supervisor attaches to the broker an earlier one started, and stops it", "[core][supervisor]")
{
    LabBrokerFiles lab;
    pid_t pid = 0;
    {
        BrokerSupervisor first(lab.entry(), lab.stateDir(), testOptions());
        startAndWaitRunning(first);
        pid = first.status().pid;
    } // the console closes: the broker keeps running
    REQUIRE(isRunning(PidFile::read(lab.stateDir() / "broker.pid")->process));

    BrokerSupervisor second(lab.entry(), lab.stateDir(), testOptions());
    CHECK(second.state() == BrokerState::Running);
    CHECK(second.status().attached);
    CHECK(second.status().pid == pid);
    REQUIRE(waitUntil([&] { return second.health() == BrokerHealth::Healthy; }));
    CHECK(anyLineContains(second.logTail(50), "listening on")); // the tail is read back from the log file
    const auto refused = second.start();
    REQUIRE(!refused.ok()); // never a second instance
    CHECK(contains(refused.error().message, "already running"));

    stopAndWait(second);
    CHECK(second.state() == BrokerState::Stopped);
    CHECK(processGone(pid));
}

TEST_CASE("A broker that died while no Spillway process watched is shown as crashed", "[core][supervisor]")
{
    LabBrokerFiles lab;
    // A pid file naming a process that no longer exists (pid and start time).
    REQUIRE(PidFile{{4194000, 1}, false}.write(lab.stateDir() / "broker.pid").ok());
    BrokerSupervisor s(lab.entry(), lab.stateDir(), testOptions());
    CHECK(s.state() == BrokerState::Crashed);
    CHECK(contains(s.status().describe(), "exited while no Spillway process was watching"));
    CHECK(!std::filesystem::exists(lab.stateDir() / "broker.pid"));
}

TEST_CASE("A running broker whose port stops answering is running but unresponsive", "[core][supervisor]")
{
    LabBrokerFiles lab;
    BrokerSupervisor s(lab.entry(), lab.stateDir(), testOptions());
    startAndWaitRunning(s);
    const pid_t pid = s.status().pid;
    // A stopped process still has its listening socket: connections are
    // accepted by the kernel but nothing answers, as with a hung JVM.
    REQUIRE(::kill(pid, SIGSTOP) == 0);
    REQUIRE(waitUntil([&] { return s.health() == BrokerHealth::Unresponsive; }));
    CHECK(s.state() == BrokerState::Running);
    CHECK(contains(s.status().describe(), "unresponsive"));
    REQUIRE(::kill(pid, SIGCONT) == 0);
    REQUIRE(waitUntil([&] { return s.health() == BrokerHealth::Healthy; }));
    stopAndWait(s);
}

TEST_CASE("Restart stops the broker and starts a new process", "[core][supervisor]")
{
    LabBrokerFiles lab;
    BrokerSupervisor s(lab.entry(), lab.stateDir(), testOptions());
    startAndWaitRunning(s);
    const pid_t first = s.status().pid;
    StateLog log(s);
    REQUIRE(s.restart().ok());
    REQUIRE(waitUntil([&] { return s.state() == BrokerState::Running && s.status().pid != first; }));
    CHECK(processGone(first));
    CHECK(log.states == std::vector<BrokerState>{BrokerState::Stopping, BrokerState::Stopped, BrokerState::Starting,
                                                 BrokerState::Running});
    stopAndWait(s);
}

TEST_CASE("Start is refused when the listener port is taken by another program", "[core][supervisor]")
{
    LabBrokerFiles lab;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(lab.port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 1) == 0);

    BrokerSupervisor s(lab.entry(), lab.stateDir(), testOptions());
    const auto refused = s.start();
    ::close(fd);
    REQUIRE(!refused.ok());
    CHECK(contains(refused.error().message, "127.0.0.1:" + std::to_string(lab.port) + " is already in use"));
    CHECK(s.state() == BrokerState::Stopped);
    CHECK(!std::filesystem::exists(s.pidFile()));
}

TEST_CASE("A remote broker cannot be started or stopped, and the error says why", "[core][supervisor]")
{
    BrokerEntry remote;
    remote.id = "far";
    remote.kind = BrokerKind::Remote;
    remote.bootstrapServers = {{"kafka1.example.com", 9092}};
    test::TempDir state;
    BrokerSupervisor s(remote, state.path(), testOptions());
    const auto st = s.start();
    REQUIRE(!st.ok());
    CHECK(st.error().code == Errc::Unsupported);
    CHECK(contains(st.error().message, "Spillway reaches this broker only over the network"));
    CHECK(s.stop().error().code == Errc::Unsupported);
}
