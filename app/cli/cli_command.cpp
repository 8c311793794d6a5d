// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/cli_command.h"

#include "app/cli/index_command.h"
#include "app/cli/log_command.h"

#include <algorithm>
#include <array>

namespace spillway::app {

std::span<const CliCommand> cliCommands()
{
    // New commands register here; each lives in its own <name>_command.cpp.
    static const std::array<CliCommand, 2> commands{{
        {"log", "inspect a segment, a partition dir or a log dir", runLogCommand},
        {"index", "verify or rebuild offset/time indexes of segments", runIndexCommand},
    }};
    return commands;
}

bool takeFlag(std::vector<std::string> &args, std::string_view flag)
{
    const auto it = std::find(args.begin(), args.end(), flag);
    if (it == args.end())
        return false;
    args.erase(it);
    return true;
}

} // namespace spillway::app
