// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/storage/logdir/log_dir_scan.h"

#include <filesystem>
#include <string>
#include <vector>

namespace spillway::core {

/// The entries of one directory with their sizes, read in one pass:
/// openat + readdir + fstatat on the directory's own fd, so no path is
/// resolved per file. Entries that vanish while listing (Kafka deletes
/// files asynchronously) are skipped; other per-entry failures are appended
/// to `problems`. Only failing to open or read the directory is an error.
/// `parentFd` may be AT_FDCWD, in which case `name` is a full path.
Result<std::vector<FoundFile>> listDirectoryAt(int parentFd, const std::string &name,
                                               const std::filesystem::path &fullPath,
                                               std::vector<ScanProblem> &problems);

/// Scans the partition directory `fullPath` (listed from `parentFd`/`name`).
/// Shared by LogDirScanner::scanLogDir and scanPartitionDir.
PartitionScan scanPartitionDirAt(int parentFd, const std::string &name, std::filesystem::path fullPath,
                                 const LogDirScanOptions &options);

} // namespace spillway::core
