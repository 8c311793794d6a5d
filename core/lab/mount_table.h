// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"

#include <filesystem>
#include <string>
#include <vector>

namespace spillway::lab {

/// One line of /proc/self/mountinfo.
struct MountEntry {
    std::filesystem::path mountPoint;
    std::string fsType; ///< e.g. "fuse.spillway-labfs", "tmpfs"
    std::string source;
};

/// The mount table of this process's namespace (/proc/self/mountinfo, with
/// its octal escapes decoded). Stateless; any thread.
class MountTable {
public:
    static Result<std::vector<MountEntry>> read();

    /// Mounts at `dir` or below it, deepest first (the order to unmount in).
    static Result<std::vector<MountEntry>> under(const std::filesystem::path &dir);
    /// Whether something is mounted exactly at `dir`.
    static bool isMountPoint(const std::filesystem::path &dir);

    /// Unmounts a FUSE mount with fusermount3 -u, lazily (-z) when it is
    /// busy; umount2(MNT_DETACH) for anything else. `lazyUsed` tells which.
    static Status unmount(const MountEntry &mount, const std::filesystem::path &logFile, bool &lazyUsed);
    /// Lazy unmount only: the path is detached at once, open files keep
    /// working until closed (what `lab drill unmount-disk` does).
    static Status unmountLazily(const std::filesystem::path &mountPoint, const std::filesystem::path &logFile);
};

} // namespace spillway::lab
