// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/logdir/checkpoint_text.h"

#include "core/storage/logdir/java_number.h"

namespace spillway::core {
namespace {

/// Java's \s: space, tab, newline, vertical tab, form feed, carriage return.
bool isJavaSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r'; }

/// BufferedReader.readLine: lines end at "\n", "\r" or "\r\n".
std::vector<std::string_view> javaLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = pos;
        while (end < text.size() && text[end] != '\n' && text[end] != '\r')
            ++end;
        lines.push_back(text.substr(pos, end - pos));
        if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n')
            ++end;
        pos = end + 1;
    }
    return lines;
}

/// String.split("\\s+"): a leading separator yields an empty first field
/// (so " a b" has three fields) and trailing empty fields are dropped.
std::vector<std::string_view> javaSplitWhitespace(std::string_view line)
{
    std::vector<std::string_view> fields;
    std::size_t pos = 0;
    for (;;) {
        std::size_t end = pos;
        while (end < line.size() && !isJavaSpace(line[end]))
            ++end;
        fields.push_back(line.substr(pos, end - pos));
        if (end == line.size())
            break;
        pos = end;
        while (pos < line.size() && isJavaSpace(line[pos]))
            ++pos;
    }
    while (fields.size() > 1 && fields.back().empty())
        fields.pop_back();
    return fields;
}

} // namespace

Error checkpointLineError(std::string_view fileLabel, int lineNumber, std::string_view what)
{
    return makeError(Errc::Corrupt,
                     std::string(fileLabel) + " line " + std::to_string(lineNumber) + ": " + std::string(what));
}

Result<std::vector<CheckpointLine>> splitCheckpointText(std::string_view text, std::string_view fileLabel,
                                                        int expectedVersion, std::size_t fieldsPerLine)
{
    const std::vector<std::string_view> lines = javaLines(text);
    std::vector<CheckpointLine> out;
    if (lines.empty())
        return out;
    const auto version = parseJavaInt32(lines[0]);
    if (!version)
        return checkpointLineError(fileLabel, 1, "malformed version '" + std::string(lines[0]) + "'");
    if (*version != expectedVersion)
        return checkpointLineError(fileLabel, 1,
                                   "unrecognised version " + std::to_string(*version) + ", expected " +
                                       std::to_string(expectedVersion));
    if (lines.size() < 2)
        return out;
    const auto expected = parseJavaInt32(lines[1]);
    if (!expected)
        return checkpointLineError(fileLabel, 2, "malformed entry count '" + std::string(lines[1]) + "'");
    for (std::size_t i = 2; i < lines.size(); ++i) {
        const int lineNumber = static_cast<int>(i) + 1;
        auto fields = javaSplitWhitespace(lines[i]);
        if (fields.size() != fieldsPerLine || fields.front().empty())
            return checkpointLineError(fileLabel, lineNumber,
                                       "malformed line '" + std::string(lines[i]) + "', expected " +
                                           std::to_string(fieldsPerLine) + " fields separated by spaces");
        out.push_back(CheckpointLine{lineNumber, std::move(fields)});
    }
    if (static_cast<std::int64_t>(out.size()) != *expected)
        return makeError(Errc::Corrupt, std::string(fileLabel) + ": expected " + std::to_string(*expected) +
                                            " entries (line 2) but found " + std::to_string(out.size()));
    return out;
}

std::string joinCheckpointText(int version, const std::vector<std::string> &entryLines)
{
    std::string out = std::to_string(version);
    out += '\n';
    out += std::to_string(entryLines.size());
    out += '\n';
    for (const auto &line : entryLines) {
        out += line;
        out += '\n';
    }
    return out;
}

} // namespace spillway::core
