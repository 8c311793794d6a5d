// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/disk_probe.h"

#include "core/common/fileio.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <iterator>
#include <sys/stat.h>
#include <sys/statvfs.h>

namespace spillway::core::measure {
namespace {

namespace fs = std::filesystem;

std::size_t componentCount(const fs::path &relative)
{
    std::size_t n = 0;
    for (const auto &part : relative) {
        if (!part.empty() && part != "." && part != "/")
            ++n;
    }
    return n;
}

fs::path ancestor(fs::path p, std::size_t levels)
{
    for (std::size_t i = 0; i < levels && p.has_relative_path(); ++i)
        p = p.parent_path();
    return p;
}

fs::path absoluteLexical(const fs::path &p)
{
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec);
    if (ec)
        abs = p;
    abs = abs.lexically_normal();
    if (abs.has_relative_path() && abs.filename().empty())
        abs = abs.parent_path();
    return abs;
}

/// The deepest fstab mount point at or above `path` that is deeper than the
/// mount `path` is actually on: a disk meant to be there is not mounted.
std::optional<std::string> unmountedFstabEntry(const ProbeContext &ctx, const std::string &path,
                                               const std::string &actualMountPoint)
{
    std::optional<std::string> found;
    for (const auto &mp : ctx.fstabMountPoints) {
        if (mp.size() > actualMountPoint.size() && isPathPrefix(mp, path) && !ctx.mounts.isMountPoint(mp) &&
            (!found || mp.size() > found->size()))
            found = mp;
    }
    return found;
}

} // namespace

StatFailure classifyStatErrno(int err) noexcept
{
    return err == ENOENT || err == ENOTDIR ? StatFailure::Missing : StatFailure::Unreadable;
}

double FilesystemUsage::usedPercent() const
{
    const double denom = static_cast<double>(usedBytes) + static_cast<double>(freeBytes);
    return denom > 0 ? 100.0 * static_cast<double>(usedBytes) / denom : 0.0;
}

Result<FilesystemUsage> readFilesystemUsage(const fs::path &path)
{
    struct statvfs vfs {};
    if (::statvfs(path.c_str(), &vfs) != 0)
        return Error::fromErrno(errno, "cannot statvfs " + path.string());
    const auto frsize = static_cast<std::int64_t>(vfs.f_frsize != 0 ? vfs.f_frsize : vfs.f_bsize);
    FilesystemUsage u;
    u.capacityBytes = static_cast<std::int64_t>(vfs.f_blocks) * frsize;
    u.usedBytes = static_cast<std::int64_t>(vfs.f_blocks - vfs.f_bfree) * frsize;
    u.freeBytes = static_cast<std::int64_t>(vfs.f_bavail) * frsize;
    return u;
}

Result<ProbeContext> ProbeContext::fromSystem()
{
    auto mounts = MountTable::readSelf();
    if (!mounts)
        return mounts.error();
    ProbeContext ctx;
    ctx.mounts = std::move(mounts).value();
    if (auto fstab = readFile("/etc/fstab"))
        ctx.fstabMountPoints = parseFstabMountPoints(*fstab);
    struct stat st {};
    if (::stat("/", &st) == 0)
        ctx.rootDevice = DeviceId::fromDev(st.st_dev);
    return ctx;
}

Result<DiskProbe> DiskProbe::fromSystem()
{
    auto ctx = ProbeContext::fromSystem();
    if (!ctx)
        return ctx.error();
    return DiskProbe(std::move(ctx).value());
}

