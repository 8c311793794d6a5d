// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/index_layout.h"

#include <algorithm>

namespace spillway::core {

IndexFileLayout IndexFileLayout::measure(std::span<const std::byte> bytes, std::int64_t entrySize) noexcept
{
    IndexFileLayout layout;
    layout.fileSize = static_cast<std::int64_t>(bytes.size());
    layout.entrySize = entrySize;
    layout.slotCount = layout.fileSize / entrySize;
    layout.trailingBytes = layout.fileSize % entrySize;

    // Walk back over the all-zero slots. A real offset-index entry is never
    // all zero (relative offset 0 sits at position 0, which Kafka never
    // indexes); a real time-index entry would need timestamp 0 at the base
    // offset, which we accept to misread as padding.
    const auto usable = static_cast<std::size_t>(layout.slotCount * entrySize);
    const std::byte *begin = bytes.data();
    const std::byte *end = begin + usable;
    const auto lastNonZero = std::find_if(std::make_reverse_iterator(end), std::make_reverse_iterator(begin),
                                          [](std::byte b) { return b != std::byte{0}; });
    const std::int64_t nonZeroBytes = std::make_reverse_iterator(begin) - lastNonZero;
    layout.entryCount = (nonZeroBytes + entrySize - 1) / entrySize;
    layout.zeroTailSlots = layout.slotCount - layout.entryCount;
    return layout;
}

} // namespace spillway::core
