// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/retention_shrink.h"

#include "core/admin/admin_client.h"
#include "core/common/fileio.h"
#include "core/ops/journal_steps.h"
#include "core/ops/ops_text.h"
#include "core/ops/retention_remote.h"
#include "core/storage/format/segment_file_name.h"
#include "core/storage/format/segment_parser.h"
#include "core/storage/index/time_index.h"
#include "core/storage/logdir/log_dir_scan.h"
#include "core/storage/logdir/offset_checkpoint.h"
#include "core/storage/logdir/topic_name.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <set>
#include <sstream>
#include <thread>

namespace spillway::core::ops {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kSegmentExtensions[] = {".log", ".index", ".timeindex", ".txnindex"};

/// The largest batch timestamp of a segment file.
class MaxTimestamp : public BatchConsumer {
public:
    bool onBatch(const BatchInfo &batch) override
    {
        max = std::max(max, batch.maxTimestamp.get());
        return true;
    }
    std::int64_t max = -1;
};

/// A closed segment's largest timestamp as Kafka takes it: the last
/// `.timeindex` entry, else the batches' maxTimestamp, else the mtime.
std::int64_t largestTimestamp(const fs::path &partitionDir, Offset base)
{
    const std::string stem = formatOffsetFileStem(base);
    if (auto index = TimeIndex::readFile(partitionDir / (stem + ".timeindex")); index && !index->empty()) {
        std::int64_t max = -1;
        for (const auto &e : index->entries())
            max = std::max(max, e.timestamp.get());
        if (max >= 0)
            return max;
    }
    MaxTimestamp consumer;
    ParseOptions options;
    options.mode = ParseMode::Recovery;
    options.verifyCrc = false;
    if (auto parsed = SegmentParser::parseFile(partitionDir / (stem + ".log"), consumer, options);
        parsed && consumer.max >= 0)
        return consumer.max;
    struct stat st {};
    if (::stat((partitionDir / (stem + ".log")).c_str(), &st) != 0)
        return 0;
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

/// Renames one segment's files to `.deleted` (skipping files already gone
/// or renamed); returns how many were renamed.
Result<int> renameSegmentDeleted(const fs::path &partitionDir, Offset base)
{
    const std::string stem = formatOffsetFileStem(base);
    int renamed = 0;
    for (auto ext : kSegmentExtensions) {
        const fs::path from = partitionDir / (stem + std::string(ext));
        const fs::path to = partitionDir / (stem + std::string(ext) + ".deleted");
        if (::rename(from.c_str(), to.c_str()) != 0) {
            if (errno == ENOENT)
                continue;
            return Error::fromErrno(errno, "cannot rename " + from.string() + " to " + to.string());
        }
        ++renamed;
    }
    return renamed;
}

Status removeSegmentDeleted(const fs::path &partitionDir, Offset base)
{
    const std::string stem = formatOffsetFileStem(base);
    for (auto ext : kSegmentExtensions) {
        const fs::path file = partitionDir / (stem + std::string(ext) + ".deleted");
        if (::unlink(file.c_str()) != 0 && errno != ENOENT)
            return Error::fromErrno(errno, "cannot remove " + file.string());
    }
    return {};
}

bool segmentLive(const fs::path &partitionDir, Offset base)
{
    std::error_code ec;
    return fs::exists(partitionDir / (formatOffsetFileStem(base) + ".log"), ec);
}

bool segmentPendingDelete(const fs::path &partitionDir, Offset base)
{
    std::error_code ec;
    const std::string stem = formatOffsetFileStem(base);
    for (auto ext : kSegmentExtensions)
        if (fs::exists(partitionDir / (stem + std::string(ext) + ".deleted"), ec))
            return true;
    return false;
}

/// One planned partition, as journaled in the params (`part.<i>.*`).
struct PlannedPartition {
    fs::path dir; ///< the partition dir
    fs::path logDir;
    std::string topic;
    PartitionId partition{0};
    Offset newStart{0};
    std::vector<std::pair<Offset, std::int64_t>> remove; ///< base, disk bytes
    std::vector<std::pair<Offset, std::int64_t>> keep;   ///< closed survivors at plan time

    [[nodiscard]] std::string name() const { return topic + "-" + std::to_string(partition.get()); }
};

std::string encodeSegments(const std::vector<std::pair<Offset, std::int64_t>> &segs)
{
    std::vector<std::string> parts;
    for (const auto &[base, bytes] : segs)
        parts.push_back(std::to_string(base.get()) + ":" + std::to_string(bytes));
    return join(parts, ",");
}

std::vector<std::pair<Offset, std::int64_t>> decodeSegments(const std::string &text)
{
    std::vector<std::pair<Offset, std::int64_t>> out;
    for (const auto &item : split(text, ',')) {
        const auto colon = item.find(':');
        if (colon == std::string::npos)
            continue;
        const auto base = parseLong(item.substr(0, colon));
        const auto bytes = parseLong(item.substr(colon + 1));
        if (base && bytes)
            out.emplace_back(Offset{*base}, *bytes);
    }
    return out;
}

Result<std::vector<PlannedPartition>> plannedPartitions(const std::map<std::string, std::string> &params)
{
    const auto count = parseLong(param(params, "partitions"));
    if (!count)
        return makeError(Errc::InvalidArgument, "journal entry is not a retention shrink: " + paramsToJson(params));
    std::vector<PlannedPartition> out;
    for (std::int64_t i = 0; i < *count; ++i) {
        const std::string k = "part." + std::to_string(i) + ".";
        PlannedPartition p;
        p.logDir = param(params, k + "logdir");
        p.topic = param(params, k + "topic");
        const auto partition = parseLong(param(params, k + "partition"));
        const auto start = parseLong(param(params, k + "start"));
        if (p.logDir.empty() || p.topic.empty() || !partition || !start)
            return makeError(Errc::InvalidArgument, "journal entry has a bad partition " + std::to_string(i));
        p.partition = PartitionId{static_cast<std::int32_t>(*partition)};
        p.newStart = Offset{*start};
        p.dir = p.logDir / p.name();
        p.remove = decodeSegments(param(params, k + "remove"));
        p.keep = decodeSegments(param(params, k + "keep"));
        out.push_back(std::move(p));
    }
    return out;
}

/// Advances the log start in log-start-offset-checkpoint (never backwards).
Status advanceLogStart(const PlannedPartition &p)
{
    const fs::path file = p.logDir / kLogStartOffsetCheckpointFile;
    auto cp = OffsetCheckpoint::read(file);
    if (!cp && cp.error().code != Errc::NotFound)
        return cp.error();
    OffsetCheckpoint out = cp ? std::move(*cp) : OffsetCheckpoint();
    if (auto cur = out.find(p.topic, p.partition); cur && cur->get() >= p.newStart.get())
        return {};
    out.set(p.topic, p.partition, p.newStart);
    return out.write(file);
}

/// The three offline stages of one partition; each checks the disk first,
/// so running them again after a crash is harmless.
Status offlinePartition(JournalSteps &steps, const PlannedPartition &p)
{
    if (auto st = steps.run("checkpoint:" + p.name(),
                            [&](std::string &detail) -> Status {
                                detail = "log start -> " + std::to_string(p.newStart.get());
                                return advanceLogStart(p);
                            });
        !st)
        return st;
    if (auto st = steps.run("rename:" + p.name(),
                            [&](std::string &detail) -> Status {
                                int renamed = 0;
                                for (const auto &[base, bytes] : p.remove) {
                                    auto n = renameSegmentDeleted(p.dir, base);
                                    if (!n)
                                        return n.error();
                                    renamed += *n;
                                }
                                detail = std::to_string(renamed) + " files renamed to .deleted";
                                return fsyncDirectory(p.dir);
                            });
        !st)
        return st;
    return steps.run("remove:" + p.name(), [&](std::string &detail) -> Status {
        for (const auto &[base, bytes] : p.remove)
            if (auto removed = removeSegmentDeleted(p.dir, base); !removed)
                return removed;
        detail = std::to_string(p.remove.size()) + " segments removed";
        return fsyncDirectory(p.dir);
    });
}

Result<std::unique_ptr<admin::AdminClient>> connect(const std::string &bootstrap)
{
    if (bootstrap.empty())
        return makeError(Errc::InvalidArgument, "no bootstrap address for the online shrink");
    admin::AdminOptions options;
    options.bootstrap = bootstrap;
    return admin::AdminClient::create(options);
}

Status checkAlterResults(const std::vector<admin::AlterConfigsResult> &results)
{
    for (const auto &r : results)
        if (r.error != KafkaError::None)
            return makeError(Errc::InvalidArgument, "changing the configs of " + r.resource.name + " failed: " +
                                                        std::string(toString(r.error)) + " " + r.errorMessage);
    return {};
}

/// The SET changes of a shrink (from its params), one alteration per topic.
std::vector<admin::ConfigAlteration> shrinkAlterations(const std::map<std::string, std::string> &params)
{
    std::vector<admin::ConfigAlteration> out;
    for (const auto &topic : split(param(params, "topics"), ',')) {
        admin::ConfigAlteration a;
        a.resource = admin::ConfigResource::topic(topic);
        for (const char *key : {"retention.ms", "retention.bytes"}) {
            const std::string v = param(params, std::string("new.") + key);
            if (!v.empty())
                a.changes.push_back({key, admin::ConfigOp::Set, v});
        }
        out.push_back(std::move(a));
    }
    return out;
}

/// The changes that put back what a shrink found (`orig.<topic>.<key>` =
/// "override:<v>" -> SET v, "default:<v>" -> DELETE the override).
std::vector<admin::ConfigAlteration> restoreAlterations(const std::map<std::string, std::string> &params)
{
    std::map<std::string, admin::ConfigAlteration> byTopic;
    for (const auto &[k, v] : params) {
        if (k.rfind("orig.", 0) != 0)
            continue;
        const std::string rest = k.substr(5);
        const auto dot = rest.rfind(".retention.");
        if (dot == std::string::npos)
            continue;
        const std::string topic = rest.substr(0, dot);
        const std::string key = rest.substr(dot + 1);
        auto &a = byTopic[topic];
        a.resource = admin::ConfigResource::topic(topic);
        if (v.rfind("override:", 0) == 0)
            a.changes.push_back({key, admin::ConfigOp::Set, v.substr(9)});
        else
            a.changes.push_back({key, admin::ConfigOp::Delete, std::nullopt});
    }
    std::vector<admin::ConfigAlteration> out;
    for (auto &[t, a] : byTopic)
        out.push_back(std::move(a));
    return out;
}

/// What the broker actually took, measured against the plan: per partition
/// the plan-time segments (planned and survivors) no longer live.
struct Verification {
    std::map<std::string, std::int64_t> plannedByDir;
    std::map<std::string, std::int64_t> actualByDir;
    std::vector<std::string> mismatches; ///< partitions off by more than one segment
    bool allGone = true;                 ///< every planned segment is gone (no live file, no .deleted)
};

Verification measure(const std::vector<PlannedPartition> &parts)
{
    Verification v;
    for (const auto &p : parts) {
        std::int64_t plannedSegs = static_cast<std::int64_t>(p.remove.size());
        std::int64_t actualSegs = 0;
        v.plannedByDir[p.logDir.string()] += 0; // every dir is reported, also one with nothing planned
        v.actualByDir[p.logDir.string()] += 0;
        for (const auto &[base, bytes] : p.remove) {
            v.plannedByDir[p.logDir.string()] += bytes;
            if (!segmentLive(p.dir, base) && !segmentPendingDelete(p.dir, base)) {
                v.actualByDir[p.logDir.string()] += bytes;
                ++actualSegs;
            } else {
                v.allGone = false;
            }
        }
        for (const auto &[base, bytes] : p.keep)
            if (!segmentLive(p.dir, base)) {
                v.actualByDir[p.logDir.string()] += bytes;
                ++actualSegs;
            }
        if (std::abs(actualSegs - plannedSegs) > 1)
            v.mismatches.push_back(p.name() + ": planned " + std::to_string(plannedSegs) + " segments, " +
                                   std::to_string(actualSegs) + " went");
    }
    return v;
}

std::string describeVerification(const Verification &v)
{
    std::string out;
    for (const auto &[dir, planned] : v.plannedByDir) {
        const auto it = v.actualByDir.find(dir);
        const std::int64_t actual = it == v.actualByDir.end() ? 0 : it->second;
        out += (out.empty() ? "" : "; ") + dir + ": freed " + std::to_string(actual) + " bytes (plan " +
               std::to_string(planned) + ")";
    }
    return out.empty() ? "nothing planned" : out;
}

std::int64_t totalFreed(const Verification &v)
{
    std::int64_t sum = 0;
    for (const auto &[d, b] : v.actualByDir)
        sum += b;
    return sum;
}

} // namespace

// --- planner -------------------------------------------------------------------

std::string RetentionPartition::name() const { return topic + "-" + std::to_string(partition.get()); }

std::int64_t RetentionPartition::logBytes() const
{
    std::int64_t sum = 0;
    for (const auto &s : segments)
        sum += s.logBytes;
    return sum;
}

Result<std::vector<RetentionPartition>> RetentionPlanner::scan(const std::vector<fs::path> &logDirs,
                                                               const std::vector<std::string> &topics)
{
    const std::set<std::string> wanted(topics.begin(), topics.end());
    std::vector<RetentionPartition> out;
    for (const auto &dir : logDirs) {
        LogDirScanOptions options;
        options.readBrokerFiles = true;
        options.checkLock = false;
        auto scanned = LogDirScanner::scanLogDir(dir, options);
        if (!scanned)
            return scanned.error();
        const auto checkpoint = [&](std::string_view file) -> const OffsetCheckpoint * {
            const auto *state = scanned->checkpoint(file);
            return state && state->checkpoint ? &*state->checkpoint : nullptr;
        };
        const OffsetCheckpoint *hw = checkpoint(kReplicationCheckpointFile);
        const OffsetCheckpoint *start = checkpoint(kLogStartOffsetCheckpointFile);
        for (const auto &ps : scanned->partitions) {
            if (!ps.name || ps.name->kind != PartitionDirKind::Live)
                continue;
            if (!wanted.empty() && !wanted.count(ps.name->topic))
                continue;
            RetentionPartition p;
            p.topic = ps.name->topic;
            p.partition = ps.name->partition;
            p.logDir = dir;
            if (hw)
                p.highWatermark = hw->find(p.topic, p.partition);
            if (start)
                p.logStartOffset = start->find(p.topic, p.partition);
            for (std::size_t i = 0; i < ps.segments.size(); ++i) {
                const auto &e = ps.segments[i];
                RetentionSegment s;
                s.baseOffset = e.baseOffset;
                s.logBytes = e.logBytes;
                s.diskBytes = e.totalBytes();
                s.active = i + 1 == ps.segments.size();
                if (!s.active) {
                    s.nextOffset = ps.segments[i + 1].baseOffset;
                    s.largestTimestamp = largestTimestamp(ps.path, e.baseOffset);
                }
                p.segments.push_back(s);
            }
            out.push_back(std::move(p));
        }
    }
    std::sort(out.begin(), out.end(), [](const RetentionPartition &a, const RetentionPartition &b) {
        return std::tie(a.topic, a.partition, a.logDir) < std::tie(b.topic, b.partition, b.logDir);
    });
    return out;
}

PartitionCut RetentionPlanner::evaluate(const RetentionPartition &p, const RetentionSettings &settings)
{
    // Closed segments only, and only those wholly below the high watermark.
    std::size_t eligible = 0;
    while (eligible < p.segments.size() && !p.segments[eligible].active &&
           (p.highWatermark && p.segments[eligible].nextOffset.get() <= p.highWatermark->get()))
        ++eligible;
    std::size_t count = 0;
    // Segments wholly below the log start (DeleteRecords) go first, as in Kafka.
    if (p.logStartOffset)
        while (count < eligible && p.segments[count].nextOffset.get() <= p.logStartOffset->get())
            ++count;
    if (settings.retentionMs >= 0)
        while (count < eligible && settings.nowMs - p.segments[count].largestTimestamp > settings.retentionMs)
            ++count;
    if (settings.retentionBytes >= 0) {
        std::int64_t diff = p.logBytes() - settings.retentionBytes;
        for (std::size_t i = 0; i < count; ++i)
            diff -= p.segments[i].logBytes;
        while (count < eligible && diff - p.segments[count].logBytes >= 0) {
            diff -= p.segments[count].logBytes;
            ++count;
        }
    }
    PartitionCut cut;
    cut.segments = count;
    for (std::size_t i = 0; i < count; ++i)
        cut.diskBytes += p.segments[i].diskBytes;
    cut.newLogStart = count < p.segments.size() ? p.segments[count].baseOffset : Offset{0};
    if (count == 0 && p.logStartOffset)
        cut.newLogStart = *p.logStartOffset;
    return cut;
}

FreeSearchResult RetentionPlanner::searchFree(const std::vector<RetentionPartition> &partitions, const fs::path &dir,
                                              std::int64_t bytes, std::int64_t nowMs)
{
    FreeSearchResult out;
    std::error_code ec;
    const fs::path want = fs::weakly_canonical(dir, ec);
    // Each candidate cut-off: a segment goes when every segment before it and
    // itself are older than the cut-off (the prefix rule), i.e. when the
    // running maximum of the largest timestamps is below it.
    struct Candidate {
        std::int64_t prefixMax;
        std::int64_t bytes;
        std::string topic;
    };
    std::vector<Candidate> candidates;
    std::set<std::string> topics;
    for (const auto &p : partitions) {
        if (fs::weakly_canonical(p.logDir, ec) != want)
            continue;
        topics.insert(p.topic);
        const PartitionCut all = evaluate(p, {0, -1, INT64_MAX / 2});
        std::int64_t prefixMax = -1;
        for (std::size_t i = 0; i < all.segments; ++i) {
            prefixMax = std::max(prefixMax, p.segments[i].largestTimestamp);
            candidates.push_back({prefixMax, p.segments[i].diskBytes, p.topic});
            out.maxFreeableOnDir += p.segments[i].diskBytes;
        }
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate &a, const Candidate &b) { return a.prefixMax < b.prefixMax; });
    std::int64_t freed = 0;
    std::set<std::string> contributing;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        freed += candidates[i].bytes;
        contributing.insert(candidates[i].topic);
        // Segments with the same prefix maximum go together.
        if (i + 1 < candidates.size() && candidates[i + 1].prefixMax == candidates[i].prefixMax)
            continue;
        if (freed >= bytes) {
            // Expired when now - ts > retention.ms: the largest value taking this one.
            const std::int64_t retention = nowMs - candidates[i].prefixMax - 1;
            if (retention < 0)
                break; // timestamps in the future: no retention.ms reaches them
            out.reachable = true;
            out.retentionMs = retention;
            out.freedOnDir = freed;
            out.topics.assign(contributing.begin(), contributing.end());
            return out;
        }
    }
    if (bytes <= 0) {
        out.reachable = true;
        out.topics.assign(topics.begin(), topics.end());
    }
    return out;
}

