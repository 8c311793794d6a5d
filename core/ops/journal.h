// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace spillway::core::ops {

/// The life of an operation in the journal.
enum class OperationState { Planned, Running, Done, Failed, Cancelled, RolledBack };
std::string_view toString(OperationState state) noexcept;
std::optional<OperationState> parseOperationState(std::string_view text) noexcept;

/// One step of an operation as recorded: "started" before it runs, "done"
/// after it ran (write-ahead), so a step left "started" was in flight.
struct JournalStep {
    int seq = 0;
    std::string name;
    std::string state; ///< "started" | "done"
    std::string detail;
};

/// One operation as recorded.
struct JournalEntry {
    std::int64_t id = 0;
    std::string kind;
    std::string broker;
    std::string params; ///< JSON object
    OperationState state = OperationState::Planned;
    std::string summary;
    std::int64_t created = 0; ///< Unix ms
    std::int64_t updated = 0; ///< Unix ms
    std::vector<JournalStep> steps;

    /// The last step recorded, or nullptr.
    [[nodiscard]] const JournalStep *lastStep() const noexcept { return steps.empty() ? nullptr : &steps.back(); }
    /// Whether a step of this name was recorded done.
    [[nodiscard]] bool stepDone(std::string_view name) const;
};

/// The crash-safe operation journal: an SQLite database (C API, WAL,
/// synchronous=FULL) with tables `operations` and `steps`. Every call commits
/// before it returns, so what it says survives a crash or power cut; an
/// operation still "running" at the next start was interrupted. Move-only;
/// one thread at a time.
class Journal {
public:
    Journal() = default;
    Journal(Journal &&other) noexcept;
    Journal &operator=(Journal &&other) noexcept;
    Journal(const Journal &) = delete;
    Journal &operator=(const Journal &) = delete;
    ~Journal();

    /// Opens (creating the file, its parent dirs and the tables if needed).
    static Result<Journal> open(const std::filesystem::path &file);
    /// The default location: $XDG_DATA_HOME/spillway/journal.sqlite, or
    /// ~/.local/share/spillway/journal.sqlite.
    static std::filesystem::path defaultPath();

    /// Records a new operation in state Running; returns its id.
    Result<std::int64_t> begin(std::string_view kind, std::string_view broker, std::string_view paramsJson,
                               std::string_view summary);
    Status stepStarted(std::int64_t id, int seq, std::string_view name, std::string_view detail = {});
    Status stepDone(std::int64_t id, int seq, std::string_view detail = {});
    Status finish(std::int64_t id, OperationState state, std::string_view summary);

    Result<std::vector<JournalEntry>> list();
    Result<JournalEntry> get(std::int64_t id);
    /// Operations left Running: interrupted by a crash or a kill.
    Result<std::vector<JournalEntry>> interrupted();

private:
    explicit Journal(sqlite3 *db) : m_db(db) {}
    Status exec(std::string_view sql);
    Result<std::vector<JournalEntry>> query(std::string_view where, std::optional<std::int64_t> id);

    sqlite3 *m_db = nullptr;
};

} // namespace spillway::core::ops
