// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli disks`: arguments, reading log.dirs, measuring, alerting.
// The two printers are in disks_report.cpp.
#include "app/cli/disks_command.h"

#include "app/cli/cli_command.h"
#include "core/common/fileio.h"
#include "core/common/properties.h"
#include "core/measure/alert_engine.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>

namespace spillway::app {
namespace {

constexpr const char *kUsage =
    "Usage: spillway-cli disks [--log-dirs DIR[,DIR...] | --config server.properties] [--json]\n"
    "                          [--broker-id N] [--usage-warn PCT] [--usage-critical PCT] [--skew-threshold PCT]\n"
    "\n"
    "Shows what each log dir of a broker stands on, measured on this machine:\n"
    "  the filesystem's size, used and free bytes and use% (statvfs; free is what Kafka may still\n"
    "  use), the Kafka bytes and partitions in the dir (names and sizes only, nothing read), the\n"
    "  device and mount point, whether the dir is a mount point of its own, whether it is on the\n"
    "  root filesystem, and which dirs share a filesystem (the total counts each filesystem once).\n"
    "\n"
    "And the alerts that raises: disk usage (warning 80 %, critical 90 %), log dir missing, not\n"
    "mounted (a plain dir where its siblings are mount points, or an fstab mount point that is not\n"
    "mounted: Kafka writes into the parent filesystem), on the root filesystem, I/O errors, and disk\n"
    "skew (a dir more than 10 % away from the broker's mean), each with the action that fixes it.\n"
    "\n"
    "Options:\n"
    "  --log-dirs LIST   comma-separated log dirs\n"
    "  --config FILE     a broker's server.properties: log.dirs (or log.dir), node.id / broker.id\n"
    "  --broker-id N     the broker's id in texts (default: from --config, else 0)\n"
    "  --json            one JSON document on stdout\n"
    "\n"
    "Exit status: 0 no warning or critical alert, 1 alerts raised, 2 usage or I/O error.\n";

void printError(const core::Error &error)
{
    std::fprintf(stderr, "spillway-cli disks: %s\n", error.describe().c_str());
}

/// Removes `--name VALUE` or `--name=VALUE` from args; nullopt if absent,
/// an empty string when the value is missing.
std::optional<std::string> takeOption(std::vector<std::string> &args, std::string_view name)
{
    for (auto it = args.begin(); it != args.end(); ++it) {
        if (*it == name) {
            std::string value;
            auto end = it + 1;
            if (end != args.end()) {
                value = *end;
                ++end;
            }
            args.erase(it, end);
            return value;
        }
        if (it->size() > name.size() && it->starts_with(name) && (*it)[name.size()] == '=') {
            std::string value = it->substr(name.size() + 1);
            args.erase(it);
            return value;
        }
    }
    return std::nullopt;
}

/// log.dirs (else log.dir, else Kafka's default /tmp/kafka-logs) and the id.
core::Status readConfig(const std::string &file, std::vector<std::filesystem::path> &dirs, std::optional<int> &brokerId)
{
    auto text = core::readFile(file);
    if (!text)
        return text.error();
    auto props = core::PropertiesDocument::parse(*text);
    if (!props)
        return props.error();
    auto list = props->get("log.dirs");
    if (!list)
        list = props->get("log.dir");
    dirs = splitDirs(list.value_or("/tmp/kafka-logs"));
    for (const char *key : {"node.id", "broker.id"}) {
        int id = 0;
        if (auto v = props->get(key); v && parseNumber(*v, id) && id >= 0 && !brokerId)
            brokerId = id;
    }
    return {};
}

} // namespace

int runDisksCommand(std::span<const std::string> argsIn)
{
    std::vector<std::string> args(argsIn.begin(), argsIn.end());
    if (takeFlag(args, "--help") || takeFlag(args, "-h")) {
        std::fputs(kUsage, stdout);
        return ExitOk;
    }
    const bool json = takeFlag(args, "--json");
    const auto logDirs = takeOption(args, "--log-dirs");
    const auto config = takeOption(args, "--config");
    const auto brokerIdText = takeOption(args, "--broker-id");
    DisksReport report;
    bool badNumber = false;
    for (auto [name, target] : {std::pair{"--usage-warn", &report.thresholds.usageWarnPercent},
                                std::pair{"--usage-critical", &report.thresholds.usageCriticalPercent},
                                std::pair{"--skew-threshold", &report.thresholds.skewThresholdPercent}}) {
        if (const auto v = takeOption(args, name))
            badNumber = badNumber || !parseNumber(*v, *target);
    }
    std::optional<int> brokerId;
    if (brokerIdText) {
        int id = 0;
        badNumber = badNumber || !parseNumber(*brokerIdText, id);
        brokerId = id;
    }
    if (!args.empty() || logDirs.has_value() == config.has_value() || badNumber || (logDirs && logDirs->empty()) ||
        (config && config->empty())) {
        if (!args.empty())
            std::fprintf(stderr, "spillway-cli disks: unexpected argument '%s'\n", args.front().c_str());
        else if (badNumber)
            std::fputs("spillway-cli disks: a numeric option has no valid number\n", stderr);
        else
            std::fputs("spillway-cli disks: give either --log-dirs or --config\n", stderr);
        std::fputs(kUsage, stderr);
        return ExitUsage;
    }

    std::vector<std::filesystem::path> dirs;
    if (config) {
        if (auto st = readConfig(*config, dirs, brokerId); !st) {
            printError(st.error());
            return ExitUsage;
        }
        report.origin = *config;
    } else {
        dirs = splitDirs(*logDirs);
        report.origin = "--log-dirs";
    }
    if (dirs.empty()) {
        printError(core::makeError(core::Errc::InvalidArgument, "no log dir given"));
        return ExitUsage;
    }
    auto probe = measure::DiskProbe::fromSystem();
    if (!probe) {
        printError(probe.error());
        return ExitUsage;
    }
    report.brokerId = brokerId.value_or(0);
    report.local = measure::measureLocalLogDirs(dirs, *probe);
    report.snapshot = measure::toBrokerSnapshot(core::BrokerId(report.brokerId), report.local);

    report.skew = measure::computeBrokerSkew(
        report.snapshot.diskLoad(), {report.thresholds.skewThresholdPercent, report.thresholds.skewMinMeanBytes});

    measure::ClusterSnapshot snapshot;
    snapshot.timeMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    snapshot.brokers.push_back(report.snapshot);
    measure::AlertEngine engine(report.thresholds);
    engine.evaluate(snapshot);
    report.alerts = engine.active();

    if (json)
        printDisksJson(report);
    else
        printDisksHuman(report);
    const bool problems = std::any_of(report.alerts.begin(), report.alerts.end(), [](const measure::Alert &a) {
        return a.severity >= measure::AlertSeverity::Warning;
    });
    return problems ? ExitProblems : ExitOk;
}

} // namespace spillway::app