// --- the operation ---------------------------------------------------------------

Result<std::map<std::string, TopicRetentionConfig>> readTopicRetention(admin::AdminClient &admin,
                                                                       const std::vector<std::string> &topics)
{
    std::map<std::string, TopicRetentionConfig> out;
    if (topics.empty())
        return out;
    std::vector<admin::ConfigResource> resources;
    for (const auto &t : topics)
        resources.push_back(admin::ConfigResource::topic(t));
    auto described = admin.describeConfigs(resources);
    if (!described)
        return described.error();
    for (const auto &r : *described) {
        if (r.error != KafkaError::None)
            return makeError(Errc::InvalidArgument, "cannot read the configs of " + r.resource.name + ": " +
                                                        std::string(toString(r.error)) + " " + r.errorMessage);
        auto &c = out[r.resource.name];
        for (const char *key : {"retention.ms", "retention.bytes"}) {
            const auto *e = r.entry(key);
            if (!e || !e->value)
                return makeError(Errc::Unsupported, "the broker did not say " + r.resource.name + "'s " + key);
            const bool override = e->source == admin::ConfigSource::DynamicTopic;
            const std::string orig = (override ? "override:" : "default:") + *e->value;
            const auto value = parseLong(*e->value).value_or(-1);
            if (std::string_view(key) == "retention.ms") {
                c.origMs = orig;
                c.ms = value;
            } else {
                c.origBytes = orig;
                c.bytes = value;
            }
        }
        if (const auto *e = r.entry("segment.bytes"); e && e->value)
            c.segmentBytes = parseLong(*e->value).value_or(-1);
        if (const auto *e = r.entry("cleanup.policy"); e && e->value)
            c.deletes = e->value->find("delete") != std::string::npos;
    }
    return out;
}

