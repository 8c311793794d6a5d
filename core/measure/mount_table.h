// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core::measure {

/// A device number as the kernel shows it ("254:0"), from st_dev or from
/// the third field of /proc/self/mountinfo.
struct DeviceId {
    std::uint32_t major = 0;
    std::uint32_t minor = 0;

    static DeviceId fromDev(std::uint64_t dev);
    [[nodiscard]] std::string toString() const; ///< "major:minor"
    auto operator<=>(const DeviceId &) const = default;
};

/// One line of /proc/self/mountinfo (proc(5)), with the octal escapes
/// (`\040` for a space, `\011`, `\012`, `\134`) of path fields undone.
struct MountEntry {
    int mountId = 0;
    int parentId = 0;
    DeviceId device;
    std::string root;       ///< the mount's root within its filesystem ("/" or a bind-mounted subdir)
    std::string mountPoint; ///< where it is mounted
    std::string options;    ///< per-mount options (rw,relatime,...)
    std::string fsType;     ///< ext4, xfs, tmpfs, overlay, ...
    std::string source;     ///< /dev/vda1, tmpfs, ...
};

/// `\040` -> ' ' and the other octal escapes the kernel writes into
/// mountinfo and fstab path fields; anything else is kept as is.
std::string unescapeMountField(std::string_view field);

/// The mounts of this process, in the kernel's order (a later entry on the
/// same mount point is mounted over the earlier one). Plain value; any thread.
class MountTable {
public:
    MountTable() = default;
    explicit MountTable(std::vector<MountEntry> entries) : m_entries(std::move(entries)) {}

    /// Parses mountinfo text; a malformed line is an error naming its number.
    static Result<MountTable> parse(std::string_view mountinfoText);
    /// Reads and parses /proc/self/mountinfo.
    static Result<MountTable> readSelf();

    [[nodiscard]] const std::vector<MountEntry> &entries() const { return m_entries; }

    /// The mount an absolute, symlink-free path lives on: the longest mount
    /// point that is a path prefix of it (component-wise). When several
    /// entries share that mount point, the one whose device is `device`
    /// wins if given, otherwise the last (topmost). nullptr when none match.
    [[nodiscard]] const MountEntry *mountFor(const std::filesystem::path &canonicalPath,
                                             const DeviceId *device = nullptr) const;

    /// Whether `canonicalPath` is itself a mount point.
    [[nodiscard]] bool isMountPoint(const std::filesystem::path &canonicalPath) const;

private:
    std::vector<MountEntry> m_entries;
};

/// The mount points listed in an fstab(5) text (second field, unescaped),
/// skipping comments, swap and `none`. Used to tell "a disk meant to be
/// mounted here is not" from "a plain directory".
std::vector<std::string> parseFstabMountPoints(std::string_view fstabText);

/// Whether `prefix` is `path` or one of its ancestors, component-wise
/// ("/data" is a prefix of "/data/kafka", not of "/data1").
bool isPathPrefix(std::string_view prefix, std::string_view path);

} // namespace spillway::core::measure
