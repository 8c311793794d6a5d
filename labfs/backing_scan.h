// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <cstdint>
#include <filesystem>

namespace spillway::labfs {

/// What a backing tree already occupies when the disk is mounted.
struct BackingUsage {
    std::int64_t usedBytes = 0; ///< data blocks + per-entry overhead (see space_ledger.h), root dir included
    std::int64_t files = 0;     ///< non-directories (a hard-linked file counts once)
    std::int64_t dirs = 0;      ///< directories, the root included
};

/// Walks `root` without following symlinks or crossing into other
/// filesystems and adds up what each entry costs. Errors name the entry.
core::Result<BackingUsage> scanBacking(const std::filesystem::path &root);

} // namespace spillway::labfs
