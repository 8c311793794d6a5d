// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli ops`: the journaled offline operations of core/ops. Without
// --yes an operation prints its plan and changes nothing.
#include "app/cli/ops_command.h"

#include "app/cli/cli_command.h"
#include "core/common/json_writer.h"
#include "core/ops/index_rebuild.h"
#include "core/ops/partition_move.h"

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
    "       spillway-cli ops list [--json]\n"
    "       spillway-cli ops recover [--json]\n"
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
    "list     every journaled operation and its state.\n"
    "recover  finishes (rolls forward) or rolls back every interrupted operation.\n"
    "\n"
    "Options:\n"
    "  --journal PATH  the journal (default $XDG_DATA_HOME/spillway/journal.sqlite)\n"
    "  --yes           execute; without it the plan is printed and nothing changes\n"
    "  --json          one JSON document on stdout\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 done (or plan shown), 1 the operation failed, 2 usage or I/O error.\n";

int usageError(const std::string &message)
{
    std::fprintf(stderr, "spillway-cli ops: %s (see spillway-cli ops --help)\n", message.c_str());
    return ExitUsage;
}

int failed(const Error &error, int code = ExitProblems)
{
    std::fprintf(stderr, "spillway-cli ops: %s\n", error.describe().c_str());
    return code;
}

std::optional<std::string> takeValue(std::vector<std::string> &args, std::string_view flag, bool &bad)
{
    for (auto it = args.begin(); it != args.end(); ++it) {
        if (*it == flag) {
            if (it + 1 == args.end()) {
                bad = true;
                return std::nullopt;
            }
            std::string value = *(it + 1);
            args.erase(it, it + 2);
            return value;
        }
        if (it->rfind(std::string(flag) + "=", 0) == 0) {
            std::string value = it->substr(flag.size() + 1);
            args.erase(it);
            return value;
        }
    }
    return std::nullopt;
}

std::vector<std::filesystem::path> splitDirs(const std::string &list)
{
    std::vector<std::filesystem::path> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        const auto part = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!part.empty())
            out.emplace_back(part);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

/// Test hook: SPILLWAY_OPS_TEST_KILL_AFTER=<step> makes this process SIGKILL
/// itself right after that step is journaled done, to exercise recovery.
RunOptions runOptions(bool json)
{
    RunOptions options;
    if (const char *kill = std::getenv("SPILLWAY_OPS_TEST_KILL_AFTER"); kill && *kill) {
        const std::string step = kill;
        options.afterStep = [step](std::string_view done) {
            if (done == step)
                ::kill(::getpid(), SIGKILL);
        };
    }
    if (!json && ::isatty(STDERR_FILENO))
        options.progress = [](double f, std::string_view message) {
            std::fprintf(stderr, "\r%3d%% %.*s\x1b[K", static_cast<int>(f * 100), static_cast<int>(message.size()),
                         message.data());
        };
    return options;
}

void writePlan(JsonWriter &json, const Plan &plan)
{
    json.beginObject();
    json.key("kind").value(plan.kind).key("summary").value(plan.summary);
    json.key("disks").beginArray();
    for (const auto &d : plan.disks)
        json.beginObject()
            .key("logDir")
            .value(d.logDir.string())
            .key("kafkaBytesBefore")
            .value(d.kafkaBytesBefore)
            .key("kafkaBytesAfter")
            .value(d.kafkaBytesAfter)
            .key("freeBytesBefore")
            .value(d.freeBytesBefore)
            .key("freeBytesAfter")
            .value(d.freeBytesAfter)
            .endObject();
    json.endArray().key("steps").beginArray();
    for (const auto &s : plan.steps)
        json.value(s);
    json.endArray().endObject();
}

void writeEntry(JsonWriter &json, const JournalEntry &e)
{
    json.beginObject()
        .key("id")
        .value(e.id)
        .key("kind")
        .value(e.kind)
        .key("broker")
        .value(e.broker)
        .key("state")
        .value(toString(e.state))
        .key("summary")
        .value(e.summary)
        .key("created")
        .value(e.created)
        .key("updated")
        .value(e.updated)
        .key("params")
        .value(e.params)
        .key("steps")
        .beginArray();
    for (const auto &s : e.steps)
        json.beginObject()
            .key("seq")
            .value(s.seq)
            .key("name")
            .value(s.name)
            .key("state")
            .value(s.state)
            .key("detail")
            .value(s.detail)
            .endObject();
    json.endArray().endObject();
}

