// SPDX-License-Identifier: GPL-3.0-or-later
#include "labfs/space_ledger.h"

#include <algorithm>

namespace spillway::labfs {

std::int64_t SpaceLedger::free() const noexcept { return std::max<std::int64_t>(0, m_capacity - used()); }

bool SpaceLedger::tryReserve(std::int64_t bytes) noexcept
{
    if (bytes <= 0)
        return true;
    std::int64_t current = m_used.load(std::memory_order_relaxed);
    do {
        if (current + bytes > m_capacity)
            return false;
    } while (!m_used.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
    return true;
}

std::int64_t SpaceLedger::reserveUpTo(std::int64_t bytes) noexcept
{
    if (bytes <= 0)
        return 0;
    const std::int64_t wanted = (bytes + kBlockSize - 1) / kBlockSize * kBlockSize;
    std::int64_t current = m_used.load(std::memory_order_relaxed);
    std::int64_t take = 0;
    do {
        const std::int64_t room = std::max<std::int64_t>(0, m_capacity - current) / kBlockSize * kBlockSize;
        take = std::min(wanted, room);
        if (take == 0)
            return 0;
    } while (!m_used.compare_exchange_weak(current, current + take, std::memory_order_relaxed));
    return take;
}

} // namespace spillway::labfs
