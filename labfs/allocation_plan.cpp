// SPDX-License-Identifier: GPL-3.0-or-later
#include "labfs/allocation_plan.h"

#include "labfs/space_ledger.h"

#include <algorithm>
#include <cerrno>
#include <unistd.h>
#include <utility>

namespace spillway::labfs {

namespace {

std::int64_t blockFloor(std::int64_t bytes) noexcept { return bytes / kBlockSize; }
std::int64_t blockCeil(std::int64_t bytes) noexcept { return (bytes + kBlockSize - 1) / kBlockSize; }

void addRun(std::vector<AllocationPlan::Run> &runs, std::int64_t first, std::int64_t end)
{
    if (first >= end)
        return;
    if (!runs.empty() && runs.back().end == first)
        runs.back().end = end;
    else
        runs.push_back({first, end});
}

} // namespace

AllocationPlan::AllocationPlan(std::int64_t offset, std::int64_t length, std::vector<Run> runs)
    : m_offset(offset)
    , m_length(length)
    , m_runs(std::move(runs))
{}

std::int64_t AllocationPlan::upperBoundBytes(std::int64_t offset, std::int64_t length) noexcept
{
    if (length <= 0)
        return 0;
    return (blockCeil(offset + length) - blockFloor(offset)) * kBlockSize;
}

core::Result<AllocationPlan> AllocationPlan::forRange(int fd, std::int64_t fileSize, std::int64_t offset,
                                                      std::int64_t length)
{
    std::vector<Run> runs;
    if (length <= 0)
        return AllocationPlan(offset, length, std::move(runs));
    const std::int64_t first = blockFloor(offset);
    const std::int64_t end = blockCeil(offset + length);
    // Blocks at or past this one lie beyond the end of the file: all new. The
    // block holding the last byte is allocated unless it is a hole, which
    // SEEK_HOLE reports.
    const std::int64_t eofBlock = blockCeil(fileSize);
    const std::int64_t insideEnd = std::min(end, eofBlock);
    std::int64_t pos = first * kBlockSize;
    while (pos < insideEnd * kBlockSize) {
        const off_t data = ::lseek(fd, pos, SEEK_DATA);
        if (data < 0) {
            if (errno != ENXIO)
                return core::Error::fromErrno(errno, "cannot look for holes (SEEK_DATA)");
            // No data from pos on: the rest of the file is a hole.
            addRun(runs, blockCeil(pos), insideEnd);
            break;
        }
        if (data > pos)
            addRun(runs, blockCeil(pos), std::min(insideEnd, blockFloor(data)));
        const off_t hole = ::lseek(fd, data, SEEK_HOLE);
        if (hole < 0)
            return core::Error::fromErrno(errno, "cannot look for holes (SEEK_HOLE)");
        pos = std::max<std::int64_t>(hole, data + 1);
    }
    addRun(runs, std::max(first, eofBlock), end);
    return AllocationPlan(offset, length, std::move(runs));
}

std::int64_t AllocationPlan::newBytes() const noexcept
{
    std::int64_t blocks = 0;
    for (const Run &r : m_runs)
        blocks += r.end - r.first;
    return blocks * kBlockSize;
}

std::int64_t AllocationPlan::prefixWithin(std::int64_t budgetBytes) const noexcept
{
    std::int64_t budget = std::max<std::int64_t>(0, budgetBytes) / kBlockSize;
    for (const Run &r : m_runs) {
        if (r.end - r.first <= budget) {
            budget -= r.end - r.first;
            continue;
        }
        const std::int64_t stopAt = (r.first + budget) * kBlockSize;
        return std::clamp<std::int64_t>(stopAt - m_offset, 0, m_length);
    }
    return m_length;
}

} // namespace spillway::labfs