Status checkRetentionTarget(const RetentionShrinkRequest &request)
{
    if (!request.freeBytes && !request.target.retentionMs && !request.target.retentionBytes)
        return makeError(Errc::InvalidArgument, "give a new retention.ms and/or retention.bytes, or bytes to free");
    if (!request.freeBytes && request.target.topics.empty())
        return makeError(Errc::InvalidArgument, "give the topics whose retention shrinks");
    for (auto v : {request.target.retentionMs, request.target.retentionBytes})
        if (v && *v < -1)
            return makeError(Errc::InvalidArgument, "a retention must be -1 (unlimited) or >= 0");
    for (const auto &t : request.target.topics)
        if (auto st = validateTopicName(t); !st)
            return st;
    return {};
}

Result<Plan> RetentionShrink::plan(const RetentionShrinkRequest &request, admin::AdminClient *admin)
{
    if (request.source == RetentionSource::Remote)
        return RemoteRetentionShrink::plan(request, admin);
    if (request.logDirs.empty())
        return makeError(Errc::InvalidArgument, "no log dirs given");
    if (auto st = checkRetentionTarget(request); !st)
        return st.error();
    if (!request.offline && !admin)
        return makeError(Errc::InvalidArgument, "the online shrink needs the cluster (--bootstrap)");
    if (request.offline)
        for (const auto &dir : request.logDirs)
            if (auto st = refuseIfLocked(dir, "stop the broker first, or shrink online with --bootstrap"); !st)
                return st.error();
    const std::int64_t now = request.nowMs > 0 ? request.nowMs : clockMs();

    auto scanned = RetentionPlanner::scan(request.logDirs, request.target.topics);
    if (!scanned)
        return scanned.error();
    std::vector<RetentionPartition> parts = std::move(*scanned);

    // Online the high watermark comes from the leader (the checkpoint lags).
    if (!request.offline && !parts.empty()) {
        std::vector<admin::OffsetQuery> queries;
        for (const auto &p : parts)
            queries.push_back({p.topic, p.partition, admin::OffsetSpec::latest()});
        auto offsets = admin->listOffsets(queries);
        if (!offsets)
            return offsets.error();
        for (auto &p : parts)
            for (const auto &o : *offsets)
                if (o.topic == p.topic && o.partition == p.partition && o.error == KafkaError::None)
                    p.highWatermark = o.offset;
    }

    RetentionTarget target = request.target;
    std::string searchNote;
    if (request.freeBytes) {
        const auto found = RetentionPlanner::searchFree(parts, request.freeDir, *request.freeBytes, now);
        if (!found.reachable)
            return makeError(Errc::InvalidArgument,
                             "cannot free " + std::to_string(*request.freeBytes) + " bytes on " +
                                 request.freeDir.string() + " by retention: at most " +
                                 std::to_string(found.maxFreeableOnDir) +
                                 " bytes of closed segments below the high watermark are there",
                             "the active segments and unreplicated data stay; move partitions away instead");
        target.retentionMs = found.retentionMs;
        target.topics = found.topics;
        searchNote = " (the largest retention.ms freeing " + std::to_string(*request.freeBytes) + " bytes on " +
                     request.freeDir.string() + ")";
        if (target.topics.empty())
            return makeError(Errc::InvalidArgument, "nothing to free on " + request.freeDir.string());
    }
    {
        const std::set<std::string> wanted(target.topics.begin(), target.topics.end());
        std::erase_if(parts, [&](const RetentionPartition &p) { return !wanted.count(p.topic); });
        std::set<std::string> found;
        for (const auto &p : parts)
            found.insert(p.topic);
        for (const auto &t : target.topics)
            if (!found.count(t))
                return makeError(Errc::NotFound, "topic " + t + " has no partition in the log dirs given");
    }

    Plan plan;
    plan.kind = std::string(kKind);
    auto &params = plan.params;
    params["mode"] = request.offline ? "offline" : "online";
    params["broker"] = request.broker;
    params["topics"] = join(target.topics, ",");
    params["now"] = std::to_string(now);
    params["waitMs"] = std::to_string(request.waitMs);
    if (target.retentionMs)
        params["new.retention.ms"] = std::to_string(*target.retentionMs);
    if (target.retentionBytes)
        params["new.retention.bytes"] = std::to_string(*target.retentionBytes);

    // The settings in force per topic: the new ones, and for the other key
    // the current value online (it keeps applying), unlimited offline.
    std::map<std::string, RetentionSettings> settings;
    for (const auto &t : target.topics)
        settings[t] = {target.retentionMs.value_or(-1), target.retentionBytes.value_or(-1), now};
    if (!request.offline) {
        params["bootstrap"] = request.bootstrap;
        params["brokerId"] = std::to_string(request.brokerId);
        auto configs = readTopicRetention(*admin, target.topics);
        if (!configs)
            return configs.error();
        for (const auto &[topic, c] : *configs) {
            params["orig." + topic + ".retention.ms"] = c.origMs;
            params["orig." + topic + ".retention.bytes"] = c.origBytes;
            auto &s = settings[topic];
            if (!target.retentionMs)
                s.retentionMs = c.ms;
            if (!target.retentionBytes)
                s.retentionBytes = c.bytes;
        }
    }

    std::map<std::string, std::int64_t> freedByDir;
    std::size_t segments = 0;
    std::size_t index = 0;
    std::size_t hwUnknown = 0;
    for (const auto &p : parts) {
        const PartitionCut cut = RetentionPlanner::evaluate(p, settings[p.topic]);
        if (!p.highWatermark)
            ++hwUnknown;
        const std::string k = "part." + std::to_string(index++) + ".";
        std::vector<std::pair<Offset, std::int64_t>> remove;
        std::vector<std::pair<Offset, std::int64_t>> keep;
        for (std::size_t i = 0; i < p.segments.size(); ++i) {
            if (p.segments[i].active)
                continue;
            (i < cut.segments ? remove : keep).emplace_back(p.segments[i].baseOffset, p.segments[i].diskBytes);
        }
        params[k + "logdir"] = p.logDir.string();
        params[k + "topic"] = p.topic;
        params[k + "partition"] = std::to_string(p.partition.get());
        params[k + "start"] = std::to_string(cut.newLogStart.get());
        params[k + "remove"] = encodeSegments(remove);
        params[k + "keep"] = encodeSegments(keep);
        freedByDir[p.logDir.string()] += cut.diskBytes;
        segments += cut.segments;
    }
    params["partitions"] = std::to_string(parts.size());

    std::int64_t totalFreed = 0;
    for (const auto &dir : request.logDirs) {
        auto scannedDir = LogDirScanner::scanLogDir(dir, {});
        auto free = freeBytes(dir);
        if (!free)
            return free.error();
        std::int64_t kafka = 0;
        if (scannedDir)
            for (const auto &ps : scannedDir->partitions)
                kafka += ps.totalBytes;
        const std::int64_t freed = freedByDir[dir.string()];
        totalFreed += freed;
        params["plan.freed." + dir.string()] = std::to_string(freed);
        plan.disks.push_back({dir, kafka, kafka - freed, *free, *free + freed});
    }
    params["plan.freed"] = std::to_string(totalFreed);

    std::string settingText;
    if (target.retentionMs)
        settingText += "retention.ms=" + std::to_string(*target.retentionMs);
    if (target.retentionBytes)
        settingText +=
            std::string(settingText.empty() ? "" : " ") + "retention.bytes=" + std::to_string(*target.retentionBytes);
    plan.summary = std::string(request.offline ? "offline" : "online") + " retention shrink of " + params["topics"] +
                   " to " + settingText + searchNote + ": " + std::to_string(segments) + " segment(s) of " +
                   std::to_string(parts.size()) + " partition(s), " + mib(totalFreed) + " freed";
    if (hwUnknown > 0)
        plan.summary += "; " + std::to_string(hwUnknown) + " partition(s) without a known high watermark keep all";
    if (request.offline) {
        plan.steps = {"per partition: advance log-start-offset-checkpoint to the first kept segment (temp, fsync, "
                      "rename)",
                      "per partition: rename the expired segments' files to .deleted, fsync the dir",
                      "per partition: remove the .deleted files, fsync the dir",
                      "verify: every planned segment gone, log start advanced"};
    } else {
        plan.steps = {"IncrementalAlterConfigs SET " + settingText + " on " + params["topics"] +
                          " (AlterConfigs for brokers older than 2.3); the originals are journaled",
                      "wait (at most " + std::to_string(request.waitMs / 1000) +
                          " s) until the broker deleted the planned segments",
                      "verify: bytes freed per disk against the plan (within one segment per partition)",
                      "restore later with: spillway-cli ops restore-retention --id <this operation>"};
        for (const auto &[k, v] : params)
            if (k.rfind("orig.", 0) == 0)
                plan.steps.push_back("  now " + k.substr(5) + " = " + v);
    }
    return plan;
}

