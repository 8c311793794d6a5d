// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario A end to end (shared/SCENARIOS.md): a disk fills. A lab broker
// writes on a 40 MiB labfs disk, filled through librdkafka with records whose
// timestamps span the last hours; core/measure's alert rules raise disk usage
// and, with the growth measured over the fill, time to full; `ops
// shrink-retention --free N --dir D` finds the retention that frees N, the
// broker deletes what the preview said (within one segment per partition),
// the alerts clear, and `ops restore-retention` puts the setting back.
#include "core/measure/alert_rules.h"
#include "core/measure/growth_estimator.h"
#include "core/measure/local_snapshot.h"
#include "tests/ops/retention_test_support.h"
#include "tests/support/timed_producer.h"

#include <catch2/catch.hpp>

#include <sys/statvfs.h>

using namespace spillway;
using namespace spillway::test;
using namespace spillway::core::measure;
namespace fs = std::filesystem;

namespace {

const std::string kLabfs = SPILLWAY_BINARY_DIR "/app/spillway-labfs";
constexpr std::int64_t kCapacity = 40LL << 20;

/// Whatever happens, no mount outlives the test (a killed daemon leaves a dead one).
struct LazyUnmount {
    fs::path mountpoint;
    ~LazyUnmount() { runProcess({"fusermount3", "-u", "-z", mountpoint.string()}, std::chrono::seconds(20)); }
};

std::int64_t usedBytes(const fs::path &dir)
{
    struct statvfs st {};
    REQUIRE(::statvfs(dir.c_str(), &st) == 0);
    return static_cast<std::int64_t>(st.f_blocks - st.f_bfree) * static_cast<std::int64_t>(st.f_frsize);
}

std::int64_t sizeBytes(const fs::path &dir)
{
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0)
        return -1;
    return static_cast<std::int64_t>(st.f_blocks) * static_cast<std::int64_t>(st.f_frsize);
}

std::vector<Alert> alertsFor(const fs::path &dir, const std::vector<SeriesSample> &samples)
{
    auto probe = DiskProbe::fromSystem();
    REQUIRE(probe.ok());
    const std::vector<fs::path> dirs{dir};
    const auto local = measureLocalLogDirs(dirs, *probe);
    BrokerSnapshot broker = toBrokerSnapshot(core::BrokerId(1), local, BrokerLiveness::Up);
    REQUIRE(broker.dirs.size() == 1);
    GrowthOptions options;
    options.minSpanMs = 500; // the fill takes seconds, not the hour a real disk takes
    broker.dirs[0].growth = estimateGrowth(samples, options);
    ClusterSnapshot snapshot;
    snapshot.timeMs = wallMs();
    snapshot.brokers.push_back(broker);
    return evaluateAlertRules(snapshot, AlertThresholds{});
}

const Alert *find(const std::vector<Alert> &alerts, AlertRule rule)
{
    for (const auto &a : alerts)
        if (a.rule == rule)
            return &a;
    return nullptr;
}

} // namespace

