// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/cli_command.h"

#include "app/cli/brokers_command.h"
#include "app/cli/cluster_command.h"
#include "app/cli/disks_command.h"
#include "app/cli/index_command.h"
#include "app/cli/lab_command.h"
#include "app/cli/log_command.h"
#include "app/cli/ops_command.h"

#include <algorithm>
#include <array>

namespace spillway::app {

std::span<const CliCommand> cliCommands()
{
    // New commands register here; each lives in its own <name>_command.cpp.
    static const std::array<CliCommand, 7> commands{{
        {"log", "inspect a segment, a partition dir or a log dir", runLogCommand},
        {"index", "verify or rebuild offset/time indexes of segments", runIndexCommand},
        {"brokers", "the brokers Spillway owns: add, start, stop, status, log, config", runBrokersCommand},
        {"disks", "each log dir's filesystem, Kafka bytes and mount checks, with alerts", runDisksCommand},
        {"lab", "the lab: a broker with small disks and load; up, down, status, drills", runLabCommand},
        {"cluster", "a live cluster: brokers, topics, log dirs, configs, replica moves, group lag", runClusterCommand},
        {"ops", "offline operations, journaled: partition move, index rebuild, list, recover", runOpsCommand},
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