Result<std::int64_t> RetentionShrink::execute(Journal &journal, const Plan &plan, admin::AdminClient *admin,
                                              const RunOptions &options)
{
    const auto &params = plan.params;
    if (param(params, "source") == "remote")
        return RemoteRetentionShrink::execute(journal, plan, admin, options);
    auto parts = plannedPartitions(params);
    if (!parts)
        return parts.error();
    const bool offline = param(params, "mode") == "offline";
    if (offline) {
        std::set<fs::path> dirs;
        for (const auto &p : *parts)
            dirs.insert(p.logDir);
        for (const auto &dir : dirs)
            if (auto st = refuseIfLocked(dir, "stop the broker first, or shrink online with --bootstrap"); !st)
                return st.error();
    } else if (!admin) {
        return makeError(Errc::InvalidArgument, "the online shrink needs the cluster (--bootstrap)");
    }
    auto id = journal.begin(kKind, param(params, "broker"), paramsToJson(params), plan.summary);
    if (!id)
        return id.error();
    JournalSteps steps(journal, *id, options, 0);

    if (offline) {
        for (std::size_t i = 0; i < parts->size(); ++i) {
            if (options.cancelled()) {
                (void)journal.finish(*id, OperationState::Cancelled,
                                     "cancelled after " + std::to_string(i) + " of " + std::to_string(parts->size()) +
                                         " partitions; the finished ones keep their new log start");
                return makeError(Errc::Cancelled, "cancelled");
            }
            const auto &p = (*parts)[i];
            options.report(static_cast<double>(i) / static_cast<double>(parts->size()), "shrinking " + p.name());
            if (p.remove.empty())
                continue;
            if (auto st = offlinePartition(steps, p); !st) {
                (void)journal.finish(*id, OperationState::Failed,
                                     st.error().describe() + "; run `ops recover` to finish");
                return st.error();
            }
        }
        Verification v;
        if (auto st = steps.run("verify",
                                [&](std::string &detail) -> Status {
                                    v = measure(*parts);
                                    detail = describeVerification(v);
                                    if (!v.allGone || !v.mismatches.empty())
                                        return makeError(Errc::Corrupt, "planned segments are still there: " + detail);
                                    return {};
                                });
            !st) {
            (void)journal.finish(*id, OperationState::Failed, st.error().describe());
            return st.error();
        }
        options.report(1.0, "done");
        if (auto st = journal.finish(*id, OperationState::Done,
                                     "freed " + std::to_string(totalFreed(v)) + " bytes: " + describeVerification(v));
            !st)
            return st.error();
        return *id;
    }

    // Online.
    if (auto st = steps.run("alter-configs",
                            [&](std::string &detail) -> Status {
                                auto results = admin->incrementalAlterConfigs(shrinkAlterations(params));
                                if (!results)
                                    return results.error();
                                for (const auto &r : *results)
                                    if (r.viaAlterConfigs)
                                        detail = "via AlterConfigs";
                                return checkAlterResults(*results);
                            });
        !st) {
        (void)journal.finish(*id, OperationState::Failed, "the configs were not changed: " + st.error().describe());
        return st.error();
    }
    const std::int64_t waitMs = parseLong(param(params, "waitMs")).value_or(600000);
    Verification v;
    bool cancelled = false;
    if (auto st = steps.run(
            "wait-deletion",
            [&](std::string &detail) -> Status {
                const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(waitMs);
                while (true) {
                    v = measure(*parts);
                    std::int64_t planned = 0;
                    for (const auto &[d, b] : v.plannedByDir)
                        planned += b;
                    const double f =
                        planned > 0 ? std::min(1.0, static_cast<double>(totalFreed(v)) / static_cast<double>(planned))
                                    : 1.0;
                    options.report(0.1 + 0.85 * f,
                                   "waiting for the broker's retention: " + mib(totalFreed(v)) + " of " + mib(planned));
                    if (v.allGone) {
                        detail = "the broker deleted every planned segment";
                        return {};
                    }
                    if (options.cancelled()) {
                        cancelled = true;
                        detail = "cancelled while waiting";
                        return {};
                    }
                    if (std::chrono::steady_clock::now() >= deadline) {
                        detail = "gave up waiting after " + std::to_string(waitMs / 1000) + " s";
                        return {};
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(250));
                }
            });
        !st) {
        (void)journal.finish(*id, OperationState::Failed, st.error().describe());
        return st.error();
    }
    const std::string restoreHint = "; restore with spillway-cli ops restore-retention --id " + std::to_string(*id);
    if (cancelled) {
        (void)journal.finish(*id, OperationState::Cancelled,
                             "the new retention is set; waiting was cancelled" + restoreHint);
        return makeError(Errc::Cancelled, "cancelled while waiting; the new retention stays set" + restoreHint);
    }
    bool verified = true;
    (void)steps.run("verify", [&](std::string &detail) -> Status {
        v = measure(*parts);
        detail = describeVerification(v);
        verified = v.allGone && v.mismatches.empty();
        if (!v.mismatches.empty())
            detail += "; off by more than one segment: " + join(v.mismatches, ", ");
        return {};
    });
    const std::string outcome = "freed " + std::to_string(totalFreed(v)) + " bytes: " + describeVerification(v);
    if (!verified) {
        std::string why = v.allGone ? join(v.mismatches, ", ") : "planned segments are still on disk";
        (void)journal.finish(*id, OperationState::Failed, "verification: " + why + "; " + outcome + restoreHint);
        return makeError(Errc::Corrupt, "verification failed: " + why + "; " + outcome + restoreHint);
    }
    options.report(1.0, "done");
    if (auto st = journal.finish(*id, OperationState::Done, outcome + restoreHint); !st)
        return st.error();
    return *id;
}

