// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli ops move-online` and `spillway-cli ops rebalance`: the online
// partition move of a running broker (core/ops/online_move.h) and the disk
// rebalance plan of one broker (core/ops/rebalance_plan.h), executed as
// online moves or, with the broker stopped, as offline moves.
#include "app/cli/cli_command.h"
#include "app/cli/ops_support.h"
#include "core/admin/admin_client.h"
#include "core/admin/cluster_sampler.h"
#include "core/common/json_writer.h"
#include "core/measure/disk_probe.h"
#include "core/measure/local_snapshot.h"
#include "core/ops/online_move.h"
#include "core/ops/partition_move.h"
#include "core/ops/rebalance_plan.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace spillway::app {
using namespace spillway::core;
using namespace spillway::core::ops;

namespace {

std::optional<std::int64_t> parseNumber(const std::optional<std::string> &text, std::int64_t min, std::int64_t max)
{
    if (!text)
        return std::nullopt;
    char *end = nullptr;
    const long long v = std::strtoll(text->c_str(), &end, 10);
    if (end == text->c_str() || *end != '\0' || v < min || v > max)
        return std::nullopt;
    return v;
}

void writeRebalance(JsonWriter &json, const RebalancePlan &plan)
{
    json.beginObject()
        .key("broker")
        .value(static_cast<std::int64_t>(plan.broker.get()))
        .key("thresholdPercent")
        .value(plan.thresholdPercent)
        .key("meanBytes")
        .value(plan.meanBytes)
        .key("skewBeforePercent")
        .value(plan.skewBeforePercent)
        .key("skewAfterPercent")
        .value(plan.skewAfterPercent)
        .key("balancedBefore")
        .value(plan.balancedBefore)
        .key("belowMinimum")
        .value(plan.belowMinimum)
        .key("reachable")
        .value(plan.reachable)
        .key("reason")
        .value(plan.reason)
        .key("disks")
        .beginArray();
    for (const auto &d : plan.disks) {
        json.beginObject()
            .key("dir")
            .value(d.dir)
            .key("bytesBefore")
            .value(d.bytesBefore)
            .key("bytesAfter")
            .value(d.bytesAfter)
            .key("deviationBeforePercent")
            .value(d.deviationBeforePercent)
            .key("deviationAfterPercent")
            .value(d.deviationAfterPercent)
            .key("withinThresholdAfter")
            .value(d.withinThresholdAfter)
            .key("freeBefore");
        d.freeBefore ? json.value(*d.freeBefore) : json.null();
        json.key("freeAfter");
        d.freeAfter ? json.value(*d.freeAfter) : json.null();
        json.endObject();
    }
    json.endArray().key("moves").beginArray();
    for (const auto &m : plan.moves)
        json.beginObject()
            .key("topic")
            .value(m.topic)
            .key("partition")
            .value(static_cast<std::int64_t>(m.partition.get()))
            .key("from")
            .value(m.from)
            .key("to")
            .value(m.to)
            .key("bytes")
            .value(m.bytes)
            .endObject();
    json.endArray().endObject();
}

/// One broker as DescribeLogDirs shows it.
Result<measure::BrokerSnapshot> onlineSnapshot(const std::string &bootstrap, BrokerId broker)
{
    auto client = admin::AdminClient::create(admin::AdminOptions{bootstrap, {}, false});
    if (!client)
        return client.error();
    auto dirs = (*client)->describeLogDirs(broker);
    if (!dirs)
        return dirs.error();
    measure::BrokerSnapshot out;
    out.id = broker;
    out.name = "broker " + std::to_string(broker.get());
    for (const auto &d : *dirs)
        out.dirs.push_back(admin::logDirFromDescribe(d));
    return out;
}

/// One stopped broker's log dirs, scanned here.
Result<measure::BrokerSnapshot> localSnapshot(const std::vector<std::filesystem::path> &dirs, BrokerId broker)
{
    auto probe = measure::DiskProbe::fromSystem();
    if (!probe)
        return probe.error();
    const auto local = measure::measureLocalLogDirs(dirs, *probe);
    return measure::toBrokerSnapshot(broker, local);
}

} // namespace

