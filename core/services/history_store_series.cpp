// SPDX-License-Identifier: GPL-3.0-or-later
// HistoryStore: recording samples, compacting tiers, querying series.
#include "core/services/history_sql.h"
#include "core/services/history_store.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include <algorithm>

namespace spillway::core {
namespace {

/// Runs `q` (prepared and bound); an Error naming `what` on failure.
Status run(QSqlQuery &q, const char *what)
{
    if (!q.exec())
        return history_sql::error(q.lastError(), what);
    return {};
}

std::int64_t floorTo(std::int64_t t, std::int64_t bucket) { return bucket > 0 ? (t / bucket) * bucket : t; }

/// One table's description for the shared SQL below.
struct SampleTable {
    const char *samples;
    const char *series;
    const char *columns;   ///< value columns, averaged
    const char *maxColumn; ///< kept as the maximum
};
constexpr SampleTable kDisk{"disk_samples", "disk_series", "capacity, used, free, kafka", "used_max"};
constexpr SampleTable kLag{"lag_samples", "lag_series", "lag", "lag_max"};

QString columnList(const SampleTable &t, const QString &pattern)
{
    QStringList parts;
    for (const QString &c : QString::fromLatin1(t.columns).split(QStringLiteral(", ")))
        parts << pattern.arg(c);
    return parts.join(QStringLiteral(", "));
}

/// Moves rows of tier `src` older than `cutoff` into buckets of tier `dst`,
/// merged by weight with any bucket already there, then deletes them.
Status rollUp(QSqlDatabase &db, const SampleTable &t, int src, int dst, std::int64_t bucket, std::int64_t cutoff)
{
    QSqlQuery q(db);
    const QString sql =
        QStringLiteral("INSERT INTO %1 (series, tier, ts, n, %2, %3) "
                       "SELECT series, ?, (ts / ?) * ? AS bucket_ts, SUM(n), %4, MAX(%3) FROM %1 "
                       "WHERE tier = ? AND ts < ? GROUP BY series, bucket_ts "
                       "ON CONFLICT (series, tier, ts) DO UPDATE SET %5, %3 = MAX(%3, excluded.%3), n = n + excluded.n")
            .arg(QLatin1String(t.samples), QLatin1String(t.columns), QLatin1String(t.maxColumn),
                 columnList(t, QStringLiteral("SUM(%1 * n) / SUM(n)")),
                 columnList(t, QStringLiteral("%1 = (%1 * n + excluded.%1 * excluded.n) / (n + excluded.n)")));
    q.prepare(sql);
    for (const QVariant &v :
         {QVariant(dst), QVariant(qint64(bucket)), QVariant(qint64(bucket)), QVariant(src), QVariant(qint64(cutoff))})
        q.addBindValue(v);
    if (auto st = run(q, "cannot downsample history"); !st)
        return st;
    q.prepare(QStringLiteral("DELETE FROM %1 WHERE tier = ? AND ts < ?").arg(QLatin1String(t.samples)));
    q.addBindValue(src);
    q.addBindValue(qint64(cutoff));
    return run(q, "cannot delete downsampled history");
}

Status dropOld(QSqlDatabase &db, const SampleTable &t, std::int64_t before)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM %1 WHERE tier = 2 AND ts < ?").arg(QLatin1String(t.samples)));
    q.addBindValue(qint64(before));
    if (auto st = run(q, "cannot drop old history"); !st)
        return st;
    q.prepare(QStringLiteral("DELETE FROM %1 WHERE id NOT IN (SELECT DISTINCT series FROM %2)")
                  .arg(QLatin1String(t.series), QLatin1String(t.samples)));
    return run(q, "cannot drop empty history series");
}

/// The points of one series, raw tiers merged, or re-bucketed to maxPoints.
template <class Point, class Fill>
Result<std::vector<Point>> querySeries(QSqlDatabase db, const SampleTable &t, std::int64_t id, std::int64_t fromMs,
                                       std::int64_t toMs, int maxPoints, const HistoryOptions &o, Fill fill)
{
    std::vector<Point> out;
    if (id < 0 || toMs < fromMs)
        return out;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM %1 WHERE series = ? AND ts BETWEEN ? AND ?")
                  .arg(QLatin1String(t.samples)));
    for (const QVariant &v : {QVariant(qint64(id)), QVariant(qint64(fromMs)), QVariant(qint64(toMs))})
        q.addBindValue(v);
    if (!q.exec() || !q.next())
        return history_sql::error(q.lastError(), "cannot count history points");
    const auto count = q.value(0).toLongLong();
    q.finish();
    const bool rebucket = maxPoints > 0 && count > maxPoints;
    const std::int64_t bucket = rebucket ? (toMs - fromMs + maxPoints) / maxPoints : 0;
    if (rebucket) {
        q.prepare(QStringLiteral("SELECT ((ts - ?) / ?) * ? + ? AS b, SUM(n), %1, MAX(%2) FROM %3 "
                                 "WHERE series = ? AND ts BETWEEN ? AND ? GROUP BY b ORDER BY b")
                      .arg(columnList(t, QStringLiteral("SUM(%1 * n) / SUM(n)")), QLatin1String(t.maxColumn),
                           QLatin1String(t.samples)));
        for (const QVariant &v :
             {QVariant(qint64(fromMs)), QVariant(qint64(bucket)), QVariant(qint64(bucket)), QVariant(qint64(fromMs))})
            q.addBindValue(v);
    } else {
        q.prepare(QStringLiteral("SELECT ts, tier, n, %1, %2 FROM %3 WHERE series = ? AND ts BETWEEN ? AND ? "
                                 "ORDER BY ts, tier")
                      .arg(QLatin1String(t.columns), QLatin1String(t.maxColumn), QLatin1String(t.samples)));
    }
    for (const QVariant &v : {QVariant(qint64(id)), QVariant(qint64(fromMs)), QVariant(qint64(toMs))})
        q.addBindValue(v);
    if (!q.exec())
        return history_sql::error(q.lastError(), "cannot read history points");
    out.reserve(static_cast<std::size_t>(std::min<qint64>(count, 100'000)));
    while (q.next()) {
        Point p;
        p.timeMs = q.value(0).toLongLong();
        int column = 1;
        if (rebucket) {
            p.resolutionMs = bucket;
        } else {
            const int tier = q.value(column++).toInt();
            p.resolutionMs = tier == 0 ? 0 : tier == 1 ? o.minuteBucketMs : o.quarterBucketMs;
        }
        p.samples = q.value(column++).toLongLong();
        fill(p, q, column);
        out.push_back(p);
    }
    return out;
}

} // namespace

Status HistoryStore::recordDisk(std::span<const DiskHistorySample> samples)
{
    if (samples.empty())
        return {};
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return history_sql::error(db.lastError(), "cannot start a history transaction");
    std::int64_t latest = 0;
    for (const auto &s : samples) {
        auto id = seriesId(true, std::to_string(s.broker.get()), s.dir, true);
        if (!id) {
            db.rollback();
            return id.error();
        }
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT OR REPLACE INTO disk_samples (series, tier, ts, n, capacity, used, free, "
                                 "kafka, used_max) VALUES (?, 0, ?, 1, ?, ?, ?, ?, ?)"));
        for (const QVariant &v : {QVariant(qint64(*id)), QVariant(qint64(s.timeMs)), QVariant(double(s.capacityBytes)),
                                  QVariant(double(s.usedBytes)), QVariant(double(s.freeBytes)),
                                  QVariant(double(s.kafkaBytes)), QVariant(double(s.usedBytes))})
            q.addBindValue(v);
        if (auto st = run(q, "cannot record a disk sample"); !st) {
            db.rollback();
            return st;
        }
        latest = std::max(latest, s.timeMs);
    }
    if (!db.commit())
        return history_sql::error(db.lastError(), "cannot commit disk samples");
    return maybeCompact(latest);
}

Status HistoryStore::recordLag(std::span<const LagHistorySample> samples)
{
    if (samples.empty())
        return {};
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return history_sql::error(db.lastError(), "cannot start a history transaction");
    std::int64_t latest = 0;
    for (const auto &s : samples) {
        auto id = seriesId(false, s.group, s.topic, true);
        if (!id) {
            db.rollback();
            return id.error();
        }
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "INSERT OR REPLACE INTO lag_samples (series, tier, ts, n, lag, lag_max) VALUES (?, 0, ?, 1, ?, ?)"));
        for (const QVariant &v :
             {QVariant(qint64(*id)), QVariant(qint64(s.timeMs)), QVariant(double(s.lag)), QVariant(double(s.lag))})
            q.addBindValue(v);
        if (auto st = run(q, "cannot record a lag sample"); !st) {
            db.rollback();
            return st;
        }
        latest = std::max(latest, s.timeMs);
    }
    if (!db.commit())
        return history_sql::error(db.lastError(), "cannot commit lag samples");
    return maybeCompact(latest);
}

