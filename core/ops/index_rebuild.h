// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/ops/broker_control.h"
#include "core/ops/journal.h"
#include "core/ops/operation.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core::ops {

struct RecoveryContext;

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

/// What IndexRebuildOperation::executeOnBroker() did.
struct BrokerRebuildResult {
    std::int64_t id = 0;
    OperationState state = OperationState::Running;
    /// The plan made with the broker stopped (the segments rebuilt); empty
    /// when planning failed.
    std::optional<Plan> plan;
    bool stopped = false;
    bool restarted = false;            ///< started again and answering
    std::optional<Error> error;        ///< the rebuild failed or left bad indexes
    std::optional<Error> restartError; ///< the broker did not start again
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

    /// The rebuild of a running broker as one journaled operation: the
    /// entry begins before anything changes (with the broker's identity(),
    /// param "restart-broker"), step `stop-broker`, the plan made again with
    /// the broker stopped (the authoritative one), one `rebuild <segment>`
    /// step each, `verify`, then step `start-broker` (start, wait until it
    /// answers) even when the rebuild failed. An error only when nothing
    /// could be journaled or the broker did not stop (it runs as before).
    static Result<BrokerRebuildResult> executeOnBroker(Journal &journal, BrokerControl &broker,
                                                       const IndexRebuildRequest &request,
                                                       const RunOptions &options = {});
    /// recover() for any entry; for one of executeOnBroker() the broker is
    /// made again from its journaled identity (context.brokerControl): still
    /// stopped -> the scope verified again, the bad indexes rebuilt, the
    /// broker started and checked answering; interrupted before the stop
    /// with the broker running -> nothing changed (rolled-back).
    static Result<OperationState> recover(Journal &journal, const JournalEntry &entry, const RecoveryContext &context);
};

} // namespace spillway::core::ops
