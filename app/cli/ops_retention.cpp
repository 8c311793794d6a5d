// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli ops shrink-retention` and `ops restore-retention`: the
// retention shrink of core/ops/retention_shrink.h (GitHub issue 6), and its
// protocol-only variant (core/ops/retention_remote.h) for a broker whose log
// dirs are not readable here (`--remote`, or automatically).
#include "app/cli/cli_command.h"
#include "app/cli/ops_support.h"
#include "core/admin/admin_client.h"
#include "core/common/json_writer.h"
#include "core/ops/retention_remote.h"
#include "core/ops/retention_shrink.h"

#include <unistd.h>

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

/// The partitions that lose segments, from the plan's params (remote: the
/// estimate from offsets; no segment is known).
struct PlanRow {
    std::string partition;
    std::string logDir;
    std::size_t segments = 0;
    std::int64_t bytes = 0;
    std::string newStart;
    std::int64_t estimate = 0; ///< remote only
    std::string size, earliest, latest, offsetAt;
};

/// Which variant runs and why (a line on stderr, and in --json).
struct Variant {
    bool remote = false;
    std::string reason;
};

std::string paramOf(const Plan &plan, const std::string &key)
{
    auto it = plan.params.find(key);
    return it == plan.params.end() ? std::string() : it->second;
}

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
        (void)parseNumber(get(k + "estimate"), row.estimate);
        row.size = get(k + "size");
        row.earliest = get(k + "earliest");
        row.latest = get(k + "latest");
        row.offsetAt = get(k + "offsetAt");
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

void writeVerification(JsonWriter &out, const RemoteVerification &v)
{
    out.key("verification").beginObject();
    out.key("configsTook").value(v.configsTook);
    out.key("estimatedBytes").value(v.estimatedTotal());
    out.key("measuredFreedBytes").value(v.freedTotal());
    out.key("estimateIsUpperBound").value(true);
    out.key("dirs").beginArray();
    for (const auto &[dir, estimated] : v.estimatedByDir) {
        const auto it = v.freedByDir.find(dir);
        out.beginObject()
            .key("logDir")
            .value(dir)
            .key("estimatedBytes")
            .value(estimated)
            .key("measuredFreedBytes")
            .value(it == v.freedByDir.end() ? std::int64_t{0} : it->second)
            .endObject();
    }
    out.endArray();
    out.key("partitions").beginArray();
    for (const auto &p : v.partitions)
        out.beginObject()
            .key("partition")
            .value(p.name)
            .key("logDir")
            .value(p.logDir)
            .key("estimatedBytes")
            .value(p.estimated)
            .key("measuredFreedBytes")
            .value(p.freed)
            .key("sizeBefore")
            .value(p.sizeBefore)
            .key("sizeAfter")
            .value(p.sizeAfter)
            .key("logStartBefore")
            .value(p.startBefore.get())
            .key("logStartAfter")
            .value(p.startAfter.get())
            .key("mustLoseASegment")
            .value(p.mustGo)
            .endObject();
    out.endArray();
    out.key("problems").beginArray();
    for (const auto &problem : v.problems)
        out.value(problem);
    out.endArray();
    out.endObject();
}