Status HistoryStore::maybeCompact(std::int64_t latestMs)
{
    if (latestMs - m_lastCompactMs < m_options.compactEveryMs)
        return {};
    return compact(latestMs);
}

Status HistoryStore::compact(std::int64_t nowMs)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return history_sql::error(db.lastError(), "cannot start a compaction");
    const std::int64_t rawCutoff = floorTo(nowMs - m_options.rawKeepMs, m_options.minuteBucketMs);
    const std::int64_t minuteCutoff = floorTo(nowMs - m_options.minuteKeepMs, m_options.quarterBucketMs);
    for (const SampleTable *t : {&kDisk, &kLag}) {
        Status st = rollUp(db, *t, 0, 1, m_options.minuteBucketMs, rawCutoff);
        if (st)
            st = rollUp(db, *t, 1, 2, m_options.quarterBucketMs, minuteCutoff);
        if (st)
            st = dropOld(db, *t, nowMs - m_options.quarterKeepMs);
        if (!st) {
            db.rollback();
            return st;
        }
    }
    if (!db.commit())
        return history_sql::error(db.lastError(), "cannot commit a compaction");
    m_diskIds.clear(); // empty series may have been dropped
    m_lagIds.clear();
    m_lastCompactMs = nowMs;
    return {};
}

Result<std::vector<DiskHistoryPoint>> HistoryStore::diskSeries(BrokerId broker, const std::string &dir,
                                                               std::int64_t fromMs, std::int64_t toMs, int maxPoints)
{
    auto id = seriesId(true, std::to_string(broker.get()), dir, false);
    if (!id)
        return id.error();
    return querySeries<DiskHistoryPoint>(QSqlDatabase::database(m_connection, false), kDisk, *id, fromMs, toMs,
                                         maxPoints, m_options, [](DiskHistoryPoint &p, QSqlQuery &q, int c) {
                                             p.capacityBytes = q.value(c).toDouble();
                                             p.usedBytes = q.value(c + 1).toDouble();
                                             p.freeBytes = q.value(c + 2).toDouble();
                                             p.kafkaBytes = q.value(c + 3).toDouble();
                                             p.usedMax = q.value(c + 4).toDouble();
                                         });
}

