// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/measure/growth_estimator.h"

#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace spillway::core {

/// One measurement of one log dir's filesystem (and of the Kafka bytes in it).
struct DiskHistorySample {
    BrokerId broker{0};
    std::string dir;
    std::int64_t timeMs = 0;
    std::int64_t capacityBytes = 0;
    std::int64_t usedBytes = 0;
    std::int64_t freeBytes = 0;
    std::int64_t kafkaBytes = 0;
};

/// One measurement of a consumer group's lag on one topic (summed over partitions).
struct LagHistorySample {
    std::string group;
    std::string topic;
    std::int64_t timeMs = 0;
    std::int64_t lag = 0;
};

/// A point of a stored series. Raw points are single samples; downsampled
/// ones are averages over `resolutionMs` (starting at timeMs) of `samples`
/// raw samples, with the peak kept in `usedMax` / `lagMax`.
struct DiskHistoryPoint {
    std::int64_t timeMs = 0;
    std::int64_t resolutionMs = 0; ///< 0: a raw sample
    std::int64_t samples = 1;
    double capacityBytes = 0;
    double usedBytes = 0;
    double freeBytes = 0;
    double kafkaBytes = 0;
    double usedMax = 0;
};

struct LagHistoryPoint {
    std::int64_t timeMs = 0;
    std::int64_t resolutionMs = 0;
    std::int64_t samples = 1;
    double lag = 0;
    double lagMax = 0;
};

/// How long each tier keeps its data; older data moves to the next tier.
struct HistoryOptions {
    std::int64_t rawKeepMs = 6LL * 3'600'000;       ///< raw samples: 6 h
    std::int64_t minuteBucketMs = 60'000;           ///< then 1-minute averages...
    std::int64_t minuteKeepMs = 7LL * 86'400'000;   ///< ...for 7 days
    std::int64_t quarterBucketMs = 15LL * 60'000;   ///< then 15-minute averages...
    std::int64_t quarterKeepMs = 90LL * 86'400'000; ///< ...for 90 days, then dropped
    std::int64_t compactEveryMs = 10LL * 60'000;    ///< record*() compacts at most this often (sample time)
};

/// The console's measurement history in SQLite (Qt SQL, QSQLITE): disk
/// samples per (broker, dir) and lag samples per (group, topic), kept in
/// three tiers (raw, 1-minute, 15-minute averages) so that charts over hours
/// and days survive a restart and the file stays small. WAL mode; a schema
/// version table; a file that is not a readable database is moved aside
/// (`<file>.corrupt-<time>`) and a new one started, with recoveryMessage()
/// saying so — never a crash.
///
/// Thread-affine, like every QSqlDatabase connection: open, use and destroy
/// it on one thread — the console's history worker thread, never the GUI
/// thread. Each instance has its own connection name, so several stores
/// (or threads) can coexist.
class HistoryStore {
public:
    static constexpr int kSchemaVersion = 1;

    ~HistoryStore();
    HistoryStore(const HistoryStore &) = delete;
    HistoryStore &operator=(const HistoryStore &) = delete;

    /// Opens or creates the store at `file` (parent dirs created).
    static Result<std::unique_ptr<HistoryStore>> open(const QString &file, const HistoryOptions &options = {});

    [[nodiscard]] const QString &file() const { return m_file; }
    /// Set when the previous file was unreadable and was moved aside.
    [[nodiscard]] const std::optional<QString> &recoveryMessage() const { return m_recovery; }

    /// Appends samples in one transaction; compacts when compactEveryMs of
    /// sample time has passed since the last compaction.
    Status recordDisk(std::span<const DiskHistorySample> samples);
    Status recordLag(std::span<const LagHistorySample> samples);

    /// Moves data older than each tier's keep time into the next tier (as
    /// weighted averages of whole buckets) and drops what is older than the
    /// last tier keeps. Idempotent.
    Status compact(std::int64_t nowMs);

    /// The points of one series in [fromMs, toMs], oldest first: raw where
    /// raw data is still kept, then the 1-minute and 15-minute tiers further
    /// back. With maxPoints > 0 and more points than that, evenly sized
    /// buckets of the whole range are returned instead.
    Result<std::vector<DiskHistoryPoint>> diskSeries(BrokerId broker, const std::string &dir, std::int64_t fromMs,
                                                     std::int64_t toMs, int maxPoints = 0);
    Result<std::vector<LagHistoryPoint>> lagSeries(const std::string &group, const std::string &topic,
                                                   std::int64_t fromMs, std::int64_t toMs, int maxPoints = 0);

    /// The (broker, dir) and (group, topic) pairs that have data.
    Result<std::vector<std::pair<BrokerId, std::string>>> diskSeriesKeys();
    Result<std::vector<std::pair<std::string, std::string>>> lagSeriesKeys();

    /// Row counts per tier (0 raw, 1 minute, 2 quarter), for tests and diagnostics.
    Result<std::vector<std::int64_t>> diskRowsPerTier();

private:
    HistoryStore(QString file, QString connection, const HistoryOptions &options);
    Status openConnection();
    void closeConnection();
    Status createOrCheckSchema();
    Result<std::int64_t> seriesId(bool disk, const std::string &a, const std::string &b, bool create);
    Status maybeCompact(std::int64_t latestMs);

    QString m_file;
    QString m_connection;
    HistoryOptions m_options;
    std::optional<QString> m_recovery;
    std::int64_t m_lastCompactMs = 0;
    std::map<std::pair<std::string, std::string>, std::int64_t> m_diskIds;
    std::map<std::pair<std::string, std::string>, std::int64_t> m_lagIds;
};

/// The used bytes (or with `kafka` the Kafka bytes) of a disk series, as
/// input for the growth estimator.
std::vector<measure::SeriesSample> usedBytesSeries(std::span<const DiskHistoryPoint> points, bool kafka = false);
/// The lag of a lag series, for the trend estimator.
std::vector<measure::SeriesSample> lagSeriesSamples(std::span<const LagHistoryPoint> points);

} // namespace spillway::core
