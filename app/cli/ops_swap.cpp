// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli ops swap-disk`: replace a failed or retiring log dir of a
// broker (a lab broker or one of the registry) by a spare, as one journaled
// operation (core/ops/disk_swap.h). Without --yes it prints the plan.
#include "app/cli/cli_command.h"
#include "app/cli/ops_support.h"
#include "app/cli/swap_broker_control.h"
#include "core/common/fileio.h"
#include "core/ops/disk_swap.h"

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace spillway::app {
using namespace spillway::core;
using namespace spillway::core::ops;
namespace fs = std::filesystem;

namespace {

/// A bare name ("data3") means the log dir of that name; for the spare, the
/// dir of that name next to the one swapped out.
Result<std::pair<fs::path, fs::path>> resolveDirs(BrokerControl &broker, const std::string &from, const std::string &to)
{
    fs::path f = from;
    fs::path t = to;
    if (from.find('/') == std::string::npos) {
        auto text = readFile(broker.serverProperties());
        if (!text)
            return text.error();
        auto setting = swapfiles::readLogDirs(*text);
        if (!setting)
            return setting.error();
        f.clear();
        for (const auto &d : setting->dirs)
            if (d.filename() == from)
                f = d;
        if (f.empty())
            return makeError(Errc::InvalidArgument, "no log dir named " + from + " in " + setting->value);
    }
    if (to.find('/') == std::string::npos)
        t = f.parent_path() / to;
    return std::make_pair(f, t);
}

void writePartitions(JsonWriter &json, const std::vector<SwapPartition> &partitions)
{
    json.beginArray();
    for (const auto &p : partitions)
        json.beginObject()
            .key("partition")
            .value(p.name)
            .key("bytes")
            .value(p.bytes)
            .key("lost")
            .value(p.lost)
            .key("why")
            .value(p.why)
            .key("predictedDir")
            .value(p.predictedDir)
            .endObject();
    json.endArray();
}

void writeStrings(JsonWriter &json, const std::vector<std::string> &items)
{
    json.beginArray();
    for (const auto &s : items)
        json.value(s);
    json.endArray();
}

void writeReport(JsonWriter &json, const DiskSwapReport &r)
{
    json.beginObject()
        .key("id")
        .value(r.id)
        .key("state")
        .value(toString(r.state))
        .key("summary")
        .value(r.summary)
        .key("backup")
        .value(r.backup.string())
        .key("recreated")
        .beginArray();
    for (const auto &[p, dir] : r.recreated)
        json.beginObject().key("partition").value(p).key("dir").value(dir).endObject();
    json.endArray().key("lost");
    writePartitions(json, r.lost);
    json.key("missing");
    writeStrings(json, r.missing);
    json.key("notes");
    writeStrings(json, r.notes);
    json.key("sync")
        .beginObject()
        .key("end")
        .value(r.syncEnd)
        .key("replicatedPartitions")
        .value(static_cast<std::int64_t>(r.sync.total()))
        .key("inSync")
        .value(static_cast<std::int64_t>(r.sync.inSync()))
        .key("warnings")
        .value(r.warnings)
        .key("outOfSync")
        .beginArray();
    for (const auto &p : r.sync.outOfSync())
        json.beginObject()
            .key("partition")
            .value(p.name)
            .key("state")
            .value(std::string(toString(p.state)))
            .key("leader")
            .value(static_cast<std::int64_t>(p.leader))
            .key("bytes")
            .value(p.bytes)
            .key("leaderBytes")
            .value(p.leaderBytes)
            .key("detail")
            .value(p.describe())
            .endObject();
    json.endArray().endObject();
    json.endObject();
}

void printReport(const DiskSwapReport &r, const std::vector<std::string> &shown)
{
    std::printf("%s (journal id %lld)\n", r.summary.c_str(), static_cast<long long>(r.id));
    if (!r.recreated.empty())
        std::printf("re-created:\n");
    for (const auto &[p, dir] : r.recreated)
        std::printf("  %s in %s\n", p.c_str(), dir.c_str());
    if (!r.lost.empty())
        std::printf("lost (no other replica; the broker serves them empty):\n");
    for (const auto &p : r.lost)
        std::printf("  %s: %s\n", p.name.c_str(), p.why.c_str());
    if (!r.missing.empty())
        std::printf("not back yet:\n");
    for (const auto &m : r.missing)
        std::printf("  %s\n", m.c_str());
    for (const auto &n : r.notes)
        if (std::find(shown.begin(), shown.end(), n) == shown.end())
            std::printf("note: %s\n", n.c_str());
    if (!r.backup.empty())
        std::printf("the old server.properties is kept as %s\n", r.backup.c_str());
    std::printf("re-sync: %s (%s)\n", r.sync.progressLine().c_str(), r.syncEnd.c_str());
    if (r.warnings) {
        const auto behind = r.sync.outOfSync();
        std::printf("completed with warnings: the swap is done, but %zu replicated partition(s) are not back in "
                    "sync yet%s\n",
                    behind.size(), behind.empty() ? " (their state is unknown)" : ":");
        for (const auto &p : behind)
            std::printf("  %s\n", p.describe().c_str());
        std::printf("follow them with `spillway-cli cluster` or the console; the journal entry says the same\n");
    }
}

/// opsRunOptions(), and when stderr is not a terminal (the console runs this
/// command as a child) one line per new message, "progress: <journal id>
/// <percent>% <message>", for its dialog and Operations dock.
RunOptions swapRunOptions(bool json, Journal &journal)
{
    RunOptions options = opsRunOptions(json);
    if (!json && !options.progress)
        options.progress = [&journal, last = std::string(), id = std::int64_t{0}](double f,
                                                                                  std::string_view message) mutable {
            if (message == last)
                return;
            last = std::string(message);
            // Every report comes after execute() began the entry: the newest running swap is this one.
            if (id == 0)
                if (auto running = journal.interrupted())
                    for (const auto &e : *running)
                        if (e.kind == DiskSwap::kKind)
                            id = std::max(id, e.id);
            std::fprintf(stderr, "progress: %lld %d%% %s\n", static_cast<long long>(id), static_cast<int>(f * 100),
                         last.c_str());
        };
    return options;
}

} // namespace

BrokerControlFactory swapBrokerControlFactory(bool json) { return brokerControlFactory(sayOnStderr(json)); }

int runSwapDisk(std::vector<std::string> args, Journal &journal, bool json, bool yes)
{
    bool bad = false;
    const BrokerTargetArgs target = takeBrokerTargetArgs(args, bad);
    const auto from = takeValue(args, "--from", bad);
    const auto to = takeValue(args, "--to", bad);
    const bool acceptLoss = takeFlag(args, "--accept-loss");
    const auto syncTimeoutText = takeValue(args, "--sync-timeout", bad);
    if (bad || !from || !to)
        return opsUsageError("swap-disk needs --from DIR and --to SPARE");
    if (!target.oneTarget())
        return opsUsageError("swap-disk needs either --lab [ROOT] --broker N or --broker-name NAME");
    if (!args.empty())
        return opsUsageError("unexpected argument '" + args.front() + "'");
    int number = 1;
    if (!labBrokerNumber(target, number))
        return opsUsageError("--broker must be a lab broker number (1, 2, ...)");
    DiskSwapRequest request;
    request.acceptLoss = acceptLoss;
    if (syncTimeoutText) {
        int seconds = -1;
        if (!parseNumber(*syncTimeoutText, seconds) || seconds < 0)
            return opsUsageError("--sync-timeout must be a number of seconds (0: do not wait)");
        request.syncTimeout = std::chrono::seconds(seconds);
    }

    auto control = makeBrokerControl(target, number, sayOnStderr(json));
    if (!control)
        return opsFailed(control.error(), ExitUsage);
    BrokerControl &broker = **control;
    auto dirs = resolveDirs(broker, *from, *to);
    if (!dirs)
        return opsFailed(dirs.error(), ExitUsage);
    request.from = dirs->first;
    request.to = dirs->second;
    auto plan = DiskSwap::plan(broker, request);
    if (!plan)
        return opsFailed(plan.error(), plan.error().code == Errc::InvalidArgument ? ExitUsage : ExitProblems);
    const auto partitions = DiskSwap::partitionsOf(*plan);
    const auto notes = DiskSwap::notesOf(*plan);

    std::optional<Result<DiskSwapReport>> result;
    if (yes) {
        // Ctrl-C (or SIGTERM) cancels before the config edit, and once the
        // broker runs again it only stops the wait for the re-sync.
        OpsCancelOnSignal cancel;
        RunOptions options = swapRunOptions(json, journal);
        options.cancel = OpsCancelOnSignal::flag();
        result = DiskSwap::execute(journal, broker, *plan, options);
    }
    if (json) {
        JsonWriter out;
        out.beginObject().key("plan");
        writePlan(out, *plan);
        out.key("partitions");
        writePartitions(out, partitions);
        out.key("notes");
        writeStrings(out, notes);
        out.key("executed").value(yes);
        if (result && result->ok()) {
            out.key("report");
            writeReport(out, **result);
        } else if (result) {
            out.key("error").value(result->error().describe());
        }
        out.endObject();
        std::printf("%s\n", out.str().c_str());
    } else {
        if (result && ::isatty(STDERR_FILENO))
            std::fprintf(stderr, "\n");
        std::printf("%s", plan->preview().c_str());
        if (!partitions.empty())
            std::printf("partitions on %s:\n", dirs->first.c_str());
        for (const auto &p : partitions)
            std::printf("  %s%s (%s) -> %s\n", p.name.c_str(), p.lost ? " LOST" : "", p.why.c_str(),
                        p.predictedDir.c_str());
        for (const auto &n : notes)
            std::printf("note: %s\n", n.c_str());
        if (!yes)
            std::printf("(plan only: run again with --yes to execute)\n");
        else if (result && result->ok())
            printReport(**result, notes);
    }
    if (result && !result->ok())
        return opsFailed(result->error());
    // Done with warnings (partitions still out of sync): not a failure, but not all good.
    if (result && (*result)->warnings)
        return ExitProblems;
    return ExitOk;
}

} // namespace spillway::app
