// SPDX-License-Identifier: GPL-3.0-or-later
// The measurement loop's index check (core/services/index_watch.h): closed
// segments of a real spillway-broker's partition, an .index corrupted on
// disk, the corrupt-index alert with its rebuild fix, and the alert cleared
// once the index is good again.
#include "core/services/cluster_monitor_round.h"
#include "core/services/index_watch.h"
#include "core/storage/index/index_verifier.h"
#include "core/storage/index/segment_files.h"
#include "tests/monitor/monitor_test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace spillway;
using namespace spillway::core;
using spillway::test::MonitorBroker;
using spillway::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::vector<measure::Alert> corruptIndexAlerts(const MonitorUpdate &update)
{
    std::vector<measure::Alert> out;
    std::copy_if(update.alerts.begin(), update.alerts.end(), std::back_inserter(out),
                 [](const measure::Alert &a) { return a.rule == measure::AlertRule::CorruptIndex; });
    return out;
}

} // namespace

TEST_CASE("Monitor round: a corrupt index of a closed segment raises corrupt-index with the rebuild fix, "
          "cleared when the index is good again",
          "[monitor][broker][index]")
{
    TempDir tmp;
    MonitorBroker broker(tmp / "broker", {tmp / "data0"});
    broker.createTopic("idx", 1);
    // ~3.5 MB in 16 produce runs, so that each 1 MiB segment holds several
    // batches (kcat would otherwise send ~1 MB batches: no index entries).
    for (int i = 0; i < 16; ++i)
        broker.produce("idx", 0, 2000, 100);
    const fs::path partitionDir = tmp / "data0" / "idx-0";
    const SegmentFiles first{partitionDir, Offset{0}};
    REQUIRE(fs::exists(first.log()));
    REQUIRE(fs::file_size(first.offsetIndex()) >= 8); // closed, trimmed, with entries

    MonitorConfig config;
    config.localBrokers.push_back(
        {BrokerId(1), "test broker 1", broker.bootstrap(), broker.logDirs(), broker.serverProperties()});
    config.historyFile = QString::fromStdString((tmp / "history.sqlite").string());
    MonitorRound round(config);

    const auto clean = round.run(1);
    CHECK(corruptIndexAlerts(clean).empty());
    CHECK(clean.snapshot.corruptIndexes.empty());

    const std::string good = spillway::test::slurp(first.offsetIndex().string());
    {
        // Entry 0's relative offset becomes 0xffffffff: out of range.
        std::fstream f(first.offsetIndex(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(0);
        f.write("\xff\xff\xff\xff", 4);
    }
    REQUIRE_FALSE(IndexVerifier::verifyFiles(first)->indexesOk());

    const auto bad = round.run(2);
    const auto alerts = corruptIndexAlerts(bad);
    REQUIRE(alerts.size() == 1);
    const auto &a = alerts.front();
    CHECK(a.topic == "idx");
    CHECK(a.dir == (tmp / "data0").string());
    CHECK(a.text.find(first.offsetIndex().string()) != std::string::npos);
    CHECK(a.fix.kind == measure::FixKind::RebuildIndex);
    REQUIRE(a.fix.partition.has_value());
    CHECK(a.fix.partition->get() == 0);
    CHECK(a.fix.broker == BrokerId(1));

    // Still there next round (nothing changed, nothing re-read).
    CHECK(corruptIndexAlerts(round.run(3)).size() == 1);

    // The index is good again (as a rebuild leaves it): the alert clears.
    {
        std::ofstream f(first.offsetIndex(), std::ios::binary | std::ios::trunc);
        f.write(good.data(), static_cast<std::streamsize>(good.size()));
    }
    const auto fixed = round.run(4);
    CHECK(corruptIndexAlerts(fixed).empty());
    const auto again = round.run(5);
    CHECK(corruptIndexAlerts(again).empty());
    CHECK(again.snapshot.corruptIndexes.empty());
}

TEST_CASE("Index watch: a remote broker's dirs are never read, and the budget spreads work over rounds",
          "[monitor][index]")
{
    TempDir tmp;
    MonitorBroker broker(tmp / "broker", {tmp / "data0"});
    broker.createTopic("spread", 1);
    broker.produce("spread", 0, 30000, 100);

    MonitorConfig config;
    config.localBrokers.push_back(
        {BrokerId(1), "test broker 1", broker.bootstrap(), broker.logDirs(), broker.serverProperties()});
    config.historyFile = QString::fromStdString((tmp / "history.sqlite").string());
    MonitorRound round(config);
    const auto update = round.run(1);
    auto snapshot = update.snapshot;
    const auto &sample = round.lastSample();
    REQUIRE(sample.brokers.size() == 1);
    REQUIRE(sample.brokers[0].local);

    // As if the broker were remote: nothing is verified.
    auto remote = sample.brokers;
    remote[0].local = false;
    IndexWatch remoteWatch;
    remoteWatch.run(snapshot, remote);
    CHECK(remoteWatch.verifiedSegments() == 0);

    // A 1-byte budget verifies one segment per round, and all of them over several rounds.
    IndexWatch slow(IndexWatchOptions{1, 2048});
    slow.run(snapshot, sample.brokers);
    CHECK(slow.verifiedSegments() == 1);
    for (int i = 0; i < 10; ++i)
        slow.run(snapshot, sample.brokers);
    IndexWatch full;
    full.run(snapshot, sample.brokers);
    CHECK(full.verifiedSegments() >= 2);
    CHECK(slow.verifiedSegments() == full.verifiedSegments());
}
