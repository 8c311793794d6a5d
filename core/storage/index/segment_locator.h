// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/storage/index/segment_files.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace spillway::core {

/// The segments a user's path stands for, grouped by partition directory.
struct LocatedPartition {
    std::filesystem::path dir;
    std::vector<SegmentFiles> segments; ///< sorted by base offset
};

/// Turns a path given on the command line into segments: a segment file
/// (.log, .index or .timeindex: that one segment), a partition directory
/// (every segment found by any of its files), or a log directory (every
/// partition directory in it: `<topic>-<n>`, also with a `-delete`,
/// `-future` or `-stray` suffix). A plain directory walk; the full log-dir
/// model lives elsewhere. Stateless; any thread.
class SegmentLocator {
public:
    static Result<std::vector<LocatedPartition>> locate(const std::filesystem::path &path);

    /// True for `<topic>-<n>` and the suffixed forms Kafka uses.
    static bool looksLikePartitionDirName(std::string_view name);
};

} // namespace spillway::core
