// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/lab_drills.h"

#include "core/lab/drill_steps.h"
#include "core/lab/lab_units.h"
#include "core/lab/labfs_control.h"
#include "core/lab/load_files.h"

#include <algorithm>
#include <array>

namespace spillway::lab {
namespace {

constexpr std::string_view kFaultReason = "its faults are injected by spillway-labfs, which plain directories lack";

constexpr std::array<DrillInfo, 10> kDrills{{
    {"fail-disk", "--disk dataK: every read and write on the disk fails with EIO", kFaultReason},
    {"heal-disk", "[--disk dataK]: the disk (or every disk) works normally again", kFaultReason},
    {"slow-disk", "--disk dataK --ms N: every operation on the disk waits N ms", kFaultReason},
    {"readonly-disk", "--disk dataK: writes fail with EROFS, reads work", kFaultReason},
    {"fill-disk",
     "--disk dataK [--leave SIZE | --percent P] | [--disk dataK] --remove: filler files until the disk is full "
     "(ENOSPC) or at the target; --remove deletes them",
     "a plain directory has no capacity of its own: filling it would fill the filesystem it lives on"},
    {"unmount-disk", "--disk dataK: lazily unmount the disk; its log dir becomes an empty directory",
     "only a labfs disk is a mount of its own"},
    {"corrupt-index",
     "[--topic T] [--partition N]: stop the broker, write garbage into a segment's .index, start it again", ""},
    {"slow-consumer", "[--rate R]: the consumer group reads slowly, so its lag grows", ""},
    {"restore", "heal every disk, remount, delete fillers, normal rates, restart the broker if a dir is offline", ""},
    {"restart-broker", "stop the broker cleanly and start it again (offline log dirs come back)", ""},
}};

const DrillInfo *findDrill(std::string_view name)
{
    const auto it = std::find_if(kDrills.begin(), kDrills.end(), [&](const DrillInfo &d) { return d.name == name; });
    return it == kDrills.end() ? nullptr : &*it;
}

} // namespace

std::span<const DrillInfo> drillCatalog() { return kDrills; }

std::vector<std::pair<std::string, std::string>> unavailableDrills(DiskMode mode)
{
    std::vector<std::pair<std::string, std::string>> out;
    if (mode == DiskMode::Plain)
        for (const auto &d : kDrills)
            if (!d.needsLabfsBecause.empty())
                out.emplace_back(std::string(d.name), std::string(d.needsLabfsBecause));
    return out;
}

Result<DrillResult> LabDrills::run(const std::filesystem::path &root, const DrillRequest &request,
                                   const LabBinaries &binaries, const Reporter &say)
{
    const DrillInfo *info = findDrill(request.name);
    if (info == nullptr)
        return makeError(Errc::InvalidArgument, "unknown drill '" + request.name + "'",
                         "see spillway-cli lab drill --help");
    auto session = LabSession::open(root, binaries, say, false);
    if (!session)
        return session.error();
    LabSession &s = **session;
    if (!s.config())
        return makeError(Errc::NotFound, "there is no lab at " + root.string(), "spillway-cli lab up");
    if (!s.state())
        return makeError(Errc::InvalidArgument, "the lab at " + root.string() + " is not up",
                         "spillway-cli lab up starts it");
    if (request.broker < 1 || request.broker > s.config()->brokers)
        return makeError(Errc::InvalidArgument, "no broker " + std::to_string(request.broker) + " in this lab");
    if (!info->needsLabfsBecause.empty() && s.config()->mode == DiskMode::Plain)
        return makeError(Errc::Unsupported,
                         "drill " + request.name + " is unavailable: this lab's disks are plain directories, and " +
                             std::string(info->needsLabfsBecause),
                         "labfs disks need FUSE (/dev/fuse and fusermount3); lab reset --yes, then lab up without "
                         "--no-fuse where FUSE works");
    DrillSteps steps(s, request);
    return steps.run();
}

} // namespace spillway::lab
