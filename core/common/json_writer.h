// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core {

/// A small streaming JSON writer for `--json` output of the Qt-free tools.
/// Keys and commas are managed for you:
///   JsonWriter w; w.beginObject(); w.key("ok").value(true); w.endObject();
/// Output is compact (one line) unless constructed with indent > 0.
class JsonWriter {
public:
    explicit JsonWriter(int indent = 0) : m_indent(indent) {}

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    JsonWriter &key(std::string_view k);
    JsonWriter &value(std::string_view v);
    JsonWriter &value(const char *v) { return value(std::string_view(v)); }
    JsonWriter &value(const std::string &v) { return value(std::string_view(v)); }
    JsonWriter &value(bool v);
    JsonWriter &value(std::int64_t v);
    JsonWriter &value(std::uint64_t v);
    JsonWriter &value(int v) { return value(static_cast<std::int64_t>(v)); }
    JsonWriter &value(double v);
    JsonWriter &null();

    [[nodiscard]] const std::string &str() const { return m_out; }

    static std::string escape(std::string_view s);

private:
    void beforeValue();
    void newline();
    std::string m_out;
    std::vector<bool> m_first; // per open container: no element written yet
    bool m_afterKey = false;
    int m_indent;
};

} // namespace spillway::core
