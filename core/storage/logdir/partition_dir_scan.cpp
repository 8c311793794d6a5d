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

/// Closes a DIR* (and with it the fd it was opened from).
class DirHandle {
public:
    explicit DirHandle(DIR *dir) : m_dir(dir) {}
    DirHandle(const DirHandle &) = delete;
    DirHandle &operator=(const DirHandle &) = delete;
    ~DirHandle()
    {
        if (m_dir != nullptr)
            ::closedir(m_dir);
    }
    [[nodiscard]] DIR *get() const { return m_dir; }

private:
    DIR *m_dir;
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
    DirHandle dir(::fdopendir(fd));
    if (dir.get() == nullptr) {
        const int err = errno;
        ::close(fd);
        return Error::fromErrno(err, "cannot read directory " + fullPath.string());
    }
    std::vector<FoundFile> out;
    for (;;) {
        errno = 0;
        const dirent *entry = ::readdir(dir.get());
        if (entry == nullptr) {
            if (errno != 0)
                return Error::fromErrno(errno, "cannot read directory " + fullPath.string());
            break;
        }
        const std::string_view entryName(entry->d_name);
        if (entryName == "." || entryName == "..")
            continue;
        struct stat st {};
        if (::fstatat(fd, entry->d_name, &st, 0) != 0) {
            if (errno != ENOENT)
                problems.push_back({(fullPath / entryName).string(),
                                    Error::fromErrno(errno, "cannot stat " + (fullPath / entryName).string())});
            continue;
        }
        const bool isDir = S_ISDIR(st.st_mode);
        out.push_back({std::string(entryName), isDir ? 0 : static_cast<std::int64_t>(st.st_size), isDir});
    }
    return out;
}

PartitionScan scanPartitionDirAt(int parentFd, const std::string &name, const std::filesystem::path &fullPath,
                                 const LogDirScanOptions &options)
{
    PartitionScan scan;
    scan.path = fullPath;
    scan.dirName = fullPath.filename().string();
    if (auto parsed = parsePartitionDirName(scan.dirName))
        scan.name = std::move(parsed).value();
    else
        scan.problems.push_back({fullPath.string(), parsed.error()});

    auto entries = listDirectoryAt(parentFd, name, fullPath, scan.problems);
    if (!entries) {
        scan.problems.push_back({fullPath.string(), entries.error()});
        return scan;
    }
    std::vector<SegmentPiece> pieces;
    pieces.reserve(entries->size());
    for (const auto &file : *entries) {
        scan.totalBytes += file.bytes;
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