Result<std::vector<LagHistoryPoint>> HistoryStore::lagSeries(const std::string &group, const std::string &topic,
                                                             std::int64_t fromMs, std::int64_t toMs, int maxPoints)
{
    auto id = seriesId(false, group, topic, false);
    if (!id)
        return id.error();
    return querySeries<LagHistoryPoint>(QSqlDatabase::database(m_connection, false), kLag, *id, fromMs, toMs, maxPoints,
                                        m_options, [](LagHistoryPoint &p, QSqlQuery &q, int c) {
                                            p.lag = q.value(c).toDouble();
                                            p.lagMax = q.value(c + 1).toDouble();
                                        });
}

Result<std::vector<std::pair<BrokerId, std::string>>> HistoryStore::diskSeriesKeys()
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT broker, dir FROM disk_series ORDER BY broker, dir")))
        return history_sql::error(q.lastError(), "cannot list disk history series");
    std::vector<std::pair<BrokerId, std::string>> out;
    while (q.next())
        out.emplace_back(BrokerId(q.value(0).toInt()), q.value(1).toString().toStdString());
    return out;
}

Result<std::vector<std::pair<std::string, std::string>>> HistoryStore::lagSeriesKeys()
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT grp, topic FROM lag_series ORDER BY grp, topic")))
        return history_sql::error(q.lastError(), "cannot list lag history series");
    std::vector<std::pair<std::string, std::string>> out;
    while (q.next())
        out.emplace_back(q.value(0).toString().toStdString(), q.value(1).toString().toStdString());
    return out;
}

Result<std::vector<std::int64_t>> HistoryStore::diskRowsPerTier()
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT tier, COUNT(*) FROM disk_samples GROUP BY tier")))
        return history_sql::error(q.lastError(), "cannot count history rows");
    std::vector<std::int64_t> out(3, 0);
    while (q.next()) {
        const int tier = q.value(0).toInt();
        if (tier >= 0 && tier < 3)
            out[static_cast<std::size_t>(tier)] = q.value(1).toLongLong();
    }
    return out;
}

std::vector<measure::SeriesSample> usedBytesSeries(std::span<const DiskHistoryPoint> points, bool kafka)
{
    std::vector<measure::SeriesSample> out;
    out.reserve(points.size());
    for (const auto &p : points)
        out.push_back({p.timeMs + p.resolutionMs / 2, kafka ? p.kafkaBytes : p.usedBytes});
    return out;
}

std::vector<measure::SeriesSample> lagSeriesSamples(std::span<const LagHistoryPoint> points)
{
    std::vector<measure::SeriesSample> out;
    out.reserve(points.size());
    for (const auto &p : points)
        out.push_back({p.timeMs + p.resolutionMs / 2, p.lag});
    return out;
}

} // namespace spillway::core
