// SPDX-License-Identifier: GPL-3.0-or-later
#include "labfs/fault_state.h"

#include <algorithm>

namespace spillway::labfs {

std::string_view toString(FaultMode mode) noexcept
{
    switch (mode) {
    case FaultMode::Healthy: return "healthy";
    case FaultMode::Failed: return "failed";
    case FaultMode::ReadOnly: return "readonly";
    case FaultMode::Slow: return "slow";
    }
    return "unknown";
}

void FaultState::set(FaultMode mode, int slowMs) noexcept
{
    slowMs = std::clamp(slowMs, 0, kMaxSlowMs);
    if (mode != FaultMode::Slow)
        slowMs = 0;
    else if (slowMs == 0)
        mode = FaultMode::Healthy;
    const std::uint64_t word = (static_cast<std::uint64_t>(mode) << 32) | static_cast<std::uint32_t>(slowMs);
    m_word.store(word, std::memory_order_release);
}

FaultState::Snapshot FaultState::get() const noexcept
{
    const std::uint64_t word = m_word.load(std::memory_order_acquire);
    return {static_cast<FaultMode>(word >> 32), static_cast<int>(word & 0xffffffffu)};
}

} // namespace spillway::labfs
