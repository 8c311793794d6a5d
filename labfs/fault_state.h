// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace spillway::labfs {

/// What the disk does to the next operation.
enum class FaultMode : std::uint8_t {
    Healthy,  ///< everything passes through
    Failed,   ///< every operation returns EIO, like a dead disk
    ReadOnly, ///< modifications return EROFS; reads work
    Slow,     ///< every operation sleeps slowMs first, then passes through
};

/// "healthy", "failed", "readonly", "slow" (the status JSON's "mode").
std::string_view toString(FaultMode mode) noexcept;

/// The current fault, switched by the control thread and read by every
/// FUSE worker at the start of each operation. Mode and latency change
/// together (one atomic word). Lock-free; any thread.
class FaultState {
public:
    struct Snapshot {
        FaultMode mode = FaultMode::Healthy;
        int slowMs = 0;
    };

    /// Slow with 0 ms is healthy; any other mode has no latency.
    void set(FaultMode mode, int slowMs = 0) noexcept;
    [[nodiscard]] Snapshot get() const noexcept;

    /// The longest latency `slow` accepts, in ms.
    static constexpr int kMaxSlowMs = 60000;

private:
    std::atomic<std::uint64_t> m_word{0};
};

} // namespace spillway::labfs
