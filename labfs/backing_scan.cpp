// SPDX-License-Identifier: GPL-3.0-or-later
#include "labfs/backing_scan.h"

#include "labfs/space_ledger.h"

#include <set>
#include <sys/stat.h>
#include <utility>

namespace spillway::labfs {

using core::Error;

core::Result<BackingUsage> scanBacking(const std::filesystem::path &root)
{
    BackingUsage usage;
    struct stat rootSt {};
    if (::lstat(root.c_str(), &rootSt) != 0)
        return Error::fromErrno(errno, "cannot stat the backing directory " + root.string());
    usage.usedBytes += kDirOverhead;
    usage.dirs = 1;

    std::set<std::pair<ino_t, dev_t>> linked; // hard-linked files already counted
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(root, std::filesystem::directory_options::none, ec);
    for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0)
            return Error::fromErrno(errno, "cannot stat " + it->path().string());
        if (S_ISDIR(st.st_mode)) {
            if (st.st_dev != rootSt.st_dev) {
                it.disable_recursion_pending(); // another filesystem mounted inside
                continue;
            }
            ++usage.dirs;
        } else {
            if (st.st_nlink > 1 && !linked.insert({st.st_ino, st.st_dev}).second)
                continue;
            ++usage.files;
        }
        usage.usedBytes += entryCost(st);
    }
    if (ec)
        return Error::fromErrno(ec.value(), "cannot walk the backing directory " + root.string());
    return usage;
}

} // namespace spillway::labfs
