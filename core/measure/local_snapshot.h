// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/measure/cluster_snapshot.h"
#include "core/measure/disk_probe.h"
#include "core/storage/logdir/log_dir_scan.h"

#include <filesystem>
#include <optional>
#include <span>
#include <vector>

namespace spillway::core::measure {

/// The local measurement of one broker's log dirs: the disk probe of each
/// configured dir and, for those that exist, the log dir scan.
struct LocalMeasurement {
    LogDirsProbe probe;
    std::vector<std::optional<LogDirScan>> scans; ///< parallel to probe.dirs
    std::vector<std::optional<Error>> scanErrors; ///< why a dir could not be scanned
};

/// Scans several log dirs at once, one thread per dir, at most `threads`
/// (0: one per core). A broker's JBOD dirs are separate disks, so this
/// overlaps their I/O as well as the kernel's work of listing and stat-ing;
/// results in the order of `dirs`. Blocking: call it on a worker thread.
std::vector<Result<LogDirScan>> scanLogDirs(std::span<const std::filesystem::path> dirs,
                                            const LogDirScanOptions &options = {}, unsigned threads = 0);

/// Probes and scans `dirs` (sizes and names only: no file content read;
/// the dirs in parallel, see scanLogDirs). Blocking: call it on a worker thread.
LocalMeasurement measureLocalLogDirs(std::span<const std::filesystem::path> dirs, const DiskProbe &probe);

/// The size of each partition directory of a scan (`-future` dirs marked) as
/// Kafka's DescribeLogDirs reports it: the bytes of its segments' `.log`
/// files (indexes, preallocated or not, and checkpoints left out), so that a
/// local broker's partitions and a remote one's compare. `-delete` and
/// `-stray` dirs are not partitions Kafka serves.
std::vector<PartitionSize> partitionSizes(const LogDirScan &scan);

/// The partition directories Kafka serves from this dir (live ones).
std::int64_t livePartitionCount(const LogDirScan &scan);

/// A BrokerSnapshot from a local measurement, for the alert rules. Kafka
/// bytes are the scan's total without unknown files in the log dir itself,
/// as allocated on the disk (st_blocks: the active segment's preallocated
/// sparse indexes count only what is written), so that they compare with the
/// filesystem's used bytes; partition sizes are their log bytes, as Kafka's
/// DescribeLogDirs gives them. Scan problems with EIO become I/O errors; a dir
/// that cannot be read that way, or that is there but stat cannot reach
/// (EACCES, ELOOP), is offline.
BrokerSnapshot toBrokerSnapshot(BrokerId broker, const LocalMeasurement &local,
                                BrokerLiveness state = BrokerLiveness::Unknown);

} // namespace spillway::core::measure
