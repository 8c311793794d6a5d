// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/properties.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace spillway::core {
namespace {

bool isJavaBlank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

/// One physical line: [begin, contentEnd) is the text, [contentEnd, end)
/// its terminator ("\n", "\r\n", "\r" or nothing at the end of the text).
struct PhysicalLine {
    std::size_t begin = 0;
    std::size_t contentEnd = 0;
    std::size_t end = 0;
};

PhysicalLine nextPhysicalLine(std::string_view text, std::size_t pos)
{
    PhysicalLine line{pos, pos, pos};
    while (line.contentEnd < text.size() && text[line.contentEnd] != '\n' && text[line.contentEnd] != '\r')
        ++line.contentEnd;
    line.end = line.contentEnd;
    if (line.end < text.size()) {
        if (text[line.end] == '\r' && line.end + 1 < text.size() && text[line.end + 1] == '\n')
            line.end += 2;
        else
            line.end += 1;
    }
    return line;
}

/// True when the text ends with an odd number of backslashes: Java's rule for
/// "this line continues on the next one".
bool endsWithContinuation(std::string_view content)
{
    std::size_t n = 0;
    while (n < content.size() && content[content.size() - 1 - n] == '\\')
        ++n;
    return n % 2 == 1;
}

void appendUtf8(std::string &out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// Java's loadConvert: resolves escapes. \uXXXX pairs that form a UTF-16
/// surrogate pair become one code point; the rest of the bytes pass through.
Result<std::string> unescape(std::string_view in, int lineNumber)
{
    std::string out;
    out.reserve(in.size());
    std::uint32_t pendingHigh = 0;
    auto flushHigh = [&] {
        if (pendingHigh != 0)
            appendUtf8(out, pendingHigh);
        pendingHigh = 0;
    };
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c != '\\' || i + 1 >= in.size()) {
            flushHigh();
            out += c;
            continue;
        }
        const char e = in[++i];
        if (e != 'u') {
            flushHigh();
            switch (e) {
            case 't': out += '\t'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 'f': out += '\f'; break;
            default: out += e; break;
            }
            continue;
        }
        std::uint32_t unit = 0;
        for (int k = 0; k < 4; ++k) {
            const int d = i + 1 < in.size() ? hexDigit(in[i + 1]) : -1;
            if (d < 0)
                return makeError(Errc::Corrupt, "line " + std::to_string(lineNumber) + ": malformed \\uxxxx escape",
                                 "a \\u must be followed by four hex digits");
            unit = unit * 16 + static_cast<std::uint32_t>(d);
            ++i;
        }
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            flushHigh();
            pendingHigh = unit;
        } else if (unit >= 0xDC00 && unit <= 0xDFFF && pendingHigh != 0) {
            appendUtf8(out, 0x10000 + ((pendingHigh - 0xD800) << 10) + (unit - 0xDC00));
            pendingHigh = 0;
        } else {
            flushHigh();
            appendUtf8(out, unit);
        }
    }
    flushHigh();
    return out;
}

/// Decodes one UTF-8 sequence at `i` (advancing it); invalid bytes are
/// taken as Latin-1, which is what Java's byte-oriented reader would do.
std::uint32_t nextCodePoint(std::string_view s, std::size_t &i)
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
        ++i;
        return b0;
    }
    std::uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1Fu) : len == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
    for (int k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((b >> 6) != 0x2) {
            ++i;
            return b0;
        }
        cp = (cp << 6) | (b & 0x3Fu);
    }
    i += static_cast<std::size_t>(len);
    return cp;
}

void appendUnicodeEscape(std::string &out, std::uint32_t unit)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4)
        out += kHex[(unit >> shift) & 0xF];
}

/// Java's saveConvert (Properties.store with unicode escapes).
std::string escape(std::string_view in, bool escapeAllSpaces)
{
    std::string out;
    out.reserve(in.size() + 8);
    std::size_t i = 0;
    while (i < in.size()) {
        const bool first = i == 0;
        const std::uint32_t cp = nextCodePoint(in, i);
        if (cp > 61 && cp < 127) {
            out += cp == '\\' ? "\\\\" : std::string(1, static_cast<char>(cp));
            continue;
        }
        switch (cp) {
        case ' ': out += (first || escapeAllSpaces) ? "\\ " : " "; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\f': out += "\\f"; break;
        case '=':
        case ':':
        case '#':
        case '!':
            out += '\\';
            out += static_cast<char>(cp);
            break;
        default:
            if (cp < 0x20 || cp > 0x7E) {
                if (cp >= 0x10000) {
                    appendUnicodeEscape(out, 0xD800 + ((cp - 0x10000) >> 10));
                    appendUnicodeEscape(out, 0xDC00 + ((cp - 0x10000) & 0x3FF));
                } else {
                    appendUnicodeEscape(out, cp);
                }
            } else {
                out += static_cast<char>(cp);
            }
        }
    }
    return out;
}

} // namespace

