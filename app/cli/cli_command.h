// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <span>
#include <string>
#include <string_view>
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

} // namespace spillway::app
