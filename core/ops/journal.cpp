// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/journal.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <system_error>
#include <utility>

namespace spillway::core::ops {
namespace {

constexpr std::string_view kStates[] = {"planned", "running", "done", "failed", "cancelled", "rolled-back"};

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Error sqlError(sqlite3 *db, std::string_view what)
{
    return makeError(Errc::Io, "journal: " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

/// A prepared statement, finalized on scope exit.
class Stmt {
public:
    Stmt(sqlite3 *db, std::string_view sql)
    {
        sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr);
    }
    ~Stmt() { sqlite3_finalize(m_stmt); }
    Stmt(const Stmt &) = delete;
    Stmt &operator=(const Stmt &) = delete;
    [[nodiscard]] sqlite3_stmt *get() const { return m_stmt; }
    void bind(int i, std::string_view text)
    {
        // An empty view may have a null data(): SQLite would store NULL.
        sqlite3_bind_text(m_stmt, i, text.empty() ? "" : text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    void bind(int i, std::int64_t v) { sqlite3_bind_int64(m_stmt, i, v); }
    [[nodiscard]] std::string text(int col) const
    {
        const auto *p = sqlite3_column_text(m_stmt, col);
        return p ? std::string(reinterpret_cast<const char *>(p)) : std::string();
    }

private:
    sqlite3_stmt *m_stmt = nullptr;
};

} // namespace

std::string_view toString(OperationState state) noexcept { return kStates[static_cast<int>(state)]; }

std::optional<OperationState> parseOperationState(std::string_view text) noexcept
{
    for (int i = 0; i < 6; ++i)
        if (kStates[i] == text)
            return static_cast<OperationState>(i);
    return std::nullopt;
}

bool JournalEntry::stepDone(std::string_view name) const
{
    for (const auto &s : steps)
        if (s.name == name && s.state == "done")
            return true;
    return false;
}

Journal::Journal(Journal &&other) noexcept : m_db(std::exchange(other.m_db, nullptr)) {}

Journal &Journal::operator=(Journal &&other) noexcept
{
    if (this != &other) {
        sqlite3_close(m_db);
        m_db = std::exchange(other.m_db, nullptr);
    }
    return *this;
}

Journal::~Journal() { sqlite3_close(m_db); }

std::filesystem::path Journal::defaultPath()
{
    const char *xdg = std::getenv("XDG_DATA_HOME");
    if (xdg && *xdg)
        return std::filesystem::path(xdg) / "spillway" / "journal.sqlite";
    const char *home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".local" / "share" / "spillway" / "journal.sqlite";
}

Result<Journal> Journal::open(const std::filesystem::path &file)
{
    std::error_code ec;
    if (file.has_parent_path())
        std::filesystem::create_directories(file.parent_path(), ec);
    if (ec)
        return Error::fromErrno(ec.value(), "journal: cannot create " + file.parent_path().string());
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    Journal journal(db);
    if (rc != SQLITE_OK)
        return sqlError(db, "cannot open " + file.string());
    sqlite3_busy_timeout(db, 5000);
    for (std::string_view sql : {
             "PRAGMA journal_mode=WAL",
             "PRAGMA synchronous=FULL",
             "CREATE TABLE IF NOT EXISTS operations(id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
             "broker TEXT NOT NULL, params TEXT NOT NULL, state TEXT NOT NULL, summary TEXT NOT NULL, "
             "created INTEGER NOT NULL, updated INTEGER NOT NULL)",
             "CREATE TABLE IF NOT EXISTS steps(operation INTEGER NOT NULL REFERENCES operations(id), "
             "seq INTEGER NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL, detail TEXT NOT NULL, "
             "PRIMARY KEY(operation, seq))",
         }) {
        if (auto st = journal.exec(sql); !st)
            return st.error();
    }
    return journal;
}

Status Journal::exec(std::string_view sql)
{
    char *err = nullptr;
    if (sqlite3_exec(m_db, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        return makeError(Errc::Io, "journal: " + msg);
    }
    return {};
}

Result<std::int64_t> Journal::begin(std::string_view kind, std::string_view broker, std::string_view paramsJson,
                                    std::string_view summary)
{
    Stmt st(m_db, "INSERT INTO operations(kind, broker, params, state, summary, created, updated) "
                  "VALUES(?1, ?2, ?3, 'running', ?4, ?5, ?5)");
    st.bind(1, kind);
    st.bind(2, broker);
    st.bind(3, paramsJson);
    st.bind(4, summary);
    st.bind(5, nowMs());
    if (sqlite3_step(st.get()) != SQLITE_DONE)
        return sqlError(m_db, "cannot record operation");
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(m_db));
}

Status Journal::stepStarted(std::int64_t id, int seq, std::string_view name, std::string_view detail)
{
    Stmt st(m_db,
            "INSERT OR REPLACE INTO steps(operation, seq, name, state, detail) VALUES(?1, ?2, ?3, 'started', ?4)");
    st.bind(1, id);
    st.bind(2, std::int64_t{seq});
    st.bind(3, name);
    st.bind(4, detail);
    if (sqlite3_step(st.get()) != SQLITE_DONE)
        return sqlError(m_db, "cannot record step");
    return {};
}

Status Journal::stepDone(std::int64_t id, int seq, std::string_view detail)
{
    Stmt st(m_db, "UPDATE steps SET state='done', detail=CASE WHEN ?3='' THEN detail ELSE ?3 END "
                  "WHERE operation=?1 AND seq=?2");
    st.bind(1, id);
    st.bind(2, std::int64_t{seq});
    st.bind(3, detail);
    if (sqlite3_step(st.get()) != SQLITE_DONE)
        return sqlError(m_db, "cannot record step");
    return {};
}

Status Journal::finish(std::int64_t id, OperationState state, std::string_view summary)
{
    Stmt st(m_db, "UPDATE operations SET state=?2, summary=?3, updated=?4 WHERE id=?1");
    st.bind(1, id);
    st.bind(2, toString(state));
    st.bind(3, summary);
    st.bind(4, nowMs());
    if (sqlite3_step(st.get()) != SQLITE_DONE)
        return sqlError(m_db, "cannot finish operation");
    return {};
}

Result<std::vector<JournalEntry>> Journal::query(std::string_view where, std::optional<std::int64_t> id)
{
    std::vector<JournalEntry> out;
    Stmt st(m_db, "SELECT id, kind, broker, params, state, summary, created, updated FROM operations " +
                      std::string(where) + " ORDER BY id");
    if (!st.get())
        return sqlError(m_db, "cannot read operations");
    if (id)
        st.bind(1, *id);
    int rc = 0;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        JournalEntry e;
        e.id = sqlite3_column_int64(st.get(), 0);
        e.kind = st.text(1);
        e.broker = st.text(2);
        e.params = st.text(3);
        e.state = parseOperationState(st.text(4)).value_or(OperationState::Failed);
        e.summary = st.text(5);
        e.created = sqlite3_column_int64(st.get(), 6);
        e.updated = sqlite3_column_int64(st.get(), 7);
        out.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE)
        return sqlError(m_db, "cannot read operations");
    for (auto &e : out) {
        Stmt steps(m_db, "SELECT seq, name, state, detail FROM steps WHERE operation=?1 ORDER BY seq");
        steps.bind(1, e.id);
        while ((rc = sqlite3_step(steps.get())) == SQLITE_ROW)
            e.steps.push_back({sqlite3_column_int(steps.get(), 0), steps.text(1), steps.text(2), steps.text(3)});
        if (rc != SQLITE_DONE)
            return sqlError(m_db, "cannot read steps");
    }
    return out;
}

Result<std::vector<JournalEntry>> Journal::list() { return query("", std::nullopt); }

Result<JournalEntry> Journal::get(std::int64_t id)
{
    auto rows = query("WHERE id=?1", id);
    if (!rows)
        return rows.error();
    if (rows->empty())
        return makeError(Errc::NotFound, "journal: no operation " + std::to_string(id));
    return std::move(rows->front());
}

Result<std::vector<JournalEntry>> Journal::interrupted() { return query("WHERE state='running'", std::nullopt); }

} // namespace spillway::core::ops
