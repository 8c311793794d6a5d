// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <cstdint>
#include <vector>

namespace spillway::labfs {

/// Which blocks (of kBlockSize) a write or fallocate of [offset, offset+length)
/// would newly allocate in a file: the holes inside the file and everything
/// past its end. Used to decide ENOSPC before anything is written, and how
/// long a partial write may be when only part of it fits.
class AllocationPlan {
public:
    /// A run of new blocks [first, end), in block numbers.
    struct Run {
        std::int64_t first;
        std::int64_t end;
    };

    /// An upper bound without asking the filesystem: every block the range
    /// touches counts as new. Cheap; used while the disk has room to spare.
    [[nodiscard]] static std::int64_t upperBoundBytes(std::int64_t offset, std::int64_t length) noexcept;

    /// The exact plan for `fd` (its holes come from SEEK_DATA/SEEK_HOLE;
    /// blocks past `fileSize` are new).
    static core::Result<AllocationPlan> forRange(int fd, std::int64_t fileSize, std::int64_t offset,
                                                 std::int64_t length);

    /// A plan from known runs (for tests and callers that know the layout).
    AllocationPlan(std::int64_t offset, std::int64_t length, std::vector<Run> runs);

    [[nodiscard]] std::int64_t newBytes() const noexcept;
    /// The longest prefix of the range whose new blocks fit in `budgetBytes`:
    /// the write stops where the first block that does not fit begins. 0 when
    /// not even the first byte fits.
    [[nodiscard]] std::int64_t prefixWithin(std::int64_t budgetBytes) const noexcept;
    [[nodiscard]] const std::vector<Run> &runs() const noexcept { return m_runs; }

private:
    std::int64_t m_offset;
    std::int64_t m_length;
    std::vector<Run> m_runs;
};

} // namespace spillway::labfs
