// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/index_rebuild.h"

#include "core/common/fileio.h"
#include "core/ops/journal_steps.h"
#include "core/ops/recovery.h"
#include "core/storage/index/index_rebuilder.h"
#include "core/storage/index/index_verifier.h"
#include "core/storage/logdir/topic_name.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <system_error>

namespace spillway::core::ops {
namespace fs = std::filesystem;
namespace {

bool sameDir(const fs::path &a, const fs::path &b)
{
    std::error_code ec;
    return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

/// The `.log` files of the live partition dirs of one log dir (or of one partition).
Result<std::vector<fs::path>> segmentLogs(const fs::path &logDir, const std::optional<std::string> &partitionName)
{
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(logDir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (!it->is_directory(ec) || (partitionName && name != *partitionName))
            continue;
        auto parsed = parsePartitionDirName(name);
        if (!parsed || parsed->kind != PartitionDirKind::Live)
            continue;
        std::error_code inner;
        for (fs::directory_iterator f(it->path(), inner), fend; !inner && f != fend; f.increment(inner))
            if (isSegmentFileName(f->path(), kLogSuffix))
                out.push_back(f->path());
        if (inner)
            return Error::fromErrno(inner.value(), "cannot list " + it->path().string());
    }
    if (ec)
        return Error::fromErrno(ec.value(), "cannot list " + logDir.string());
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<fs::path> segmentsOf(const std::map<std::string, std::string> &params)
{
    std::vector<fs::path> out;
    for (const auto &[k, v] : params)
        if (k.rfind("segment:", 0) == 0)
            out.emplace_back(v);
    return out;
}

/// What run() ended with; the caller finishes the entry.
struct Ran {
    OperationState state = OperationState::Failed;
    std::string summary;
    std::optional<Error> error;
};

/// Rebuilds the segments not yet done, then verifies all; one step each,
/// numbered from `seq` (advanced). Does not finish the entry.
Ran run(Journal &journal, std::int64_t id, int &seq, const JournalEntry *previous,
        const std::vector<fs::path> &segments, const RunOptions &options)
{
    const auto failed = [](const Error &e) { return Ran{OperationState::Failed, e.describe(), e}; };
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const std::string step = "rebuild " + segments[i].string();
        if (previous && previous->stepDone(step))
            continue;
        if (options.cancelled())
            return {OperationState::Cancelled,
                    "cancelled after " + std::to_string(i) + " of " + std::to_string(segments.size()) +
                        " segments; each rebuilt one is complete",
                    std::nullopt};
        options.report(static_cast<double>(i) / static_cast<double>(segments.size()), step);
        if (auto st = journal.stepStarted(id, seq, step); !st)
            return failed(st.error());
        auto files = SegmentFiles::fromPath(segments[i]);
        if (!files)
            return failed(files.error());
        auto report = IndexRebuilder::rebuild(*files);
        if (!report)
            return failed(report.error());
        if (auto st = journal.stepDone(
                id, seq++, report->offsetIndex.changed || report->timeIndex.changed ? "rebuilt" : "unchanged");
            !st)
            return failed(st.error());
        options.stepHook(step);
    }
    if (auto st = journal.stepStarted(id, seq, "verify"); !st)
        return failed(st.error());
    std::size_t stillBad = 0;
    for (const auto &log : segments) {
        auto files = SegmentFiles::fromPath(log);
        if (!files)
            return failed(files.error());
        auto verdict = IndexVerifier::verifyFiles(*files);
        if (!verdict)
            return failed(verdict.error());
        stillBad += verdict->indexesOk() ? 0 : 1;
    }
    if (auto st = journal.stepDone(id, seq++, std::to_string(stillBad) + " still bad"); !st)
        return failed(st.error());
    options.stepHook("verify");
    options.report(1.0, "verified");
    Ran ran;
    ran.state = stillBad == 0 ? OperationState::Done : OperationState::Failed;
    ran.summary = "rebuilt the indexes of " + std::to_string(segments.size()) + " segments; " +
                  std::to_string(stillBad) + " still bad";
    if (stillBad > 0)
        ran.error =
            makeError(Errc::Corrupt, "some indexes are still bad after the rebuild", "see `spillway-cli index verify`");
    return ran;
}

constexpr auto kRestartHealthyTimeout = std::chrono::seconds(120);

/// The scope of a broker rebuild as journaled params, and back.
void putRequest(const IndexRebuildRequest &request, std::map<std::string, std::string> &params)
{
    for (std::size_t i = 0; i < request.logDirs.size(); ++i)
        params["log-dir:" + std::to_string(i)] = request.logDirs[i].string();
    if (request.topic)
        params["scope-topic"] = *request.topic;
    if (request.partition)
        params["scope-partition"] = std::to_string(request.partition->get());
    if (request.dir)
        params["scope-dir"] = request.dir->string();
}

IndexRebuildRequest getRequest(const std::map<std::string, std::string> &params)
{
    IndexRebuildRequest request;
    for (const auto &[k, v] : params) {
        if (k.rfind("log-dir:", 0) == 0)
            request.logDirs.emplace_back(v); // the order does not matter to the plan
        else if (k == "scope-topic")
            request.topic = v;
        else if (k == "scope-partition")
            request.partition = PartitionId{static_cast<std::int32_t>(std::stol(v))};
        else if (k == "scope-dir")
            request.dir = fs::path(v);
        else if (k == "broker")
            request.broker = v;
    }
    return request;
}

/// Step `start-broker`: start, wait until it answers. Fills restarted / restartError.
void startAgain(Journal &journal, std::int64_t id, int &seq, BrokerControl &broker, const RunOptions &options,
                BrokerRebuildResult &result)
{
    options.report(0.95, "starting " + broker.label() + " again");
    if (auto st = journal.stepStarted(id, seq, "start-broker"); !st) {
        result.restartError = st.error();
        return;
    }
    Status st = broker.start();
    if (st)
        st = broker.waitHealthy(kRestartHealthyTimeout);
    if (!st) {
        result.restartError = st.error();
        return;
    }
    if (auto done = journal.stepDone(id, seq++, "started; it answers"); !done) {
        result.restartError = done.error();
        return;
    }
    result.restarted = true;
    options.stepHook("start-broker");
}

/// After the stop: plan with the broker stopped, rebuild, verify, start again, finish.
BrokerRebuildResult rebuildStopped(Journal &journal, std::int64_t id, int seq, const JournalEntry *previous,
                                   BrokerControl &broker, IndexRebuildRequest request, const RunOptions &options)
{
    BrokerRebuildResult result;
    result.id = id;
    result.stopped = true;
    request.brokerRunning = false;
    Ran ran;
    auto plan = IndexRebuildOperation::plan(request);
    if (plan) {
        ran = run(journal, id, seq, previous, segmentsOf(plan->params), options);
        result.plan = std::move(*plan);
    } else {
        ran = {OperationState::Failed, "planning with the broker stopped: " + plan.error().describe(), plan.error()};
    }
    // Started again even when the rebuild failed (the broker checks its indexes itself at start).
    startAgain(journal, id, seq, broker, options, result);
    result.error = ran.error;
    result.state = ran.state;
    std::string summary = ran.summary;
    if (result.restarted) {
        summary += "; " + broker.label() + " started again and answers";
    } else {
        summary += "; " + broker.label() + " does not start again: " +
                   (result.restartError ? result.restartError->describe() : std::string("unknown"));
        result.state = OperationState::Failed;
    }
    (void)journal.finish(id, result.state, summary);
    return result;
}

} // namespace

Result<Plan> IndexRebuildOperation::plan(const IndexRebuildRequest &request)
{
    std::optional<std::string> partitionName;
    if (request.topic || request.partition) {
        if (!request.topic || !request.partition)
            return makeError(Errc::InvalidArgument, "a partition needs both a topic and a partition number");
        if (auto st = validateTopicName(*request.topic); !st)
            return st.error();
        partitionName = partitionDirName(*request.topic, *request.partition);
    }
    std::vector<fs::path> dirs;
    for (const auto &d : request.logDirs)
        if (!request.dir || sameDir(d, *request.dir))
            dirs.push_back(d);
    if (dirs.empty())
        return makeError(Errc::InvalidArgument,
                         (request.dir ? request.dir->string() : std::string("(none)")) + " is not one of the log dirs");
    Plan plan;
    plan.kind = std::string(kKind);
    std::size_t checked = 0;
    std::size_t bad = 0;
    std::size_t recheck = 0;
    for (const auto &dir : dirs) {
        if (!request.brokerRunning)
            if (auto st = refuseIfLocked(dir, "stop the broker first; an offline index rebuild needs it stopped"); !st)
                return st.error();
        auto logs = segmentLogs(dir, partitionName);
        if (!logs)
            return logs.error();
        for (const auto &log : *logs) {
            auto files = SegmentFiles::fromPath(log);
            if (!files)
                return files.error();
            auto verdict = IndexVerifier::verifyFiles(*files);
            ++checked;
            if (!verdict && request.brokerRunning) {
                ++recheck;
                plan.steps.push_back("verify with the broker stopped " + log.string() + ": " +
                                     verdict.error().describe());
                continue;
            }
            if (!verdict)
                return verdict.error();
            if (verdict->indexesOk())
                continue;
            const auto *problem =
                verdict->offsetIndex.ok() ? verdict->timeIndex.firstProblem() : verdict->offsetIndex.firstProblem();
            plan.params["segment:" + std::to_string(bad++)] = log.string();
            plan.steps.push_back("rebuild " + log.string() + (problem ? ": " + problem->describe("index byte") : ""));
        }
    }
    if (partitionName && checked == 0)
        return makeError(Errc::NotFound, *partitionName + " has no segments in the log dirs");
    plan.steps.push_back("verify every rebuilt segment again");
    plan.summary = "checked " + std::to_string(checked) + " segments; " + std::to_string(bad) +
                   " with bad indexes to rebuild (old files kept as .corrupt-<time>)";
    if (recheck > 0) {
        plan.params["recheck"] = std::to_string(recheck);
        plan.summary += "; " + std::to_string(recheck) + " to verify again with the broker stopped";
    }
    plan.params["broker"] = request.broker;
    return plan;
}

Result<std::int64_t> IndexRebuildOperation::execute(Journal &journal, const Plan &plan, const RunOptions &options)
{
    auto broker = plan.params.find("broker");
    auto id = journal.begin(kKind, broker == plan.params.end() ? "" : broker->second, paramsToJson(plan.params),
                            plan.summary);
    if (!id)
        return id.error();
    int seq = 0;
    const Ran ran = run(journal, *id, seq, nullptr, segmentsOf(plan.params), options);
    if (auto st = journal.finish(*id, ran.state, ran.summary); !st)
        return st.error();
    if (ran.error)
        return *ran.error;
    return *id;
}

Result<OperationState> IndexRebuildOperation::recover(Journal &journal, const JournalEntry &entry,
                                                      const RunOptions &options)
{
    int seq = nextStepSeq(entry);
    const Ran ran = run(journal, entry.id, seq, &entry, segmentsOf(paramsFromJson(entry.params)), options);
    if (auto st = journal.finish(entry.id, ran.state, ran.summary); !st)
        return st.error();
    // Indexes still bad is a finished (failed) recovery, as before; any other error is an error.
    if (ran.error && ran.error->code != Errc::Corrupt)
        return *ran.error;
    return ran.state;
}

Result<BrokerRebuildResult> IndexRebuildOperation::executeOnBroker(Journal &journal, BrokerControl &broker,
                                                                   const IndexRebuildRequest &request,
                                                                   const RunOptions &options)
{
    std::map<std::string, std::string> params;
    putRequest(request, params);
    params["broker"] = broker.label();
    params["restart-broker"] = "true";
    for (const auto &[k, v] : broker.identity())
        params["id:" + k] = v;
    auto id = journal.begin(kKind, broker.label(), paramsToJson(params),
                            "rebuild the bad indexes of " + broker.label() + ": stopped for it, started again");
    if (!id)
        return id.error();
    int seq = 0;
    options.report(0.0, "stopping " + broker.label());
    if (auto st = journal.stepStarted(*id, seq, "stop-broker"); !st)
        return st.error();
    if (auto st = broker.stop(); !st) {
        (void)journal.finish(*id, OperationState::Failed,
                             "could not stop " + broker.label() + ": " + st.error().describe() + "; nothing rebuilt");
        return st.error();
    }
    if (auto st = journal.stepDone(*id, seq++, "stopped"); !st)
        return st.error();
    options.stepHook("stop-broker");
    return rebuildStopped(journal, *id, seq, nullptr, broker, request, options);
}

Result<OperationState> IndexRebuildOperation::recover(Journal &journal, const JournalEntry &entry,
                                                      const RecoveryContext &context)
{
    const auto params = paramsFromJson(entry.params);
    if (auto it = params.find("restart-broker"); it == params.end() || it->second != "true")
        return recover(journal, entry, context.options);
    if (!context.brokerControl)
        return makeError(Errc::Unsupported, "recovering this index rebuild needs control of the broker it stopped");
    std::map<std::string, std::string> identity;
    for (const auto &[k, v] : params)
        if (k.rfind("id:", 0) == 0)
            identity[k.substr(3)] = v;
    auto broker = context.brokerControl(identity);
    if (!broker)
        return broker.error();
    auto running = (*broker)->running();
    if (!running)
        return running.error();
    const std::string label = (*broker)->label();
    if (*running) {
        if (!entry.stepDone("stop-broker")) {
            (void)journal.finish(entry.id, OperationState::RolledBack,
                                 "interrupted before " + label + " was stopped: nothing rebuilt; it runs");
            return OperationState::RolledBack;
        }
        if (entry.stepDone("start-broker")) {
            // Killed after the start was journaled: only the outcome is missing.
            bool clean = false;
            for (const auto &step : entry.steps)
                if (step.name == "verify" && step.state == "done")
                    clean = step.detail.rfind("0 still bad", 0) == 0;
            const auto state = clean ? OperationState::Done : OperationState::Failed;
            (void)journal.finish(entry.id, state,
                                 std::string(clean ? "rebuilt and verified" : "some indexes still bad") + "; " + label +
                                     " started again (finished by ops recover)");
            return state;
        }
        (void)journal.finish(entry.id, OperationState::Failed,
                             label + " runs again (started by someone else) before the rebuild finished: run "
                                     "`spillway-cli ops rebuild-index` again");
        return makeError(Errc::InvalidArgument, label + " was started again before the rebuild finished",
                         "run `spillway-cli ops rebuild-index` on it again");
    }
    // Still stopped (whether or not the stop was journaled): finish the rebuild, start it again.
    auto result =
        rebuildStopped(journal, entry.id, nextStepSeq(entry), &entry, **broker, getRequest(params), context.options);
    if (result.restartError)
        return *result.restartError;
    return result.state;
}

} // namespace spillway::core::ops
