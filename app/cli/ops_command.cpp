// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli ops`: the journaled offline operations of core/ops. Without
// --yes an operation prints its plan and changes nothing.
#include "app/cli/ops_command.h"

#include "app/cli/cli_command.h"
#include "app/cli/ops_support.h"
#include "app/cli/swap_broker_control.h"
#include "core/common/fileio.h"
#include "core/common/json_writer.h"
#include "core/ops/disk_swap.h"
#include "core/ops/index_rebuild.h"
#include "core/ops/partition_move.h"
#include "core/ops/recovery.h"
#include "core/storage/index/index_verifier.h"
#include "core/storage/logdir/topic_name.h"

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
    "       spillway-cli ops rebuild-index (--lab [ROOT] --broker N | --broker-name NAME) [--topic T --partition P |\n"
    "                --dir D] [--yes] [--json]\n"
    "       spillway-cli ops move-online --bootstrap HOST:PORT --broker ID --topic T --partition P --to DIR\n"
    "                [--throttle BYTES_PER_SEC] [--cancel-on-recover] [--yes] [--json]\n"
    "       spillway-cli ops rebalance (--bootstrap HOST:PORT --broker ID | --log-dirs A,B,...) [--threshold PCT]\n"
    "                [--throttle BYTES_PER_SEC] [--max-moves N] [--yes] [--json]\n"
    "       spillway-cli ops list [--json]\n"
    "       spillway-cli ops recover [--json]\n"
    "       spillway-cli ops swap-disk (--lab [ROOT] --broker N | --broker-name NAME) --from DIR --to SPARE\n"
    "                                  [--accept-loss] [--sync-timeout SECONDS] [--yes] [--json]\n"
    "       spillway-cli ops shrink-retention (--bootstrap HOST:PORT --broker ID [--log-dirs A,B] | --offline\n"
    "                --log-dirs A,B,...) (--topic T... --retention-ms N [--retention-bytes N] | --free BYTES --dir "
    "DIR)\n"
    "                [--wait-seconds N] [--remote] [--yes] [--json]\n"
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
    "         With --lab/--broker-name the log dirs come from the broker's server.properties; the\n"
    "         plan is verified while it runs; --yes stops it (if it runs), rebuilds, starts it again.\n"
    "move-online  moves partitions of a running broker to another of its log dirs (AlterReplicaLogDirs),\n"
    "         optionally throttled (the previous throttle is restored), following the -future copy.\n"
    "rebalance  plans moves that bring every disk of a broker within --threshold % (default 10) of the\n"
    "         mean, and runs them online (--bootstrap) or offline on a stopped broker (--log-dirs).\n"
    "list     every journaled operation and its state.\n"
    "recover  finishes (rolls forward) or rolls back every interrupted operation.\n"
    "swap-disk  replaces a failed or retiring log dir by a spare: checks the spare, writes its\n"
    "         meta.properties, stops the broker, edits log.dirs (backup kept), starts it, reports\n"
    "         the partitions re-created and those lost (no other replica), then follows the re-sync\n"
    "         until the broker is back in the ISR of its replicated partitions (--sync-timeout,\n"
    "         default 1800 s; 0: do not wait; Ctrl-C stops waiting; exit 1 if some are still out\n"
    "         of sync: the swap is done). docs/cli-ops.md\n"
    "shrink-retention  the closed segments (and bytes per disk) a shorter retention deletes (or the\n"
    "         largest retention.ms that frees --free BYTES on --dir); with --yes sets it online and waits\n"
    "         for the broker's deletion, or deletes them offline from a stopped broker's log dirs.\n"
    "         --remote (automatic when the broker's log dirs are not readable here): protocol only, an\n"
    "         upper estimate from offsets, the bytes freed measured with DescribeLogDirs after apply.\n"
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

/// What verifying a running broker's indexes found: the plan to show, and
/// how many segments need the broker stopped (bad, or not readable now).
struct OnlineCheck {
    Plan plan;
    std::size_t needStop = 0;
};

/// IndexRebuildOperation::plan() while the broker runs (no lock check,
/// nothing changed), framed by stopping and starting `label`.
Result<OnlineCheck> verifyRunning(IndexRebuildRequest request, const std::string &label)
{
    request.brokerRunning = true;
    auto plan = IndexRebuildOperation::plan(request);
    if (!plan)
        return plan.error();
    OnlineCheck check;
    for (const auto &[key, value] : plan->params)
        if (key.starts_with("segment:"))
            ++check.needStop;
    if (const auto recheck = plan->params.find("recheck"); recheck != plan->params.end())
        check.needStop += static_cast<std::size_t>(std::stoul(recheck->second));
    check.plan = std::move(*plan);
    check.plan.summary = "the running " + label + ": " + check.plan.summary;
    if (check.needStop == 0) {
        check.plan.steps = {"nothing to do: the broker keeps running"};
        return check;
    }
    check.plan.steps.insert(check.plan.steps.begin(), "stop " + label);
    check.plan.steps.push_back("start " + label + " again and wait until it answers");
    return check;
}

