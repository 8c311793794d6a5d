// SPDX-License-Identifier: GPL-3.0-or-later
// The console's default history is one SQLite file per cluster: two real
// spillway-broker clusters, both with broker id 1, measured by MonitorRound
// with no history file configured, never share a file; a stopped broker's
// cluster is still found through its log dirs' meta.properties.
#include "core/services/cluster_monitor.h"
#include "core/services/cluster_monitor_round.h"
#include "core/services/history_store.h"
#include "tests/monitor/monitor_test_support.h"

#include <catch2/catch.hpp>

#include <QByteArray>
#include <QtGlobal>

#include <memory>

using namespace spillway;
using namespace spillway::core;
using spillway::test::MonitorBroker;
using spillway::test::TempDir;

namespace {

/// Points AppPaths (XDG_DATA_HOME) at a temp dir for the test's lifetime.
class DataHome {
public:
    explicit DataHome(const std::filesystem::path &dir)
        : m_old(qgetenv("XDG_DATA_HOME"))
        , m_had(qEnvironmentVariableIsSet("XDG_DATA_HOME"))
    {
        qputenv("XDG_DATA_HOME", QByteArray::fromStdString(dir.string()));
    }
    ~DataHome()
    {
        if (m_had)
            qputenv("XDG_DATA_HOME", m_old);
        else
            qunsetenv("XDG_DATA_HOME");
    }
    DataHome(const DataHome &) = delete;
    DataHome &operator=(const DataHome &) = delete;

private:
    QByteArray m_old;
    bool m_had;
};

MonitorConfig configFor(const MonitorBroker &broker)
{
    MonitorConfig config; // no historyFile: the per-cluster default
    config.localBrokers.push_back(
        {BrokerId(1), "test broker 1", broker.bootstrap(), broker.logDirs(), broker.serverProperties()});
    return config;
}

/// The dirs that have series in `file`.
std::vector<std::string> seriesDirs(const QString &file)
{
    auto store = HistoryStore::open(file);
    REQUIRE(store);
    auto keys = (*store)->diskSeriesKeys();
    REQUIRE(keys);
    std::vector<std::string> dirs;
    for (const auto &[broker, dir] : *keys) {
        CHECK(broker == BrokerId(1));
        dirs.push_back(dir);
    }
    return dirs;
}

} // namespace

TEST_CASE("History: each cluster has its own file, found by cluster id or meta.properties", "[monitor][broker]")
{
    TempDir tmp;
    DataHome home(tmp / "xdg");
    const QString historyDir = QString::fromStdString((tmp / "xdg" / "spillway" / "history").string());
    CHECK(defaultHistoryDir() == historyDir);

    auto a = std::make_unique<MonitorBroker>(tmp / "a", std::vector<std::filesystem::path>{tmp / "a-data0"});
    MonitorBroker b(tmp / "b", {tmp / "b-data0"});
    a->createTopic("orders", 1);
    b.createTopic("orders", 1);

    std::string idA;
    QString fileA;
    {
        MonitorRound round(configFor(*a));
        const auto u = round.run(1);
        INFO(u.problems.size());
        idA = round.lastSample().clusterId;
        REQUIRE_FALSE(idA.empty());
        fileA = round.historyFile();
        CHECK(fileA == historyFileForCluster(historyDir, idA));
        REQUIRE(round.history() != nullptr);
    }
    std::string idB;
    QString fileB;
    {
        MonitorRound round(configFor(b));
        round.run(1);
        idB = round.lastSample().clusterId;
        REQUIRE_FALSE(idB.empty());
        fileB = round.historyFile();
    }
    REQUIRE(idA != idB);
    CHECK(fileA != fileB);
    CHECK(seriesDirs(fileA) == std::vector<std::string>{(tmp / "a-data0").string()});
    CHECK(seriesDirs(fileB) == std::vector<std::string>{(tmp / "b-data0").string()});

    SECTION("a stopped broker's cluster is named by its log dirs' meta.properties")
    {
        CHECK(clusterIdFromLogDirs({tmp / "a-data0"}) == idA);
        const MonitorConfig config = configFor(*a);
        a.reset(); // stop it: Metadata no longer answers
        MonitorRound round(config);
        round.run(1);
        CHECK(round.lastSample().clusterId.empty());
        CHECK(round.historyFile() == fileA);
        CHECK(round.history() != nullptr);
    }
}

TEST_CASE("History: a round that knows no cluster id records nothing and says why", "[monitor]")
{
    TempDir tmp;
    DataHome home(tmp / "xdg");
    std::filesystem::create_directories(tmp / "data0");
    MonitorConfig config;
    config.localBrokers.push_back({BrokerId(1), "nobody", "127.0.0.1:1", {tmp / "data0"}, {}});
    MonitorRound round(config);
    const auto u = round.run(1);
    CHECK(round.historyFile().isEmpty());
    std::string problem;
    CHECK(round.history(&problem) == nullptr);
    CHECK(problem.find("cluster id is not known") != std::string::npos);
    bool said = false;
    for (const auto &p : u.problems)
        said = said || p.find("cluster id is not known") != std::string::npos;
    CHECK(said);
    CHECK_FALSE(std::filesystem::exists(tmp / "xdg" / "spillway" / "history"));
}
