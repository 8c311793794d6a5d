// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/time_index.h"

#include "core/common/fileio.h"
#include "core/storage/index/segment_files.h"

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>

namespace spillway::core {

TimeIndex TimeIndex::parse(std::span<const std::byte> bytes, Offset baseOffset)
{
    TimeIndex index(baseOffset);
    index.m_layout = IndexFileLayout::measure(bytes, kEntrySize);
    index.m_entries.reserve(static_cast<std::size_t>(index.m_layout.entryCount));
    const std::byte *p = bytes.data();
    for (std::int64_t i = 0; i < index.m_layout.entryCount; ++i, p += kEntrySize) {
        index.m_entries.push_back({Timestamp(static_cast<std::int64_t>(loadBigEndian<std::uint64_t>(p))),
                                   RelativeOffset(static_cast<std::int32_t>(loadBigEndian<std::uint32_t>(p + 8)))});
    }
    return index;
}

Result<TimeIndex> TimeIndex::readFile(const std::filesystem::path &path)
{
    auto base = parseSegmentBaseOffset(path);
    if (!base)
        return base.error();
    auto mapped = MappedFile::open(path);
    if (!mapped)
        return mapped.error();
    return parse(mapped->bytes(), *base);
}

Result<bool> TimeIndex::maybeAppend(Timestamp timestamp, Offset offset)
{
    const std::int64_t rel = offset.get() - m_baseOffset.get();
    if (rel < 0 || rel > std::numeric_limits<std::int32_t>::max())
        return makeError(Errc::InvalidArgument, "offset " + std::to_string(offset.get()) +
                                                    " does not fit a segment based at " +
                                                    std::to_string(m_baseOffset.get()));
    const Timestamp lastTimestamp = m_entries.empty() ? Timestamp(-1) : m_entries.back().timestamp;
    if (!m_entries.empty() && rel < m_entries.back().relativeOffset.get())
        return makeError(Errc::InvalidArgument, "time index offset " + std::to_string(offset.get()) +
                                                    " is below the last entry's offset " +
                                                    std::to_string(absolute(m_entries.back().relativeOffset).get()));
    if (timestamp <= lastTimestamp)
        return false;
    m_entries.push_back({timestamp, RelativeOffset(static_cast<std::int32_t>(rel))});
    return true;
}

std::optional<TimeIndexEntry> TimeIndex::lookup(Timestamp target) const
{
    const auto it = std::upper_bound(m_entries.begin(), m_entries.end(), target,
                                     [](Timestamp t, const TimeIndexEntry &e) { return t < e.timestamp; });
    if (it == m_entries.begin())
        return std::nullopt;
    return *(it - 1);
}

std::vector<std::byte> TimeIndex::serialize() const
{
    std::vector<std::byte> out(m_entries.size() * kEntrySize);
    std::byte *p = out.data();
    for (const TimeIndexEntry &e : m_entries) {
        storeBigEndian<std::uint64_t>(p, static_cast<std::uint64_t>(e.timestamp.get()));
        storeBigEndian<std::uint32_t>(p + 8, static_cast<std::uint32_t>(e.relativeOffset.get()));
        p += kEntrySize;
    }
    return out;
}

Status TimeIndex::writeFile(const std::filesystem::path &path) const
{
    const std::vector<std::byte> bytes = serialize();
    return writeFileAtomic(path, std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()),
                           ".spillway-tmp");
}

} // namespace spillway::core
