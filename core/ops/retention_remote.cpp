// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/retention_remote.h"

#include "core/admin/admin_client.h"
#include "core/ops/journal_steps.h"
#include "core/ops/ops_text.h"
#include "core/storage/logdir/topic_name.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <thread>

namespace spillway::core::ops {
namespace {

/// `part` scaled by `num / den` without overflow (0 when den <= 0).
std::int64_t scaled(std::int64_t part, std::int64_t num, std::int64_t den)
{
    if (den <= 0 || num <= 0 || part <= 0)
        return 0;
    if (num >= den)
        return part;
    return static_cast<std::int64_t>(static_cast<long double>(part) * static_cast<long double>(num) /
                                     static_cast<long double>(den));
}

std::string keyOf(const std::string &topic, PartitionId partition)
{
    return topic + "-" + std::to_string(partition.get());
}

/// Earliest or latest offsets of `partitions` in one ListOffsets call, by "topic-p".
Result<std::map<std::string, Offset>> listEdge(admin::AdminClient &admin,
                                               const std::vector<RemotePartition> &partitions, bool earliest)
{
    std::map<std::string, Offset> out;
    if (partitions.empty())
        return out;
    std::vector<admin::OffsetQuery> queries;
    for (const auto &p : partitions)
        queries.push_back(
            {p.topic, p.partition, earliest ? admin::OffsetSpec::earliest() : admin::OffsetSpec::latest()});
    auto offsets = admin.listOffsets(queries);
    if (!offsets)
        return offsets.error();
    for (const auto &o : *offsets)
        if (o.error == KafkaError::None)
            out[keyOf(o.topic, o.partition)] = o.offset;
    return out;
}

/// The estimate of a set of partitions at one cut-off (one round trip).
struct Probe {
    std::vector<Offset> offsets;
    std::int64_t freed = 0;
};

Result<Probe> probeAt(admin::AdminClient &admin, const std::vector<RemotePartition> &partitions, std::int64_t cutoff,
                      std::int64_t nowMs)
{
    auto offsets = RemoteRetentionPlanner::offsetsAt(admin, partitions, cutoff);
    if (!offsets)
        return offsets.error();
    Probe probe;
    probe.offsets = std::move(*offsets);
    for (std::size_t i = 0; i < partitions.size(); ++i)
        probe.freed +=
            RemoteRetentionPlanner::estimate(partitions[i], {nowMs - cutoff, -1, nowMs}, probe.offsets[i]).bytes;
    return probe;
}

Result<std::unique_ptr<admin::AdminClient>> connect(const std::string &bootstrap)
{
    if (bootstrap.empty())
        return makeError(Errc::InvalidArgument, "no bootstrap address for the online shrink");
    admin::AdminOptions options;
    options.bootstrap = bootstrap;
    return admin::AdminClient::create(options);
}

/// One planned partition of a remote plan's params.
struct RemotePlanned {
    RemotePartition p;
    std::int64_t estimate = 0;
    std::int64_t segmentBytes = -1;
};

Result<std::vector<RemotePlanned>> remotePlanned(const std::map<std::string, std::string> &params)
{
    const auto count = parseLong(param(params, "partitions"));
    if (!count)
        return makeError(Errc::InvalidArgument, "journal entry is not a retention shrink");
    std::vector<RemotePlanned> out;
    for (std::int64_t i = 0; i < *count; ++i) {
        const std::string k = "part." + std::to_string(i) + ".";
        RemotePlanned r;
        r.p.topic = param(params, k + "topic");
        r.p.logDir = param(params, k + "logdir");
        const auto partition = parseLong(param(params, k + "partition"));
        if (r.p.topic.empty() || !partition)
            return makeError(Errc::InvalidArgument, "journal entry has a bad partition " + std::to_string(i));
        r.p.partition = PartitionId{static_cast<std::int32_t>(*partition)};
        r.p.sizeBytes = parseLong(param(params, k + "size")).value_or(0);
        r.p.earliest = Offset{parseLong(param(params, k + "earliest")).value_or(-1)};
        r.p.latest = Offset{parseLong(param(params, k + "latest")).value_or(-1)};
        r.estimate = parseLong(param(params, k + "estimate")).value_or(0);
        r.segmentBytes = parseLong(param(params, "segment.bytes." + r.p.topic)).value_or(-1);
        out.push_back(std::move(r));
    }
    return out;
}

/// Sizes (DescribeLogDirs, every live replica dir) and log starts now.
struct Measured {
    std::map<std::string, std::int64_t> size;
    std::map<std::string, Offset> start;
};

Result<Measured> measureNow(admin::AdminClient &admin, BrokerId broker, const std::vector<RemotePlanned> &planned)
{
    Measured m;
    auto dirs = admin.describeLogDirs(broker);
    if (!dirs)
        return dirs.error();
    for (const auto &d : *dirs)
        for (const auto &p : d.partitions)
            if (!p.isFuture)
                m.size[keyOf(p.topic, p.partition)] += p.sizeBytes;
    std::vector<RemotePartition> parts;
    for (const auto &r : planned)
        parts.push_back(r.p);
    auto starts = listEdge(admin, parts, true);
    if (!starts)
        return starts.error();
    m.start = std::move(*starts);
    return m;
}

} // namespace

// --- planner -------------------------------------------------------------------

Result<RemoteState> RemoteRetentionPlanner::describe(admin::AdminClient &admin, BrokerId broker,
                                                     const std::vector<std::string> &topics)
{
    const std::set<std::string> wanted(topics.begin(), topics.end());
    auto dirs = admin.describeLogDirs(broker);
    if (!dirs)
        return dirs.error();
    RemoteState state;
    for (const auto &d : *dirs) {
        RemoteLogDir dir;
        dir.path = d.path;
        dir.offline = d.error != KafkaError::None;
        dir.totalBytes = d.totalBytes;
        dir.usableBytes = d.usableBytes;
        for (const auto &p : d.partitions) {
            dir.kafkaBytes += p.sizeBytes;
            if (p.isFuture || (!wanted.empty() && !wanted.count(p.topic)))
                continue;
            RemotePartition rp;
            rp.topic = p.topic;
            rp.partition = p.partition;
            rp.logDir = d.path;
            rp.sizeBytes = p.sizeBytes;
            state.partitions.push_back(std::move(rp));
        }
        state.dirs.push_back(std::move(dir));
    }
    std::sort(state.partitions.begin(), state.partitions.end(), [](const RemotePartition &a, const RemotePartition &b) {
        return std::tie(a.topic, a.partition, a.logDir) < std::tie(b.topic, b.partition, b.logDir);
    });
    auto earliest = listEdge(admin, state.partitions, true);
    if (!earliest)
        return earliest.error();
    auto latest = listEdge(admin, state.partitions, false);
    if (!latest)
        return latest.error();
    for (auto &p : state.partitions) {
        const std::string k = p.name();
        if (auto it = earliest->find(k); it != earliest->end())
            p.earliest = it->second;
        if (auto it = latest->find(k); it != latest->end())
            p.latest = it->second;
    }
    return state;
}

Result<std::vector<Offset>> RemoteRetentionPlanner::offsetsAt(admin::AdminClient &admin,
                                                              const std::vector<RemotePartition> &partitions,
                                                              std::int64_t cutoffMs)
{
    std::vector<Offset> out;
    out.reserve(partitions.size());
    if (partitions.empty())
        return out;
    std::vector<admin::OffsetQuery> queries;
    for (const auto &p : partitions)
        queries.push_back({p.topic, p.partition, admin::OffsetSpec::at(Timestamp(cutoffMs))});
    auto offsets = admin.listOffsets(queries);
    if (!offsets)
        return offsets.error();
    std::map<std::string, const admin::PartitionOffset *> byName;
    for (const auto &o : *offsets)
        byName[keyOf(o.topic, o.partition)] = &o;
    for (const auto &p : partitions) {
        const auto it = byName.find(p.name());
        // A partition the leader could not answer for counts as nothing expired.
        if (it == byName.end() || it->second->error != KafkaError::None)
            out.push_back(p.earliest);
        else
            out.push_back(it->second->offset);
    }
    return out;
}

RemoteEstimate RemoteRetentionPlanner::estimate(const RemotePartition &p, const RetentionSettings &settings,
                                                Offset offsetAtCutoff)
{
    RemoteEstimate e;
    e.newLogStart = p.earliest;
    const std::int64_t span = p.latest.get() - p.earliest.get();
    if (p.earliest.get() < 0 || span <= 0 || p.sizeBytes <= 0)
        return e;
    std::int64_t cut = p.earliest.get();
    if (settings.retentionMs >= 0) {
        // -1: no record is as recent as the cut-off, every one has expired.
        const std::int64_t at = offsetAtCutoff.get() < 0 ? p.latest.get() : offsetAtCutoff.get();
        cut = std::clamp(at, p.earliest.get(), p.latest.get());
    }
    std::int64_t bytes = scaled(p.sizeBytes, cut - p.earliest.get(), span);
    if (settings.retentionBytes >= 0 && p.sizeBytes > settings.retentionBytes) {
        const std::int64_t excess = p.sizeBytes - settings.retentionBytes;
        if (excess > bytes) {
            bytes = excess;
            cut = p.earliest.get() + scaled(span, excess, p.sizeBytes);
        }
    }
    e.bytes = bytes;
    e.newLogStart = Offset{cut};
    return e;
}

Result<RemoteFreeSearch> RemoteRetentionPlanner::searchFree(admin::AdminClient &admin,
                                                            const std::vector<RemotePartition> &partitions,
                                                            std::int64_t bytes, std::int64_t nowMs, int maxRoundTrips)
{
    RemoteFreeSearch out;
    if (bytes <= 0)
        return makeError(Errc::InvalidArgument, "give a positive number of bytes to free");
    maxRoundTrips = std::max(maxRoundTrips, 2);
    // retention.ms = 0 (the cut-off is now): the most any retention.ms frees.
    auto hi = probeAt(admin, partitions, nowMs, nowMs);
    ++out.roundTrips;
    if (!hi)
        return hi.error();
    out.maxFreeableOnDir = hi->freed;
    if (hi->freed < bytes)
        return out;
    // Bisection over the cut-off: the estimate grows with it. At cut-off 0
    // (1970) nothing has expired.
    std::int64_t lo = 0;
    std::int64_t hiCut = nowMs;
    Probe best = std::move(*hi);
    while (out.roundTrips < maxRoundTrips && hiCut - lo > 1000) {
        const std::int64_t mid = lo + (hiCut - lo) / 2;
        auto probe = probeAt(admin, partitions, mid, nowMs);
        ++out.roundTrips;
        if (!probe)
            return probe.error();
        if (probe->freed >= bytes) {
            hiCut = mid;
            best = std::move(*probe);
        } else {
            lo = mid;
        }
    }
    out.reachable = true;
    out.retentionMs = nowMs - hiCut;
    out.estimatedFreed = best.freed;
    std::set<std::string> topics;
    for (std::size_t i = 0; i < partitions.size(); ++i) {
        out.cutAt[partitions[i].name()] = best.offsets[i];
        if (estimate(partitions[i], {out.retentionMs, -1, nowMs}, best.offsets[i]).bytes > 0)
            topics.insert(partitions[i].topic);
    }
    out.topics.assign(topics.begin(), topics.end());
    return out;
}

// --- verification ------------------------------------------------------------------

std::int64_t RemoteVerification::estimatedTotal() const
{
    std::int64_t sum = 0;
    for (const auto &[d, b] : estimatedByDir)
        sum += b;
    return sum;
}

std::int64_t RemoteVerification::freedTotal() const
{
    std::int64_t sum = 0;
    for (const auto &[d, b] : freedByDir)
        sum += b;
    return sum;
}

std::string RemoteVerification::describe() const
{
    std::string out;
    for (const auto &[dir, estimated] : estimatedByDir) {
        const auto it = freedByDir.find(dir);
        const std::int64_t freed = it == freedByDir.end() ? 0 : it->second;
        out += (out.empty() ? "" : "; ") + dir + ": measured " + std::to_string(freed) + " bytes freed (estimate " +
               std::to_string(estimated) + ", an upper bound)";
    }
    return out.empty() ? "nothing planned" : out;
}

// --- the operation -------------------------------------------------------------------

const char *RemoteRetentionShrink::estimateNote()
{
    return "estimate from offsets (protocol only, segment granularity unknown): per partition size x "
           "(offsetAt(now - retention.ms) - earliest) / (latest - earliest), and for retention.bytes the excess over "
           "the limit. Kafka deletes only whole closed segments (the active segment never goes), so the real figure "
           "is at most this; the exact figure is measured with DescribeLogDirs after apply";
}

Result<Plan> RemoteRetentionShrink::plan(const RetentionShrinkRequest &request, admin::AdminClient *admin)
{
    if (!admin)
        return makeError(Errc::InvalidArgument, "the protocol-only shrink needs the cluster (--bootstrap)");
    if (request.offline)
        return makeError(Errc::InvalidArgument,
                         "the offline shrink deletes segment files here, and this broker's files are not here",
                         "shrink online (the broker's own retention deletes them)");
    if (request.brokerId < 0)
        return makeError(Errc::InvalidArgument, "the protocol-only shrink needs the broker id");
    if (auto st = checkRetentionTarget(request); !st)
        return st.error();
    if (request.freeBytes && request.freeDir.empty())
        return makeError(Errc::InvalidArgument, "name the log dir to free space on");
    const std::int64_t now = request.nowMs > 0 ? request.nowMs : clockMs();
    const BrokerId broker{request.brokerId};

    auto state = RemoteRetentionPlanner::describe(*admin, broker, request.target.topics);
    if (!state)
        return state.error();
    std::vector<RemotePartition> parts = std::move(state->partitions);
    const std::string freeDir = request.freeDir.string();
    if (request.freeBytes) {
        const bool known = std::any_of(state->dirs.begin(), state->dirs.end(),
                                       [&](const RemoteLogDir &d) { return d.path == freeDir; });
        if (!known) {
            std::vector<std::string> names;
            for (const auto &d : state->dirs)
                names.push_back(d.path);
            return makeError(Errc::NotFound, "broker " + std::to_string(request.brokerId) + " has no log dir " +
                                                 freeDir + " (DescribeLogDirs names " + join(names, ", ") + ")");
        }
        std::erase_if(parts, [&](const RemotePartition &p) { return p.logDir != freeDir; });
    }

    // The configs of every topic concerned: current retention (the originals
    // to journal), segment.bytes (how much must go) and cleanup.policy.
    std::set<std::string> topicSet;
    for (const auto &p : parts)
        topicSet.insert(p.topic);
    for (const auto &t : request.target.topics)
        if (!topicSet.count(t))
            return makeError(Errc::NotFound, "topic " + t + " has no partition on broker " +
                                                 std::to_string(request.brokerId) +
                                                 (request.freeBytes ? " in " + freeDir : std::string()));
    std::map<std::string, TopicRetentionConfig> configs;
    {
        auto read = readTopicRetention(*admin, std::vector<std::string>(topicSet.begin(), topicSet.end()));
        if (!read)
            return read.error();
        configs = std::move(*read);
    }

    RetentionTarget target = request.target;
    std::string searchNote;
    std::map<std::string, Offset> cutAt; // from the search, when it ran
    int roundTrips = 0;
    if (request.freeBytes) {
        // Compacted-only topics have no retention to shrink.
        std::vector<RemotePartition> candidates;
        for (const auto &p : parts)
            if (configs[p.topic].deletes)
                candidates.push_back(p);
        auto found = RemoteRetentionPlanner::searchFree(*admin, candidates, *request.freeBytes, now);
        if (!found)
            return found.error();
        roundTrips = found->roundTrips;
        if (!found->reachable)
            return makeError(Errc::InvalidArgument,
                             "cannot free " + std::to_string(*request.freeBytes) + " bytes on " + freeDir +
                                 " by retention: by the estimate from offsets at most " +
                                 std::to_string(found->maxFreeableOnDir) +
                                 " bytes could go (retention.ms=0; the active segments stay, so really less)",
                             "the active segments and unreplicated data stay; move partitions away instead");
        if (found->topics.empty())
            return makeError(Errc::InvalidArgument, "nothing to free on " + freeDir);
        target.retentionMs = found->retentionMs;
        target.topics = found->topics;
        cutAt = found->cutAt;
        searchNote = " (the largest retention.ms whose estimate frees " + std::to_string(*request.freeBytes) +
                     " bytes on " + freeDir + ", found in " + std::to_string(roundTrips) + " ListOffsets round trips)";
    }
    {
        const std::set<std::string> wanted(target.topics.begin(), target.topics.end());
        std::erase_if(parts, [&](const RemotePartition &p) { return !wanted.count(p.topic); });
    }

    // The settings in force per topic: the new values, and the current one for the other key.
    std::map<std::string, RetentionSettings> settings;
    for (const auto &t : target.topics) {
        const auto &c = configs[t];
        settings[t] = {target.retentionMs.value_or(c.ms), target.retentionBytes.value_or(c.bytes), now};
    }
    // offsetAt(now - retention.ms) per partition: one ListOffsets per distinct cut-off.
    std::vector<Offset> offsetAt(parts.size(), Offset{-1});
    {
        std::map<std::int64_t, std::vector<std::size_t>> byCutoff;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const auto &s = settings[parts[i].topic];
            if (s.retentionMs < 0)
                continue;
            if (auto it = cutAt.find(parts[i].name()); it != cutAt.end() && target.retentionMs == s.retentionMs)
                offsetAt[i] = it->second;
            else
                byCutoff[now - s.retentionMs].push_back(i);
        }
        for (const auto &[cutoff, indexes] : byCutoff) {
            std::vector<RemotePartition> group;
            for (auto i : indexes)
                group.push_back(parts[i]);
            auto offsets = RemoteRetentionPlanner::offsetsAt(*admin, group, cutoff);
            ++roundTrips;
            if (!offsets)
                return offsets.error();
            for (std::size_t j = 0; j < indexes.size(); ++j)
                offsetAt[indexes[j]] = (*offsets)[j];
        }
    }

