// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/properties.h"
#include "core/common/result.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core {

/// One key whose effective value differs between the loaded file and the
/// edited document. `before`/`after` empty: the key was added/removed.
struct PropertyChange {
    std::string key;
    std::optional<std::string> before;
    std::optional<std::string> after;
};

/// A broker's server.properties opened for editing. Comments, blank lines
/// and the order of keys survive (PropertiesDocument); save() keeps a
/// timestamped backup next to the file and replaces it atomically (temp
/// file with the original's mode and owner, fsync, rename, fsync of the
/// directory), and refuses when the file changed on disk since it was
/// loaded. A symlinked file is edited at its target. Plain value type,
/// any thread (file I/O: keep it off the GUI thread for slow disks).
class ServerPropertiesFile {
public:
    static Result<ServerPropertiesFile> load(const std::filesystem::path &path);

    [[nodiscard]] const std::filesystem::path &path() const { return m_path; }
    [[nodiscard]] std::optional<std::string> get(std::string_view key) const { return m_doc.get(key); }
    [[nodiscard]] std::vector<std::string> keys() const { return m_doc.keys(); }
    void set(std::string_view key, std::string_view value) { m_doc.set(key, value); }
    bool remove(std::string_view key) { return m_doc.remove(key); }
    [[nodiscard]] const PropertiesDocument &document() const { return m_doc; }

    /// What save() would change, in the order of the keys (for previews).
    [[nodiscard]] std::vector<PropertyChange> changes() const;
    /// One line per change: "log.dirs: /a,/b -> /a,/c", "+ key=value", "- key (was value)".
    [[nodiscard]] std::string diffSummary() const;
    /// The text save() would write.
    [[nodiscard]] std::string text() const { return m_doc.serialize(); }

    struct Saved {
        std::filesystem::path file;
        std::filesystem::path backup; ///< empty when nothing changed (nothing written)
        std::vector<PropertyChange> changes;
    };

    /// Writes the edits. `backupTime` names the backup (default: now, UTC);
    /// a name already taken gets "-2", "-3"... Errors name the file; on any
    /// error the original is untouched.
    Result<Saved> save(std::optional<std::string> backupTime = std::nullopt);

    /// "server.properties.spillway-backup-20240131T235959Z"
    static std::string backupName(const std::filesystem::path &file, const std::string &utcTime);

private:
    std::filesystem::path m_path;
    std::string m_original;
    PropertiesDocument m_loaded;
    PropertiesDocument m_doc;
};

} // namespace spillway::core
