// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/measure/mount_table.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace spillway::core::measure {

/// statvfs(3) of one filesystem, in bytes. `freeBytes` is f_bavail: what an
/// unprivileged writer such as Kafka can still use (root's reserved blocks
/// excluded), the figure Kafka reports as usable bytes in DescribeLogDirs.
struct FilesystemUsage {
    std::int64_t capacityBytes = 0; ///< f_blocks * f_frsize
    std::int64_t usedBytes = 0;     ///< (f_blocks - f_bfree) * f_frsize
    std::int64_t freeBytes = 0;     ///< f_bavail * f_frsize

    /// used / (used + free), as df(1) shows "Use%": 100 means a non-root
    /// writer gets ENOSPC even if root's reserve is left. 0 when unknown.
    [[nodiscard]] double usedPercent() const;
};

/// Why a configured log dir is suspected of not being mounted: Kafka then
/// writes into the parent filesystem (scenario B's "unmounted disk" trap).
struct NotMountedFinding {
    std::string expectedMountPoint; ///< the directory that should be a mount point
    std::string reason;             ///< one sentence naming the evidence
};

/// What one log dir path is standing on.
struct DirProbe {
    std::filesystem::path path;          ///< as configured
    std::filesystem::path canonicalPath; ///< symlinks resolved; the lexical absolute path when missing
    bool exists = false;
    bool isDirectory = false;
    /// stat(2) failed with other than ENOENT/ENOTDIR (EIO of a dying disk,
    /// EACCES, ...): the dir is there but cannot be read, so `exists` is true
    /// and `error` says why; nothing else could be measured.
    bool unreadable = false;
    std::optional<Error> error; ///< missing, not a directory, EACCES, EIO: why the probe is partial
    DeviceId device;            ///< st_dev
    std::string mountPoint;     ///< of the mount the dir lives on
    std::string fsType;
    std::string source;
    bool ownMountPoint = false;  ///< the dir itself is a mount point
    bool rootFilesystem = false; ///< on the same device as "/"
    std::optional<FilesystemUsage> usage;
    std::optional<NotMountedFinding> notMounted;
};

/// A filesystem carrying one or more of the probed dirs (same st_dev), so
/// that capacity shared by several log dirs is counted once.
struct FilesystemGroup {
    DeviceId device;
    std::string mountPoint;
    std::string fsType;
    std::string source;
    bool rootFilesystem = false;
    FilesystemUsage usage;
    std::vector<std::size_t> dirs; ///< indexes into LogDirsProbe::dirs
};

/// The probe of a broker's `log.dirs`, in the configured order.
struct LogDirsProbe {
    std::vector<DirProbe> dirs;
    std::vector<FilesystemGroup> filesystems; ///< in order of first appearance

    /// Sum over distinct filesystems: shared capacity counted once.
    [[nodiscard]] FilesystemUsage total() const;
    /// Indexes of the other dirs on the same filesystem as dirs[index].
    [[nodiscard]] std::vector<std::size_t> sharedWith(std::size_t index) const;
};

/// What the probe needs to know about the machine: the mount table, the
/// mount points fstab promises, and the device of "/". Read once per round.
struct ProbeContext {
    MountTable mounts;
    std::vector<std::string> fstabMountPoints;
    std::optional<DeviceId> rootDevice;

    /// /proc/self/mountinfo, /etc/fstab (absent is fine) and stat("/").
    static Result<ProbeContext> fromSystem();
};

/// Measures log dirs with stat/statvfs and places them in the mount table:
/// capacity, used, free, device, mount point, own mount point or not, root
/// filesystem or not, which dirs share a filesystem, and whether a dir looks
/// unmounted (a mount point listed in fstab but not mounted, or a plain dir
/// where its siblings are mount points). A few syscalls per dir; stateless
/// after construction; any thread.
class DiskProbe {
public:
    explicit DiskProbe(ProbeContext context) : m_context(std::move(context)) {}
    static Result<DiskProbe> fromSystem();

    [[nodiscard]] DirProbe probeDir(const std::filesystem::path &dir) const;
    [[nodiscard]] LogDirsProbe probeLogDirs(std::span<const std::filesystem::path> dirs) const;

    [[nodiscard]] const ProbeContext &context() const { return m_context; }

private:
    void findNotMounted(LogDirsProbe &probe) const;
    ProbeContext m_context;
};

/// How a failed stat(2) of a log dir is read: ENOENT and ENOTDIR mean the
/// dir is not there (missing: mount the disk or create it); any other errno
/// (EIO of a failed disk, EACCES, ELOOP, ...) means it is there but cannot be
/// read, which Kafka treats as an offline log dir.
enum class StatFailure { Missing, Unreadable };
[[nodiscard]] StatFailure classifyStatErrno(int err) noexcept;

/// statvfs(2) of `path`.
Result<FilesystemUsage> readFilesystemUsage(const std::filesystem::path &path);

} // namespace spillway::core::measure