int report(Journal &journal, const Plan &plan, const std::optional<Result<std::int64_t>> &result, bool json, bool yes,
           const Variant &variant, const std::optional<RemoteVerification> &verification)
{
    const auto rows = planRows(plan);
    const bool remote = paramOf(plan, "source") == "remote";
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
        out.key("variant").value(remote ? "remote" : "local");
        out.key("variantReason").value(variant.reason);
        if (remote) {
            out.key("estimate").beginObject();
            out.key("upperBound").value(true);
            out.key("segmentGranularityKnown").value(false);
            out.key("note").value(RemoteRetentionShrink::estimateNote());
            out.endObject();
            out.key("partitions").beginArray();
            for (const auto &r : rows) {
                std::int64_t size = 0, earliest = -1, latest = -1, at = -1;
                (void)parseNumber(r.size, size);
                (void)parseNumber(r.earliest, earliest);
                (void)parseNumber(r.latest, latest);
                (void)parseNumber(r.offsetAt, at);
                out.beginObject()
                    .key("partition")
                    .value(r.partition)
                    .key("logDir")
                    .value(r.logDir)
                    .key("estimatedBytes")
                    .value(r.estimate)
                    .key("sizeBytes")
                    .value(size)
                    .key("earliest")
                    .value(earliest)
                    .key("latest")
                    .value(latest)
                    .key("offsetAtCutoff")
                    .value(at)
                    .key("estimatedNewLogStart")
                    .value(r.newStart)
                    .endObject();
            }
            out.endArray();
            if (verification)
                writeVerification(out, *verification);
        }
        if (!remote) {
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
        }
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
        if (remote) {
            std::printf("estimated per partition (upper bound; segments unknown):\n");
            for (const auto &r : rows)
                std::printf("  %-30s %-30s at most %12lld of %s bytes (offsets %s..%s, cut at %s)\n",
                            r.partition.c_str(), r.logDir.c_str(), static_cast<long long>(r.estimate), r.size.c_str(),
                            r.earliest.c_str(), r.latest.c_str(), r.offsetAt.c_str());
            any = true;
            if (verification) {
                std::printf("measured after apply (DescribeLogDirs):\n");
                for (const auto &p : verification->partitions)
                    std::printf("  %-30s freed %12lld bytes (estimate at most %lld), log start %lld -> %lld\n",
                                p.name.c_str(), static_cast<long long>(p.freed), static_cast<long long>(p.estimated),
                                static_cast<long long>(p.startBefore.get()),
                                static_cast<long long>(p.startAfter.get()));
                std::printf("  %s\n", verification->describe().c_str());
                for (const auto &problem : verification->problems)
                    std::printf("  problem: %s\n", problem.c_str());
            }
        }
        for (const auto &r : rows) {
            if (remote)
                break;
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
    const bool forceRemote = takeFlag(args, "--remote");
    if (bad)
        return opsUsageError("an option is missing its value");
    if (!args.empty())
        return opsUsageError("unexpected argument '" + args.front() + "'");
    if (offline && !dirs)
        return opsUsageError("--offline needs --log-dirs");
    if (forceRemote && (offline || dirs))
        return opsUsageError("--remote reads no log dir: it goes with --bootstrap and --broker, not --offline or "
                             "--log-dirs");
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
    Variant variant;
    if (dirs) {
        request.logDirs = splitDirs(*dirs);
        variant.reason = "log dirs given with --log-dirs: their segment files are read here";
    } else if (forceRemote) {
        variant.remote = true;
        variant.reason = "--remote: the Kafka protocol only, no log dir read here";
    } else {
        // The broker's own log dirs, read here when they are: the local planner needs their segments.
        auto described = admin->describeLogDirs(BrokerId{request.brokerId});
        if (!described)
            return opsFailed(described.error(), ExitUsage);
        for (const auto &d : *described) {
            if (d.error != KafkaError::None)
                continue;
            if (::access(d.path.c_str(), R_OK | X_OK) != 0 && !variant.remote) {
                variant.remote = true;
                variant.reason = "log dir " + d.path + " of broker " + *broker +
                                 " (named by DescribeLogDirs) is not readable here: the Kafka protocol only";
            }
            request.logDirs.push_back(d.path);
        }
        if (!variant.remote)
            variant.reason = "the log dirs of broker " + *broker + " are readable here: their segment files are read";
    }
    if (variant.remote) {
        request.source = RetentionSource::Remote;
        request.logDirs.clear();
    }
    std::fprintf(stderr, "shrink-retention: %s variant: %s\n",
                 variant.remote ? "protocol-only (remote, estimated)" : "local (exact, segment files)",
                 variant.reason.c_str());
    if (request.broker.empty())
        request.broker = "log dirs " + (dirs ? *dirs : std::string());

    auto plan = RetentionShrink::plan(request, admin.get());
    if (!plan)
        return opsFailed(plan.error(), plan.error().code == Errc::InvalidArgument || plan.error().code == Errc::NotFound
                                           ? ExitUsage
                                           : ExitProblems);
    std::optional<Result<std::int64_t>> result;
    std::optional<RemoteVerification> verification;
    // Ctrl-C / SIGTERM stop waiting for the broker's deletion (the new
    // retention stays set; restore-retention puts the old one back), or stop
    // an offline shrink between partitions.
    OpsCancelOnSignal cancel;
    RunOptions run = opsRunOptions(json);
    if (yes)
        run.cancel = OpsCancelOnSignal::flag();
    if (yes && variant.remote) {
        RemoteVerification v;
        result = RemoteRetentionShrink::execute(journal, *plan, admin.get(), run, &v);
        verification = std::move(v);
    } else if (yes) {
        result = RetentionShrink::execute(journal, *plan, admin.get(), run);
    }
    return report(journal, *plan, result, json, yes, variant, verification);
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
