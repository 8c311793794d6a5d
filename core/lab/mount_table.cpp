// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/mount_table.h"

#include "core/common/fileio.h"
#include "core/lab/processes.h"

#include <algorithm>
#include <cerrno>
#include <sstream>
#include <sys/mount.h>

namespace spillway::lab {
namespace {

/// mountinfo writes space, tab, newline and backslash as \040 \011 \012 \134.
std::string unescape(std::string_view s)
{
    const auto isOct = [](char c) { return c >= '0' && c <= '7'; };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && isOct(s[i + 1]) && isOct(s[i + 2]) && isOct(s[i + 3])) {
            out.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
            i += 3;
            continue;
        }
        out.push_back(s[i]);
    }
    return out;
}

bool isUnder(const std::filesystem::path &path, const std::filesystem::path &dir)
{
    const std::string p = path.lexically_normal().string();
    std::string d = dir.lexically_normal().string();
    while (d.size() > 1 && d.back() == '/')
        d.pop_back();
    return p == d || (p.size() > d.size() && p.compare(0, d.size(), d) == 0 && p[d.size()] == '/');
}

bool isFuse(const MountEntry &m) { return m.fsType == "fuse" || m.fsType.rfind("fuse.", 0) == 0; }

} // namespace

Result<std::vector<MountEntry>> MountTable::read()
{
    auto text = core::readFile("/proc/self/mountinfo");
    if (!text)
        return text.error();
    std::vector<MountEntry> mounts;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
        // id parent major:minor root mountpoint options [optional...] - fstype source superopts
        std::istringstream fields(line);
        std::vector<std::string> f;
        std::string field;
        while (fields >> field)
            f.push_back(field);
        const auto dash = std::find(f.begin(), f.end(), "-");
        if (f.size() < 5 || dash == f.end() || std::distance(dash, f.end()) < 3)
            continue;
        MountEntry m;
        m.mountPoint = unescape(f[4]);
        m.fsType = *(dash + 1);
        m.source = unescape(*(dash + 2));
        mounts.push_back(std::move(m));
    }
    return mounts;
}

Result<std::vector<MountEntry>> MountTable::under(const std::filesystem::path &dir)
{
    auto all = read();
    if (!all)
        return all.error();
    std::vector<MountEntry> found;
    for (auto &m : *all)
        if (isUnder(m.mountPoint, dir))
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
