// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/big_endian.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace spillway::core {

/// How an index file's bytes divide into entries. Kafka counts
/// floor(size / entrySize) entries and trusts every slot (ON-DISK-FORMAT §5,
/// §11), so a preallocated file read after a crash holds real entries followed
/// by all-zero slots; this separates the two.
struct IndexFileLayout {
    std::int64_t fileSize = 0;
    std::int64_t entrySize = 0;
    std::int64_t slotCount = 0;     ///< floor(fileSize / entrySize): what Kafka counts as entries
    std::int64_t entryCount = 0;    ///< slots before the trailing run of all-zero slots
    std::int64_t zeroTailSlots = 0; ///< all-zero slots after the last real entry
    std::int64_t trailingBytes = 0; ///< fileSize % entrySize (a partial entry: not Kafka's doing)

    [[nodiscard]] bool hasZeroTail() const noexcept { return zeroTailSlots > 0; }
    [[nodiscard]] bool sizeIsMultiple() const noexcept { return trailingBytes == 0; }
    /// Byte position of slot `i` in the file.
    [[nodiscard]] std::int64_t slotPosition(std::int64_t i) const noexcept { return i * entrySize; }

    /// Measures `bytes` as an array of `entrySize`-byte slots.
    static IndexFileLayout measure(std::span<const std::byte> bytes, std::int64_t entrySize) noexcept;
};

} // namespace spillway::core