TEST_CASE("Scenario A: a filling disk raises usage and time-to-full alerts, a retention shrink frees what its preview "
          "said and restore puts the setting back",
          "[ops][retention][scenario]")
{
    if (runProcess({kLabfs, "probe"}).exitCode != 0) {
        WARN("FUSE is unavailable here: scenario A needs a labfs disk of its own capacity");
        return;
    }
    TempDir root;
    const fs::path backing = root / "disk0.backing";
    const fs::path disk = root / "disk0";
    fs::create_directories(backing);
    fs::create_directories(disk);
    LazyUnmount unmount{disk};
    BackgroundProcess labfs({kLabfs, "mount", "--backing", backing.string(), "--mountpoint", disk.string(),
                             "--capacity", "40MiB", "--foreground"},
                            (root / "labfs.log").string());
    bool mounted = false;
    for (int i = 0; i < 100 && !mounted; ++i) {
        mounted = sizeBytes(disk) > 0 && std::abs(sizeBytes(disk) - kCapacity) < kCapacity / 20;
        if (!mounted)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    INFO(slurp((root / "labfs.log").string()));
    REQUIRE(mounted);

    RetentionBroker broker(std::vector<fs::path>{disk});
    TempDir work;
    const std::string journal = (work / "journal.sqlite").string();
    broker.createTopic("orders", 2);

    // Fill to 85 %: chunks of records stamped two minutes apart, ending now.
    std::vector<SeriesSample> samples{{wallMs(), static_cast<double>(usedBytes(disk))}};
    {
        TimedProducer producer(broker.bootstrap());
        const std::int64_t start = wallMs() - 2 * 3600 * 1000;
        const std::string value(1000, 'v');
        for (int chunk = 0; chunk < 40 && usedBytes(disk) < kCapacity * 85 / 100; ++chunk) {
            for (int i = 0; i < 1200; ++i)
                producer.send("orders", i % 2, std::to_string(chunk) + ":" + std::to_string(i) + ":" + value,
                              start + chunk * 120'000LL);
            producer.flush();
            samples.push_back({wallMs(), static_cast<double>(usedBytes(disk))});
            std::this_thread::sleep_for(std::chrono::milliseconds(50)); // a measurable span on a fast machine
        }
    }
    const std::int64_t used = usedBytes(disk);
    INFO("used " << used << " of " << kCapacity);
    REQUIRE(used >= kCapacity * 85 / 100);

    // The alerts: usage above 80 %, and at this write rate the disk is full within the hour.
    const auto full = alertsFor(disk, samples);
    const Alert *usage = find(full, AlertRule::DiskUsage);
    REQUIRE(usage != nullptr);
    CHECK(usage->dir == disk.string());
    CHECK(usage->fix.kind == FixKind::ShrinkRetention);
    GrowthOptions growthOptions;
    growthOptions.minSpanMs = 500;
    const auto growth = estimateGrowth(samples, growthOptions);
    REQUIRE(growth.has_value());
    INFO("growth " << growth->perSecond << " B/s, trend " << toString(growth->trend) << ", samples " << growth->samples
                   << ", span " << growth->spanMs << " ms");
    for (const auto &a : full)
        INFO("alert " << a.key << ": " << a.text);
    const Alert *ttf = find(full, AlertRule::TimeToFull);
    REQUIRE(ttf != nullptr);
    CHECK(ttf->severity == AlertSeverity::Critical);

    // Free down to 60 %: the preview, then the shrink.
    const std::int64_t want = used - kCapacity * 60 / 100;
    const std::vector<std::string> args{
        "shrink-retention", "--bootstrap", broker.bootstrap(),   "--broker", "1",           "--log-dirs",
        disk.string(),      "--free",      std::to_string(want), "--dir",    disk.string(), "--json"};
    const auto preview = opsCli(journal, args);
    INFO(preview.out);
    REQUIRE(preview.exitCode == 0);
    const auto previewFreed = jsonString(preview.out, "plan.freed." + disk.string());
    REQUIRE(previewFreed.has_value());
    CHECK(std::stoll(*previewFreed) >= want);
    CHECK(broker.config("orders", "retention.ms").second == false); // nothing changed yet

    std::int64_t tolerance = 0;
    for (int p = 0; p < 2; ++p)
        tolerance += largestSegmentBytes(disk / ("orders-" + std::to_string(p)));
    const std::int64_t usedBefore = usedBytes(disk);
    auto yes = args;
    yes.insert(yes.end(), {"--yes", "--wait-seconds", "40"});
    const auto run = opsCli(journal, yes);
    INFO(run.out);
    REQUIRE(run.exitCode == 0);
    const auto id = jsonInt(run.out, "id");
    REQUIRE(id.has_value());
    const auto planned = jsonString(run.out, "plan.freed." + disk.string());
    REQUIRE(planned.has_value());
    const auto retention = jsonString(run.out, "new.retention.ms");
    REQUIRE(retention.has_value());
    const std::int64_t dropped = usedBefore - usedBytes(disk);
    // The filesystem frees whole blocks: each deleted file (a segment has up
    // to four) may give back up to one block more than its apparent size.
    std::int64_t deletedSegments = 0;
    for (const auto &[name, cut] : plannedCuts(run.out))
        deletedSegments += cut.segments;
    tolerance += deletedSegments * 4 * 4096;
    INFO("planned " << *planned << ", usage dropped " << dropped << ", tolerance " << tolerance);
    CHECK(std::abs(dropped - std::stoll(*planned)) <= tolerance);
    CHECK(std::abs(std::stoll(*planned) - std::stoll(*previewFreed)) <= tolerance);
    CHECK(broker.config("orders", "retention.ms") == std::pair<std::string, bool>(*retention, true));

    // Below the warning threshold now: the usage alert is gone.
    samples.push_back({wallMs(), static_cast<double>(usedBytes(disk))});
    CHECK(find(alertsFor(disk, samples), AlertRule::DiskUsage) == nullptr);

    // Restore: the topic had no override, so the override is deleted again.
    const auto restored = opsCli(journal, {"restore-retention", "--id", std::to_string(*id), "--yes"});
    INFO(restored.out);
    REQUIRE(restored.exitCode == 0);
    CHECK(broker.config("orders", "retention.ms").second == false);
    CHECK(broker.config("orders", "retention.ms").first == "604800000");
    broker.stop();
}