Status RetentionShrink::alterConfigs(admin::AdminClient &admin, const std::map<std::string, std::string> &params,
                                     std::string &detail)
{
    auto results = admin.incrementalAlterConfigs(shrinkAlterations(params));
    if (!results)
        return results.error();
    for (const auto &r : *results)
        if (r.viaAlterConfigs)
            detail = "via AlterConfigs";
    return checkAlterResults(*results);
}

Result<Plan> RetentionShrink::planRestore(Journal &journal, std::int64_t shrinkId)
{
    auto entry = journal.get(shrinkId);
    if (!entry)
        return entry.error();
    if (entry->kind != kKind)
        return makeError(Errc::InvalidArgument,
                         "operation " + std::to_string(shrinkId) + " is a " + entry->kind + ", not a retention shrink");
    const auto params = paramsFromJson(entry->params);
    if (param(params, "mode") != "online")
        return makeError(Errc::InvalidArgument, "operation " + std::to_string(shrinkId) +
                                                    " was an offline shrink: it changed no setting, "
                                                    "and deleted segments do not come back");
    Plan plan;
    plan.kind = std::string(kRestoreKind);
    plan.params["shrink"] = std::to_string(shrinkId);
    plan.params["bootstrap"] = param(params, "bootstrap");
    plan.params["broker"] = param(params, "broker");
    std::vector<std::string> what;
    for (const auto &[k, v] : params)
        if (k.rfind("orig.", 0) == 0) {
            plan.params[k] = v;
            const std::string name = k.substr(5);
            if (v.rfind("override:", 0) == 0)
                what.push_back(name + " = " + v.substr(9));
            else
                what.push_back(name + " back to the default (" + v.substr(v.find(':') + 1) + ", override deleted)");
        }
    if (what.empty())
        return makeError(Errc::InvalidArgument, "operation " + std::to_string(shrinkId) + " recorded no settings");
    plan.summary = "restore the retention settings changed by operation " + std::to_string(shrinkId);
    plan.steps.push_back("IncrementalAlterConfigs (SET an override / DELETE to fall back to the default):");
    for (const auto &w : what)
        plan.steps.push_back("  " + w);
    plan.steps.push_back("verify with DescribeConfigs");
    return plan;
}

