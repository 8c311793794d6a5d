// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli ops`: the journaled offline operations of core/ops. Without
// --yes an operation prints its plan and changes nothing.
#include "app/cli/ops_command.h"

#include "app/cli/cli_command.h"
#include "app/cli/ops_support.h"
#include "core/common/json_writer.h"
#include "core/ops/index_rebuild.h"
#include "core/ops/partition_move.h"
#include "core/ops/recovery.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <unistd.h>
#include <vector>

namespace spillway::app {
using namespace spillway::core;
using namespace spillway::core::ops;

namespace {

constexpr const char *kHelp =
    "Usage: spillway-cli ops move --log-dirs A,B,... --topic T --partition P --to DIR [--yes] [--json]\n"
    "       spillway-cli ops rebuild-index --log-dirs A,B,... [--topic T --partition P | --dir D] [--yes] [--json]\n"
    "       spillway-cli ops move-online --bootstrap HOST:PORT --broker ID --topic T --partition P --to DIR\n"
    "                [--throttle BYTES_PER_SEC] [--cancel-on-recover] [--yes] [--json]\n"
    "       spillway-cli ops rebalance (--bootstrap HOST:PORT --broker ID | --log-dirs A,B,...) [--threshold PCT]\n"
    "                [--throttle BYTES_PER_SEC] [--max-moves N] [--yes] [--json]\n"
    "       spillway-cli ops list [--json]\n"
    "       spillway-cli ops recover [--json]\n"
    "       spillway-cli ops swap-disk (--lab [ROOT] --broker N | --broker-name NAME) --from DIR --to SPARE\n"
    "                                  [--accept-loss] [--yes] [--json]\n"
    "       spillway-cli ops shrink-retention (--bootstrap HOST:PORT --broker ID [--log-dirs A,B] | --offline\n"
    "                --log-dirs A,B,...) (--topic T... --retention-ms N [--retention-bytes N] | --free BYTES --dir "
    "DIR)\n"
    "                [--wait-seconds N] [--yes] [--json]\n"
    "       spillway-cli ops restore-retention --id N [--bootstrap HOST:PORT] [--yes] [--json]\n"
    "\n"
    "Offline operations on the log dirs of a stopped broker, recorded step by step in a\n"
    "journal (SQLite) so that an interrupted one can be finished or rolled back.\n"
    "\n"
    "move     moves a partition between two log dirs of one broker as a true move: copy\n"
    "         into <topic>-<p>.<uuid>-future, fsync, verify CRC32C of every file, rename the\n"
    "         source to -delete, the copy to <topic>-<p>, move the checkpoint entries, then\n"
    "         remove the source. Refuses while a broker holds either dir's .lock.\n"
    "rebuild-index  verifies the indexes of a partition, a log dir or all log dirs and rebuilds\n"
    "         the bad ones (old files kept as .corrupt-<time>), one journaled step per segment.\n"
    "move-online  moves partitions of a running broker to another of its log dirs (AlterReplicaLogDirs),\n"
    "         optionally throttled (the previous throttle is restored), following the -future copy.\n"
    "rebalance  plans moves that bring every disk of a broker within --threshold % (default 10) of the\n"
    "         mean, and runs them online (--bootstrap) or offline on a stopped broker (--log-dirs).\n"
    "list     every journaled operation and its state.\n"
    "recover  finishes (rolls forward) or rolls back every interrupted operation.\n"
    "swap-disk  replaces a failed or retiring log dir by a spare: checks the spare, writes its\n"
    "         meta.properties, stops the broker, edits log.dirs (backup kept), starts it, reports\n"
    "         the partitions re-created and those lost (no other replica). docs/cli-ops.md\n"
    "shrink-retention  the closed segments (and bytes per disk) a shorter retention deletes (or the\n"
    "         largest retention.ms that frees --free BYTES on --dir); with --yes sets it online and waits\n"
    "         for the broker's deletion, or deletes them offline from a stopped broker's log dirs.\n"
    "restore-retention  puts back the retention settings an online shrink changed.\n"
    "\n"
    "Options:\n"
    "  --journal PATH  the journal (default $XDG_DATA_HOME/spillway/journal.sqlite)\n"
    "  --yes           execute; without it the plan is printed and nothing changes\n"
    "  --json          one JSON document on stdout\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 done (or plan shown), 1 the operation failed, 2 usage or I/O error.\n";

int runMove(std::vector<std::string> args, Journal &journal, bool json, bool yes)
{
    bool bad = false;
    const auto dirs = takeValue(args, "--log-dirs", bad);
    const auto topic = takeValue(args, "--topic", bad);
    const auto partition = takeValue(args, "--partition", bad);
    const auto to = takeValue(args, "--to", bad);
    if (bad || !dirs || !topic || !partition || !to)
        return opsUsageError("move needs --log-dirs, --topic, --partition and --to");
    if (!args.empty())
        return opsUsageError("unexpected argument '" + args.front() + "'");
    char *end = nullptr;
    const long p = std::strtol(partition->c_str(), &end, 10);
    if (end == partition->c_str() || *end != '\0' || p < 0 || p > INT32_MAX)
        return opsUsageError("--partition must be a partition number");
    MoveRequest request{splitDirs(*dirs), *topic, PartitionId{static_cast<std::int32_t>(p)}, *to, ""};
    auto plan = PartitionMove::plan(request);
    if (!plan)
        return opsFailed(plan.error(), plan.error().code == Errc::InvalidArgument ? ExitUsage : ExitProblems);
    std::optional<Result<std::int64_t>> result;
    if (yes)
        result = PartitionMove::execute(journal, *plan, opsRunOptions(json));
    return reportPlanRun(*plan, result, json, yes);
}

int runRebuildIndex(std::vector<std::string> args, Journal &journal, bool json, bool yes)
{
    bool bad = false;
    const auto dirs = takeValue(args, "--log-dirs", bad);
    const auto topic = takeValue(args, "--topic", bad);
    const auto partition = takeValue(args, "--partition", bad);
    const auto dir = takeValue(args, "--dir", bad);
    if (bad || !dirs)
        return opsUsageError("rebuild-index needs --log-dirs");
    if (!args.empty())
        return opsUsageError("unexpected argument '" + args.front() + "'");
    IndexRebuildRequest request;
    request.logDirs = splitDirs(*dirs);
    request.topic = topic;
    if (partition) {
        char *end = nullptr;
        const long p = std::strtol(partition->c_str(), &end, 10);
        if (end == partition->c_str() || *end != '\0' || p < 0 || p > INT32_MAX)
            return opsUsageError("--partition must be a partition number");
        request.partition = PartitionId{static_cast<std::int32_t>(p)};
    }
    if (dir)
        request.dir = *dir;
    auto plan = IndexRebuildOperation::plan(request);
    if (!plan)
        return opsFailed(plan.error(), plan.error().code == Errc::InvalidArgument ? ExitUsage : ExitProblems);
    std::optional<Result<std::int64_t>> result;
    if (yes)
        result = IndexRebuildOperation::execute(journal, *plan, opsRunOptions(json));
    return reportPlanRun(*plan, result, json, yes);
}

int runList(std::vector<std::string> args, Journal &journal, bool json, bool /*yes*/)
{
    if (!args.empty())
        return opsUsageError("unexpected argument '" + args.front() + "'");
    auto all = journal.list();
    if (!all)
        return opsFailed(all.error(), ExitUsage);
    if (json) {
        JsonWriter out;
        out.beginObject().key("operations").beginArray();
        for (const auto &e : *all)
            writeEntry(out, e);
        out.endArray().endObject();
        std::printf("%s\n", out.str().c_str());
        return ExitOk;
    }
    if (all->empty())
        std::printf("no operations in the journal\n");
    for (const auto &e : *all) {
        std::printf("%lld  %-15s %-12s %s\n", static_cast<long long>(e.id), e.kind.c_str(),
                    std::string(toString(e.state)).c_str(), e.summary.c_str());
        if (e.state == OperationState::Running && e.lastStep())
            std::printf("      interrupted at step %s (%s)\n", e.lastStep()->name.c_str(), e.lastStep()->state.c_str());
    }
    return ExitOk;
}

int runRecover(std::vector<std::string> args, Journal &journal, bool json, bool /*yes*/)
{
    if (!args.empty())
        return opsUsageError("unexpected argument '" + args.front() + "'");
    auto interrupted = journal.interrupted();
    if (!interrupted)
        return opsFailed(interrupted.error(), ExitUsage);
    int exit = ExitOk;
    JsonWriter out;
    out.beginObject().key("recovered").beginArray();
    for (const auto &e : *interrupted) {
        RecoveryContext context;
        context.options = opsRunOptions(json);
        context.brokerControl = swapBrokerControlFactory(json);
        const Result<OperationState> state = recoverOperation(journal, e, context);
        out.beginObject().key("id").value(e.id).key("kind").value(e.kind);
        if (state) {
            out.key("state").value(toString(*state));
            if (!json)
                std::printf("%lld  %s: %s\n", static_cast<long long>(e.id), e.kind.c_str(),
                            std::string(toString(*state)).c_str());
        } else {
            out.key("error").value(state.error().describe());
            std::fprintf(stderr, "spillway-cli ops: operation %lld: %s\n", static_cast<long long>(e.id),
                         state.error().describe().c_str());
            exit = ExitProblems;
        }
        out.endObject();
    }
    out.endArray().endObject();
    if (json)
        std::printf("%s\n", out.str().c_str());
    else if (interrupted->empty())
        std::printf("no interrupted operations\n");
    return exit;
}

} // namespace

int runOpsCommand(std::span<const std::string> argsIn)
{
    std::vector<std::string> args(argsIn.begin(), argsIn.end());
    if (args.empty() || takeFlag(args, "--help") || takeFlag(args, "-h")) {
        std::printf("%s", kHelp);
        return args.empty() ? ExitUsage : ExitOk;
    }
    const bool json = takeFlag(args, "--json");
    const bool yes = takeFlag(args, "--yes");
    bool bad = false;
    const auto journalPath = takeValue(args, "--journal", bad);
    if (bad)
        return opsUsageError("--journal needs a path");
    const std::string sub = args.front();
    args.erase(args.begin());
    // Each subcommand: its name and its runner (args after the name).
    static const OpsSubcommand subcommands[] = {
        {"move", runMove},
        {"rebuild-index", runRebuildIndex},
        {"list", runList},
        {"recover", runRecover},
        {"swap-disk", runSwapDisk},
        {"move-online", runMoveOnline},
        {"rebalance", runRebalance},
        {"shrink-retention", runShrinkRetention},
        {"restore-retention", runRestoreRetention},
    };
    const auto *found = std::find_if(std::begin(subcommands), std::end(subcommands),
                                     [&](const OpsSubcommand &c) { return c.name == sub; });
    if (found == std::end(subcommands))
        return opsUsageError("unknown subcommand '" + sub + "'");
    auto journal = Journal::open(journalPath ? std::filesystem::path(*journalPath) : Journal::defaultPath());
    if (!journal)
        return opsFailed(journal.error(), ExitUsage);
    return found->run(std::move(args), *journal, json, yes);
}

} // namespace spillway::app
