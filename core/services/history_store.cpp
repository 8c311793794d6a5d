// SPDX-License-Identifier: GPL-3.0-or-later
// HistoryStore: the connection, the schema, and recovery from a bad file.
// Recording, compaction and queries are in history_store_series.cpp.
#include "core/services/history_store.h"

#include "core/services/history_sql.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>

namespace spillway::core {
namespace {

const char *const kSchema[] = {
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE disk_series (id INTEGER PRIMARY KEY, broker INTEGER NOT NULL, dir TEXT NOT NULL, "
    "UNIQUE (broker, dir))",
    // tier 0: raw samples (n = 1); 1 and 2: averages of n samples over a bucket starting at ts.
    "CREATE TABLE disk_samples (series INTEGER NOT NULL, tier INTEGER NOT NULL, ts INTEGER NOT NULL, "
    "n INTEGER NOT NULL, capacity REAL, used REAL, free REAL, kafka REAL, used_max REAL, "
    "PRIMARY KEY (series, tier, ts)) WITHOUT ROWID",
    "CREATE TABLE lag_series (id INTEGER PRIMARY KEY, grp TEXT NOT NULL, topic TEXT NOT NULL, UNIQUE (grp, topic))",
    "CREATE TABLE lag_samples (series INTEGER NOT NULL, tier INTEGER NOT NULL, ts INTEGER NOT NULL, "
    "n INTEGER NOT NULL, lag REAL, lag_max REAL, PRIMARY KEY (series, tier, ts)) WITHOUT ROWID",
};

/// `<file>.corrupt-<UTC time>`, with a counter if that exists already.
QString asideName(const QString &file)
{
    const QString base = file + QStringLiteral(".corrupt-") +
                         QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString name = base;
    for (int i = 2; QFileInfo::exists(name); ++i)
        name = base + QLatin1Char('-') + QString::number(i);
    return name;
}

} // namespace

HistoryStore::HistoryStore(QString file, QString connection, const HistoryOptions &options)
    : m_file(std::move(file))
    , m_connection(std::move(connection))
    , m_options(options)
{}

HistoryStore::~HistoryStore() { closeConnection(); }

Result<std::unique_ptr<HistoryStore>> HistoryStore::open(const QString &file, const HistoryOptions &options)
{
    static std::atomic<int> counter{0};
    const QString connection = QStringLiteral("spillway-history-%1").arg(++counter);
    std::unique_ptr<HistoryStore> store(new HistoryStore(file, connection, options));
    const QFileInfo info(file);
    if (!QDir().mkpath(info.absolutePath()))
        return makeError(Errc::Io, "cannot create the directory of the history database " + file.toStdString());

    Status st = store->openConnection();
    if (!st && st.error().code == Errc::Corrupt) {
        store->closeConnection();
        const QString aside = asideName(file);
        if (!QFile::rename(file, aside))
            return makeError(Errc::Io,
                             "history database " + file.toStdString() + " is unreadable (" + st.error().message +
                                 ") and cannot be moved aside to " + aside.toStdString(),
                             "move or delete it by hand");
        for (const char *suffix : {"-wal", "-shm"}) {
            const QString extra = file + QLatin1String(suffix);
            if (QFileInfo::exists(extra))
                QFile::rename(extra, aside + QLatin1String(suffix));
        }
        store->m_recovery = QStringLiteral("The history database %1 was unreadable (%2). It was moved aside to %3 "
                                           "and a new, empty history was started.")
                                .arg(file, QString::fromStdString(st.error().message), aside);
        st = store->openConnection();
    }
    if (!st) {
        store->closeConnection();
        return st.error();
    }
    return store;
}

Status HistoryStore::openConnection()
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
        db.setDatabaseName(m_file);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open())
            return history_sql::error(db.lastError(), "cannot open history database " + m_file.toStdString());
    }
    return createOrCheckSchema();
}

void HistoryStore::closeConnection()
{
    if (!QSqlDatabase::contains(m_connection))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
    m_diskIds.clear();
    m_lagIds.clear();
}

