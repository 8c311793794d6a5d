// SPDX-License-Identifier: GPL-3.0-or-later
// Listing one directory, and the partition-directory half of LogDirScanner.
#include "core/storage/format/segment_file_name.h"
#include "core/storage/logdir/dir_listing.h"
#include "core/storage/logdir/log_dir_scan.h"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spillway::core {
namespace {

/// Closes a directory fd.
class FdGuard {
public:
    explicit FdGuard(int fd) : m_fd(fd) {}
    FdGuard(const FdGuard &) = delete;
    FdGuard &operator=(const FdGuard &) = delete;
    ~FdGuard() { ::close(m_fd); }

private:
    int m_fd;
};

/// One offset-named file, before the files of a segment are merged.
struct SegmentPiece {
    std::int64_t offset = 0;
    SegmentFileType type = SegmentFileType::Log;
    std::int64_t bytes = 0;
    const std::string *name = nullptr;
};

bool isDigits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// KRaft metadata snapshots: `<20-digit offset>-<10-digit epoch>.checkpoint`
/// (plus `.part` while written, `.deleted` while removed).
bool isKraftSnapshotName(std::string_view name)
{
    for (std::string_view suffix : {".checkpoint", ".checkpoint.part", ".checkpoint.deleted"}) {
        if (name.size() == 31 + suffix.size() && name.ends_with(suffix) && name[20] == '-' &&
            isDigits(name.substr(0, 20)) && isDigits(name.substr(21, 10)))
            return true;
    }
    return false;
}

/// Files Kafka writes through `<name>.tmp` + rename; a leftover `.tmp` is
/// the trace of a crash during that write.
bool isKnownTempFile(std::string_view name)
{
    if (!name.ends_with(".tmp"))
        return false;
    const std::string_view stem = name.substr(0, name.size() - 4);
    return stem == kLeaderEpochCheckpointFile || stem == kPartitionMetadataFile || stem == "quorum-state" ||
           (parseSegmentFileName(stem).has_value());
}

void mergeSegments(PartitionScan &scan, std::vector<SegmentPiece> &pieces)
{
    std::sort(pieces.begin(), pieces.end(), [](const SegmentPiece &a, const SegmentPiece &b) {
        return a.offset != b.offset ? a.offset < b.offset : a.type < b.type;
    });
    std::size_t distinct = 0;
    for (std::size_t i = 0; i < pieces.size(); ++i)
        distinct += (i == 0 || pieces[i].offset != pieces[i - 1].offset) ? 1 : 0;
    scan.segments.reserve(distinct);
    for (std::size_t i = 0; i < pieces.size();) {
        std::size_t end = i;
        while (end < pieces.size() && pieces[end].offset == pieces[i].offset)
            ++end;
        const bool hasLog = pieces[i].type == SegmentFileType::Log;
        if (!hasLog) {
            // Kafka deletes an index whose .log is missing at the next load.
            for (std::size_t k = i; k < end; ++k)
                scan.leftovers.push_back({*pieces[k].name, pieces[k].bytes, LeftoverKind::OrphanIndex});
            i = end;
            continue;
        }
        SegmentEntry seg;
        seg.baseOffset = Offset(pieces[i].offset);
        for (std::size_t k = i; k < end; ++k) {
            switch (pieces[k].type) {
            case SegmentFileType::Log: seg.logBytes = pieces[k].bytes; break;
            case SegmentFileType::Index: seg.indexBytes = pieces[k].bytes; break;
            case SegmentFileType::TimeIndex: seg.timeIndexBytes = pieces[k].bytes; break;
            case SegmentFileType::TxnIndex: seg.txnIndexBytes = pieces[k].bytes; break;
            case SegmentFileType::Snapshot: break;
            }
        }
        scan.segments.push_back(seg);
        i = end;
    }
}

void readPartitionFiles(PartitionScan &scan)
{
    if (scan.leaderEpochCheckpointBytes) {
        const auto file = scan.path / kLeaderEpochCheckpointFile;
        auto epochs = LeaderEpochCheckpoint::read(file);
        if (epochs) {
            if (auto mono = epochs->checkMonotonic(file.string()); !mono)
                scan.problems.push_back({file.string(), mono.error()});
            scan.leaderEpochs = std::move(epochs).value();
        } else if (epochs.error().code != Errc::NotFound) {
            scan.problems.push_back({file.string(), epochs.error()});
        }
    }
    if (scan.partitionMetadataBytes) {
        const auto file = scan.path / kPartitionMetadataFile;
        auto metadata = PartitionMetadata::read(file);
        if (metadata)
            scan.metadata = std::move(metadata).value();
        else if (metadata.error().code != Errc::NotFound)
            scan.problems.push_back({file.string(), metadata.error()});
    }
}

} // namespace

std::string_view toString(LeftoverKind kind) noexcept
{
    switch (kind) {
    case LeftoverKind::Deleted: return "deleted";
    case LeftoverKind::Cleaned: return "cleaned";
    case LeftoverKind::Swap: return "swap";
    case LeftoverKind::OrphanIndex: return "orphan index";
    case LeftoverKind::TempFile: return "temp file";
    }
    return "unknown";
}

std::int64_t PartitionScan::logBytes() const
{
    std::int64_t sum = 0;
    for (const auto &s : segments)
        sum += s.logBytes;
    return sum;
}

