// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/ops_support.h"

#include "app/cli/cli_command.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace spillway::app {
using namespace spillway::core;
using namespace spillway::core::ops;

int opsUsageError(const std::string &message)
{
    std::fprintf(stderr, "spillway-cli ops: %s (see spillway-cli ops --help)\n", message.c_str());
    return ExitUsage;
}

int opsFailed(const Error &error, int code)
{
    std::fprintf(stderr, "spillway-cli ops: %s\n", error.describe().c_str());
    return code;
}

RunOptions opsRunOptions(bool json)
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

namespace {
std::atomic<bool> g_opsCancel{false};
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void onOpsCancelSignal(int) { g_opsCancel.store(true); }
} // namespace

OpsCancelOnSignal::OpsCancelOnSignal()
{
    g_opsCancel.store(false);
    m_int = std::signal(SIGINT, onOpsCancelSignal);
    m_term = std::signal(SIGTERM, onOpsCancelSignal);
}

OpsCancelOnSignal::~OpsCancelOnSignal()
{
    std::signal(SIGINT, m_int);
    std::signal(SIGTERM, m_term);
}

const std::atomic<bool> *OpsCancelOnSignal::flag() { return &g_opsCancel; }

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

int reportPlanRun(const Plan &plan, const std::optional<Result<std::int64_t>> &result, bool json, bool yes)
{
    if (json) {
        JsonWriter out;
        out.beginObject().key("plan");
        writePlan(out, plan);
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
        std::printf("%s", plan.preview().c_str());
        if (!yes)
            std::printf("(plan only: run again with --yes to execute)\n");
        else if (result && result->ok())
            std::printf("done (journal id %lld)\n", static_cast<long long>(**result));
    }
    if (result && !result->ok())
        return opsFailed(result->error());
    return ExitOk;
}

} // namespace spillway::app