namespace {

Status applyRestore(JournalSteps &steps, const std::map<std::string, std::string> &params, admin::AdminClient &admin)
{
    if (auto st = steps.run("alter-configs",
                            [&](std::string &) -> Status {
                                auto results = admin.incrementalAlterConfigs(restoreAlterations(params));
                                if (!results)
                                    return results.error();
                                return checkAlterResults(*results);
                            });
        !st)
        return st;
    return steps.run("verify", [&](std::string &detail) -> Status {
        std::vector<admin::ConfigResource> resources;
        const auto alterations = restoreAlterations(params);
        for (const auto &a : alterations)
            resources.push_back(a.resource);
        auto configs = admin.describeConfigs(resources);
        if (!configs)
            return configs.error();
        std::vector<std::string> wrong;
        for (const auto &a : alterations)
            for (const auto &r : *configs) {
                if (r.resource.name != a.resource.name)
                    continue;
                for (const auto &c : a.changes) {
                    const auto *e = r.entry(c.name);
                    const bool isOverride = e && e->source == admin::ConfigSource::DynamicTopic;
                    const bool ok = c.op == admin::ConfigOp::Set ? (isOverride && e->value == c.value) : !isOverride;
                    if (!ok)
                        wrong.push_back(a.resource.name + " " + c.name);
                }
            }
        if (!wrong.empty())
            return makeError(Errc::Corrupt, "after the restore these differ: " + join(wrong, ", "));
        detail = "every setting is back";
        return {};
    });
}

} // namespace

