// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace spillway::lab {

/// What a fill wrote.
struct FillOutcome {
    std::filesystem::path file;
    std::uint64_t written = 0;
    bool hitNoSpace = false; ///< a write failed with ENOSPC (the disk is full)
};

/// The fill-disk drill's filler files: `spillway-filler-<n>.bin` in a disk's
/// root, which Kafka ignores (it loads only partition directories).
/// Stateless; any thread.
class DiskFiller {
public:
    static constexpr std::uint64_t kUntilFull = UINT64_MAX;

    /// Writes a new filler of `bytes` (or until ENOSPC), then fsyncs it. A
    /// full disk is the point, not an error; any other write error is.
    static Result<FillOutcome> fill(const std::filesystem::path &dir, std::uint64_t bytes);
    /// Deletes every filler in `dir`; returns the bytes freed.
    static Result<std::uint64_t> removeFillers(const std::filesystem::path &dir,
                                               std::vector<std::filesystem::path> &removed);
    static bool isFiller(const std::filesystem::path &file);
};

} // namespace spillway::lab
