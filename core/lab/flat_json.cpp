// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/flat_json.h"

#include <cctype>
#include <charconv>

namespace spillway::lab {
namespace {

/// A cursor over the text; every step reports failure through `ok`.
struct Cursor {
    std::string_view text;
    std::size_t pos = 0;
    bool ok = true;

    void skipSpace()
    {
        while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])))
            ++pos;
    }
    bool take(char c)
    {
        skipSpace();
        if (pos < text.size() && text[pos] == c) {
            ++pos;
            return true;
        }
        return false;
    }
    char peek()
    {
        skipSpace();
        return pos < text.size() ? text[pos] : '\0';
    }

    std::string string()
    {
        std::string out;
        if (!take('"')) {
            ok = false;
            return out;
        }
        while (pos < text.size() && text[pos] != '"') {
            char c = text[pos++];
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (pos >= text.size())
                break;
            c = text[pos++];
            switch (c) {
            case 'n': out.push_back('\n'); break;
            case 't': out.push_back('\t'); break;
            case 'r': out.push_back('\r'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'u': {
                unsigned code = 0;
                if (pos + 4 > text.size() ||
                    std::from_chars(text.data() + pos, text.data() + pos + 4, code, 16).ptr != text.data() + pos + 4) {
                    ok = false;
                    return out;
                }
                pos += 4;
                // UTF-8 for the BMP; surrogate pairs are not expected here.
                if (code < 0x80) {
                    out.push_back(static_cast<char>(code));
                } else if (code < 0x800) {
                    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
                    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
                } else {
                    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
                    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
                    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
                }
                break;
            }
            default: out.push_back(c); break;
            }
        }
        if (pos >= text.size())
            ok = false;
        else
            ++pos; // closing quote
        return out;
    }

    /// A number or literal: its text.
    std::string scalar()
    {
        skipSpace();
        const std::size_t start = pos;
        while (pos < text.size() && text[pos] != ',' && text[pos] != '}' && text[pos] != ']' &&
               !std::isspace(static_cast<unsigned char>(text[pos])))
            ++pos;
        if (pos == start)
            ok = false;
        return std::string(text.substr(start, pos - start));
    }

    /// Skips any value, nested or not.
    void skipValue()
    {
        const char c = peek();
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            const char closeChar = c == '{' ? '}' : ']';
            ++pos;
            if (take(closeChar))
                return;
            do {
                if (c == '{') {
                    string();
                    if (!take(':')) {
                        ok = false;
                        return;
                    }
                }
                skipValue();
            } while (ok && take(','));
            if (!take(closeChar))
                ok = false;
        } else {
            scalar();
        }
    }
};

} // namespace

Result<FlatJson> FlatJson::parse(std::string_view text)
{
    FlatJson json;
    Cursor c{text};
    const auto bad = [&] {
        return makeError(Errc::Corrupt, "not a JSON object: '" + std::string(text.substr(0, 200)) + "'");
    };
    if (!c.take('{'))
        return bad();
    if (c.take('}'))
        return json;
    do {
        std::string key = c.string();
        if (!c.ok || !c.take(':'))
            return bad();
        const char next = c.peek();
        if (next == '"') {
            json.m_values[key] = c.string();
        } else if (next == '{' || next == '[') {
            c.skipValue();
        } else {
            json.m_values[key] = c.scalar();
        }
        if (!c.ok)
            return bad();
    } while (c.take(','));
    if (!c.take('}'))
        return bad();
    return json;
}

std::optional<std::string> FlatJson::string(std::string_view key) const
{
    const auto it = m_values.find(key);
    if (it == m_values.end() || it->second == "null")
        return std::nullopt;
    return it->second;
}

std::optional<std::int64_t> FlatJson::integer(std::string_view key) const
{
    const auto it = m_values.find(key);
    if (it == m_values.end())
        return std::nullopt;
    std::int64_t v = 0;
    const auto &s = it->second;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || ptr != s.data() + s.size())
        return std::nullopt;
    return v;
}

std::optional<bool> FlatJson::boolean(std::string_view key) const
{
    const auto it = m_values.find(key);
    if (it == m_values.end() || (it->second != "true" && it->second != "false"))
        return std::nullopt;
    return it->second == "true";
}

} // namespace spillway::lab