Result<std::int64_t> RetentionShrink::executeRestore(Journal &journal, const Plan &plan, admin::AdminClient *admin,
                                                     const RunOptions &options)
{
    std::unique_ptr<admin::AdminClient> own;
    if (!admin) {
        auto made = connect(param(plan.params, "bootstrap"));
        if (!made)
            return made.error();
        own = std::move(*made);
        admin = own.get();
    }
    auto id = journal.begin(kRestoreKind, param(plan.params, "broker"), paramsToJson(plan.params), plan.summary);
    if (!id)
        return id.error();
    JournalSteps steps(journal, *id, options, 0);
    if (auto st = applyRestore(steps, plan.params, *admin); !st) {
        (void)journal.finish(*id, OperationState::Failed, st.error().describe());
        return st.error();
    }
    options.report(1.0, "done");
    if (auto st = journal.finish(*id, OperationState::Done, plan.summary); !st)
        return st.error();
    return *id;
}

Result<OperationState> RetentionShrink::recover(Journal &journal, const JournalEntry &entry, const RunOptions &options)
{
    const auto params = paramsFromJson(entry.params);
    JournalSteps steps(journal, entry.id, options, nextStepSeq(entry));
    if (entry.kind == kRestoreKind) {
        auto admin = connect(param(params, "bootstrap"));
        if (!admin)
            return admin.error();
        if (auto st = applyRestore(steps, params, **admin); !st)
            return st.error();
        if (auto st =
                journal.finish(entry.id, OperationState::Done, "finished after an interruption: " + entry.summary);
            !st)
            return st.error();
        return OperationState::Done;
    }
    if (entry.kind != kKind)
        return makeError(Errc::Unsupported, "not a retention operation: " + entry.kind);
    auto parts = plannedPartitions(params);
    if (!parts)
        return parts.error();
    if (param(params, "mode") == "offline") {
        std::set<fs::path> dirs;
        for (const auto &p : *parts)
            dirs.insert(p.logDir);
        for (const auto &dir : dirs)
            if (auto st = refuseIfLocked(dir, "stop the broker first, or shrink online with --bootstrap"); !st)
                return st.error();
        // Roll forward: every stage checks the disk first.
        for (const auto &p : *parts)
            if (!p.remove.empty())
                if (auto st = offlinePartition(steps, p); !st)
                    return st.error();
        const Verification v = measure(*parts);
        if (!v.allGone)
            return makeError(Errc::Corrupt, "planned segments are still there after recovery");
        if (auto st = journal.finish(entry.id, OperationState::Done,
                                     "finished after an interruption: freed " + std::to_string(totalFreed(v)) +
                                         " bytes: " + describeVerification(v));
            !st)
            return st.error();
        return OperationState::Done;
    }
    // Online: the SET is idempotent; apply it (again) and leave the deletion to the broker.
    auto admin = connect(param(params, "bootstrap"));
    if (!admin)
        return admin.error();
    if (auto st = steps.run("alter-configs",
                            [&](std::string &) -> Status {
                                auto results = (*admin)->incrementalAlterConfigs(shrinkAlterations(params));
                                if (!results)
                                    return results.error();
                                return checkAlterResults(*results);
                            });
        !st)
        return st.error();
    if (auto st = journal.finish(entry.id, OperationState::Done,
                                 "finished after an interruption: the new retention is set (deletion not awaited); "
                                 "restore with spillway-cli ops restore-retention --id " +
                                     std::to_string(entry.id));
        !st)
        return st.error();
    return OperationState::Done;
}

} // namespace spillway::core::ops
