// SPDX-License-Identifier: GPL-3.0-or-later
// The broker-level half of LogDirScanner: meta.properties, .lock, the clean
// shutdown marker, the offset checkpoints, and one PartitionScan per
// partition directory.
#include "core/storage/logdir/log_dir_scan.h"

#include "core/common/fileio.h"
#include "core/storage/logdir/dir_listing.h"
#include "core/storage/logdir/java_number.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spillway::core {
namespace {

constexpr std::array<std::string_view, 4> kCheckpointFiles = {kRecoveryPointCheckpointFile, kReplicationCheckpointFile,
                                                              kLogStartOffsetCheckpointFile,
                                                              kCleanerOffsetCheckpointFile};

/// Broker-level files that are Kafka's but carry nothing this model shows.
bool isKnownBrokerFile(std::string_view name)
{
    if (name == "bootstrap.checkpoint" || name == "meta.properties.tmp")
        return true;
    return std::any_of(kCheckpointFiles.begin(), kCheckpointFiles.end(), [&](std::string_view cp) {
        return name.size() == cp.size() + 4 && name.starts_with(cp) && name.ends_with(".tmp");
    });
}

/// `{"version":0,"brokerEpoch":11}` (3.7+); an empty file has no epoch.
std::optional<std::int64_t> parseBrokerEpoch(std::string_view json)
{
    const auto key = json.find("\"brokerEpoch\"");
    if (key == std::string_view::npos)
        return std::nullopt;
    auto pos = json.find(':', key);
    if (pos == std::string_view::npos)
        return std::nullopt;
    ++pos;
    while (pos < json.size() && (json[pos] == ' ' || json[pos] == '\t' || json[pos] == '\n'))
        ++pos;
    auto end = pos;
    while (end < json.size() && (json[end] == '-' || (json[end] >= '0' && json[end] <= '9')))
        ++end;
    return parseJavaInt64(json.substr(pos, end - pos));
}

void readBrokerFiles(LogDirScan &scan)
{
    if (scan.metaPropertiesBytes) {
        const auto file = scan.path / kMetaPropertiesFile;
        if (auto meta = MetaProperties::read(file))
            scan.metaProperties = std::move(meta).value();
        else
            scan.problems.push_back({file.string(), meta.error()});
    }
    for (auto &cp : scan.checkpoints) {
        if (!cp.bytes)
            continue;
        const auto file = scan.path / cp.name;
        if (auto parsed = OffsetCheckpoint::read(file))
            cp.checkpoint = std::move(parsed).value();
        else
            scan.problems.push_back({file.string(), parsed.error()});
    }
    if (scan.cleanShutdown && scan.cleanShutdown->bytes > 0) {
        const auto file = scan.path / kCleanShutdownFile;
        if (auto text = readFile(file))
            scan.cleanShutdown->brokerEpoch = parseBrokerEpoch(*text);
        else
            scan.problems.push_back({file.string(), text.error()});
    }
}

} // namespace

const CheckpointFileState *LogDirScan::checkpoint(std::string_view name) const
{
    for (const auto &cp : checkpoints) {
        if (cp.name == name)
            return &cp;
    }
    return nullptr;
}

std::size_t LogDirScan::segmentCount() const
{
    std::size_t n = 0;
    for (const auto &p : partitions)
        n += p.segments.size();
    return n;
}

std::size_t LogDirScan::problemCount() const
{
    std::size_t n = problems.size();
    for (const auto &p : partitions)
        n += p.problems.size();
    return n;
}

Result<LogDirScan> LogDirScanner::scanLogDir(const std::filesystem::path &logDir, const LogDirScanOptions &options)
{
    LogDirScan scan;
    scan.path = logDir.filename().empty() ? logDir.parent_path() : logDir;
    for (const auto name : kCheckpointFiles)
        scan.checkpoints.push_back({std::string(name), std::nullopt, std::nullopt});

    // Keep the log dir open so that every partition is opened relative to it.
    const int fd = ::open(scan.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot open log dir " + scan.path.string());
    auto entries = listDirectoryAt(fd, ".", scan.path, scan.problems);
    if (!entries) {
        ::close(fd);
        return entries.error();
    }
    // Partitions in name order from the start, in a vector of the right
    // size: with 100k partitions, growing by doubling and sorting afterwards
    // would move ~400-byte PartitionScans around and hold spare capacity.
    std::sort(entries->begin(), entries->end(), [](const FoundFile &a, const FoundFile &b) { return a.name < b.name; });
    scan.partitions.reserve(static_cast<std::size_t>(
        std::count_if(entries->begin(), entries->end(), [](const FoundFile &f) { return f.isDirectory; })));
    for (const auto &file : *entries) {
        if (file.isDirectory) {
            if (auto name = parsePartitionDirName(file.name); !name) {
                scan.problems.push_back({(scan.path / file.name).string(), name.error()});
                scan.unknown.push_back(file);
                continue;
            }
            scan.partitions.push_back(scanPartitionDirAt(fd, file.name, scan.path / file.name, options));
            scan.totalBytes += scan.partitions.back().totalBytes;
            scan.allocatedBytes += scan.partitions.back().allocatedBytes;
            continue;
        }
        scan.totalBytes += file.bytes;
        scan.allocatedBytes += file.allocatedBytes;
        const auto cp = std::find(kCheckpointFiles.begin(), kCheckpointFiles.end(), file.name);
        if (cp != kCheckpointFiles.end())
            scan.checkpoints[static_cast<std::size_t>(cp - kCheckpointFiles.begin())].bytes = file.bytes;
        else if (file.name == kMetaPropertiesFile)
            scan.metaPropertiesBytes = file.bytes;
        else if (file.name == kLockFile)
            scan.hasLockFile = true;
        else if (file.name == kCleanShutdownFile)
            scan.cleanShutdown = CleanShutdownMarker{file.bytes, std::nullopt};
        else if (isKnownBrokerFile(file.name))
            scan.otherFiles.push_back(file);
        else
            scan.unknown.push_back(file);
    }
    ::close(fd);

    const auto byName = [](const PartitionScan &a, const PartitionScan &b) { return a.dirName < b.dirName; };
    if (!std::is_sorted(scan.partitions.begin(), scan.partitions.end(), byName))
        std::sort(scan.partitions.begin(), scan.partitions.end(), byName);
    std::sort(scan.unknown.begin(), scan.unknown.end(),
              [](const FoundFile &a, const FoundFile &b) { return a.name < b.name; });
    if (scan.hasLockFile && options.checkLock) {
        if (auto held = isFileLockedByOtherProcess(scan.path / kLockFile))
            scan.lockHeld = *held;
        else
            scan.problems.push_back({(scan.path / kLockFile).string(), held.error()});
    }
    if (options.readBrokerFiles)
        readBrokerFiles(scan);
    return scan;
}

} // namespace spillway::core