Status HistoryStore::createOrCheckSchema()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    // A file that is not a database fails here (SQLITE_NOTADB); a damaged one here or in the check.
    if (!q.exec(QStringLiteral("PRAGMA quick_check")))
        return history_sql::error(q.lastError(), "cannot check history database " + m_file.toStdString());
    if (!q.next())
        return makeError(Errc::Corrupt, "integrity check gave no answer");
    if (const QString verdict = q.value(0).toString(); verdict != QLatin1String("ok"))
        return makeError(Errc::Corrupt, "integrity check failed: " + verdict.toStdString());
    q.finish();
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next())
        return history_sql::error(q.lastError(), "cannot switch history database to WAL mode");
    q.finish();
    if (!q.exec(QStringLiteral("PRAGMA synchronous=NORMAL")))
        return history_sql::error(q.lastError(), "cannot set synchronous=NORMAL");

    if (!q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'")))
        return history_sql::error(q.lastError(), "cannot read the history database schema");
    bool hasVersion = false;
    int tables = 0;
    while (q.next()) {
        ++tables;
        hasVersion = hasVersion || q.value(0).toString() == QLatin1String("schema_version");
    }
    q.finish();
    if (hasVersion) {
        if (!q.exec(QStringLiteral("SELECT version FROM schema_version")) || !q.next())
            return makeError(Errc::Corrupt, "schema_version table is empty");
        const int version = q.value(0).toInt();
        q.finish();
        if (version > kSchemaVersion)
            return makeError(Errc::Unsupported,
                             "history database " + m_file.toStdString() + " has schema version " +
                                 std::to_string(version) + ", newer than this Spillway's " +
                                 std::to_string(kSchemaVersion),
                             "use the newer Spillway, or give this one another data directory");
        return {}; // version 1 is the first: nothing to migrate yet
    }
    if (tables > 0)
        return makeError(Errc::Corrupt, "not a Spillway history database (no schema_version table)");

    if (!db.transaction())
        return history_sql::error(db.lastError(), "cannot start a transaction");
    for (const char *sql : kSchema) {
        if (!q.exec(QString::fromLatin1(sql))) {
            const Error e = history_sql::error(q.lastError(), "cannot create the history schema");
            db.rollback();
            return e;
        }
    }
    if (!q.exec(QStringLiteral("INSERT INTO schema_version (version) VALUES (%1)").arg(kSchemaVersion)) ||
        !db.commit()) {
        const Error e = history_sql::error(q.lastError(), "cannot write the schema version");
        db.rollback();
        return e;
    }
    return {};
}

Result<std::int64_t> HistoryStore::seriesId(bool disk, const std::string &a, const std::string &b, bool create)
{
    auto &cache = disk ? m_diskIds : m_lagIds;
    const auto key = std::make_pair(a, b);
    if (const auto it = cache.find(key); it != cache.end())
        return it->second;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(disk ? QStringLiteral("SELECT id FROM disk_series WHERE broker = ? AND dir = ?")
                   : QStringLiteral("SELECT id FROM lag_series WHERE grp = ? AND topic = ?"));
    q.addBindValue(disk ? QVariant(QString::fromStdString(a).toLongLong()) : QVariant(QString::fromStdString(a)));
    q.addBindValue(QString::fromStdString(b));
    if (!q.exec())
        return history_sql::error(q.lastError(), "cannot look up a history series");
    if (q.next()) {
        const auto id = q.value(0).toLongLong();
        cache[key] = id;
        return id;
    }
    if (!create)
        return std::int64_t{-1};
    q.finish();
    q.prepare(disk ? QStringLiteral("INSERT INTO disk_series (broker, dir) VALUES (?, ?)")
                   : QStringLiteral("INSERT INTO lag_series (grp, topic) VALUES (?, ?)"));
    q.addBindValue(disk ? QVariant(QString::fromStdString(a).toLongLong()) : QVariant(QString::fromStdString(a)));
    q.addBindValue(QString::fromStdString(b));
    if (!q.exec())
        return history_sql::error(q.lastError(), "cannot add a history series");
    const auto id = q.lastInsertId().toLongLong();
    cache[key] = id;
    return id;
}

} // namespace spillway::core
