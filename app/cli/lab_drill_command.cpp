// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli lab drill <name>`: the incidents of SCENARIOS.md, for real,
// on the running lab. Parses arguments and hands them to core's LabDrills.
#include "app/cli/cli_command.h"
#include "app/cli/lab_command.h"
#include "app/cli/lab_report.h"
#include "core/lab/lab_drills.h"

#include <cstdio>

namespace spillway::app {
using namespace spillway::lab;

namespace {

void printHelp()
{
    std::printf("Usage: spillway-cli lab drill <name> [--broker N] [options] [--root DIR] [--json]\n"
                "\n"
                "Each drill does the real thing to the running lab and prints what it did.\n"
                "\n"
                "Drills:\n");
    for (const auto &d : drillCatalog())
        std::printf("  %-15.*s %.*s\n", static_cast<int>(d.name.size()), d.name.data(),
                    static_cast<int>(d.summary.size()), d.summary.data());
    std::printf("\n"
                "fail-disk, heal-disk, slow-disk, readonly-disk, unmount-disk and fill-disk need labfs\n"
                "disks (FUSE); on plain directories they exit 2 and say why.\n"
                "\n"
                "Options:\n"
                "  --broker N        which broker (default 1)\n"
                "  --disk dataK      which disk\n"
                "  --ms N            slow-disk: milliseconds added to every operation\n"
                "  --leave SIZE      fill-disk: stop when SIZE is left free\n"
                "  --percent P       fill-disk: stop at P%% used\n"
                "  --remove          fill-disk: delete the filler files instead\n"
                "  --topic T         corrupt-index: the topic (default testKafka)\n"
                "  --partition N     corrupt-index: the partition (default: the one with the most data)\n"
                "  --rate R          slow-consumer: the consume rate (default a tenth of the produce rate)\n"
                "\n"
                "Exit status: 0 done, 2 usage error, or the drill could not be done here.\n");
}

} // namespace

int runLabDrillCommand(std::span<const std::string> args)
{
    LabArgs a(std::vector<std::string>(args.begin(), args.end()));
    if (args.empty() || a.flag("--help") || a.flag("-h") || args.front() == "help") {
        if (args.empty()) {
            std::fprintf(stderr, "spillway-cli lab drill: which drill? (see spillway-cli lab drill --help)\n");
            return ExitUsage;
        }
        printHelp();
        return ExitOk;
    }
    const bool json = a.flag("--json");
    DrillRequest r;
    r.remove = a.flag("--remove");
    LabOutput out("drill", json);
    auto root = a.root();
    if (!root)
        return out.fail(root.error(), ExitUsage);
    auto broker = a.integer("--broker");
    auto disk = a.value("--disk");
    auto ms = a.integer("--ms");
    auto leave = a.size("--leave");
    auto percent = a.integer("--percent");
    auto topic = a.value("--topic");
    auto partition = a.integer("--partition");
    auto rate = a.rate("--rate", 1024);
    for (const core::Status &st :
         {broker ? core::Status() : core::Status(broker.error()), disk ? core::Status() : core::Status(disk.error()),
          ms ? core::Status() : core::Status(ms.error()), leave ? core::Status() : core::Status(leave.error()),
          percent ? core::Status() : core::Status(percent.error()),
          topic ? core::Status() : core::Status(topic.error()),
          partition ? core::Status() : core::Status(partition.error()),
          rate ? core::Status() : core::Status(rate.error())})
        if (!st)
            return out.fail(st.error(), ExitUsage);
    auto name = a.positional();
    if (!name)
        return out.fail(
            core::makeError(core::Errc::InvalidArgument, "which drill? (see spillway-cli lab drill --help)"),
            ExitUsage);
    if (auto st = a.finish(); !st)
        return out.fail(st.error(), ExitUsage);
    if (*leave && *percent)
        return out.fail(core::makeError(core::Errc::InvalidArgument, "give --leave or --percent, not both"), ExitUsage);
    r.name = *name;
    r.broker = broker->value_or(1);
    r.disk = *disk;
    r.slowMs = *ms;
    r.leaveBytes = *leave;
    r.percent = *percent;
    if (*topic)
        r.topic = **topic;
    r.partition = *partition;
    r.rate = *rate;
    auto result = LabDrills::run(*root, r, LabBinaries::locate(), out.reporter());
    if (!result)
        return out.fail(result.error(), ExitUsage);
    std::vector<std::pair<std::string, std::string>> fields{{"drill", r.name}};
    fields.insert(fields.end(), result->facts.begin(), result->facts.end());
    return out.ok(fields);
}

} // namespace spillway::app
