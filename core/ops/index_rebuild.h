// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/ops/journal.h"
#include "core/ops/operation.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core::ops {

/// Which indexes to check: one partition, one log dir, or (neither given)
/// every log dir of the broker.
struct IndexRebuildRequest {
    std::vector<std::filesystem::path> logDirs;
    std::optional<std::string> topic;
    std::optional<PartitionId> partition;
    std::optional<std::filesystem::path> dir; ///< must be one of logDirs
    std::string broker;
    /// Plan only, while the broker runs and holds the `.lock`: no lock check;
    /// a segment that cannot be read now becomes a step "verify with the
    /// broker stopped" (counted in params "recheck") instead of an error.
    /// Such a plan is for showing: execute the plan made again once stopped.
    bool brokerRunning = false;
};

/// The offline index rebuild: verify (IndexVerifier) every segment in scope,
/// plan = the segments whose `.index`/`.timeindex` are bad, execute =
/// IndexRebuilder per bad segment (the old file kept as `.corrupt-<time>`),
/// each segment one journaled step, then verify again. Refuses while a
/// process holds a log dir's `.lock`. recover() resumes: rebuilding a segment
/// again is harmless (identical bytes are left alone). Blocking; any thread.
class IndexRebuildOperation {
public:
    static constexpr std::string_view kKind = "index-rebuild";

    static Result<Plan> plan(const IndexRebuildRequest &request);
    static Result<std::int64_t> execute(Journal &journal, const Plan &plan, const RunOptions &options = {});
    static Result<OperationState> recover(Journal &journal, const JournalEntry &entry, const RunOptions &options = {});
};

} // namespace spillway::core::ops
