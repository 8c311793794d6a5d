// SPDX-License-Identifier: GPL-3.0-or-later
// ClusterMonitor and MonitorRound against the real spillway-broker: alerts
// from a filled tmpfs log dir, acknowledgement, history across monitors,
// growth from history, and `spillway-cli status`.
#include "core/services/broker_entry.h"
#include "core/services/cluster_monitor.h"
#include "core/services/cluster_monitor_round.h"
#include "tests/monitor/monitor_test_support.h"
#include "tests/support/tmpfs_mount.h"

#include <catch2/catch.hpp>

#include <QCoreApplication>
#include <QEventLoop>
#include <QObject>

#include <chrono>
#include <fstream>
#include <functional>

using namespace spillway;
using namespace spillway::core;
using spillway::test::MonitorBroker;
using spillway::test::TempDir;
using spillway::test::TmpfsMount;

namespace {

/// Runs the event loop until `done` holds or `timeout` passes.
bool pumpUntil(const std::function<bool()> &done, std::chrono::seconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

/// Collects every update the monitor emits (queued to this thread).
struct UpdateLog {
    QObject context;
    std::vector<std::shared_ptr<const MonitorUpdate>> updates;
    explicit UpdateLog(ClusterMonitor &monitor)
    {
        QObject::connect(&monitor, &ClusterMonitor::updated, &context,
                         [this](std::shared_ptr<const MonitorUpdate> u) { updates.push_back(std::move(u)); });
    }
};

const measure::Alert *findAlert(const std::vector<measure::Alert> &alerts, measure::AlertRule rule,
                                const std::string &dir)
{
    for (const auto &a : alerts) {
        if (a.rule == rule && (dir.empty() || a.dir == dir))
            return &a;
    }
    return nullptr;
}

/// Writes `bytes` of zeros into `file` (a real allocation on tmpfs).
void fill(const std::filesystem::path &file, std::size_t bytes)
{
    std::ofstream out(file, std::ios::binary);
    const std::string chunk(1 << 16, '\0');
    for (std::size_t done = 0; done < bytes; done += chunk.size())
        out.write(chunk.data(), static_cast<std::streamsize>(std::min(chunk.size(), bytes - done)));
    REQUIRE(out.good());
}

MonitorConfig configFor(const MonitorBroker &broker, const TempDir &tmp)
{
    MonitorConfig config;
    config.localBrokers.push_back(
        {BrokerId(1), "test broker 1", broker.bootstrap(), broker.logDirs(), broker.serverProperties()});
    config.historyFile = QString::fromStdString((tmp / "history.sqlite").string());
    config.interval = std::chrono::milliseconds(200);
    return config;
}

} // namespace

TEST_CASE("Monitor: a filled tmpfs log dir raises a disk-usage alert, and acknowledge takes effect",
          "[monitor][broker][tmpfs]")
{
    TempDir tmp;
    TmpfsMount disk(tmp / "data0", "16m");
    if (!disk.mounted())
        FAIL(disk.error());
    MonitorBroker broker(tmp / "broker", {tmp / "data0", tmp / "data1"});
    broker.createTopic("orders", 2);
    broker.produce("orders", 0, 100);

    ClusterMonitor monitor(configFor(broker, tmp));
    UpdateLog log(monitor);
    CHECK(monitor.latest() == nullptr);
    monitor.start();
    REQUIRE(pumpUntil([&] { return !log.updates.empty(); }, std::chrono::seconds(60)));
    const auto first = log.updates.front();
    CHECK(first->round == 1);
    CHECK(first->problems.empty());
    REQUIRE(first->snapshot.brokers.size() == 1);
    CHECK(first->snapshot.brokers[0].state == measure::BrokerLiveness::Up);
    CHECK(findAlert(first->alerts, measure::AlertRule::DiskUsage, {}) == nullptr);
    const auto *d0 = &first->snapshot.brokers[0].dirs.at(0);
    CHECK(d0->ownMountPoint);
    CHECK(d0->usage->capacityBytes == 16 << 20);

    // 15 of 16 MiB used: critical (above 90 %).
    fill(tmp / "data0" / "spillway-filler-0.bin", 15u << 20);
    const std::string dir = (tmp / "data0").string();
    REQUIRE(
        pumpUntil([&] { return findAlert(log.updates.back()->alerts, measure::AlertRule::DiskUsage, dir) != nullptr; },
                  std::chrono::seconds(60)));
    const auto raisedIn = log.updates.back();
    const auto *alert = findAlert(raisedIn->alerts, measure::AlertRule::DiskUsage, dir);
    CHECK(alert->severity == measure::AlertSeverity::Critical);
    CHECK_FALSE(alert->acknowledged);
    CHECK(alert->broker == BrokerId(1));
    CHECK(alert->fix.kind != measure::FixKind::None);
    CHECK(monitor.latest() != nullptr);
    const std::string key = alert->key;
    // Rounds are numbered and never repeat.
    for (std::size_t i = 1; i < log.updates.size(); ++i)
        CHECK(log.updates[i]->round == log.updates[i - 1]->round + 1);

    monitor.stop();
    const std::size_t before = log.updates.size();
    monitor.acknowledge(QString::fromStdString(key));
    REQUIRE(pumpUntil([&] { return log.updates.size() > before; }, std::chrono::seconds(30)));
    const auto *acked = findAlert(log.updates.back()->alerts, measure::AlertRule::DiskUsage, dir);
    REQUIRE(acked != nullptr);
    CHECK(acked->acknowledged);
    // ...and it stays acknowledged in the next measured round.
    const auto acknowledgedRound = log.updates.back()->round;
    monitor.refreshNow();
    REQUIRE(pumpUntil([&] { return log.updates.back()->round > acknowledgedRound; }, std::chrono::seconds(60)));
    const auto *still = findAlert(log.updates.back()->alerts, measure::AlertRule::DiskUsage, dir);
    REQUIRE(still != nullptr);
    CHECK(still->acknowledged);
}

TEST_CASE("Monitor: history survives a new ClusterMonitor on the same file", "[monitor][broker]")
{
    TempDir tmp;
    MonitorBroker broker(tmp / "broker", {tmp / "data0"});
    const auto config = configFor(broker, tmp);
    const QString dir = QString::fromStdString(broker.logDirs()[0].string());
    std::int64_t firstTime = 0;
    {
        ClusterMonitor monitor(config);
        UpdateLog log(monitor);
        monitor.start();
        REQUIRE(pumpUntil([&] { return log.updates.size() >= 3; }, std::chrono::seconds(60)));
        firstTime = log.updates.front()->snapshot.timeMs;
    } // stops and joins the worker, closing the history

    ClusterMonitor second(config);
    std::vector<DiskHistoryPoint> points;
    bool answered = false;
    QObject context;
    QObject::connect(&second, &ClusterMonitor::diskSeriesReady, &context,
                     [&](quint64 id, std::vector<DiskHistoryPoint> p) {
                         CHECK(id == 42);
                         points = std::move(p);
                         answered = true;
                     });
    second.requestDiskSeries(42, BrokerId(1), dir, firstTime - 1000, firstTime + 3'600'000, 0);
    REQUIRE(pumpUntil([&] { return answered; }, std::chrono::seconds(30)));
    REQUIRE(points.size() >= 3);
    CHECK(points.front().timeMs == firstTime);
    CHECK(points.front().capacityBytes > 0);
}

TEST_CASE("Monitor round: growth and time to full come from the recorded history", "[monitor][broker][tmpfs]")
{
    TempDir tmp;
    TmpfsMount disk(tmp / "data0", "32m");
    if (!disk.mounted())
        FAIL(disk.error());
    MonitorBroker broker(tmp / "broker", {tmp / "data0"});
    fill(tmp / "data0" / "spillway-filler-0.bin", 8u << 20);
    auto config = configFor(broker, tmp);
    const std::string dir = (tmp / "data0").string();

    std::int64_t used = 0;
    std::int64_t now = 0;
    {
        MonitorRound round(config);
        const auto update = round.run(1);
        REQUIRE(update.snapshot.brokers.at(0).dirs.at(0).usage.has_value());
        used = update.snapshot.brokers[0].dirs[0].usage->usedBytes;
        now = update.snapshot.timeMs;
        CHECK_FALSE(update.snapshot.brokers[0].dirs[0].growth.has_value()); // one sample: no estimate yet
    }
    // The last 30 minutes grew by 6 MiB at a steady rate: recorded as the
    // console would have, one sample a minute, before this round.
    {
        auto store = HistoryStore::open(config.historyFile);
        REQUIRE(store.ok());
        std::vector<DiskHistorySample> samples;
        for (int m = 30; m >= 1; --m) {
            const std::int64_t u = used - (6LL << 20) * m / 30;
            samples.push_back({BrokerId(1), dir, now - m * 60'000LL, 32 << 20, u, (32LL << 20) - u, 0});
        }
        REQUIRE((*store)->recordDisk(samples).ok());
    }
    MonitorRound round(config);
    const auto update = round.run(2);
    const auto &d = update.snapshot.brokers.at(0).dirs.at(0);
    REQUIRE(d.growth.has_value());
    CHECK(d.growth->trend == measure::Trend::Growing);
    // 6 MiB / 30 min, about 3.5 KiB/s; 24 MiB left: about 2 hours to full.
    CHECK(d.growth->perSecond == Approx((6.0 * (1 << 20)) / 1800.0).epsilon(0.2));
    const auto *ttf = findAlert(update.alerts, measure::AlertRule::TimeToFull, dir);
    REQUIRE(ttf != nullptr);
    CHECK(ttf->severity == measure::AlertSeverity::Warning);
}

TEST_CASE("spillway-cli status --json against a remote broker, with --watch and a dead cluster",
          "[monitor][cli][broker]")
{
    TempDir tmp;
    MonitorBroker broker(tmp / "broker", {tmp / "data0", tmp / "data1"});
    const std::string cli = SPILLWAY_BINARY_DIR "/app/spillway-cli";
    const std::string history = (tmp / "cli-history.sqlite").string();
    using test::jsonQuery;

    // An empty, healthy broker: nothing to alert, exit status 0.
    const auto empty = test::runProcessSplit(
        {cli, "status", "--bootstrap", broker.bootstrap(), "--json", "--history", history}, tmp.path().string());
    INFO(empty.err);
    CHECK(empty.exitCode == 0);
    CHECK(jsonQuery(tmp.path(), empty.out, "d['alerts']") == "[]");

    broker.createTopic("orders", 2);
    broker.produce("orders", 1, 100);

    const auto r = test::runProcessSplit(
        {cli, "status", "--bootstrap", broker.bootstrap(), "--json", "--history", history}, tmp.path().string());
    INFO(r.err);
    INFO(r.out);
    CHECK(r.exitCode == 1); // the replication-factor-one warning below
    CHECK(jsonQuery(tmp.path(), r.out, "len(d['brokers'])") == "1");
    CHECK(jsonQuery(tmp.path(), r.out, "d['brokers'][0]['local']") == "False");
    CHECK(jsonQuery(tmp.path(), r.out, "d['brokers'][0]['state']") == "up");
    CHECK(jsonQuery(tmp.path(), r.out, "len(d['brokers'][0]['dirs'])") == "2");
    CHECK(jsonQuery(tmp.path(), r.out, "sorted(x['source'] for x in d['brokers'][0]['dirs'])") ==
          "['describe-log-dirs', 'describe-log-dirs']");
    CHECK(jsonQuery(tmp.path(), r.out,
                    "[p['partition'] for x in d['brokers'][0]['dirs'] for p in x['partitions'] if p['topic']=='orders' "
                    "and p['bytes']>0]") == "[1]");
    CHECK(jsonQuery(tmp.path(), r.out, "[t['replication_factor'] for t in d['topics'] if t['name']=='orders']") ==
          "[1]");
    // RF 1 is worth an alert, with its fix.
    CHECK(jsonQuery(tmp.path(), r.out,
                    "[a['fix'] != '' for a in d['alerts'] if a['rule']=='replication-factor-one']") == "[True]");
    CHECK(jsonQuery(tmp.path(), r.out, "d['problems']") == "[]");

    // Two rounds with --watch: both recorded in the history.
    const auto w = test::runProcessSplit({cli, "status", "--bootstrap", broker.bootstrap(), "--json", "--watch", "1",
                                          "--count", "2", "--history", history},
                                         tmp.path().string());
    INFO(w.err);
    CHECK(w.exitCode == 1);
    const auto second = w.out.substr(w.out.find('\n') + 1);
    CHECK(jsonQuery(tmp.path(), second, "d['round']") == "2");

    // A dead cluster: a problem, exit status 1, no hang.
    const auto dead = test::runProcessSplit(
        {cli, "status", "--bootstrap", "127.0.0.1:" + std::to_string(test::freePort()), "--json", "--history", history},
        tmp.path().string());
    CHECK(dead.exitCode == 1);
    CHECK(jsonQuery(tmp.path(), dead.out, "len(d['problems']) >= 1") == "True");

    // Usage errors.
    CHECK(test::runProcess({cli, "status", "--lab", "--bootstrap", broker.bootstrap()}).exitCode == 2);
    CHECK(test::runProcess({cli, "status", "--watch", "0"}).exitCode == 2);
}

TEST_CASE("Monitor config for registry brokers: local entries scan their log.dirs, remote ones bootstrap",
          "[monitor][broker]")
{
    TempDir tmp;
    MonitorBroker broker(tmp / "broker", {tmp / "data0", tmp / "data1"});
    auto facts = inspectServerPropertiesFile(broker.serverProperties(), tmp.path());
    REQUIRE(facts.ok());

    BrokerEntry local;
    local.id = "kafka-a";
    local.kind = BrokerKind::KafkaInstall;
    local.serverProperties = broker.serverProperties();
    local.facts = *facts;
    BrokerEntry unreadable;
    unreadable.id = "kafka-b";
    unreadable.kind = BrokerKind::KafkaInstall;
    unreadable.problem = "server.properties: no such file";

    std::vector<std::string> skipped;
    auto config = monitorConfigForRegistry({local, unreadable}, &skipped);
    REQUIRE(config.localBrokers.size() == 1);
    CHECK(config.localBrokers[0].id == BrokerId(1));
    CHECK(config.localBrokers[0].bootstrap == broker.bootstrap());
    CHECK(config.localBrokers[0].logDirs == broker.logDirs());
    CHECK(config.bootstrap.empty()); // no remote entry: the local listeners
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0] == "broker kafka-b: server.properties: no such file");

    config.historyFile = QString::fromStdString((tmp / "history.sqlite").string());
    MonitorRound round(config);
    const auto update = round.run(1);
    CHECK(update.problems.empty());
    REQUIRE(update.snapshot.brokers.size() == 1);
    CHECK(update.snapshot.brokers[0].state == measure::BrokerLiveness::Up);
    CHECK(update.snapshot.brokers[0].name == "broker kafka-a");
    REQUIRE(round.lastSample().brokers.size() == 1);
    CHECK(round.lastSample().brokers[0].local);

    BrokerEntry remote;
    remote.id = "prod";
    remote.kind = BrokerKind::Remote;
    remote.bootstrapServers = {{"10.0.0.5", 9092}};
    const auto mixed = monitorConfigForRegistry({remote, local});
    CHECK(mixed.bootstrap == "10.0.0.5:9092," + broker.bootstrap());
    CHECK(mixed.localBrokers.size() == 1);
}
