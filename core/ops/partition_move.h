// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/ops/journal.h"
#include "core/ops/operation.h"

#include <filesystem>
#include <string>
#include <vector>

namespace spillway::core::ops {

/// Which partition to move, and where: `destination` must be one of `logDirs`.
struct MoveRequest {
    std::vector<std::filesystem::path> logDirs; ///< the broker's log.dirs
    std::string topic;
    PartitionId partition{0};
    std::filesystem::path destination;
    std::string broker; ///< a label for the journal
};

/// The offline move of one partition between two log dirs of a stopped
/// broker, as a true move: copy into `<dst>/<tp>.<uuid>-future`, fsync,
/// verify (sizes + CRC32C of every file), rename the source to
/// `<tp>.<uuid>-delete`, rename the future dir to `<tp>`, fsync both parents,
/// move the checkpoint entries, remove the `-delete` dir. Never two live
/// `<tp>` dirs. Every step is journaled before and after it runs; recover()
/// rolls back before the source rename and forward after it. Refuses while
/// a process holds either dir's `.lock`. Blocking; any thread.
class PartitionMove {
public:
    static constexpr std::string_view kKind = "partition-move";

    /// Validates and sizes the move; changes nothing.
    static Result<Plan> plan(const MoveRequest &request);
    /// Runs a plan made by plan(); returns the journal id. On failure or
    /// cancel before the source rename, the copy is removed (rolled back).
    static Result<std::int64_t> execute(Journal &journal, const Plan &plan, const RunOptions &options = {});
    /// Finishes an interrupted move (entry left Running): rolls back when the
    /// source is still live, otherwise rolls forward. Records the outcome.
    static Result<OperationState> recover(Journal &journal, const JournalEntry &entry, const RunOptions &options = {});
};

} // namespace spillway::core::ops