int runMove(std::vector<std::string> args, Journal &journal, bool json, bool yes)
{
    bool bad = false;
    const auto dirs = takeValue(args, "--log-dirs", bad);
    const auto topic = takeValue(args, "--topic", bad);
    const auto partition = takeValue(args, "--partition", bad);
    const auto to = takeValue(args, "--to", bad);
    if (bad || !dirs || !topic || !partition || !to)
        return usageError("move needs --log-dirs, --topic, --partition and --to");
    if (!args.empty())
        return usageError("unexpected argument '" + args.front() + "'");
    char *end = nullptr;
    const long p = std::strtol(partition->c_str(), &end, 10);
    if (end == partition->c_str() || *end != '\0' || p < 0 || p > INT32_MAX)
        return usageError("--partition must be a partition number");
    MoveRequest request{splitDirs(*dirs), *topic, PartitionId{static_cast<std::int32_t>(p)}, *to, ""};
    auto plan = PartitionMove::plan(request);
    if (!plan)
        return failed(plan.error(), plan.error().code == Errc::InvalidArgument ? ExitUsage : ExitProblems);
    std::optional<Result<std::int64_t>> result;
    if (yes)
        result = PartitionMove::execute(journal, *plan, runOptions(json));
    if (json) {
        JsonWriter out;
        out.beginObject().key("plan");
        writePlan(out, *plan);
        out.key("executed").value(yes);
        if (result && result->ok())
            out.key("id").value(**result).key("state").value("done");
        else if (result)
            out.key("error").value(result->error().describe());
        out.endObject();
        std::printf("%s\n", out.str().c_str());
    } else {
        if (result)
            std::fprintf(stderr, "\n");
        std::printf("%s", plan->preview().c_str());
        if (!yes)
            std::printf("(plan only: run again with --yes to execute)\n");
        else if (result->ok())
            std::printf("done (journal id %lld)\n", static_cast<long long>(**result));
    }
    if (result && !result->ok())
        return failed(result->error());
    return ExitOk;
}

int runRebuildIndex(std::vector<std::string> args, Journal &journal, bool json, bool yes)
{
    bool bad = false;
    const auto dirs = takeValue(args, "--log-dirs", bad);
    const auto topic = takeValue(args, "--topic", bad);
    const auto partition = takeValue(args, "--partition", bad);
    const auto dir = takeValue(args, "--dir", bad);
    if (bad || !dirs)
        return usageError("rebuild-index needs --log-dirs");
    if (!args.empty())
        return usageError("unexpected argument '" + args.front() + "'");
    IndexRebuildRequest request;
    request.logDirs = splitDirs(*dirs);
    request.topic = topic;
    if (partition) {
        char *end = nullptr;
        const long p = std::strtol(partition->c_str(), &end, 10);
        if (end == partition->c_str() || *end != '\0' || p < 0 || p > INT32_MAX)
            return usageError("--partition must be a partition number");
        request.partition = PartitionId{static_cast<std::int32_t>(p)};
    }
    if (dir)
        request.dir = *dir;
    auto plan = IndexRebuildOperation::plan(request);
    if (!plan)
        return failed(plan.error(), plan.error().code == Errc::InvalidArgument ? ExitUsage : ExitProblems);
    std::optional<Result<std::int64_t>> result;
    if (yes)
        result = IndexRebuildOperation::execute(journal, *plan, runOptions(json));
    if (json) {
        JsonWriter out;
        out.beginObject().key("plan");
        writePlan(out, *plan);
        out.key("executed").value(yes);
        if (result && result->ok())
            out.key("id").value(**result).key("state").value("done");
        else if (result)
            out.key("error").value(result->error().describe());
        out.endObject();
        std::printf("%s\n", out.str().c_str());
    } else {
        if (result)
            std::fprintf(stderr, "\n");
        std::printf("%s", plan->preview().c_str());
        if (!yes)
            std::printf("(plan only: run again with --yes to execute)\n");
        else if (result->ok())
            std::printf("done (journal id %lld)\n", static_cast<long long>(**result));
    }
    if (result && !result->ok())
        return failed(result->error());
    return ExitOk;
}

int runList(Journal &journal, bool json)
{
    auto all = journal.list();
    if (!all)
        return failed(all.error(), ExitUsage);
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

int runRecover(Journal &journal, bool json)
{
    auto interrupted = journal.interrupted();
    if (!interrupted)
        return failed(interrupted.error(), ExitUsage);
    int exit = ExitOk;
    JsonWriter out;
    out.beginObject().key("recovered").beginArray();
    for (const auto &e : *interrupted) {
        Result<OperationState> state = makeError(Errc::Unsupported, "no recovery for operations of kind " + e.kind);
        if (e.kind == PartitionMove::kKind)
            state = PartitionMove::recover(journal, e, runOptions(json));
        else if (e.kind == IndexRebuildOperation::kKind)
            state = IndexRebuildOperation::recover(journal, e, runOptions(json));
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
        return usageError("--journal needs a path");
    const std::string sub = args.front();
    args.erase(args.begin());
    if (sub != "move" && sub != "rebuild-index" && sub != "list" && sub != "recover")
        return usageError("unknown subcommand '" + sub + "'");
    if ((sub == "list" || sub == "recover") && !args.empty())
        return usageError("unexpected argument '" + args.front() + "'");
    auto journal = Journal::open(journalPath ? std::filesystem::path(*journalPath) : Journal::defaultPath());
    if (!journal)
        return failed(journal.error(), ExitUsage);
    if (sub == "move")
        return runMove(std::move(args), *journal, json, yes);
    if (sub == "rebuild-index")
        return runRebuildIndex(std::move(args), *journal, json, yes);
    if (sub == "list")
        return runList(*journal, json);
    return runRecover(*journal, json);
}

} // namespace spillway::app
