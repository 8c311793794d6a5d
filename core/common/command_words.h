// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace spillway::core {

/// Splits a command line typed by a person (a broker's start command, e.g.
/// `bin/kafka-server-start.sh config/server.properties`) into the argv list
/// it is run with. Spillway runs it without a shell, so this follows the
/// POSIX shell's quoting and nothing else:
///   - words are separated by blanks (space, tab, newline);
///   - '...' keeps everything literally; "..." keeps everything except that
///     \" \\ \$ \` and backslash-newline are escapes;
///   - outside quotes a backslash makes the next character literal;
///   - adjacent quoted and unquoted parts join into one word; '' is an
///     empty word.
/// Anything a shell would expand or interpret instead — an unquoted | & ; <
/// > ( ) $ ` * ? [ { } ~ or # at the start of a word — is refused with an
/// error naming the character and its position, so that "run this in a
/// shell" is never silently turned into something else; quote it to mean
/// it literally, or put the pipeline in a script. An unterminated quote or
/// a trailing backslash is an error too.
Result<std::vector<std::string>> splitCommandWords(std::string_view line);

} // namespace spillway::core
