// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core {

/// A Java `.properties` document (server.properties, meta.properties) that
/// can be edited without disturbing what it does not touch: comments, blank
/// lines, key order, separators and line endings survive, so serialize() of
/// an unmodified document returns the parsed text byte for byte.
///
/// Parsing follows java.util.Properties.load: `#`/`!` comment lines, `=`,
/// `:` or whitespace between key and value, backslash line continuations,
/// `\t \n \r \f \uXXXX` escapes, and for a duplicated key the last one wins.
/// Values are UTF-8 strings; on writing, characters outside printable ASCII
/// become `\uXXXX` so that Java's ISO-8859-1 reader sees the same text.
/// A plain value type; not thread-safe, copy it to share.
class PropertiesDocument {
public:
    PropertiesDocument() = default;

    /// Errors (with the line number) only for malformed `\uXXXX` escapes,
    /// the one thing Java's reader rejects.
    static Result<PropertiesDocument> parse(std::string_view text);

    /// The effective value of `key` (the last occurrence, as Java).
    [[nodiscard]] std::optional<std::string> get(std::string_view key) const;
    [[nodiscard]] bool contains(std::string_view key) const { return get(key).has_value(); }
    /// get() as a whole decimal integer; nullopt when absent or not one.
    [[nodiscard]] std::optional<std::int64_t> getInt(std::string_view key) const;

    /// Replaces the value of the effective occurrence in place (keeping its
    /// key spelling and separator), or appends `key=value` at the end.
    void set(std::string_view key, std::string_view value);

    /// Removes every occurrence of `key` (an earlier duplicate would
    /// otherwise become effective). False when the key was absent.
    bool remove(std::string_view key);

    /// Distinct keys in order of first appearance.
    [[nodiscard]] std::vector<std::string> keys() const;

    /// The document as text: untouched lines exactly as parsed.
    [[nodiscard]] std::string serialize() const;

    /// Java's escaping for a key or a value (Properties.store rules).
    static std::string escapeKey(std::string_view key);
    static std::string escapeValue(std::string_view value);

private:
    /// One logical line with its physical text (continuations and line
    /// terminator included). Comments and blank lines have no key.
    struct Line {
        std::string raw;
        bool isProperty = false;
        std::string key;
        std::string value;
        std::size_t valueStart = 0; ///< where the value's text starts in raw
        std::size_t contentEnd = 0; ///< raw.size() minus the line terminator
    };

    [[nodiscard]] std::string newline() const;

    std::vector<Line> m_lines;
};

} // namespace spillway::core
