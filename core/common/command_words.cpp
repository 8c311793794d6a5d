// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/command_words.h"

namespace spillway::core {
namespace {

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

/// What a shell would act on when unquoted.
bool isShellSpecial(char c)
{
    switch (c) {
    case '|':
    case '&':
    case ';':
    case '<':
    case '>':
    case '(':
    case ')':
    case '$':
    case '`':
    case '*':
    case '?':
    case '[':
    case '{':
    case '}': return true;
    default: return false;
    }
}

Error refuse(std::string_view line, std::size_t pos, std::string_view what)
{
    return makeError(Errc::InvalidArgument,
                     "start command: " + std::string(what) + " at character " + std::to_string(pos + 1) + " of \"" +
                         std::string(line) + "\"",
                     "the command runs without a shell: quote the character to mean it literally, or put a "
                     "pipeline or redirection in a script and run that");
}

} // namespace

Result<std::vector<std::string>> splitCommandWords(std::string_view line)
{
    std::vector<std::string> words;
    std::string word;
    bool inWord = false; // a word has started (possibly empty, as '')
    std::size_t i = 0;
    while (i < line.size()) {
        const char c = line[i];
        if (isBlank(c)) {
            if (inWord)
                words.push_back(std::move(word));
            word.clear();
            inWord = false;
            ++i;
            continue;
        }
        if (c == '\'') {
            const auto end = line.find('\'', i + 1);
            if (end == std::string_view::npos)
                return refuse(line, i, "unterminated single quote");
            word.append(line.substr(i + 1, end - i - 1));
            inWord = true;
            i = end + 1;
            continue;
        }
        if (c == '"') {
            std::size_t j = i + 1;
            bool closed = false;
            while (j < line.size()) {
                const char d = line[j];
                if (d == '"') {
                    closed = true;
                    break;
                }
                if (d == '\\' && j + 1 < line.size()) {
                    const char e = line[j + 1];
                    if (e == '"' || e == '\\' || e == '$' || e == '`') {
                        word += e;
                        j += 2;
                        continue;
                    }
                    if (e == '\n') {
                        j += 2;
                        continue;
                    }
                }
                if (d == '$' || d == '`')
                    return refuse(line, j, std::string("'") + d + "' (a shell would expand it inside double quotes)");
                word += d;
                ++j;
            }
            if (!closed)
                return refuse(line, i, "unterminated double quote");
            inWord = true;
            i = j + 1;
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= line.size())
                return refuse(line, i, "a trailing backslash");
            if (line[i + 1] != '\n')
                word += line[i + 1];
            inWord = inWord || line[i + 1] != '\n';
            i += 2;
            continue;
        }
        if (isShellSpecial(c))
            return refuse(line, i, std::string("an unquoted '") + c + "'");
        if ((c == '#' || c == '~') && !inWord)
            return refuse(line, i, std::string("an unquoted '") + c + "' at the start of a word");
        word += c;
        inWord = true;
        ++i;
    }
    if (inWord)
        words.push_back(std::move(word));
    return words;
}

} // namespace spillway::core
