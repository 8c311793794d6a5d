// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <charconv>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace spillway::app {

/// Exit codes shared by every spillway-cli command.
enum ExitCode : int {
    ExitOk = 0,       ///< all good
    ExitProblems = 1, ///< the command ran and found problems (corrupt index, ...)
    ExitUsage = 2,    ///< bad usage, or an I/O error that stopped the command
};

/// One top-level command of spillway-cli ("log", "index", ...). `run` gets
/// the arguments after the command name.
struct CliCommand {
    std::string_view name;
    std::string_view summary;
    int (*run)(std::span<const std::string> args);
};

/// The table of commands, in the order `--help` lists them.
std::span<const CliCommand> cliCommands();

/// True when `args` holds `flag` (e.g. "--json"); removes it.
bool takeFlag(std::vector<std::string> &args, std::string_view flag);

/// Removes every "--flag VALUE" / "--flag=VALUE" from `args` and returns the
/// values in order; sets `missing` when a "--flag" has no value after it.
std::vector<std::string> takeValues(std::vector<std::string> &args, std::string_view flag, bool &missing);

/// takeValues() for a flag given once: the last value, or nullopt.
std::optional<std::string> takeValue(std::vector<std::string> &args, std::string_view flag, bool &missing);

/// "a,b, c" -> {a, b, c}: a comma-separated list of paths, blanks trimmed,
/// empty items dropped.
std::vector<std::filesystem::path> splitDirs(std::string_view list);

/// The whole of `text` as a number of type T (no sign for unsigned types,
/// no trailing characters); false otherwise.
template <class T>
bool parseNumber(std::string_view text, T &out)
{
    const auto *end = text.data() + text.size();
    const auto r = std::from_chars(text.data(), end, out);
    return !text.empty() && r.ec == std::errc() && r.ptr == end;
}

} // namespace spillway::app