Result<PropertiesDocument> PropertiesDocument::parse(std::string_view text)
{
    PropertiesDocument doc;
    std::size_t pos = 0;
    int lineNumber = 0;
    while (pos < text.size()) {
        PhysicalLine phys = nextPhysicalLine(text, pos);
        ++lineNumber;
        const int firstLineNumber = lineNumber;
        Line line;
        std::size_t first = phys.begin;
        while (first < phys.contentEnd && isJavaBlank(text[first]))
            ++first;
        if (first == phys.contentEnd || text[first] == '#' || text[first] == '!') {
            line.raw = std::string(text.substr(phys.begin, phys.end - phys.begin));
            line.contentEnd = phys.contentEnd - phys.begin;
            doc.m_lines.push_back(std::move(line));
            pos = phys.end;
            continue;
        }
        // Join continuation lines into one logical line, remembering for
        // each logical character where it sits in the raw text so that an
        // edit can keep the key and separator exactly as written.
        std::string logical;
        std::vector<std::size_t> rawIndex;
        std::size_t from = first;
        for (;;) {
            std::string_view content = text.substr(from, phys.contentEnd - from);
            const bool continues = endsWithContinuation(content);
            if (continues)
                content.remove_suffix(1);
            for (std::size_t k = 0; k < content.size(); ++k) {
                logical += content[k];
                rawIndex.push_back(from + k - pos);
            }
            if (!continues || phys.end >= text.size() || phys.end == phys.contentEnd)
                break;
            phys = nextPhysicalLine(text, phys.end);
            ++lineNumber;
            from = phys.begin;
            while (from < phys.contentEnd && isJavaBlank(text[from]))
                ++from;
        }
        line.raw = std::string(text.substr(pos, phys.end - pos));
        line.contentEnd = phys.contentEnd - pos;

        // Java's key/value split (Properties.load0).
        std::size_t keyLen = 0;
        std::size_t valueStart = logical.size();
        bool hasSeparator = false;
        bool precedingBackslash = false;
        while (keyLen < logical.size()) {
            const char c = logical[keyLen];
            if ((c == '=' || c == ':') && !precedingBackslash) {
                valueStart = keyLen + 1;
                hasSeparator = true;
                break;
            }
            if (isJavaBlank(c) && !precedingBackslash) {
                valueStart = keyLen + 1;
                break;
            }
            precedingBackslash = c == '\\' ? !precedingBackslash : false;
            ++keyLen;
        }
        while (valueStart < logical.size()) {
            const char c = logical[valueStart];
            if (!isJavaBlank(c)) {
                if (!hasSeparator && (c == '=' || c == ':'))
                    hasSeparator = true;
                else
                    break;
            }
            ++valueStart;
        }
        auto key = unescape(std::string_view(logical).substr(0, keyLen), firstLineNumber);
        if (!key)
            return key.error();
        auto value = unescape(std::string_view(logical).substr(valueStart), firstLineNumber);
        if (!value)
            return value.error();
        line.isProperty = true;
        line.key = std::move(key).value();
        line.value = std::move(value).value();
        line.valueStart = valueStart < logical.size() ? rawIndex[valueStart] : line.contentEnd;
        doc.m_lines.push_back(std::move(line));
        pos = phys.end;
    }
    return doc;
}

std::optional<std::string> PropertiesDocument::get(std::string_view key) const
{
    for (auto it = m_lines.rbegin(); it != m_lines.rend(); ++it) {
        if (it->isProperty && it->key == key)
            return it->value;
    }
    return std::nullopt;
}

std::optional<std::int64_t> PropertiesDocument::getInt(std::string_view key) const
{
    const auto v = get(key);
    if (!v)
        return std::nullopt;
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || ptr != v->data() + v->size())
        return std::nullopt;
    return n;
}

void PropertiesDocument::set(std::string_view key, std::string_view value)
{
    for (auto it = m_lines.rbegin(); it != m_lines.rend(); ++it) {
        if (!it->isProperty || it->key != key)
            continue;
        Line &line = *it;
        std::string prefix = line.raw.substr(0, line.valueStart);
        // "key" alone (no separator) must not turn into "keyvalue".
        if (line.valueStart == line.contentEnd && line.value.empty() &&
            (prefix.empty() || (!isJavaBlank(prefix.back()) && prefix.back() != '=' && prefix.back() != ':')))
            prefix += '=';
        const std::string terminator = line.raw.substr(line.contentEnd);
        line.raw = prefix + escapeValue(value) + terminator;
        line.contentEnd = line.raw.size() - terminator.size();
        line.valueStart = prefix.size();
        line.value = std::string(value);
        return;
    }
    const std::string nl = newline();
    if (!m_lines.empty() && m_lines.back().contentEnd == m_lines.back().raw.size() && !m_lines.back().raw.empty())
        m_lines.back().raw += nl;
    Line line;
    const std::string prefix = escapeKey(key) + "=";
    line.raw = prefix + escapeValue(value) + nl;
    line.isProperty = true;
    line.key = std::string(key);
    line.value = std::string(value);
    line.valueStart = prefix.size();
    line.contentEnd = line.raw.size() - nl.size();
    m_lines.push_back(std::move(line));
}

bool PropertiesDocument::remove(std::string_view key)
{
    const auto before = m_lines.size();
    std::erase_if(m_lines, [&](const Line &l) { return l.isProperty && l.key == key; });
    return m_lines.size() != before;
}

std::vector<std::string> PropertiesDocument::keys() const
{
    std::vector<std::string> out;
    for (const auto &l : m_lines) {
        if (l.isProperty && std::find(out.begin(), out.end(), l.key) == out.end())
            out.push_back(l.key);
    }
    return out;
}

std::string PropertiesDocument::serialize() const
{
    std::string out;
    for (const auto &l : m_lines)
        out += l.raw;
    return out;
}

std::string PropertiesDocument::escapeKey(std::string_view key) { return escape(key, true); }

std::string PropertiesDocument::escapeValue(std::string_view value) { return escape(value, false); }

std::string PropertiesDocument::newline() const
{
    // New lines follow the document's own convention (CRLF files stay CRLF).
    for (const auto &l : m_lines) {
        if (l.contentEnd < l.raw.size())
            return l.raw.substr(l.contentEnd);
    }
    return "\n";
}

} // namespace spillway::core
