// SPDX-License-Identifier: GPL-3.0-or-later
// HistoryStore on real SQLite files: write, reopen, downsample, range
// queries, damaged files, a newer schema, and use from a worker thread.
#include "core/measure/consumer_lag.h"
#include "core/services/history_store.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QThread>

#include <fstream>

using namespace spillway::core;
using spillway::test::TempDir;

namespace {

constexpr std::int64_t kStepMs = 10'000;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kT0 = 1'699'999'200'000; // on a whole quarter hour

QString fileIn(const TempDir &dir, const char *name) { return QString::fromStdString((dir / name).string()); }

std::unique_ptr<HistoryStore> openStore(const QString &file, const HistoryOptions &options = {})
{
    auto store = HistoryStore::open(file, options);
    INFO((store.ok() ? std::string() : store.error().describe()));
    REQUIRE(store.ok());
    return std::move(store).value();
}

/// Raw disk samples every 10 s from `fromMs` for `durationMs`: used grows
/// by 1000 bytes per sample on a 1 GB filesystem.
std::vector<DiskHistorySample> diskSamples(int broker, const std::string &dir, std::int64_t fromMs,
                                           std::int64_t durationMs)
{
    std::vector<DiskHistorySample> out;
    for (std::int64_t t = fromMs, i = 0; t < fromMs + durationMs; t += kStepMs, ++i)
        out.push_back({BrokerId(broker), dir, t, 1'000'000'000, 1'000'000 + i * 1000, 999'000'000 - i * 1000, i * 900});
    return out;
}

void writeGarbage(const QString &file, std::size_t offset, std::size_t bytes)
{
    std::fstream f(file.toStdString(), std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(f.good());
    f.seekp(static_cast<std::streamoff>(offset));
    const std::string junk(bytes, '\xff');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    REQUIRE(f.good());
}

} // namespace

TEST_CASE("HistoryStore keeps samples across a reopen", "[core][history]")
{
    TempDir dir;
    const QString file = fileIn(dir, "data/history.sqlite");
    {
        auto store = openStore(file);
        CHECK_FALSE(store->recoveryMessage().has_value());
        REQUIRE(store->recordDisk(diskSamples(1, "/data0", kT0, 10 * kStepMs)).ok());
        REQUIRE(store->recordDisk(diskSamples(2, "/data1", kT0, 5 * kStepMs)).ok());
        const std::vector<LagHistorySample> lag{{"billing", "orders", kT0, 10},
                                                {"billing", "orders", kT0 + kStepMs, 30}};
        REQUIRE(store->recordLag(lag).ok());
        CHECK(QFileInfo::exists(file + QStringLiteral("-wal"))); // WAL mode
    }
    auto store = openStore(file);
    auto points = store->diskSeries(BrokerId(1), "/data0", kT0, kT0 + kHourMs);
    REQUIRE(points.ok());
    REQUIRE(points->size() == 10);
    CHECK(points->front().timeMs == kT0);
    CHECK(points->front().resolutionMs == 0);
    CHECK(points->back().usedBytes == 1'009'000.0);
    CHECK(points->back().freeBytes == 998'991'000.0);
    CHECK(points->back().kafkaBytes == 8100.0);
    CHECK(points->back().capacityBytes == 1e9);

    auto keys = store->diskSeriesKeys();
    REQUIRE(keys.ok());
    REQUIRE(keys->size() == 2);
    CHECK(keys->at(1) == std::make_pair(BrokerId(2), std::string("/data1")));
    auto lag = store->lagSeries("billing", "orders", 0, kT0 * 2);
    REQUIRE(lag.ok());
    REQUIRE(lag->size() == 2);
    CHECK(lag->at(1).lag == 30.0);
    auto unknown = store->diskSeries(BrokerId(9), "/nowhere", 0, kT0 * 2);
    REQUIRE(unknown.ok());
    CHECK(unknown->empty());
}

TEST_CASE("HistoryStore downsamples raw to 1-minute to 15-minute averages and drops after 90 days", "[core][history]")
{
    TempDir dir;
    HistoryOptions options;
    options.compactEveryMs = 1000LL * kHourMs; // compaction only when asked
    auto store = openStore(fileIn(dir, "history.sqlite"), options);
    const auto samples = diskSamples(1, "/data0", kT0, 8 * kHourMs);
    REQUIRE(store->recordDisk(samples).ok());
    const std::int64_t now = samples.back().timeMs;

    REQUIRE(store->compact(now).ok());
    auto rows = store->diskRowsPerTier();
    REQUIRE(rows.ok());
    // Raw kept for the last 6 h (from the minute boundary), 1-minute buckets before.
    const std::int64_t rawCutoff = (now - 6 * kHourMs) / 60'000 * 60'000;
    CHECK((*rows)[0] == (now - rawCutoff) / kStepMs + 1);
    CHECK((*rows)[1] == (rawCutoff - kT0) / 60'000);
    CHECK((*rows)[2] == 0);
    REQUIRE(store->compact(now).ok()); // idempotent
    CHECK(*store->diskRowsPerTier() == *rows);

    auto points = store->diskSeries(BrokerId(1), "/data0", kT0, now);
    REQUIRE(points.ok());
    REQUIRE(points->size() == static_cast<std::size_t>((*rows)[0] + (*rows)[1]));
    const DiskHistoryPoint &first = points->front();
    CHECK(first.timeMs == kT0);
    CHECK(first.resolutionMs == 60'000);
    CHECK(first.samples == 6);
    CHECK(first.usedBytes == Approx(1'000'000 + 2.5 * 1000)); // mean of 6 samples
    CHECK(first.usedMax == 1'005'000.0);                      // the peak survives
    CHECK(points->back().resolutionMs == 0);
    for (std::size_t i = 1; i < points->size(); ++i)
        CHECK(points->at(i).timeMs > points->at(i - 1).timeMs); // oldest first, tiers do not overlap

    // Eight days on, everything is older than 7 days: 15-minute buckets of 90 samples.
    REQUIRE(store->compact(now + 8 * 24 * kHourMs).ok());
    rows = store->diskRowsPerTier();
    CHECK((*rows)[0] == 0);
    CHECK((*rows)[1] == 0);
    CHECK((*rows)[2] == 8 * 4);
    points = store->diskSeries(BrokerId(1), "/data0", kT0, now);
    REQUIRE(points->size() == 32);
    CHECK(points->front().resolutionMs == 15 * 60'000);
    CHECK(points->front().samples == 90);
    CHECK(points->front().usedBytes == Approx(1'000'000 + 44.5 * 1000));
    CHECK(points->front().usedMax == 1'089'000.0);

    // After 90 days nothing is left, not even the series.
    REQUIRE(store->compact(now + 91 * 24 * kHourMs).ok());
    CHECK(store->diskSeriesKeys()->empty());
}

TEST_CASE("HistoryStore range queries cut the range and re-bucket to a point budget", "[core][history]")
{
    TempDir dir;
    HistoryOptions options;
    options.compactEveryMs = 1000LL * kHourMs;
    auto store = openStore(fileIn(dir, "history.sqlite"), options);
    REQUIRE(store->recordDisk(diskSamples(1, "/data0", kT0, 2 * kHourMs)).ok());

    auto slice = store->diskSeries(BrokerId(1), "/data0", kT0 + 60'000, kT0 + 120'000);
    REQUIRE(slice.ok());
    CHECK(slice->size() == 7); // both ends included
    auto few = store->diskSeries(BrokerId(1), "/data0", kT0, kT0 + 2 * kHourMs - 1, 24);
    REQUIRE(few.ok());
    REQUIRE(few->size() == 24);
    CHECK(few->front().resolutionMs == 5 * 60'000);
    CHECK(few->front().samples == 30);
    CHECK(few->front().usedBytes == Approx(1'000'000 + 14.5 * 1000));
    auto enough = store->diskSeries(BrokerId(1), "/data0", kT0, kT0 + 2 * kHourMs, 10'000);
    REQUIRE(enough.ok());
    CHECK(enough->size() == 720);
}

TEST_CASE("HistoryStore series feed the growth and lag estimators", "[core][history]")
{
    TempDir dir;
    auto store = openStore(fileIn(dir, "history.sqlite"));
    REQUIRE(store->recordDisk(diskSamples(1, "/data0", kT0, kHourMs)).ok());
    std::vector<LagHistorySample> lag;
    for (int i = 0; i < 60; ++i)
        lag.push_back({"billing", "orders", kT0 + i * kStepMs, 1000 + i * 500});
    REQUIRE(store->recordLag(lag).ok());

    auto disk = store->diskSeries(BrokerId(1), "/data0", kT0, kT0 + kHourMs);
    REQUIRE(disk.ok());
    const auto growth = measure::estimateGrowth(usedBytesSeries(*disk));
    REQUIRE(growth.has_value());
    CHECK(growth->perSecond == Approx(100.0)); // 1000 bytes per 10 s
    auto lagPoints = store->lagSeries("billing", "orders", kT0, kT0 + kHourMs);
    REQUIRE(lagPoints.ok());
    const auto trend = measure::estimateLagTrend(lagSeriesSamples(*lagPoints));
    REQUIRE(trend.has_value());
    CHECK(trend->trend == measure::Trend::Growing);
    CHECK(trend->perSecond == Approx(50.0));
}

TEST_CASE("HistoryStore moves a file that is not a database aside and starts anew", "[core][history]")
{
    TempDir dir;
    const QString file = fileIn(dir, "history.sqlite");
    {
        QFile f(file);
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
    }
    auto store = openStore(file);
    REQUIRE(store->recoveryMessage().has_value());
    const std::string message = store->recoveryMessage()->toStdString();
    CHECK(message.find("was unreadable") != std::string::npos);
    CHECK(message.find(".corrupt-") != std::string::npos);
    const auto aside = QDir(QString::fromStdString(dir.path().string()))
                           .entryList({QStringLiteral("history.sqlite.corrupt-*")}, QDir::Files);
    REQUIRE(aside.size() == 1);
    CHECK(QFileInfo(QString::fromStdString(dir.path().string()) + QLatin1Char('/') + aside.front()).size() == 8192);

    REQUIRE(store->recordDisk(diskSamples(1, "/data0", kT0, 3 * kStepMs)).ok());
    CHECK(store->diskSeries(BrokerId(1), "/data0", kT0, kT0 + kHourMs)->size() == 3);
}

TEST_CASE("HistoryStore moves a database with damaged pages aside", "[core][history]")
{
    TempDir dir;
    const QString file = fileIn(dir, "history.sqlite");
    {
        auto store = openStore(file);
        REQUIRE(store->recordDisk(diskSamples(1, "/data0", kT0, 3 * kHourMs)).ok());
    }
    REQUIRE(QFileInfo(file).size() > 8 * 4096);
    writeGarbage(file, 4096, 3 * 4096); // the b-tree pages after the header page

    auto store = openStore(file);
    REQUIRE(store->recoveryMessage().has_value());
    CHECK(store->diskSeriesKeys()->empty());
    REQUIRE(store->recordDisk(diskSamples(1, "/data0", kT0, 2 * kStepMs)).ok());
}

TEST_CASE("HistoryStore refuses a newer schema without touching the file", "[core][history]")
{
    TempDir dir;
    const QString file = fileIn(dir, "history.sqlite");
    openStore(file).reset();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("test-newer-schema"));
        db.setDatabaseName(file);
        REQUIRE(db.open());
        QSqlQuery q(db);
        REQUIRE(q.exec(QStringLiteral("UPDATE schema_version SET version = 99")));
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("test-newer-schema"));

    auto store = HistoryStore::open(file);
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().code == Errc::Unsupported);
    CHECK(store.error().message.find("schema version 99") != std::string::npos);
    CHECK(QFileInfo::exists(file));
    CHECK(QDir(QString::fromStdString(dir.path().string()))
              .entryList({QStringLiteral("*.corrupt-*")}, QDir::Files)
              .isEmpty());
}

TEST_CASE("HistoryStore reports a path it cannot open instead of crashing", "[core][history]")
{
    TempDir dir;
    std::filesystem::create_directories(dir / "a-directory");
    auto store = HistoryStore::open(fileIn(dir, "a-directory"));
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().message.find("a-directory") != std::string::npos);
    CHECK(std::filesystem::is_directory(dir / "a-directory"));
}

TEST_CASE("HistoryStore works on a worker thread, and two stores coexist", "[core][history]")
{
    TempDir dir;
    const QString file = fileIn(dir, "history.sqlite");
    std::string failure;
    std::size_t readBack = 0;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        auto store = HistoryStore::open(file);
        if (!store) {
            failure = store.error().describe();
            return;
        }
        auto other = HistoryStore::open(fileIn(dir, "other.sqlite")); // a second connection at the same time
        if (!other || !(*store)->recordDisk(diskSamples(4, "/data2", kT0, 20 * kStepMs)) ||
            !(*other)->recordDisk(diskSamples(5, "/data3", kT0, 2 * kStepMs))) {
            failure = "record failed";
            return;
        }
        if (auto points = (*store)->diskSeries(BrokerId(4), "/data2", kT0, kT0 + kHourMs))
            readBack = points->size();
    }));
    worker->start();
    REQUIRE(worker->wait());
    INFO(failure);
    CHECK(failure.empty());
    CHECK(readBack == 20);
    auto store = openStore(file);
    CHECK(store->diskSeries(BrokerId(4), "/data2", kT0, kT0 + kHourMs)->size() == 20);
}