    Plan plan;
    plan.kind = std::string(RetentionShrink::kKind);
    auto &params = plan.params;
    params["mode"] = "online";
    params["source"] = "remote";
    params["estimate"] = "upper-bound";
    params["broker"] = request.broker.empty() ? "broker " + std::to_string(request.brokerId) : request.broker;
    params["brokerId"] = std::to_string(request.brokerId);
    params["bootstrap"] = request.bootstrap;
    params["topics"] = join(target.topics, ",");
    params["now"] = std::to_string(now);
    params["waitMs"] = std::to_string(request.waitMs);
    params["search.roundTrips"] = std::to_string(roundTrips);
    if (target.retentionMs)
        params["new.retention.ms"] = std::to_string(*target.retentionMs);
    if (target.retentionBytes)
        params["new.retention.bytes"] = std::to_string(*target.retentionBytes);
    for (const auto &t : target.topics) {
        const auto &c = configs[t];
        params["orig." + t + ".retention.ms"] = c.origMs;
        params["orig." + t + ".retention.bytes"] = c.origBytes;
        if (c.segmentBytes > 0)
            params["segment.bytes." + t] = std::to_string(c.segmentBytes);
    }

    std::map<std::string, std::int64_t> freedByDir;
    std::size_t touched = 0;
    std::size_t unknown = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto &p = parts[i];
        const RemoteEstimate e = RemoteRetentionPlanner::estimate(p, settings[p.topic], offsetAt[i]);
        if (p.earliest.get() < 0 || p.latest.get() < 0)
            ++unknown;
        const std::string k = "part." + std::to_string(i) + ".";
        params[k + "logdir"] = p.logDir;
        params[k + "topic"] = p.topic;
        params[k + "partition"] = std::to_string(p.partition.get());
        params[k + "start"] = std::to_string(e.newLogStart.get() < 0 ? 0 : e.newLogStart.get());
        params[k + "remove"] = "";
        params[k + "keep"] = "";
        params[k + "size"] = std::to_string(p.sizeBytes);
        params[k + "earliest"] = std::to_string(p.earliest.get());
        params[k + "latest"] = std::to_string(p.latest.get());
        params[k + "offsetAt"] = std::to_string(offsetAt[i].get());
        params[k + "estimate"] = std::to_string(e.bytes);
        freedByDir[p.logDir] += e.bytes;
        if (e.bytes > 0)
            ++touched;
    }
    params["partitions"] = std::to_string(parts.size());

    std::int64_t total = 0;
    bool freeUnknown = false;
    for (const auto &d : state->dirs) {
        const std::int64_t freed = freedByDir[d.path];
        total += freed;
        params["plan.freed." + d.path] = std::to_string(freed);
        const std::int64_t free = d.usableBytes;
        if (free < 0)
            freeUnknown = true;
        plan.disks.push_back({d.path, d.kafkaBytes, d.kafkaBytes - freed, free, free < 0 ? free : free + freed});
    }
    params["plan.freed"] = std::to_string(total);

    std::string settingText;
    if (target.retentionMs)
        settingText += "retention.ms=" + std::to_string(*target.retentionMs);
    if (target.retentionBytes)
        settingText +=
            std::string(settingText.empty() ? "" : " ") + "retention.bytes=" + std::to_string(*target.retentionBytes);
    plan.summary = "online retention shrink (protocol only) of " + params["topics"] + " to " + settingText +
                   searchNote + ": at most about " + mib(total) + " freed from " + std::to_string(touched) + " of " +
                   std::to_string(parts.size()) +
                   " partition(s) (an estimate from offsets, segment granularity "
                   "unknown; the exact figure is measured after apply)";
    if (unknown > 0)
        plan.summary += "; " + std::to_string(unknown) + " partition(s) whose offsets the leader did not give count 0";
    plan.steps = {std::string("estimate: ") + estimateNote(),
                  "IncrementalAlterConfigs SET " + settingText + " on " + params["topics"] +
                      " (AlterConfigs for brokers older than 2.3); the originals are journaled",
                  "check with DescribeConfigs that the new settings took",
                  "wait (at most " + std::to_string(request.waitMs / 1000) +
                      " s) until the broker deleted the expired segments (ListOffsets earliest, DescribeLogDirs)",
                  "verify: bytes freed per disk and per partition measured with DescribeLogDirs against the estimate "
                  "(an upper bound: freeing less is not a failure)",
                  "restore later with: spillway-cli ops restore-retention --id <this operation>"};
    if (freeUnknown)
        plan.steps.push_back("free space: not reported by the broker (DescribeLogDirs v4 needs Kafka 3.3); the "
                             "disks' free figures above are unknown (-1)");
    for (const auto &[k, v] : params)
        if (k.rfind("orig.", 0) == 0)
            plan.steps.push_back("  now " + k.substr(5) + " = " + v);
    return plan;
}

