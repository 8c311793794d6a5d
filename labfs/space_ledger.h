// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <sys/stat.h>

namespace spillway::labfs {

/// The block size the disk reports (statvfs f_bsize/f_frsize) and plans in.
inline constexpr std::int64_t kBlockSize = 4096;
/// What one file (or symlink) costs besides its data blocks: an inode.
inline constexpr std::int64_t kFileOverhead = 256;
/// What one directory costs: an inode and one block of entries, whatever the
/// backing filesystem's directory reports.
inline constexpr std::int64_t kDirOverhead = 4096;

/// Bytes a file's data occupies on the backing filesystem: st_blocks * 512,
/// what `du` shows. Holes (a sparse `ftruncate`) cost nothing.
[[nodiscard]] inline std::int64_t allocatedBytes(const struct stat &st) noexcept
{
    return static_cast<std::int64_t>(st.st_blocks) * 512;
}

/// What one directory entry costs on the disk: data blocks plus overhead.
[[nodiscard]] inline std::int64_t entryCost(const struct stat &st) noexcept
{
    return S_ISDIR(st.st_mode) ? kDirOverhead : allocatedBytes(st) + kFileOverhead;
}

/// The disk's capacity and used bytes. Space is reserved before an operation
/// that may allocate (so that concurrent writers can never overshoot
/// together) and settled with the real change afterwards. Lock-free; any
/// thread.
class SpaceLedger {
public:
    SpaceLedger(std::int64_t capacity, std::int64_t used) : m_capacity(capacity), m_used(used) {}

    [[nodiscard]] std::int64_t capacity() const noexcept { return m_capacity; }
    [[nodiscard]] std::int64_t used() const noexcept { return m_used.load(std::memory_order_relaxed); }
    /// Never negative, even when the backing tree holds more than the capacity.
    [[nodiscard]] std::int64_t free() const noexcept;

    /// Reserves all of `bytes` or nothing.
    [[nodiscard]] bool tryReserve(std::int64_t bytes) noexcept;
    /// Reserves as many whole blocks as fit, at most `bytes` (rounded up to a
    /// block); returns what was reserved (0 when the disk is full).
    [[nodiscard]] std::int64_t reserveUpTo(std::int64_t bytes) noexcept;
    /// used += delta: a settlement (real change minus reservation), a release
    /// of a reservation (negative) or freed space (negative).
    void adjust(std::int64_t delta) noexcept { m_used.fetch_add(delta, std::memory_order_relaxed); }

private:
    const std::int64_t m_capacity;
    std::atomic<std::int64_t> m_used;
};

} // namespace spillway::labfs
