// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/cli_command.h"

#include "app/cli/brokers_command.h"
#include "app/cli/cluster_command.h"
#include "app/cli/disks_command.h"
#include "app/cli/index_command.h"
#include "app/cli/lab_command.h"
#include "app/cli/log_command.h"
#include "app/cli/ops_command.h"
#include "app/cli/status_command.h"

#include <algorithm>
#include <array>

namespace spillway::app {

std::span<const CliCommand> cliCommands()
{
    // New commands register here; each lives in its own <name>_command.cpp.
    static const std::array<CliCommand, 8> commands{{
        {"log", "inspect a segment, a partition dir or a log dir", runLogCommand},
        {"index", "verify or rebuild offset/time indexes of segments", runIndexCommand},
        {"brokers", "the brokers Spillway owns: add, start, stop, status, log, config", runBrokersCommand},
        {"disks", "each log dir's filesystem, Kafka bytes and mount checks, with alerts", runDisksCommand},
        {"lab", "the lab: a broker with small disks and load; up, down, status, drills", runLabCommand},
        {"cluster", "a live cluster: brokers, topics, log dirs, configs, replica moves, group lag", runClusterCommand},
        {"ops", "offline operations, journaled: partition move, index rebuild, list, recover", runOpsCommand},
        {"status", "the cluster's disks, growth, time to full, lag and alerts (the console's loop)", runStatusCommand},
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

std::vector<std::string> takeValues(std::vector<std::string> &args, std::string_view flag, bool &missing)
{
    std::vector<std::string> out;
    const std::string prefix = std::string(flag) + "=";
    for (std::size_t i = 0; i < args.size();) {
        const auto at = args.begin() + static_cast<std::ptrdiff_t>(i);
        if (args[i] == flag) {
            if (i + 1 >= args.size()) {
                missing = true;
                args.erase(at);
                continue;
            }
            out.push_back(args[i + 1]);
            args.erase(at, at + 2);
        } else if (args[i].starts_with(prefix)) {
            out.push_back(args[i].substr(prefix.size()));
            args.erase(at);
        } else {
            ++i;
        }
    }
    return out;
}

std::optional<std::string> takeValue(std::vector<std::string> &args, std::string_view flag, bool &missing)
{
    auto all = takeValues(args, flag, missing);
    if (all.empty())
        return std::nullopt;
    return std::move(all.back());
}

std::vector<std::filesystem::path> splitDirs(std::string_view list)
{
    std::vector<std::filesystem::path> out;
    while (!list.empty()) {
        const auto comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
            item.remove_suffix(1);
        if (!item.empty())
            out.emplace_back(item);
    }
    return out;
}

} // namespace spillway::app