Result<std::int64_t> RemoteRetentionShrink::execute(Journal &journal, const Plan &plan, admin::AdminClient *admin,
                                                    const RunOptions &options, RemoteVerification *verification)
{
    const auto &params = plan.params;
    auto planned = remotePlanned(params);
    if (!planned)
        return planned.error();
    std::unique_ptr<admin::AdminClient> own;
    if (!admin) {
        auto made = connect(param(params, "bootstrap"));
        if (!made)
            return made.error();
        own = std::move(*made);
        admin = own.get();
    }
    const auto brokerId = parseLong(param(params, "brokerId"));
    if (!brokerId || *brokerId < 0)
        return makeError(Errc::InvalidArgument, "the plan names no broker id");
    const BrokerId broker{static_cast<std::int32_t>(*brokerId)};
    auto id = journal.begin(RetentionShrink::kKind, param(params, "broker"), paramsToJson(params), plan.summary);
    if (!id)
        return id.error();
    JournalSteps steps(journal, *id, options, 0);
    const std::string restoreHint = "; restore with spillway-cli ops restore-retention --id " + std::to_string(*id);
    const auto fail = [&](OperationState state, const Error &error, const std::string &prefix) -> Error {
        (void)journal.finish(*id, state, prefix + error.describe());
        return error;
    };

    Measured before;
    std::int64_t checkIntervalMs = -1;
    if (auto st = steps.run("measure-before",
                            [&](std::string &detail) -> Status {
                                auto m = measureNow(*admin, broker, *planned);
                                if (!m)
                                    return m.error();
                                before = std::move(*m);
                                // How often the broker runs retention (best effort): how long to watch.
                                if (auto c = admin->describeConfigs({admin::ConfigResource::broker(broker)}); c) {
                                    for (const auto &r : *c)
                                        if (const auto *e = r.entry("log.retention.check.interval.ms"); e && e->value)
                                            checkIntervalMs = parseLong(*e->value).value_or(-1);
                                }
                                std::int64_t sum = 0;
                                for (const auto &r : *planned)
                                    sum += before.size[r.p.name()];
                                detail = std::to_string(planned->size()) + " partition(s), " + std::to_string(sum) +
                                         " bytes (DescribeLogDirs)";
                                return {};
                            });
        !st)
        return fail(OperationState::Failed, st.error(), "");
    options.report(0.05, "changing the topic configs");

    if (auto st = steps.run(
            "alter-configs",
            [&](std::string &detail) -> Status { return RetentionShrink::alterConfigs(*admin, params, detail); });
        !st)
        return fail(OperationState::Failed, st.error(), "the configs were not changed: ");

    RemoteVerification v;
    if (auto st = steps.run("check-configs",
                            [&](std::string &detail) -> Status {
                                std::vector<admin::ConfigResource> resources;
                                for (const auto &t : split(param(params, "topics"), ','))
                                    resources.push_back(admin::ConfigResource::topic(t));
                                auto configs = admin->describeConfigs(resources);
                                if (!configs)
                                    return configs.error();
                                std::vector<std::string> wrong;
                                for (const auto &r : *configs)
                                    for (const char *key : {"retention.ms", "retention.bytes"}) {
                                        const std::string want = param(params, std::string("new.") + key);
                                        if (want.empty())
                                            continue;
                                        const auto *e = r.entry(key);
                                        if (!e || e->source != admin::ConfigSource::DynamicTopic || e->value != want)
                                            wrong.push_back(r.resource.name + " " + key);
                                    }
                                if (!wrong.empty())
                                    return makeError(Errc::Corrupt,
                                                     "the new settings did not take: " + join(wrong, ", "));
                                v.configsTook = true;
                                detail = "the new settings are in force";
                                return {};
                            });
        !st) {
        v.problems.push_back(st.error().describe());
        if (verification)
            *verification = v;
        return fail(OperationState::Failed, st.error(), "verification: ");
    }

    // Wait for the broker's deletion.
    const std::int64_t waitMs = parseLong(param(params, "waitMs")).value_or(600000);
    const std::int64_t settleMs = std::max<std::int64_t>(5000, checkIntervalMs + 2000);
    Measured after = before;
    bool cancelled = false;
    const auto advanced = [&](const RemotePlanned &r) {
        const std::string k = r.p.name();
        const auto sb = before.start.find(k);
        const auto sa = after.start.find(k);
        const bool startMoved =
            sb != before.start.end() && sa != after.start.end() && sa->second.get() > sb->second.get();
        return startMoved || after.size[k] < before.size[k];
    };
    const auto mustGo = [&](const RemotePlanned &r) { return r.segmentBytes > 0 && r.estimate > r.segmentBytes; };
    if (auto st = steps.run(
            "wait-deletion",
            [&](std::string &detail) -> Status {
                const auto start = std::chrono::steady_clock::now();
                const auto deadline = start + std::chrono::milliseconds(waitMs);
                auto lastChange = start;
                std::map<std::string, std::int64_t> lastSize = before.size;
                std::map<std::string, Offset> lastStart = before.start;
                while (true) {
                    auto m = measureNow(*admin, broker, *planned);
                    if (m) {
                        after = std::move(*m);
                        if (after.size != lastSize || after.start != lastStart) {
                            lastChange = std::chrono::steady_clock::now();
                            lastSize = after.size;
                            lastStart = after.start;
                        }
                    }
                    std::size_t positive = 0, positiveDone = 0, must = 0, mustDone = 0;
                    std::int64_t freed = 0, estimated = 0;
                    for (const auto &r : *planned) {
                        estimated += r.estimate;
                        freed += std::max<std::int64_t>(0, before.size[r.p.name()] - after.size[r.p.name()]);
                        if (r.estimate <= 0)
                            continue;
                        ++positive;
                        const bool went = advanced(r);
                        positiveDone += went ? 1 : 0;
                        if (mustGo(r)) {
                            ++must;
                            mustDone += went ? 1 : 0;
                        }
                    }
                    const double f = estimated > 0
                                         ? std::min(1.0, static_cast<double>(freed) / static_cast<double>(estimated))
                                         : 1.0;
                    options.report(0.1 + 0.85 * f, "waiting for the broker's retention: " + mib(freed) +
                                                       " measured of at most " + mib(estimated) + " estimated");
                    const auto nowSteady = std::chrono::steady_clock::now();
                    if (positiveDone == positive) {
                        detail = positive == 0 ? "nothing was estimated to go"
                                               : "every partition with expired records lost some";
                        return {};
                    }
                    if (mustDone == must && nowSteady - lastChange >= std::chrono::milliseconds(settleMs)) {
                        detail = "the partitions that had to lose a segment did (" + std::to_string(mustDone) +
                                 "); no further change for " + std::to_string(settleMs / 1000) + " s";
                        return {};
                    }
                    if (options.cancelled()) {
                        cancelled = true;
                        detail = "cancelled while waiting";
                        return {};
                    }
                    if (nowSteady >= deadline) {
                        detail = "gave up waiting after " + std::to_string(waitMs / 1000) + " s";
                        return {};
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(500));
                }
            });
        !st)
        return fail(OperationState::Failed, st.error(), "");
    if (cancelled) {
        (void)journal.finish(*id, OperationState::Cancelled,
                             "the new retention is set; waiting was cancelled" + restoreHint);
        return makeError(Errc::Cancelled, "cancelled while waiting; the new retention stays set" + restoreHint);
    }

    (void)steps.run("verify", [&](std::string &detail) -> Status {
        if (auto m = measureNow(*admin, broker, *planned); m)
            after = std::move(*m);
        for (const auto &r : *planned) {
            RemoteVerification::PartitionResult pr;
            pr.name = r.p.name();
            pr.logDir = r.p.logDir;
            pr.estimated = r.estimate;
            pr.sizeBefore = before.size[pr.name];
            pr.sizeAfter = after.size[pr.name];
            pr.freed = std::max<std::int64_t>(0, pr.sizeBefore - pr.sizeAfter);
            if (auto it = before.start.find(pr.name); it != before.start.end())
                pr.startBefore = it->second;
            if (auto it = after.start.find(pr.name); it != after.start.end())
                pr.startAfter = it->second;
            pr.mustGo = mustGo(r);
            if (pr.mustGo && !advanced(r))
                v.problems.push_back(pr.name + ": about " + std::to_string(r.estimate) +
                                     " bytes expired, more than one segment (" + std::to_string(r.segmentBytes) +
                                     " bytes), yet nothing went within the wait");
            v.estimatedByDir[pr.logDir] += pr.estimated;
            v.freedByDir[pr.logDir] += pr.freed;
            v.partitions.push_back(std::move(pr));
        }
        detail = v.describe();
        if (!v.problems.empty())
            detail += "; " + join(v.problems, "; ");
        return {};
    });
    if (verification)
        *verification = v;
    const std::string outcome = "measured " + std::to_string(v.freedTotal()) +
                                " bytes freed (DescribeLogDirs; the estimate was at most " +
                                std::to_string(v.estimatedTotal()) + "): " + v.describe();
    if (!v.problems.empty()) {
        const std::string why = join(v.problems, "; ");
        (void)journal.finish(*id, OperationState::Failed, "verification: " + why + "; " + outcome + restoreHint);
        return makeError(Errc::Corrupt, "verification failed: " + why + "; " + outcome + restoreHint);
    }
    options.report(1.0, "done");
    if (auto st = journal.finish(*id, OperationState::Done, outcome + restoreHint); !st)
        return st.error();
    return *id;
}

} // namespace spillway::core::ops
