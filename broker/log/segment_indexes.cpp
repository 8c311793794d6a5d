// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/log/segment_indexes.h"

#include "core/storage/index/index_layout.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace spillway::broker {

using core::Errc;
using core::Error;
using core::Result;
using core::Status;

namespace {

Result<std::unique_ptr<FileHandle>> openRw(const std::filesystem::path &path, bool truncate)
{
    const int flags = O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0);
    const int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot open index file " + path.string());
    return std::make_unique<FileHandle>(fd);
}

} // namespace

Result<SegmentIndexes> SegmentIndexes::open(const core::SegmentFiles &files, bool load)
{
    SegmentIndexes idx(files, files.baseOffset);
    if (load) {
        // Read before opening for writing so a missing file stays
        // distinguishable from an empty one for the caller (it checks first).
        std::error_code ec;
        if (std::filesystem::exists(files.offsetIndex(), ec)) {
            auto offsets = core::OffsetIndex::readFile(files.offsetIndex());
            if (!offsets)
                return offsets.error();
            idx.m_offsets = std::move(offsets.value());
            idx.m_loadedWithTrailingBytes = !idx.m_offsets.layout().sizeIsMultiple();
        }
        if (std::filesystem::exists(files.timeIndex(), ec)) {
            auto times = core::TimeIndex::readFile(files.timeIndex());
            if (!times)
                return times.error();
            idx.m_times = std::move(times.value());
            idx.m_loadedWithTrailingBytes = idx.m_loadedWithTrailingBytes || !idx.m_times.layout().sizeIsMultiple();
        }
    }
    auto offsetFile = openRw(files.offsetIndex(), !load);
    if (!offsetFile)
        return offsetFile.error();
    auto timeFile = openRw(files.timeIndex(), !load);
    if (!timeFile)
        return timeFile.error();
    idx.m_offsetFile = std::move(offsetFile.value());
    idx.m_timeFile = std::move(timeFile.value());
    return idx;
}

