// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli ops shrink-retention` and `ops restore-retention`: the
// retention shrink of core/ops/retention_shrink.h (GitHub issue 6).
#include "app/cli/cli_command.h"
#include "app/cli/ops_support.h"
#include "core/admin/admin_client.h"
#include "core/common/json_writer.h"
#include "core/ops/retention_shrink.h"

#include <cstdio>
#include <memory>
#include <optional>

namespace spillway::app {
using namespace spillway::core;
using namespace spillway::core::ops;

namespace {

/// "1048576", "512K", "300M", "2G", "1T" (binary units) -> bytes.
std::optional<std::int64_t> parseBytes(std::string text)
{
    std::int64_t unit = 1;
    if (!text.empty()) {
        switch (text.back()) {
        case 'k':
        case 'K': unit = 1LL << 10; break;
        case 'm':
        case 'M': unit = 1LL << 20; break;
        case 'g':
        case 'G': unit = 1LL << 30; break;
        case 't':
        case 'T': unit = 1LL << 40; break;
        default: break;
        }
        if (unit != 1)
            text.pop_back();
    }
    std::int64_t n = 0;
    if (!parseNumber(text, n) || n < 0 || n > INT64_MAX / unit)
        return std::nullopt;
    return n * unit;
}

Result<std::unique_ptr<admin::AdminClient>> connectAdmin(const std::string &bootstrap)
{
    admin::AdminOptions options;
    options.bootstrap = bootstrap;
    return admin::AdminClient::create(options);
}

/// The partitions that lose segments, from the plan's params.
struct PlanRow {
    std::string partition;
    std::string logDir;
    std::size_t segments = 0;
    std::int64_t bytes = 0;
    std::string newStart;
};

std::vector<PlanRow> planRows(const Plan &plan)
{
    std::vector<PlanRow> rows;
    const auto get = [&](const std::string &k) {
        auto it = plan.params.find(k);
        return it == plan.params.end() ? std::string() : it->second;
    };
    std::int64_t count = 0;
    (void)parseNumber(get("partitions"), count);
    for (std::int64_t i = 0; i < count; ++i) {
        const std::string k = "part." + std::to_string(i) + ".";
        PlanRow row;
        row.partition = get(k + "topic") + "-" + get(k + "partition");
        row.logDir = get(k + "logdir");
        row.newStart = get(k + "start");
        const std::string remove = get(k + "remove");
        std::size_t pos = 0;
        while (pos < remove.size()) {
            auto comma = remove.find(',', pos);
            if (comma == std::string::npos)
                comma = remove.size();
            const std::string item = remove.substr(pos, comma - pos);
            const auto colon = item.find(':');
            std::int64_t bytes = 0;
            if (colon != std::string::npos && parseNumber(item.substr(colon + 1), bytes)) {
                row.bytes += bytes;
                ++row.segments;
            }
            pos = comma + 1;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

int report(Journal &journal, const Plan &plan, const std::optional<Result<std::int64_t>> &result, bool json, bool yes)
{
    const auto rows = planRows(plan);
    std::optional<JournalEntry> entry;
    if (result && result->ok())
        if (auto e = journal.get(**result))
            entry = std::move(*e);
    if (json) {
        JsonWriter out;
        out.beginObject().key("plan");
        writePlan(out, plan);
        out.key("params").beginObject();
        for (const auto &[k, v] : plan.params)
            if (k.rfind("part.", 0) != 0)
                out.key(k).value(v);
        out.endObject();
        out.key("partitions").beginArray();
        for (const auto &r : rows)
            out.beginObject()
                .key("partition")
                .value(r.partition)
                .key("logDir")
                .value(r.logDir)
                .key("segments")
                .value(static_cast<std::int64_t>(r.segments))
                .key("bytes")
                .value(r.bytes)
                .key("newLogStart")
                .value(r.newStart)
                .endObject();
        out.endArray();
        out.key("executed").value(yes);
        if (result && result->ok())
            out.key("id").value(**result);
        else if (result)
            out.key("error").value(result->error().describe());
        if (entry) {
            out.key("operation");
            writeEntry(out, *entry);
        }
        out.endObject();
        std::printf("%s\n", out.str().c_str());
    } else {
        if (result)
            std::fprintf(stderr, "\n");
        std::printf("%s", plan.preview().c_str());
        bool any = false;
        for (const auto &r : rows) {
            if (r.segments == 0)
                continue;
            if (!any)
                std::printf("segments that go:\n");
            any = true;
            std::printf("  %-30s %-30s %4zu segment(s) %12lld bytes, new log start %s\n", r.partition.c_str(),
                        r.logDir.c_str(), r.segments, static_cast<long long>(r.bytes), r.newStart.c_str());
        }
        if (!any)
            std::printf("no segment goes at this retention\n");
        if (!yes)
            std::printf("(plan only: run again with --yes to execute)\n");
        else if (entry)
            std::printf("done (journal id %lld): %s\n", static_cast<long long>(entry->id), entry->summary.c_str());
    }
    if (result && !result->ok())
        return opsFailed(result->error());
    return ExitOk;
}

} // namespace

int runShrinkRetention(std::vector<std::string> args, Journal &journal, bool json, bool yes)
{
    bool bad = false;
    const auto bootstrap = takeValue(args, "--bootstrap", bad);
    const auto broker = takeValue(args, "--broker", bad);
    const auto dirs = takeValue(args, "--log-dirs", bad);
    const auto topics = takeValues(args, "--topic", bad);
    const auto retentionMs = takeValue(args, "--retention-ms", bad);
    const auto retentionBytes = takeValue(args, "--retention-bytes", bad);
    const auto free = takeValue(args, "--free", bad);
    const auto dir = takeValue(args, "--dir", bad);
    const auto wait = takeValue(args, "--wait-seconds", bad);
    const bool offline = takeFlag(args, "--offline");
    if (bad)
        return opsUsageError("an option is missing its value");
    if (!args.empty())
        return opsUsageError("unexpected argument '" + args.front() + "'");
    if (offline && !dirs)
        return opsUsageError("--offline needs --log-dirs");
    if (!offline && (!bootstrap || !broker))
        return opsUsageError("shrink-retention needs --bootstrap and --broker (online) or --offline --log-dirs");
    if (free.has_value() != dir.has_value())
        return opsUsageError("--free and --dir go together");
    if (!free && (topics.empty() || (!retentionMs && !retentionBytes)))
        return opsUsageError("give --topic and --retention-ms and/or --retention-bytes, or --free BYTES --dir DIR");

    RetentionShrinkRequest request;
    request.offline = offline;
    for (const auto &t : topics)
        request.target.topics.push_back(t);
    if (retentionMs) {
        std::int64_t v = 0;
        if (!parseNumber(*retentionMs, v) || v < -1)
            return opsUsageError("--retention-ms must be -1 or a number of milliseconds");
        request.target.retentionMs = v;
    }
    if (retentionBytes) {
        auto v = *retentionBytes == "-1" ? std::optional<std::int64_t>(-1) : parseBytes(*retentionBytes);
        if (!v)
            return opsUsageError("--retention-bytes must be -1 or a size (bytes, or with K, M, G, T)");
        request.target.retentionBytes = *v;
    }
    if (free) {
        auto v = parseBytes(*free);
        if (!v)
            return opsUsageError("--free must be a size (bytes, or with K, M, G, T)");
        request.freeBytes = *v;
        request.freeDir = *dir;
    }
    if (wait) {
        std::int64_t seconds = 0;
        if (!parseNumber(*wait, seconds) || seconds < 0)
            return opsUsageError("--wait-seconds must be a number of seconds");
        request.waitMs = seconds * 1000;
    }

    std::unique_ptr<admin::AdminClient> admin;
    if (!offline) {
        std::int32_t id = 0;
        if (!parseNumber(*broker, id) || id < 0)
            return opsUsageError("--broker must be a broker id");
        request.bootstrap = *bootstrap;
        request.brokerId = id;
        request.broker = "broker " + *broker;
        auto made = connectAdmin(*bootstrap);
        if (!made)
            return opsFailed(made.error(), ExitUsage);
        admin = std::move(*made);
    }
    if (dirs) {
        request.logDirs = splitDirs(*dirs);
    } else {
        // The broker's own log dirs, read here: the planner needs their segments.
        auto described = admin->describeLogDirs(BrokerId{request.brokerId});
        if (!described)
            return opsFailed(described.error(), ExitUsage);
        for (const auto &d : *described)
            if (d.error == KafkaError::None)
                request.logDirs.push_back(d.path);
    }
    if (request.broker.empty())
        request.broker = "log dirs " + (dirs ? *dirs : std::string());

    auto plan = RetentionShrink::plan(request, admin.get());
    if (!plan)
        return opsFailed(plan.error(), plan.error().code == Errc::InvalidArgument || plan.error().code == Errc::NotFound
                                           ? ExitUsage
                                           : ExitProblems);
    std::optional<Result<std::int64_t>> result;
    if (yes)
        result = RetentionShrink::execute(journal, *plan, admin.get(), opsRunOptions(json));
    return report(journal, *plan, result, json, yes);
}

int runRestoreRetention(std::vector<std::string> args, Journal &journal, bool json, bool yes)
{
    bool bad = false;
    const auto idText = takeValue(args, "--id", bad);
    const auto bootstrap = takeValue(args, "--bootstrap", bad);
    if (bad || !idText)
        return opsUsageError("restore-retention needs --id");
    if (!args.empty())
        return opsUsageError("unexpected argument '" + args.front() + "'");
    std::int64_t id = 0;
    if (!parseNumber(*idText, id))
        return opsUsageError("--id must be a journal id");
    auto plan = RetentionShrink::planRestore(journal, id);
    if (!plan)
        return opsFailed(plan.error(), plan.error().code == Errc::InvalidArgument ? ExitUsage : ExitProblems);
    if (bootstrap)
        plan->params["bootstrap"] = *bootstrap;
    std::unique_ptr<admin::AdminClient> admin;
    std::optional<Result<std::int64_t>> result;
    if (yes) {
        auto made = connectAdmin(plan->params["bootstrap"]);
        if (!made)
            return opsFailed(made.error(), ExitUsage);
        admin = std::move(*made);
        result = RetentionShrink::executeRestore(journal, *plan, admin.get(), opsRunOptions(json));
    }
    return reportPlanRun(*plan, result, json, yes);
}

} // namespace spillway::app
