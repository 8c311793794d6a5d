// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/offset_index.h"

#include "core/common/fileio.h"
#include "core/storage/index/segment_files.h"

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>

namespace spillway::core {

OffsetIndex OffsetIndex::parse(std::span<const std::byte> bytes, Offset baseOffset)
{
    OffsetIndex index(baseOffset);
    index.m_layout = IndexFileLayout::measure(bytes, kEntrySize);
    index.m_entries.reserve(static_cast<std::size_t>(index.m_layout.entryCount));
    const std::byte *p = bytes.data();
    for (std::int64_t i = 0; i < index.m_layout.entryCount; ++i, p += kEntrySize) {
        index.m_entries.push_back({RelativeOffset(static_cast<std::int32_t>(loadBigEndian<std::uint32_t>(p))),
                                   FilePosition(static_cast<std::int32_t>(loadBigEndian<std::uint32_t>(p + 4)))});
    }
    return index;
}

Result<OffsetIndex> OffsetIndex::readFile(const std::filesystem::path &path)
{
    auto base = parseSegmentBaseOffset(path);
    if (!base)
        return base.error();
    auto mapped = MappedFile::open(path);
    if (!mapped)
        return mapped.error();
    return parse(mapped->bytes(), *base);
}

Result<RelativeOffset> OffsetIndex::toRelative(Offset offset) const
{
    const std::int64_t rel = offset.get() - m_baseOffset.get();
    if (rel < 0 || rel > std::numeric_limits<std::int32_t>::max())
        return makeError(Errc::InvalidArgument,
                         "offset " + std::to_string(offset.get()) + " does not fit a segment based at " +
                             std::to_string(m_baseOffset.get()),
                         "a segment holds offsets base .. base + 2^31 - 1");
    return RelativeOffset(static_cast<std::int32_t>(rel));
}

Status OffsetIndex::append(Offset offset, FilePosition position)
{
    auto rel = toRelative(offset);
    if (!rel)
        return rel.error();
    if (position.get() < 0 || position.get() > std::numeric_limits<std::int32_t>::max())
        return makeError(Errc::InvalidArgument,
                         "position " + std::to_string(position.get()) + " does not fit an index");
    if (!m_entries.empty()) {
        const OffsetIndexEntry &last = m_entries.back();
        if (rel->get() <= last.relativeOffset.get())
            return makeError(Errc::InvalidArgument, "offset " + std::to_string(offset.get()) +
                                                        " is not above the last indexed offset " +
                                                        std::to_string(absolute(last.relativeOffset).get()));
        if (position < last.position)
            return makeError(Errc::InvalidArgument, "position " + std::to_string(position.get()) +
                                                        " is before the last indexed position " +
                                                        std::to_string(last.position.get()));
    }
    m_entries.push_back({*rel, position});
    return {};
}

std::optional<OffsetIndexEntry> OffsetIndex::lookup(Offset target) const
{
    const std::int64_t rel = target.get() - m_baseOffset.get();
    const auto it =
        std::upper_bound(m_entries.begin(), m_entries.end(), rel,
                         [](std::int64_t t, const OffsetIndexEntry &e) { return t < e.relativeOffset.get(); });
    if (it == m_entries.begin())
        return std::nullopt;
    return *(it - 1);
}

std::vector<std::byte> OffsetIndex::serialize() const
{
    std::vector<std::byte> out(m_entries.size() * kEntrySize);
    std::byte *p = out.data();
    for (const OffsetIndexEntry &e : m_entries) {
        storeBigEndian<std::uint32_t>(p, static_cast<std::uint32_t>(e.relativeOffset.get()));
        storeBigEndian<std::uint32_t>(p + 4, static_cast<std::uint32_t>(e.position.get()));
        p += kEntrySize;
    }
    return out;
}

Status OffsetIndex::writeFile(const std::filesystem::path &path) const
{
    const std::vector<std::byte> bytes = serialize();
    return writeFileAtomic(path, std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()),
                           ".spillway-tmp");
}

} // namespace spillway::core