int runMoveOnline(std::vector<std::string> args, Journal &journal, bool json, bool yes)
{
    bool bad = false;
    const auto bootstrap = takeValue(args, "--bootstrap", bad);
    const auto broker = takeValue(args, "--broker", bad);
    const auto topic = takeValue(args, "--topic", bad);
    const auto partitions = takeValues(args, "--partition", bad);
    const auto to = takeValue(args, "--to", bad);
    const auto throttle = takeValue(args, "--throttle", bad);
    const bool cancelOnRecover = takeFlag(args, "--cancel-on-recover");
    if (bad || !bootstrap || !broker || !topic || partitions.empty() || !to)
        return opsUsageError("move-online needs --bootstrap, --broker, --topic, --partition and --to");
    if (!args.empty())
        return opsUsageError("unexpected argument '" + args.front() + "'");
    const auto brokerId = parseNumber(broker, 0, INT32_MAX);
    const auto rate = throttle ? parseNumber(throttle, 1, INT64_MAX) : std::optional<std::int64_t>(0);
    if (!brokerId)
        return opsUsageError("--broker must be a broker id");
    if (!rate)
        return opsUsageError("--throttle must be a number of bytes per second");
    OnlineMoveRequest request;
    request.bootstrap = *bootstrap;
    request.broker = BrokerId{static_cast<std::int32_t>(*brokerId)};
    for (const auto &p : partitions) {
        const auto n = parseNumber(p, 0, INT32_MAX);
        if (!n)
            return opsUsageError("--partition must be a partition number");
        request.targets.push_back({*topic, PartitionId{static_cast<std::int32_t>(*n)}, *to});
    }
    request.throttleBytesPerSecond = *rate;
    request.cancelOnRecover = cancelOnRecover;
    auto plan = OnlineMove::plan(request);
    if (!plan)
        return opsFailed(plan.error(), plan.error().code == Errc::InvalidArgument ? ExitUsage : ExitProblems);
    std::optional<Result<std::int64_t>> result;
    if (yes) {
        // Ctrl-C / SIGTERM cancel the move (the replicas go back to their
        // dirs) instead of abandoning it.
        OpsCancelOnSignal cancel;
        RunOptions options = opsRunOptions(json);
        options.cancel = OpsCancelOnSignal::flag();
        result = OnlineMove::execute(journal, *plan, options);
    }
    return reportPlanRun(*plan, result, json, yes);
}