Result<std::vector<FoundFile>> listDirectoryAt(int parentFd, const std::string &name,
                                               const std::filesystem::path &fullPath,
                                               std::vector<ScanProblem> &problems)
{
    const int fd = ::openat(parentFd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot open directory " + fullPath.string());
    FdGuard guard(fd);
    // getdents64 straight into a buffer: no fdopendir (its fstat and fcntl
    // are two more syscalls per directory, 100k directories in a big log
    // dir), and the entry type spares the stat of subdirectories, whose
    // size is not needed. Regular files still need fstatat for st_size.
    alignas(8) char buffer[32768];
    std::vector<FoundFile> out;
    for (;;) {
        const ssize_t n = ::getdents64(fd, buffer, sizeof buffer);
        if (n < 0)
            return Error::fromErrno(errno, "cannot read directory " + fullPath.string());
        if (n == 0)
            break;
        for (ssize_t pos = 0; pos < n;) {
            const auto *entry = reinterpret_cast<const dirent64 *>(buffer + pos);
            pos += entry->d_reclen;
            const std::string_view entryName(entry->d_name);
            if (entryName == "." || entryName == "..")
                continue;
            if (entry->d_type == DT_DIR) {
                out.push_back({std::string(entryName), 0, true});
                continue;
            }
            struct stat st {};
            if (::fstatat(fd, entry->d_name, &st, 0) != 0) {
                if (errno != ENOENT)
                    problems.push_back({(fullPath / entryName).string(),
                                        Error::fromErrno(errno, "cannot stat " + (fullPath / entryName).string())});
                continue;
            }
            const bool isDir = S_ISDIR(st.st_mode);
            out.push_back({std::string(entryName), isDir ? 0 : static_cast<std::int64_t>(st.st_size), isDir,
                           isDir ? 0 : static_cast<std::int64_t>(st.st_blocks) * 512});
        }
    }
    return out;
}

PartitionScan scanPartitionDirAt(int parentFd, const std::string &name, std::filesystem::path fullPath,
                                 const LogDirScanOptions &options)
{
    PartitionScan scan;
    scan.path = std::move(fullPath); // 100k partitions: one path each, not two
    scan.dirName = scan.path.filename().string();
    if (auto parsed = parsePartitionDirName(scan.dirName))
        scan.name = std::move(parsed).value();
    else
        scan.problems.push_back({scan.path.string(), parsed.error()});

    auto entries = listDirectoryAt(parentFd, name, scan.path, scan.problems);
    if (!entries) {
        scan.problems.push_back({scan.path.string(), entries.error()});
        return scan;
    }
    std::vector<SegmentPiece> pieces;
    pieces.reserve(entries->size());
    for (const auto &file : *entries) {
        scan.totalBytes += file.bytes;
        scan.allocatedBytes += file.allocatedBytes;
        if (file.isDirectory) {
            scan.unknown.push_back(file);
            continue;
        }
        if (const auto seg = parseSegmentFileName(file.name)) {
            if (seg->suffix != TempSuffix::None) {
                const LeftoverKind kind = seg->suffix == TempSuffix::Deleted   ? LeftoverKind::Deleted
                                          : seg->suffix == TempSuffix::Cleaned ? LeftoverKind::Cleaned
                                                                               : LeftoverKind::Swap;
                scan.leftovers.push_back({file.name, file.bytes, kind});
            } else if (seg->type == SegmentFileType::Snapshot) {
                scan.snapshots.push_back({seg->offset, file.bytes});
            } else {
                pieces.push_back({seg->offset.get(), seg->type, file.bytes, &file.name});
            }
        } else if (file.name == kLeaderEpochCheckpointFile) {
            scan.leaderEpochCheckpointBytes = file.bytes;
        } else if (file.name == kPartitionMetadataFile) {
            scan.partitionMetadataBytes = file.bytes;
        } else if (isKnownTempFile(file.name)) {
            scan.leftovers.push_back({file.name, file.bytes, LeftoverKind::TempFile});
        } else if (file.name == "quorum-state" || isKraftSnapshotName(file.name)) {
            scan.otherFiles.push_back(file);
        } else {
            scan.unknown.push_back(file);
        }
    }
    mergeSegments(scan, pieces);
    std::sort(scan.snapshots.begin(), scan.snapshots.end(),
              [](const SnapshotFileEntry &a, const SnapshotFileEntry &b) { return a.offset < b.offset; });
    std::sort(scan.leftovers.begin(), scan.leftovers.end(),
              [](const LeftoverFile &a, const LeftoverFile &b) { return a.name < b.name; });
    std::sort(scan.unknown.begin(), scan.unknown.end(),
              [](const FoundFile &a, const FoundFile &b) { return a.name < b.name; });
    if (options.readPartitionFiles)
        readPartitionFiles(scan);
    return scan;
}

Result<PartitionScan> LogDirScanner::scanPartitionDir(const std::filesystem::path &partitionDir,
                                                      const LogDirScanOptions &options)
{
    // Normalise "dir/" so that the directory name is not empty.
    const std::filesystem::path path = partitionDir.filename().empty() ? partitionDir.parent_path() : partitionDir;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return Error::fromErrno(errno, "cannot open partition directory " + path.string());
    if (!S_ISDIR(st.st_mode))
        return makeError(Errc::InvalidArgument, path.string() + " is not a directory");
    return scanPartitionDirAt(AT_FDCWD, path.string(), path, options);
}

} // namespace spillway::core