/// `ops rebuild-index --lab [ROOT] --broker N | --broker-name NAME`: the log
/// dirs of that broker; verified while it runs; with --yes stopped, rebuilt
/// (IndexRebuildOperation) and started again if it was running.
int runRebuildIndexOnBroker(const BrokerTargetArgs &target, IndexRebuildRequest request, Journal &journal, bool json,
                            bool yes)
{
    int number = 1;
    if (!labBrokerNumber(target, number))
        return opsUsageError("--broker must be a lab broker number (1, 2, ...)");
    auto control = makeBrokerControl(target, number, sayOnStderr(json));
    if (!control)
        return opsFailed(control.error(), ExitUsage);
    BrokerControl &broker = **control;
    auto text = readFile(broker.serverProperties());
    if (!text)
        return opsFailed(text.error(), ExitUsage);
    auto setting = swapfiles::readLogDirs(*text);
    if (!setting)
        return opsFailed(setting.error(), ExitUsage);
    request.logDirs = setting->dirs;
    request.broker = broker.label();
    auto running = broker.running();
    if (!running)
        return opsFailed(running.error(), ExitUsage);
    const bool wasRunning = *running;

    // The plan: the real one when the broker is stopped; while it runs, the
    // same verification without its lock (nothing is changed).
    std::optional<OnlineCheck> online;
    std::optional<Plan> offlinePlan;
    if (wasRunning) {
        auto check = verifyRunning(request, broker.label());
        if (!check)
            return opsFailed(check.error(), check.error().code == Errc::InvalidArgument ? ExitUsage : ExitProblems);
        online = std::move(*check);
    } else {
        auto plan = IndexRebuildOperation::plan(request);
        if (!plan)
            return opsFailed(plan.error(), plan.error().code == Errc::InvalidArgument ? ExitUsage : ExitProblems);
        offlinePlan = std::move(*plan);
    }
    const Plan &shown = online ? online->plan : *offlinePlan;
    const bool needStop = online && online->needStop > 0;
    const std::string notice = !wasRunning ? broker.label() + " is stopped: it stays stopped"
                               : needStop  ? broker.label() + " is running: it will be stopped, the indexes rebuilt, "
                                                              "and the broker started again"
                                           : broker.label() + " is running and its indexes are good: it is not stopped";

    bool stopped = false;
    bool restarted = false;
    std::optional<Result<std::int64_t>> result;
    std::optional<Error> restartError;
    if (yes && !wasRunning) {
        result = IndexRebuildOperation::execute(journal, *offlinePlan, opsRunOptions(json));
    } else if (yes && needStop) {
        // One journaled operation: stop (journaled first, so that `ops recover`
        // starts the broker again), plan again stopped, rebuild, verify, start.
        auto done = IndexRebuildOperation::executeOnBroker(journal, broker, request, opsRunOptions(json));
        if (!done)
            return opsFailed(done.error());
        stopped = done->stopped;
        restarted = done->restarted;
        offlinePlan = done->plan;
        result = done->error ? Result<std::int64_t>(*done->error) : Result<std::int64_t>(done->id);
        if (done->restartError)
            restartError = done->restartError;
    }

    if (json) {
        JsonWriter out;
        out.beginObject().key("broker").value(broker.label()).key("wasRunning").value(wasRunning);
        out.key("plan");
        writePlan(out, shown);
        out.key("executed").value(yes).key("stopped").value(stopped).key("restarted").value(restarted);
        if (stopped && offlinePlan) {
            out.key("rebuildPlan");
            writePlan(out, *offlinePlan);
        }
        if (result && result->ok())
            out.key("id").value(**result).key("state").value("done");
        else if (result)
            out.key("error").value(result->error().describe());
        if (restartError)
            out.key("restartError").value(restartError->describe());
        out.endObject();
        std::printf("%s\n", out.str().c_str());
    } else {
        if (result && ::isatty(STDERR_FILENO))
            std::fprintf(stderr, "\n");
        std::printf("%s", shown.preview().c_str());
        std::printf("%s\n", notice.c_str());
        if (!yes)
            std::printf("(plan only: run again with --yes to execute)\n");
        if (stopped)
            std::printf("stopped %s\n", broker.label().c_str());
        if (result && result->ok())
            std::printf("rebuilt: %s (journal id %lld)\n", offlinePlan ? offlinePlan->summary.c_str() : "",
                        static_cast<long long>(**result));
        if (restarted)
            std::printf("started %s again; it answers\n", broker.label().c_str());
    }
    if (result && !result->ok())
        (void)opsFailed(result->error());
    if (restartError)
        (void)opsFailed(*restartError);
    return (result && !result->ok()) || restartError ? ExitProblems : ExitOk;
}

int runRebuildIndex(std::vector<std::string> args, Journal &journal, bool json, bool yes)
{
    bool bad = false;
    const auto dirs = takeValue(args, "--log-dirs", bad);
    const auto topic = takeValue(args, "--topic", bad);
    const auto partition = takeValue(args, "--partition", bad);
    const auto dir = takeValue(args, "--dir", bad);
    const BrokerTargetArgs target = takeBrokerTargetArgs(args, bad);
    if (bad || (!dirs && !target.any()))
        return opsUsageError("rebuild-index needs --log-dirs or --lab [ROOT] --broker N or --broker-name NAME");
    if (dirs && target.any())
        return opsUsageError("rebuild-index takes either --log-dirs or a broker (--lab, --broker-name), not both");
    if (!dirs && !target.oneTarget())
        return opsUsageError("rebuild-index needs either --lab [ROOT] --broker N or --broker-name NAME");
    if (!args.empty())
        return opsUsageError("unexpected argument '" + args.front() + "'");
    IndexRebuildRequest request;
    if (dirs)
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
    if (!dirs)
        return runRebuildIndexOnBroker(target, std::move(request), journal, json, yes);
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