DirProbe DiskProbe::probeDir(const fs::path &dir) const
{
    DirProbe p;
    p.path = dir;
    p.canonicalPath = absoluteLexical(dir);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        const int err = errno;
        p.error = Error::fromErrno(err, "cannot stat log dir " + dir.string());
        if (classifyStatErrno(err) == StatFailure::Unreadable) {
            // There, but unreadable (a failed disk answers EIO to everything):
            // offline, not missing. The mount table still knows its mount.
            p.exists = true;
            p.unreadable = true;
            p.error->hint = err == EIO || err == EROFS || err == EUCLEAN
                                ? "the disk holding it fails: replace it (swap the disk)"
                                : "check the permissions of the dir and its parents";
            if (const MountEntry *m = m_context.mounts.mountFor(p.canonicalPath)) {
                p.mountPoint = m->mountPoint;
                p.fsType = m->fsType;
                p.source = m->source;
                p.ownMountPoint = m->mountPoint == p.canonicalPath.string();
            }
            return p;
        }
        if (err == ENOENT) {
            p.error->hint = "create it, or mount the disk it belongs on";
            if (auto fstab = unmountedFstabEntry(m_context, p.canonicalPath.string(), "/"))
                p.notMounted = NotMountedFinding{*fstab, *fstab + " is listed in /etc/fstab but is not mounted"};
        }
        return p;
    }
    p.exists = true;
    p.isDirectory = S_ISDIR(st.st_mode);
    if (!p.isDirectory)
        p.error = makeError(Errc::InvalidArgument, dir.string() + " is not a directory");
    char resolved[PATH_MAX];
    if (::realpath(dir.c_str(), resolved) != nullptr)
        p.canonicalPath = resolved;
    p.device = DeviceId::fromDev(st.st_dev);
    p.rootFilesystem = m_context.rootDevice && *m_context.rootDevice == p.device;
    if (const MountEntry *m = m_context.mounts.mountFor(p.canonicalPath, &p.device)) {
        p.mountPoint = m->mountPoint;
        p.fsType = m->fsType;
        p.source = m->source;
        p.ownMountPoint = m->mountPoint == p.canonicalPath.string();
    }
    if (auto usage = readFilesystemUsage(p.canonicalPath))
        p.usage = *usage;
    else if (!p.error)
        p.error = usage.error();
    if (!p.mountPoint.empty()) {
        if (auto fstab = unmountedFstabEntry(m_context, p.canonicalPath.string(), p.mountPoint))
            p.notMounted = NotMountedFinding{*fstab, *fstab + " is listed in /etc/fstab but is not mounted; " +
                                                         p.path.string() + " is on " + p.mountPoint + " instead"};
    }
    return p;
}

LogDirsProbe DiskProbe::probeLogDirs(std::span<const fs::path> dirs) const
{
    LogDirsProbe out;
    out.dirs.reserve(dirs.size());
    for (const auto &d : dirs)
        out.dirs.push_back(probeDir(d));
    for (std::size_t i = 0; i < out.dirs.size(); ++i) {
        const auto &d = out.dirs[i];
        if (!d.exists || !d.usage)
            continue;
        auto group = std::find_if(out.filesystems.begin(), out.filesystems.end(),
                                  [&](const FilesystemGroup &g) { return g.device == d.device; });
        if (group == out.filesystems.end()) {
            out.filesystems.push_back({d.device, d.mountPoint, d.fsType, d.source, d.rootFilesystem, *d.usage, {}});
            group = std::prev(out.filesystems.end());
        }
        group->dirs.push_back(i);
    }
    findNotMounted(out);
    return out;
}

void DiskProbe::findNotMounted(LogDirsProbe &probe) const
{
    // Siblings: data0..data2 each sit on their own mount (at the same depth
    // below it), data3 is a plain directory on the parent filesystem.
    for (auto &d : probe.dirs) {
        if (!d.exists || d.unreadable || d.notMounted || d.mountPoint.empty())
            continue;
        for (const auto &e : probe.dirs) {
            if (&e == &d || !e.exists || e.unreadable || e.mountPoint.empty() || e.mountPoint == "/" ||
                e.device == d.device)
                continue;
            const fs::path eMount(e.mountPoint);
            const std::size_t depth = componentCount(e.canonicalPath.lexically_relative(eMount));
            const fs::path expected = ancestor(d.canonicalPath, depth);
            if (expected.string() == d.mountPoint || !isPathPrefix(d.mountPoint, expected.string()))
                continue;
            if (expected.parent_path() != eMount.parent_path())
                continue;
            const std::string sibling = e.canonicalPath.string() == e.mountPoint
                                            ? e.mountPoint
                                            : e.mountPoint + " (of " + e.path.string() + ")";
            d.notMounted =
                NotMountedFinding{expected.string(), expected.string() + " is not a mount point while " + sibling +
                                                         " is: its disk is probably not mounted, and Kafka writes " +
                                                         d.path.string() + " into " + d.mountPoint};
            break;
        }
    }
}

FilesystemUsage LogDirsProbe::total() const
{
    FilesystemUsage sum;
    for (const auto &g : filesystems) {
        sum.capacityBytes += g.usage.capacityBytes;
        sum.usedBytes += g.usage.usedBytes;
        sum.freeBytes += g.usage.freeBytes;
    }
    return sum;
}

std::vector<std::size_t> LogDirsProbe::sharedWith(std::size_t index) const
{
    std::vector<std::size_t> out;
    for (const auto &g : filesystems) {
        if (std::find(g.dirs.begin(), g.dirs.end(), index) == g.dirs.end())
            continue;
        for (auto other : g.dirs) {
            if (other != index)
                out.push_back(other);
        }
    }
    return out;
}

} // namespace spillway::core::measure
