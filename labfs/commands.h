// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "labfs/lab_filesystem.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace spillway::labfs {

/// Exit codes of spillway-labfs.
enum ExitCode : int {
    kExitOk = 0,
    kExitFailed = 1,         ///< the mount (or a control request) failed; stderr says why
    kExitUsage = 2,          ///< bad arguments, or no daemon on the control socket
    kExitFuseUnavailable = 3 ///< no FUSE here: callers fall back to plain directories
};

/// `spillway-labfs mount` as given on the command line.
struct MountOptions {
    std::filesystem::path backing;
    std::filesystem::path mountpoint;
    std::filesystem::path control; ///< empty: `<backing>.ctl`
    std::string name;              ///< empty: the mountpoint's last component
    std::uint64_t capacity = 0;
    bool foreground = false;
};

/// The smallest disk accepted: 16 blocks.
inline constexpr std::uint64_t kMinCapacity = 16 * 4096;

/// Checks the options and resolves them into a DiskConfig: the backing
/// directory exists; the mountpoint exists, is an empty directory and is not
/// a dead mount; neither contains the other; the name is safe for a mount
/// option; the control socket is outside the mount. Errors say which and
/// what to do.
core::Result<DiskConfig> prepareDisk(const MountOptions &options);

/// Mounts the disk and serves it until it is unmounted (fusermount3 -u) or
/// the daemon gets SIGTERM/SIGINT. Without `foreground`, returns in the
/// caller only once the mount is live (the daemon carries on in the
/// background). Messages go to stderr; returns an ExitCode.
int runMount(const MountOptions &options);

/// `spillway-labfs ctl PATH <request>`: sends the request, prints the JSON
/// reply on stdout. kExitOk, kExitFailed when the daemon refused it,
/// kExitUsage for a bad request or no daemon.
int runControl(const std::filesystem::path &socket, const std::vector<std::string> &words);

/// `spillway-labfs probe`: kExitOk when FUSE mounts are possible here,
/// kExitFuseUnavailable with the reason on stderr otherwise.
int runProbe();

} // namespace spillway::labfs