Status SegmentIndexes::writeAt(const FileHandle &file, const std::filesystem::path &path, const std::byte *data,
                               std::size_t size, std::int64_t position)
{
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n =
            ::pwrite(file.fd(), data + done, size - done, static_cast<off_t>(position) + static_cast<off_t>(done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Error::fromErrno(errno, "cannot write index file " + path.string() + " at byte " +
                                               std::to_string(position + static_cast<std::int64_t>(done)));
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

Status SegmentIndexes::truncate(const FileHandle &file, const std::filesystem::path &path, std::int64_t size)
{
    if (::ftruncate(file.fd(), static_cast<off_t>(size)) != 0)
        return Error::fromErrno(errno,
                                "cannot resize index file " + path.string() + " to " + std::to_string(size) + " bytes");
    return {};
}

Status SegmentIndexes::appendOffset(core::Offset offset, core::FilePosition position)
{
    if (auto st = m_offsets.append(offset, position); !st)
        return st;
    std::byte entry[core::OffsetIndex::kEntrySize];
    const auto &e = m_offsets.entries().back();
    core::storeBigEndian<std::uint32_t>(entry, static_cast<std::uint32_t>(e.relativeOffset.get()));
    core::storeBigEndian<std::uint32_t>(entry + 4, static_cast<std::uint32_t>(e.position.get()));
    const auto slot = static_cast<std::int64_t>(m_offsets.size() - 1) * core::OffsetIndex::kEntrySize;
    return writeAt(*m_offsetFile, m_files.offsetIndex(), entry, sizeof entry, slot);
}

Status SegmentIndexes::maybeAppendTime(core::Timestamp timestamp, core::Offset offset)
{
    auto appended = m_times.maybeAppend(timestamp, offset);
    if (!appended)
        return appended.error();
    if (!appended.value())
        return {};
    std::byte entry[core::TimeIndex::kEntrySize];
    const auto &e = m_times.entries().back();
    core::storeBigEndian<std::uint64_t>(entry, static_cast<std::uint64_t>(e.timestamp.get()));
    core::storeBigEndian<std::uint32_t>(entry + 8, static_cast<std::uint32_t>(e.relativeOffset.get()));
    const auto slot = static_cast<std::int64_t>(m_times.size() - 1) * core::TimeIndex::kEntrySize;
    return writeAt(*m_timeFile, m_files.timeIndex(), entry, sizeof entry, slot);
}

Status SegmentIndexes::preallocate(std::int64_t maxIndexBytes)
{
    // Kafka's roundDownToExactMultiple: 10485760 for .index, 10485756 for .timeindex.
    const auto offsetBytes = maxIndexBytes / core::OffsetIndex::kEntrySize * core::OffsetIndex::kEntrySize;
    const auto timeBytes = maxIndexBytes / core::TimeIndex::kEntrySize * core::TimeIndex::kEntrySize;
    if (auto st = truncate(*m_offsetFile, m_files.offsetIndex(), offsetBytes); !st)
        return st;
    return truncate(*m_timeFile, m_files.timeIndex(), timeBytes);
}

Status SegmentIndexes::trim()
{
    const auto offsetBytes = static_cast<std::int64_t>(m_offsets.size()) * core::OffsetIndex::kEntrySize;
    const auto timeBytes = static_cast<std::int64_t>(m_times.size()) * core::TimeIndex::kEntrySize;
    if (auto st = truncate(*m_offsetFile, m_files.offsetIndex(), offsetBytes); !st)
        return st;
    return truncate(*m_timeFile, m_files.timeIndex(), timeBytes);
}

Status SegmentIndexes::replace(const core::OffsetIndex &offsets, const core::TimeIndex &times)
{
    // Kafka's AbstractIndex.reset: cut to nothing, then write the new entries.
    if (auto st = truncate(*m_offsetFile, m_files.offsetIndex(), 0); !st)
        return st;
    if (auto st = truncate(*m_timeFile, m_files.timeIndex(), 0); !st)
        return st;
    const auto offsetBytes = offsets.serialize();
    const auto timeBytes = times.serialize();
    if (auto st = writeAt(*m_offsetFile, m_files.offsetIndex(), offsetBytes.data(), offsetBytes.size(), 0); !st)
        return st;
    if (auto st = writeAt(*m_timeFile, m_files.timeIndex(), timeBytes.data(), timeBytes.size(), 0); !st)
        return st;
    m_offsets = offsets;
    m_times = times;
    m_loadedWithTrailingBytes = false;
    return {};
}

Status SegmentIndexes::sync()
{
    if (::fdatasync(m_offsetFile->fd()) != 0)
        return Error::fromErrno(errno, "cannot flush index file " + m_files.offsetIndex().string());
    if (::fdatasync(m_timeFile->fd()) != 0)
        return Error::fromErrno(errno, "cannot flush index file " + m_files.timeIndex().string());
    return {};
}

bool SegmentIndexes::isFull(std::int64_t maxIndexBytes) const noexcept
{
    const auto maxOffsets = maxIndexBytes / core::OffsetIndex::kEntrySize;
    const auto maxTimes = maxIndexBytes / core::TimeIndex::kEntrySize;
    return static_cast<std::int64_t>(m_offsets.size()) >= maxOffsets ||
           static_cast<std::int64_t>(m_times.size()) >= maxTimes;
}

std::optional<std::string> SegmentIndexes::sanityProblem(std::int64_t logSize) const
{
    if (m_loadedWithTrailingBytes)
        return "index file size is not a whole number of entries";
    const auto &offsets = m_offsets.entries();
    for (std::size_t i = 0; i < offsets.size(); ++i) {
        if (offsets[i].relativeOffset.get() < 0 || offsets[i].position.get() < 0 ||
            offsets[i].position.get() >= logSize)
            return "offset index entry " + std::to_string(i) + " points outside the log";
        if (i > 0 && (offsets[i].relativeOffset <= offsets[i - 1].relativeOffset ||
                      offsets[i].position < offsets[i - 1].position))
            return "offset index entry " + std::to_string(i) + " is out of order";
    }
    const auto &times = m_times.entries();
    for (std::size_t i = 0; i < times.size(); ++i) {
        if (times[i].relativeOffset.get() < 0)
            return "time index entry " + std::to_string(i) + " has a negative offset";
        if (i > 0 &&
            (times[i].timestamp <= times[i - 1].timestamp || times[i].relativeOffset < times[i - 1].relativeOffset))
            return "time index entry " + std::to_string(i) + " is out of order";
    }
    return std::nullopt;
}

} // namespace spillway::broker