int runRebalance(std::vector<std::string> args, Journal &journal, bool json, bool yes)
{
    bool bad = false;
    const auto bootstrap = takeValue(args, "--bootstrap", bad);
    const auto broker = takeValue(args, "--broker", bad);
    const auto logDirs = takeValue(args, "--log-dirs", bad);
    const auto threshold = takeValue(args, "--threshold", bad);
    const auto throttle = takeValue(args, "--throttle", bad);
    const auto maxMoves = takeValue(args, "--max-moves", bad);
    const bool offline = takeFlag(args, "--offline");
    if (bad)
        return opsUsageError("an option of rebalance lacks its value");
    if (!args.empty())
        return opsUsageError("unexpected argument '" + args.front() + "'");
    if (static_cast<bool>(bootstrap) == static_cast<bool>(logDirs))
        return opsUsageError("rebalance needs either --bootstrap and --broker (online) or --log-dirs (offline)");
    if (bootstrap && !broker)
        return opsUsageError("rebalance --bootstrap needs --broker");
    if (bootstrap && offline)
        return opsUsageError("an offline rebalance needs the broker stopped: give its --log-dirs instead");
    const auto brokerId = broker ? parseNumber(broker, 0, INT32_MAX) : std::optional<std::int64_t>(0);
    const auto rate = throttle ? parseNumber(throttle, 1, INT64_MAX) : std::optional<std::int64_t>(0);
    const auto moves = maxMoves ? parseNumber(maxMoves, 1, 10000) : std::optional<std::int64_t>(64);
    if (!brokerId || !rate || !moves)
        return opsUsageError("--broker, --throttle and --max-moves take positive numbers");
    if (throttle && logDirs)
        return opsUsageError("--throttle applies to online moves only");
    RebalanceOptions options;
    options.maxMoves = static_cast<std::size_t>(*moves);
    if (threshold) {
        char *end = nullptr;
        options.thresholdPercent = std::strtod(threshold->c_str(), &end);
        if (end == threshold->c_str() || *end != '\0' || !(options.thresholdPercent > 0) ||
            options.thresholdPercent > 1000)
            return opsUsageError("--threshold must be a percentage above 0");
    }
    const BrokerId id{static_cast<std::int32_t>(*brokerId)};
    const auto dirs = logDirs ? splitDirs(*logDirs) : std::vector<std::filesystem::path>{};
    auto measure = [&]() { return bootstrap ? onlineSnapshot(*bootstrap, id) : localSnapshot(dirs, id); };
    auto snapshot = measure();
    if (!snapshot)
        return opsFailed(snapshot.error(), ExitUsage);
    const RebalancePlan plan = planRebalance(*snapshot, options);

    JsonWriter out;
    out.beginObject().key("rebalance");
    writeRebalance(out, plan);
    out.key("mode").value(bootstrap ? "online" : "offline").key("executed").value(yes && !plan.moves.empty());
    if (!json)
        std::printf("%s", plan.describe().c_str());
    if (!yes || plan.moves.empty()) {
        out.endObject();
        if (json)
            std::printf("%s\n", out.str().c_str());
        else if (!plan.moves.empty())
            std::printf("(plan only: run again with --yes to execute)\n");
        return ExitOk;
    }

    // Execute: one online operation for every move (one throttle, one
    // journal entry), or one offline move after another.
    std::optional<Error> failure;
    out.key("operations").beginArray();
    RunOptions run = opsRunOptions(json);
    OpsCancelOnSignal cancel;
    run.cancel = OpsCancelOnSignal::flag();
    if (bootstrap) {
        auto online = OnlineMove::plan(toOnlineMoveRequest(plan, *bootstrap, *rate));
        auto done = online ? OnlineMove::execute(journal, *online, run) : Result<std::int64_t>(online.error());
        if (done)
            out.value(*done);
        else
            failure = done.error();
    } else {
        for (const auto &m : plan.moves) {
            if (run.cancelled()) {
                failure = makeError(Errc::Cancelled, "cancelled between moves");
                break;
            }
            auto move = PartitionMove::plan({dirs, m.topic, m.partition, m.to, "broker " + std::to_string(id.get())});
            auto done = move ? PartitionMove::execute(journal, *move, run) : Result<std::int64_t>(move.error());
            if (!done) {
                failure = done.error();
                break;
            }
            out.value(*done);
            if (!json)
                std::fprintf(stderr, "moved %s-%d to %s\n", m.topic.c_str(), m.partition.get(), m.to.c_str());
        }
    }
    out.endArray();
    if (failure)
        out.key("error").value(failure->describe());

    // Verify: measure again; every disk within the threshold?
    bool balanced = false;
    if (auto after = measure()) {
        const RebalancePlan check = planRebalance(*after, options);
        balanced = check.balancedBefore;
        out.key("skewAfterPercent").value(check.skewBeforePercent).key("balancedAfter").value(balanced);
        if (!json)
            std::printf("after: skew %.1f %% (threshold %.1f %%): %s\n", check.skewBeforePercent,
                        options.thresholdPercent, balanced ? "balanced" : "NOT balanced");
    } else {
        out.key("verifyError").value(after.error().describe());
    }
    out.endObject();
    if (json)
        std::printf("%s\n", out.str().c_str());
    if (failure)
        return opsFailed(*failure);
    return balanced ? ExitOk : ExitProblems;
}

} // namespace spillway::app
