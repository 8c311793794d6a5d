// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/services/broker_entry.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core {

/// The brokers the console owns or reaches, persisted as one JSON file
/// (`<data dir>/brokers.json`, replaced atomically). Each add/remove takes a
/// lock file, re-reads the file and writes it back, so the console and
/// spillway-cli can edit it at the same time without losing an entry.
/// Per-broker runtime files (process log, pid file) live in
/// `<data dir>/brokers/<id>/`. Plain object, any thread; no caching.
class BrokerRegistry {
public:
    /// `dataDir` as AppPaths::dataDir; created on the first write.
    explicit BrokerRegistry(std::filesystem::path dataDir);

    [[nodiscard]] const std::filesystem::path &dataDir() const { return m_dataDir; }
    [[nodiscard]] std::filesystem::path file() const { return m_dataDir / "brokers.json"; }
    /// Where the supervisor of `id` keeps its log and pid file.
    [[nodiscard]] std::filesystem::path stateDir(std::string_view id) const;

    /// Every entry, in the order added; local entries with their facts read
    /// from server.properties now (or `problem` set). A missing registry file
    /// is an empty list; a damaged one is an error naming the file and byte.
    [[nodiscard]] Result<std::vector<BrokerEntry>> load() const;
    [[nodiscard]] Result<BrokerEntry> find(std::string_view id) const;

    /// Validates (completeLocalEntry / completeRemoteEntry) and appends.
    /// Errors: duplicate id, and each validation error. Returns the stored entry.
    Result<BrokerEntry> add(BrokerEntry entry);

    /// Removes the entry (not its files: logs stay for the record).
    Status remove(std::string_view id);

    /// JSON text of the entries (what is persisted), and back.
    static std::string toJson(const std::vector<BrokerEntry> &entries);
    static Result<std::vector<BrokerEntry>> fromJson(std::string_view json, const std::string &origin);

private:
    std::filesystem::path m_dataDir;
};

} // namespace spillway::core
