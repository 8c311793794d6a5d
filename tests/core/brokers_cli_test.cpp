// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli brokers` as a script uses it: --json output, exit codes, a
// registry in a temp data dir, and a broker that outlives the CLI process
// that started it.
#include "core/services/broker_process.h"
#include "tests/core/broker_test_support.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <fstream>

using namespace spillway;
using namespace Qt::Literals::StringLiterals;
using spillway::test::LabBrokerFiles;

namespace {

struct Cli {
    const LabBrokerFiles &lab;
    test::TempDir scratch;

    /// Runs `spillway-cli brokers <args> --data-dir <temp>`; returns the exit code and parsed stdout.
    std::pair<int, QJsonObject> run(std::vector<std::string> args)
    {
        args.insert(args.begin(), {test::kCliBinary, "brokers", "--data-dir", lab.dataDir().string()});
        const auto r = test::runProcessSplit(args, scratch.path().string());
        INFO(r.out << r.err);
        const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(r.out));
        return {r.exitCode, doc.object()};
    }
    test::SplitProcessResult raw(std::vector<std::string> args)
    {
        args.insert(args.begin(), {test::kCliBinary, "brokers", "--data-dir", lab.dataDir().string()});
        return test::runProcessSplit(args, scratch.path().string());
    }
};

std::string str(const QJsonValue &v) { return v.toString().toStdString(); }

} // namespace

TEST_CASE("spillway-cli brokers adds, starts, reports and stops a lab broker with --json", "[core][cli]")
{
    LabBrokerFiles lab;
    Cli cli{lab, {}};

    auto [addCode, added] =
        cli.run({"add", "--name", "lab", "--kind", "lab", "--config", lab.properties().string(), "--json"});
    REQUIRE(addCode == 0);
    CHECK(str(added["id"_L1]) == "lab");
    CHECK(str(added["kind"_L1]) == "lab");
    CHECK(str(added["startCommand"_L1].toArray().at(0)) == test::kBrokerBinary);
    CHECK(added["facts"_L1].toObject()["brokerId"_L1].toInt() == 3);

    auto [startCode, started] = cli.run({"start", "lab", "--json"});
    REQUIRE(startCode == 0);
    CHECK(str(started["state"_L1]) == "running");
    CHECK(str(started["health"_L1]) == "healthy");
    const auto pid = static_cast<pid_t>(started["pid"_L1].toInteger());
    REQUIRE(pid > 0);
    // The CLI has exited; the broker it started has not.
    CHECK(core::identityOf(pid).has_value());

    auto [statusCode, status] = cli.run({"status", "lab", "--json"});
    CHECK(statusCode == 0);
    CHECK(str(status["state"_L1]) == "running");
    CHECK(status["attached"_L1].toBool());
    CHECK(status["pid"_L1].toInteger() == pid);
    CHECK(str(status["health"_L1]) == "healthy");

    auto [logCode, log] = cli.run({"log", "lab", "--lines", "20", "--json"});
    CHECK(logCode == 0);
    bool listening = false;
    for (const auto &line : log["lines"_L1].toArray())
        listening |= line.toString().contains(QStringLiteral("listening on"));
    CHECK(listening);

    // A second start is a no-op, never a second broker.
    auto [againCode, again] = cli.run({"start", "lab", "--json"});
    CHECK(againCode == 0);
    CHECK(again["pid"_L1].toInteger() == pid);

    auto [listCode, list] = cli.run({"list", "--json"});
    CHECK(listCode == 0);
    REQUIRE(list["brokers"_L1].toArray().size() == 1);
    CHECK(str(list["brokers"_L1].toArray().at(0).toObject()["state"_L1]) == "running");

    const auto removeWhileRunning = cli.raw({"remove", "lab"});
    CHECK(removeWhileRunning.exitCode == 2);
    CHECK(removeWhileRunning.err.find("stop lab first") != std::string::npos);

    auto [stopCode, stopped] = cli.run({"stop", "lab", "--timeout", "30", "--json"});
    CHECK(stopCode == 0);
    CHECK(str(stopped["state"_L1]) == "stopped");
    REQUIRE(test::waitUntil([&] { return test::processGone(pid); }));

    auto [afterCode, after] = cli.run({"status", "lab", "--json"});
    CHECK(afterCode == 0);
    CHECK(str(after["state"_L1]) == "stopped");

    CHECK(cli.raw({"remove", "lab"}).exitCode == 0);
    CHECK(cli.run({"status", "lab", "--json"}).first == 2);
}

TEST_CASE("spillway-cli brokers refuses to start a broker that runs outside Spillway", "[core][cli]")
{
    LabBrokerFiles lab;
    Cli cli{lab, {}};
    REQUIRE(cli.run({"add", "--name", "lab", "--kind", "lab", "--config", lab.properties().string()}).first == 0);
    test::BackgroundProcess outside({test::kBrokerBinary, lab.properties().string()},
                                    (lab.dir / "outside.log").string());
    REQUIRE(test::waitForPort(lab.port, std::chrono::seconds(30)));

    auto [code, refused] = cli.run({"start", "lab", "--json"});
    CHECK(code == 1);
    CHECK(str(refused["state"_L1]) == "external");
    CHECK(refused["startedBySpillway"_L1].toBool() == false);
    CHECK(refused["pid"_L1].toInteger() == outside.pid());
    CHECK(str(refused["description"_L1]).find("not started by Spillway") != std::string::npos);
    CHECK(str(refused["error"_L1].toObject()["code"_L1]) == "locked");
    CHECK(outside.running());
}

