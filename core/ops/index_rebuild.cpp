// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/index_rebuild.h"

#include "core/common/fileio.h"
#include "core/storage/index/index_rebuilder.h"
#include "core/storage/index/index_verifier.h"
#include "core/storage/logdir/topic_name.h"

#include <algorithm>
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

/// Rebuilds the segments not yet done, then verifies all; one step each.
Result<OperationState> run(Journal &journal, std::int64_t id, const JournalEntry *previous,
                           const std::vector<fs::path> &segments, const RunOptions &options)
{
    int seq = previous && !previous->steps.empty() ? previous->steps.back().seq + 1 : 0;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const std::string step = "rebuild " + segments[i].string();
        if (previous && previous->stepDone(step))
            continue;
        if (options.cancelled()) {
            (void)journal.finish(id, OperationState::Cancelled,
                                 "cancelled after " + std::to_string(i) + " of " + std::to_string(segments.size()) +
                                     " segments; each rebuilt one is complete");
            return OperationState::Cancelled;
        }
        options.report(static_cast<double>(i) / static_cast<double>(segments.size()), step);
        if (auto st = journal.stepStarted(id, seq, step); !st)
            return st.error();
        auto files = SegmentFiles::fromPath(segments[i]);
        if (!files)
            return files.error();
        auto report = IndexRebuilder::rebuild(*files);
        if (!report) {
            (void)journal.finish(id, OperationState::Failed, report.error().describe());
            return report.error();
        }
        if (auto st = journal.stepDone(
                id, seq++, report->offsetIndex.changed || report->timeIndex.changed ? "rebuilt" : "unchanged");
            !st)
            return st.error();
        options.stepHook(step);
    }
    if (auto st = journal.stepStarted(id, seq, "verify"); !st)
        return st.error();
    std::size_t stillBad = 0;
    for (const auto &log : segments) {
        auto files = SegmentFiles::fromPath(log);
        if (!files)
            return files.error();
        auto verdict = IndexVerifier::verifyFiles(*files);
        if (!verdict)
            return verdict.error();
        stillBad += verdict->indexesOk() ? 0 : 1;
    }
    if (auto st = journal.stepDone(id, seq, std::to_string(stillBad) + " still bad"); !st)
        return st.error();
    options.report(1.0, "verified");
    const auto state = stillBad == 0 ? OperationState::Done : OperationState::Failed;
    if (auto st = journal.finish(id, state,
                                 "rebuilt the indexes of " + std::to_string(segments.size()) + " segments; " +
                                     std::to_string(stillBad) + " still bad");
        !st)
        return st.error();
    return state;
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
    auto state = run(journal, *id, nullptr, segmentsOf(plan.params), options);
    if (!state)
        return state.error();
    if (*state == OperationState::Failed)
        return makeError(Errc::Corrupt, "some indexes are still bad after the rebuild",
                         "see `spillway-cli index verify`");
    return *id;
}

Result<OperationState> IndexRebuildOperation::recover(Journal &journal, const JournalEntry &entry,
                                                      const RunOptions &options)
{
    return run(journal, entry.id, &entry, segmentsOf(paramsFromJson(entry.params)), options);
}

} // namespace spillway::core::ops
