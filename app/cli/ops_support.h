// SPDX-License-Identifier: GPL-3.0-or-later
// What every `spillway-cli ops <subcommand>` shares: error reporting, the run
// options (progress, the kill test hook), plan and journal output.
#pragma once

#include "core/common/json_writer.h"
#include "core/common/result.h"
#include "core/ops/broker_control.h"
#include "core/ops/journal.h"
#include "core/ops/operation.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::app {

/// One `spillway-cli ops <name>`: `run` gets the arguments after the name
/// (global flags --json, --yes, --journal already taken) and the journal.
struct OpsSubcommand {
    std::string_view name;
    int (*run)(std::vector<std::string> args, core::ops::Journal &journal, bool json, bool yes);
};

/// "spillway-cli ops: <message> (see --help)" on stderr; returns ExitUsage.
int opsUsageError(const std::string &message);
/// "spillway-cli ops: <error>" on stderr; returns `code` (ExitProblems by default).
int opsFailed(const core::Error &error, int code = 1);

/// Progress on a terminal (not with --json), and the test hook:
/// SPILLWAY_OPS_TEST_KILL_AFTER=<step> makes this process SIGKILL itself
/// right after that step is journaled done, to exercise recovery.
core::ops::RunOptions opsRunOptions(bool json);

/// While it lives, SIGINT and SIGTERM raise flag() instead of killing the
/// process (the previous handlers come back after): an operation given it as
/// RunOptions::cancel stops at its next check (`ops swap-disk`: stops
/// waiting for the re-sync). One at a time.
class OpsCancelOnSignal {
public:
    OpsCancelOnSignal();
    ~OpsCancelOnSignal();
    OpsCancelOnSignal(const OpsCancelOnSignal &) = delete;
    OpsCancelOnSignal &operator=(const OpsCancelOnSignal &) = delete;
    [[nodiscard]] static const std::atomic<bool> *flag();

private:
    void (*m_int)(int);
    void (*m_term)(int);
};

void writePlan(core::JsonWriter &json, const core::ops::Plan &plan);
void writeEntry(core::JsonWriter &json, const core::ops::JournalEntry &entry);

/// Prints a plan and, when executed (`yes`), its outcome: as one JSON
/// document {"plan", "executed", "id"/"error"} or as the preview text.
/// Returns the exit code.
int reportPlanRun(const core::ops::Plan &plan, const std::optional<core::Result<std::int64_t>> &result, bool json,
                  bool yes);

/// `ops move-online` and `ops rebalance` (ops_online.cpp).
int runMoveOnline(std::vector<std::string> args, core::ops::Journal &journal, bool json, bool yes);
int runRebalance(std::vector<std::string> args, core::ops::Journal &journal, bool json, bool yes);

/// `spillway-cli ops swap-disk` (ops_swap.cpp).
int runSwapDisk(std::vector<std::string> args, core::ops::Journal &journal, bool json, bool yes);
/// `ops shrink-retention` and `ops restore-retention` (ops_retention.cpp).
int runShrinkRetention(std::vector<std::string> args, core::ops::Journal &journal, bool json, bool yes);
int runRestoreRetention(std::vector<std::string> args, core::ops::Journal &journal, bool json, bool yes);
/// The lab or registry broker a journaled disk swap names, for `ops recover`.
core::ops::BrokerControlFactory swapBrokerControlFactory(bool json);

} // namespace spillway::app