TEST_CASE("spillway-cli brokers config edits server.properties with a backup", "[core][cli]")
{
    LabBrokerFiles lab;
    Cli cli{lab, {}};
    REQUIRE(cli.run({"add", "--name", "lab", "--kind", "lab", "--config", lab.properties().string()}).first == 0);

    auto [setCode, set] = cli.run({"config", "set", "lab", "num.partitions=6", "broker.id=4", "--json"});
    REQUIRE(setCode == 0);
    REQUIRE(set["backup"_L1].isString());
    CHECK(std::filesystem::exists(str(set["backup"_L1])));
    const auto changes = set["changes"_L1].toArray();
    REQUIRE(changes.size() == 2);
    CHECK(str(changes.at(0).toObject()["key"_L1]) == "broker.id");
    CHECK(str(changes.at(0).toObject()["before"_L1]) == "3");
    CHECK(changes.at(1).toObject()["before"_L1].isNull());

    const auto text = test::slurp(lab.properties().string());
    CHECK(text.rfind("# A lab broker for the supervisor tests.\nbroker.id=4\n", 0) == 0);
    CHECK(text.find("num.partitions=6\n") != std::string::npos);

    auto [getCode, got] = cli.run({"config", "get", "lab", "num.partitions", "--json"});
    CHECK(getCode == 0);
    CHECK(str(got["value"_L1]) == "6");
    CHECK(cli.run({"config", "unset", "lab", "num.partitions", "--json"}).first == 0);
    auto [missingCode, missing] = cli.run({"config", "get", "lab", "num.partitions", "--json"});
    CHECK(missingCode == 1);
    CHECK(missing["value"_L1].isNull());
}

TEST_CASE("spillway-cli brokers add-remote: network only, and file operations say why not", "[core][cli]")
{
    LabBrokerFiles lab;
    Cli cli{lab, {}};
    const std::string nobody = "127.0.0.1:" + std::to_string(test::freePort());
    auto [addCode, added] = cli.run({"add-remote", "--name", "far", "--bootstrap", nobody, "--json"});
    REQUIRE(addCode == 0);
    bool explained = false;
    for (const auto &c : added["capabilities"_L1].toArray()) {
        const auto o = c.toObject();
        if (str(o["operation"_L1]) == "offline-repair")
            explained =
                !o["available"_L1].toBool() &&
                str(o["reason"_L1]) == "needs the broker's files; Spillway reaches this broker only over the network";
    }
    CHECK(explained);

    auto [startCode, start] = cli.run({"start", "far", "--json"});
    CHECK(startCode == 2);
    CHECK(str(start["error"_L1].toObject()["code"_L1]) == "unsupported");
    CHECK(cli.run({"config", "set", "far", "a=b", "--json"}).first == 2);

    auto [statusCode, status] = cli.run({"status", "far", "--json"});
    CHECK(statusCode == 1); // nothing listens there
    CHECK(str(status["health"_L1]) == "unresponsive");

    CHECK(cli.raw({"add-remote", "--name", "bad", "--bootstrap", "no-port"}).exitCode == 2);
    CHECK(cli.raw({"add", "--name", "x"}).exitCode == 2);
}

TEST_CASE("spillway-cli brokers add finds kafka-server-start.sh of the installation that holds the config",
          "[core][cli]")
{
    LabBrokerFiles lab;
    Cli cli{lab, {}};
    const auto kafka = lab.dir / "kafka_2.13-3.7.0";
    std::filesystem::create_directories(kafka / "bin");
    std::filesystem::create_directories(kafka / "config/kraft");
    std::ofstream(kafka / "bin/kafka-server-start.sh") << "#!/bin/sh\nexit 0\n";
    std::filesystem::permissions(kafka / "bin/kafka-server-start.sh", std::filesystem::perms::owner_all);
    std::filesystem::copy_file(SPILLWAY_TEST_DATA_DIR "/server.properties", kafka / "config/kraft/server.properties");

    auto [code, added] = cli.run(
        {"add", "--name", "kafka-1", "--config", (kafka / "config/kraft/server.properties").string(), "--json"});
    REQUIRE(code == 0);
    CHECK(str(added["kind"_L1]) == "kafka-install");
    const auto argv = added["startCommand"_L1].toArray();
    REQUIRE(argv.size() == 2);
    CHECK(str(argv.at(0)) == (kafka / "bin/kafka-server-start.sh").string());
    CHECK(str(argv.at(1)) == (kafka / "config/kraft/server.properties").string());
    CHECK(str(added["facts"_L1].toObject()["mode"_L1]) == "kraft");

    // No installation around the config and no --arg: the error says what to give.
    std::filesystem::create_directories(lab.dir / "elsewhere");
    std::filesystem::copy_file(lab.properties(), lab.dir / "elsewhere/server.properties");
    const auto r = cli.raw({"add", "--name", "k2", "--config", (lab.dir / "elsewhere/server.properties").string()});
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("--arg") != std::string::npos);
}
