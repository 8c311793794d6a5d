// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/mount_table.h"

#include "core/lab/processes.h"
#include "core/measure/mount_table.h"

#include <algorithm>
#include <cerrno>
#include <sys/mount.h>

namespace spillway::lab {
namespace {

bool isFuse(const MountEntry &m) { return m.fsType == "fuse" || m.fsType.rfind("fuse.", 0) == 0; }

} // namespace

Result<std::vector<MountEntry>> MountTable::read()
{
    // One mountinfo parser for the whole project (escapes, optional fields): core/measure's.
    auto table = core::measure::MountTable::readSelf();
    if (!table)
        return table.error();
    std::vector<MountEntry> mounts;
    mounts.reserve(table->entries().size());
    for (const auto &e : table->entries())
        mounts.push_back({e.mountPoint, e.fsType, e.source});
    return mounts;
}

Result<std::vector<MountEntry>> MountTable::under(const std::filesystem::path &dir)
{
    auto all = read();
    if (!all)
        return all.error();
    std::vector<MountEntry> found;
    for (auto &m : *all)
        if (core::measure::isPathPrefix(dir.lexically_normal().string(), m.mountPoint.string()))
            found.push_back(std::move(m));
    // Deepest first; a path mounted twice appears once per mount.
    std::stable_sort(found.begin(), found.end(), [](const MountEntry &a, const MountEntry &b) {
        return a.mountPoint.string().size() > b.mountPoint.string().size();
    });
    return found;
}

bool MountTable::isMountPoint(const std::filesystem::path &dir)
{
    auto all = read();
    if (!all)
        return false;
    const auto want = dir.lexically_normal();
    return std::any_of(all->begin(), all->end(), [&](const MountEntry &m) { return m.mountPoint == want; });
}

Status MountTable::unmount(const MountEntry &mount, const std::filesystem::path &logFile, bool &lazyUsed)
{
    lazyUsed = false;
    if (isFuse(mount)) {
        auto plain =
            runToCompletion({"fusermount3", "-u", mount.mountPoint.string()}, logFile, std::chrono::seconds(30));
        if (plain && *plain == 0)
            return {};
        lazyUsed = true;
        return unmountLazily(mount.mountPoint, logFile);
    }
    if (::umount2(mount.mountPoint.c_str(), 0) == 0)
        return {};
    lazyUsed = true;
    if (::umount2(mount.mountPoint.c_str(), MNT_DETACH) == 0)
        return {};
    return Error::fromErrno(errno, "cannot unmount " + mount.mountPoint.string());
}

Status MountTable::unmountLazily(const std::filesystem::path &mountPoint, const std::filesystem::path &logFile)
{
    auto lazy = runToCompletion({"fusermount3", "-u", "-z", mountPoint.string()}, logFile, std::chrono::seconds(30));
    if (lazy && *lazy == 0)
        return {};
    // fusermount3 missing or refusing: as root, the kernel call does the same.
    if (::umount2(mountPoint.c_str(), MNT_DETACH) == 0)
        return {};
    const int err = errno;
    if (!lazy)
        return lazy.error();
    return Error::fromErrno(err, "cannot unmount " + mountPoint.string() + " (fusermount3 exit " +
                                     std::to_string(*lazy) + ", see " + logFile.string() + ")");
}

} // namespace spillway::lab
