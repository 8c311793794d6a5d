// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/local_snapshot.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <thread>

namespace spillway::core::measure {
namespace {

bool isIoError(const Error &e) { return e.sysErrno == EIO || e.sysErrno == EROFS || e.sysErrno == EUCLEAN; }

} // namespace

std::vector<Result<LogDirScan>> scanLogDirs(std::span<const std::filesystem::path> dirs,
                                            const LogDirScanOptions &options, unsigned threads)
{
    std::vector<std::optional<Result<LogDirScan>>> slots(dirs.size());
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i = next++; i < dirs.size(); i = next++)
            slots[i].emplace(LogDirScanner::scanLogDir(dirs[i], options));
    };
    if (threads == 0)
        threads = std::max(1U, std::thread::hardware_concurrency());
    const std::size_t helpers = std::min<std::size_t>(threads, dirs.size()) - (dirs.empty() ? 0 : 1);
    std::vector<std::thread> pool;
    pool.reserve(helpers);
    for (std::size_t t = 0; t < helpers; ++t)
        pool.emplace_back(work);
    work(); // this thread takes a share too
    for (auto &t : pool)
        t.join();
    std::vector<Result<LogDirScan>> out;
    out.reserve(dirs.size());
    for (auto &slot : slots)
        out.push_back(std::move(*slot));
    return out;
}

LocalMeasurement measureLocalLogDirs(std::span<const std::filesystem::path> dirs, const DiskProbe &probe)
{
    LocalMeasurement out;
    out.probe = probe.probeLogDirs(dirs);
    out.scans.resize(out.probe.dirs.size());
    out.scanErrors.resize(out.probe.dirs.size());
    std::vector<std::filesystem::path> present;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < out.probe.dirs.size(); ++i) {
        const auto &d = out.probe.dirs[i];
        if (d.exists && d.isDirectory) {
            present.push_back(d.path);
            index.push_back(i);
        }
    }
    LogDirScanOptions options;
    options.checkLock = false;
    auto scans = scanLogDirs(present, options);
    for (std::size_t k = 0; k < scans.size(); ++k) {
        if (scans[k])
            out.scans[index[k]] = std::move(scans[k]).value();
        else
            out.scanErrors[index[k]] = scans[k].error();
    }
    return out;
}

std::vector<PartitionSize> partitionSizes(const LogDirScan &scan)
{
    std::vector<PartitionSize> out;
    out.reserve(scan.partitions.size());
    for (const auto &p : scan.partitions) {
        if (!p.name || (p.name->kind != PartitionDirKind::Live && p.name->kind != PartitionDirKind::Future))
            continue;
        out.push_back({p.name->topic, p.name->partition, p.logBytes(), p.name->kind == PartitionDirKind::Future});
    }
    return out;
}

std::int64_t livePartitionCount(const LogDirScan &scan)
{
    std::int64_t n = 0;
    for (const auto &p : scan.partitions)
        n += p.name && p.name->kind == PartitionDirKind::Live ? 1 : 0;
    return n;
}

BrokerSnapshot toBrokerSnapshot(BrokerId broker, const LocalMeasurement &local, BrokerLiveness state)
{
    BrokerSnapshot b;
    b.id = broker;
    b.state = state;
    for (std::size_t i = 0; i < local.probe.dirs.size(); ++i) {
        const DirProbe &p = local.probe.dirs[i];
        LogDirSnapshot d;
        d.path = p.path.string();
        d.source = MeasurementSource::LocalScan;
        d.exists = p.exists;
        d.usage = p.usage;
        if (p.exists)
            d.device = p.device.toString();
        d.mountPoint = p.mountPoint;
        d.ownMountPoint = p.ownMountPoint;
        d.rootFilesystem = p.rootFilesystem;
        d.notMounted = p.notMounted;
        // A dir that is there but cannot be read — an I/O error, or EACCES /
        // ELOOP (stat failed for another reason than "not there") — cannot be
        // used by Kafka either: offline, with the error.
        if (p.exists && p.error && (isIoError(*p.error) || p.unreadable)) {
            d.offline = true;
            d.ioErrors.push_back(p.error->message);
        }
        if (i < local.scanErrors.size() && local.scanErrors[i]) {
            d.offline = d.offline || isIoError(*local.scanErrors[i]);
            d.ioErrors.push_back(local.scanErrors[i]->message);
        }
        if (i < local.scans.size() && local.scans[i]) {
            const LogDirScan &scan = *local.scans[i];
            // Kafka's files only (a stray tarball in the log dir takes space
            // but is not Kafka data), as they sit on the disk: the active
            // segment's preallocated sparse indexes (10 MiB st_size each)
            // take only what has been written, so Kafka bytes never exceed
            // the filesystem's used bytes.
            d.kafkaBytes = scan.allocatedBytes;
            for (const auto &stray : scan.unknown)
                d.kafkaBytes -= stray.allocatedBytes;
            d.partitionCount = livePartitionCount(scan);
            d.partitions = partitionSizes(scan);
            for (const auto &problem : scan.problems) {
                if (isIoError(problem.error))
                    d.ioErrors.push_back(problem.error.message);
            }
            for (const auto &part : scan.partitions) {
                for (const auto &problem : part.problems) {
                    if (isIoError(problem.error))
                        d.ioErrors.push_back(problem.error.message);
                }
            }
        }
        b.dirs.push_back(std::move(d));
    }
    return b;
}

} // namespace spillway::core::measure
