// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/disk_swap.h"

#include "core/common/fileio.h"
#include "core/common/properties.h"
#include "core/ops/journal_steps.h"
#include "core/ops/ops_text.h"
#include "core/ops/recovery.h"
#include "core/storage/logdir/meta_properties.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

namespace spillway::core::ops {
namespace fs = std::filesystem;
namespace {

constexpr auto kHealthyTimeout = std::chrono::seconds(120);
constexpr auto kRecreateTimeout = std::chrono::seconds(60);
constexpr std::int64_t kMinMargin = 16LL << 20;
constexpr auto kSyncPoll = std::chrono::seconds(2);
constexpr std::int64_t kDefaultSyncTimeout = 30 * 60;

bool samePath(const fs::path &a, const fs::path &b)
{
    return (a.lexically_normal() / "") == (b.lexically_normal() / "");
}

/// ops::freeBytes, -1 when unknown.
std::int64_t freeBytesOrUnknown(const fs::path &dir)
{
    const auto free = freeBytes(dir);
    return free ? *free : -1;
}

/// "<bytes>|lost|why|predicted dir" per planned partition.
std::string encodePartition(const SwapPartition &p)
{
    return std::to_string(p.bytes) + "|" + (p.lost ? "lost" : "replicated") + "|" + p.predictedDir + "|" + p.why;
}

SwapPartition decodePartition(const std::string &name, const std::string &value)
{
    SwapPartition p;
    p.name = name;
    const auto a = value.find('|');
    const auto b = value.find('|', a + 1);
    const auto c = value.find('|', b + 1);
    if (a == std::string::npos || b == std::string::npos || c == std::string::npos)
        return p;
    p.bytes = std::stoll(value.substr(0, a));
    p.lost = value.substr(a + 1, b - a - 1) == "lost";
    p.predictedDir = value.substr(b + 1, c - b - 1);
    p.why = value.substr(c + 1);
    return p;
}

std::vector<SwapPartition> partitionsFrom(const std::map<std::string, std::string> &params)
{
    std::vector<SwapPartition> out;
    for (const auto &[k, v] : params)
        if (k.rfind("partition:", 0) == 0)
            out.push_back(decodePartition(k.substr(10), v));
    return out;
}

std::vector<std::string> notesFrom(const std::map<std::string, std::string> &params)
{
    std::vector<std::string> out;
    for (const auto &[k, v] : params)
        if (k.rfind("note:", 0) == 0)
            out.push_back(v);
    return out;
}

std::string joinIds(const std::vector<std::int32_t> &ids)
{
    std::string out;
    for (auto id : ids)
        out += (out.empty() ? "" : ",") + std::to_string(id);
    return out;
}

/// The broker id a server.properties names (node.id for KRaft, broker.id),
/// else the one in a meta.properties of its dirs; -1 when none.
std::int32_t brokerIdOf(const PropertiesDocument &doc, const std::vector<fs::path> &dirs)
{
    for (const char *key : {"node.id", "broker.id"})
        if (auto v = doc.getInt(key); v && *v >= 0)
            return static_cast<std::int32_t>(*v);
    for (const auto &d : dirs)
        if (auto meta = MetaProperties::read(d / std::string(kMetaPropertiesFile)); meta && meta->nodeId)
            return meta->nodeId->get();
    return -1;
}

/// Everything execute() and recover() need, from the journaled params.
struct Swap {
    std::map<std::string, std::string> params;
    fs::path serverProperties;
    fs::path from;
    fs::path to;
    std::string key;
    std::string oldValue;
    std::string newValue;
    std::string meta; ///< the spare's meta.properties; empty: the broker writes it
    bool wasRunning = false;
    std::int32_t brokerId = -1;
    std::chrono::seconds syncTimeout{kDefaultSyncTimeout};

    static Result<Swap> from_(const std::map<std::string, std::string> &params)
    {
        Swap s;
        s.params = params;
        s.serverProperties = param(params, "server-properties");
        s.from = param(params, "from");
        s.to = param(params, "to");
        s.key = param(params, "log-dirs-key");
        s.oldValue = param(params, "old-log-dirs");
        s.newValue = param(params, "new-log-dirs");
        s.meta = param(params, "meta");
        s.wasRunning = param(params, "was-running") == "true";
        const std::string id = param(params, "broker-id");
        s.brokerId = id.empty() ? -1 : static_cast<std::int32_t>(std::stol(id));
        // Entries journaled before the sync step existed wait the default.
        if (const std::string t = param(params, "sync-timeout"); !t.empty())
            s.syncTimeout = std::chrono::seconds(std::stoll(t));
        if (s.serverProperties.empty() || s.from.empty() || s.to.empty() || s.key.empty() || s.newValue.empty())
            return makeError(Errc::InvalidArgument, "journal entry is not a disk swap: " + paramsToJson(params));
        return s;
    }

    /// Which log.dirs the file on disk holds now: "old", "new" or "other".
    [[nodiscard]] Result<std::string> configState() const
    {
        auto text = readFile(serverProperties);
        if (!text)
            return text.error();
        auto doc = PropertiesDocument::parse(*text);
        if (!doc)
            return doc.error();
        const auto value = doc->get(key).value_or("");
        if (value == newValue)
            return std::string("new");
        if (value == oldValue)
            return std::string("old");
        return std::string("other");
    }
};

/// Removes the spare's meta.properties if it is the one this swap wrote.
Status unprepareSpare(const Swap &s)
{
    if (s.meta.empty())
        return {};
    const fs::path file = s.to / std::string(kMetaPropertiesFile);
    auto text = readFile(file);
    if (!text || *text != s.meta)
        return {};
    if (::unlink(file.c_str()) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, "cannot remove " + file.string());
    return fsyncDirectory(s.to);
}

Status prepareSpare(const Swap &s, std::string &detail)
{
    if (s.meta.empty()) {
        detail = "no meta.properties to copy: the broker writes its own";
        return {};
    }
    const fs::path file = s.to / std::string(kMetaPropertiesFile);
    if (auto text = readFile(file); text && *text == s.meta) {
        detail = "already written";
        return {};
    }
    if (auto st = writeFileAtomic(file, s.meta); !st)
        return st;
    detail = "wrote " + file.string();
    return {};
}

/// Waits until the broker answers, the spare is online in its view, and the
/// planned partitions are back (or the time is up); fills the report.
Status verify(BrokerControl &broker, const Swap &s, DiskSwapReport &report, const RunOptions &options)
{
    if (auto st = broker.waitHealthy(kHealthyTimeout); !st)
        return st;
    const auto planned = partitionsFrom(s.params);
    const auto deadline = std::chrono::steady_clock::now() + kRecreateTimeout;
    std::optional<BrokerView> view;
    while (true) {
        auto v = broker.describe(s.brokerId);
        if (v) {
            view = std::move(*v);
            bool spareOnline = false;
            std::set<std::string> present;
            for (const auto &d : view->dirs) {
                if (samePath(d.path, s.to))
                    spareOnline = d.online;
                for (const auto &[name, bytes] : d.partitions)
                    present.insert(name);
            }
            const bool all = std::all_of(planned.begin(), planned.end(),
                                         [&](const SwapPartition &p) { return present.count(p.name) > 0; });
            if (spareOnline && all)
                break;
        }
        if (std::chrono::steady_clock::now() > deadline)
            break;
        options.report(0.9, "waiting for the broker to re-create the partitions");
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    if (!view)
        return makeError(Errc::Io, broker.label() + " answers but does not describe its log dirs",
                         "see the broker's log");
    const BrokerLogDirView *spare = nullptr;
    std::map<std::string, std::string> where;
    for (const auto &d : view->dirs) {
        if (samePath(d.path, s.to))
            spare = &d;
        for (const auto &[name, bytes] : d.partitions)
            where[name] = d.path;
    }
    if (spare == nullptr || !spare->online)
        return makeError(Errc::Io,
                         broker.label() + (spare ? " has the spare " + s.to.string() + " offline"
                                                 : " does not list the spare " + s.to.string() + " as a log dir"),
                         "see the broker's log");
    report.recreated.clear();
    report.missing.clear();
    report.lost.clear();
    for (const auto &p : planned) {
        if (auto it = where.find(p.name); it != where.end())
            report.recreated.emplace_back(p.name, it->second);
        else
            report.missing.push_back(p.name);
        if (p.lost)
            report.lost.push_back(p);
    }
    if (param(s.params, "unknown-contents") == "true") {
        // The old dir could not be read nor described: whatever the broker
        // holds now that no other dir held before came back from it.
        for (const auto &[name, dir] : where) {
            if (s.params.count("survivor:" + name))
                continue;
            report.recreated.emplace_back(name, dir);
            for (const auto &r : view->partitions) {
                if (r.topic + "-" + std::to_string(r.partition) != name)
                    continue;
                const bool other = std::any_of(r.isr.begin(), r.isr.end(), [&](auto id) { return id != s.brokerId; });
                if (!other)
                    report.lost.push_back(
                        {name, -1, true,
                         r.replicas.size() <= 1 ? "replication factor 1: no other replica" : "no other in-sync replica",
                         dir});
            }
        }
    }
    for (const auto &p : view->partitions) {
        const std::string name = p.topic + "-" + std::to_string(p.partition);
        const bool wasPlanned = std::any_of(planned.begin(), planned.end(),
                                            [&](const SwapPartition &q) { return q.name == name && !q.lost; });
        if (wasPlanned && std::find(p.isr.begin(), p.isr.end(), s.brokerId) == p.isr.end())
            report.notes.push_back(name + " is back on " + broker.label() + " and still catching up (ISR " +
                                   joinIds(p.isr) + ")");
    }
    return {};
}

/// The `sync` step: waitForReplicaSync() on the swapped broker. Fills
/// report.sync and report.syncEnd; false when the broker never described itself.
bool waitInSync(BrokerControl &broker, const Swap &s, std::chrono::seconds timeout, const RunOptions &options,
                DiskSwapReport &report)
{
    auto wait = waitForReplicaSync(
        s.brokerId, [&](std::int32_t id) { return broker.describe(id); }, timeout, options, kSyncPoll);
    report.sync = std::move(wait.status);
    report.syncEnd = wait.end;
    if (!wait.looked)
        report.syncEnd += "; " + broker.label() + " did not describe its partitions" +
                          (wait.lastError.empty() ? std::string() : " (" + wait.lastError + ")");
    return wait.looked;
}

/// What the `sync` step journals: the count, how it ended, the laggards.
std::string syncDetail(const DiskSwapReport &r)
{
    std::string out = r.sync.progressLine() + " (" + r.syncEnd + ")";
    const auto behind = r.sync.outOfSync();
    std::size_t shown = 0;
    for (const auto &p : behind) {
        if (shown++ == 20) {
            out += "; and " + std::to_string(behind.size() - 20) + " more";
            break;
        }
        out += "; " + p.describe();
    }
    return out;
}

std::string reportSummary(const Swap &s, const DiskSwapReport &r)
{
    std::string text = "swapped " + s.from.string() + " -> " + s.to.string() + ": " +
                       std::to_string(r.recreated.size()) + " partition(s) re-created, " +
                       std::to_string(r.lost.size()) + " lost (no other replica)";
    if (!r.missing.empty())
        text += ", " + std::to_string(r.missing.size()) + " not back yet";
    if (!r.warnings) {
        text += "; broker " + std::to_string(s.brokerId) + " in sync on its " + std::to_string(r.sync.total()) +
                " replicated partition(s)";
        return text;
    }
    const auto behind = r.sync.outOfSync();
    text += "; completed with warnings: ";
    if (behind.empty()) {
        text += "the re-sync could not be followed (" + r.syncEnd + ")";
        return text;
    }
    text += std::to_string(behind.size()) + " of " + std::to_string(r.sync.total()) +
            " replicated partition(s) still out of sync (" + r.syncEnd + "):";
    std::size_t shown = 0;
    for (const auto &p : behind) {
        if (shown++ == 10) {
            text += " ...";
            break;
        }
        text += " " + p.name;
    }
    return text;
}

/// The part after the config edit: start, verify, report. Forward only.
Result<DiskSwapReport> rollForward(Journal &journal, JournalSteps &steps, BrokerControl &broker, const Swap &s,
                                   std::int64_t id, const RunOptions &options, const JournalEntry *previous)
{
    DiskSwapReport report;
    report.id = id;
    report.notes = notesFrom(s.params);
    std::string prepared;
    if (auto st = prepareSpare(s, prepared); !st) { // idempotent; recover may need it
        (void)journal.finish(id, OperationState::Failed, st.error().describe());
        return st.error();
    }
    options.report(0.6, "starting " + broker.label());
    auto started = steps.run("start-broker", [&](std::string &detail) -> Status {
        auto running = broker.running();
        if (running && *running) {
            detail = "already running";
            return {};
        }
        return broker.start();
    });
    if (!started) {
        const std::string why = started.error().describe();
        (void)journal.finish(id, OperationState::Failed,
                             "log.dirs now names " + s.to.string() + " but the broker does not start: " + why);
        return makeError(started.error().code, "the broker does not start with the new log.dirs: " + why,
                         "see the broker's log; the old server.properties is kept as a backup next to it");
    }
    options.report(0.8, "waiting until " + broker.label() + " serves again");
    auto verified = steps.run("verify", [&](std::string &detail) -> Status {
        if (auto st = verify(broker, s, report, options); !st)
            return st;
        detail = std::to_string(report.recreated.size()) + " re-created, " + std::to_string(report.lost.size()) +
                 " lost, " + std::to_string(report.missing.size()) + " missing";
        return {};
    });
    if (!verified) {
        (void)journal.finish(id, OperationState::Failed, verified.error().describe());
        return verified.error();
    }
    // The swap is done; what follows only watches. A recover re-checks once.
    const bool recovering = previous != nullptr;
    options.report(0.85, "waiting until " + broker.label() + " is back in sync");
    bool looked = false;
    auto synced = steps.run("sync", [&](std::string &detail) -> Status {
        looked = waitInSync(broker, s, recovering ? std::chrono::seconds(0) : s.syncTimeout, options, report);
        if (recovering)
            report.syncEnd = "re-checked by ops recover, no new wait: " + report.syncEnd;
        detail = syncDetail(report);
        return {};
    });
    if (!synced) {
        (void)journal.finish(id, OperationState::Failed, synced.error().describe());
        return synced.error();
    }
    report.warnings = !looked || !report.sync.complete();
    report.state = OperationState::Done;
    report.summary = reportSummary(s, report);
    if (auto st = journal.finish(id, OperationState::Done, report.summary); !st)
        return st.error();
    options.report(1.0, "done");
    return report;
}

/// Before the config edit: the spare emptied again, the broker as it was.
OperationState rollBack(Journal &journal, BrokerControl &broker, const Swap &s, std::int64_t id, OperationState state,
                        const std::string &why)
{
    (void)unprepareSpare(s);
    std::string tail;
    if (s.wasRunning) {
        auto running = broker.running();
        if (running && !*running) {
            if (auto st = broker.start(); !st)
                tail = "; the broker does not start again: " + st.error().describe();
            else
                tail = "; the broker runs again, unchanged";
        }
    }
    (void)journal.finish(id, state, why + tail);
    return state;
}

/// After the edit but before the broker ran with it: the old file back.
Status restoreOldConfig(const Swap &s)
{
    auto text = readFile(s.serverProperties);
    if (!text)
        return text.error();
    // The exact bytes the plan read (journaled), else the key set back.
    std::string old = param(s.params, "server-properties-text");
    if (old.empty()) {
        auto doc = PropertiesDocument::parse(*text);
        if (!doc)
            return doc.error();
        doc->set(s.key, s.oldValue);
        old = doc->serialize();
    }
    auto saved = swapfiles::replaceFileWithBackup(s.serverProperties, *text, old);
    if (!saved)
        return saved.error();
    return {};
}

} // namespace

std::vector<SwapPartition> DiskSwap::partitionsOf(const Plan &plan) { return partitionsFrom(plan.params); }
std::vector<std::string> DiskSwap::notesOf(const Plan &plan) { return notesFrom(plan.params); }

Result<Plan> DiskSwap::plan(BrokerControl &broker, const DiskSwapRequest &request)
{
    const fs::path file = broker.serverProperties();
    auto text = readFile(file);
    if (!text)
        return text.error();
    auto doc = PropertiesDocument::parse(*text);
    if (!doc)
        return makeError(Errc::Corrupt, file.string() + ": " + doc.error().message);
    auto setting = swapfiles::readLogDirs(*text);
    if (!setting)
        return setting.error();
    const fs::path from = request.from.lexically_normal();
    const fs::path to = request.to.lexically_normal();
    if (samePath(from, to))
        return makeError(Errc::InvalidArgument, "--from and --to name the same dir");
    auto newValue = swapfiles::replaceLogDir(setting->value, from, to);
    if (!newValue)
        return newValue.error();
    std::vector<fs::path> others;
    for (const auto &d : setting->dirs)
        if (!samePath(d, from))
            others.push_back(d);

    Plan plan;
    plan.kind = std::string(kKind);
    std::vector<std::string> notes;
    auto meta = swapfiles::spareMetaProperties(others);
    if (!meta)
        return meta.error();
    if (auto st = swapfiles::checkSpare(to, "", others, notes); !st)
        return st.error();
    const std::int32_t brokerId = brokerIdOf(*doc, others);
    const bool kraft = doc->get("process.roles").has_value();

    auto running = broker.running();
    if (!running)
        return running.error();
    std::optional<BrokerView> view;
    if (*running && brokerId >= 0) {
        auto v = broker.describe(brokerId);
        if (v)
            view = std::move(*v);
        else
            notes.push_back("the broker runs but does not describe itself (" + v.error().describe() +
                            "): which partitions have other replicas is not known");
    }

    // What the remaining dirs hold now.
    std::map<std::string, std::map<std::string, std::int64_t>> scans;
    std::set<std::string> elsewhere;
    for (const auto &d : others) {
        auto scan = swapfiles::scanLogDir(d);
        if (!scan) {
            notes.push_back("cannot read " + d.string() + ": " + scan.error().describe());
            continue;
        }
        for (const auto &[name, bytes] : *scan)
            elsewhere.insert(name);
        scans[d.string()] = std::move(*scan);
    }
    if (view)
        for (const auto &d : view->dirs)
            if (!samePath(d.path, from) && d.online)
                for (const auto &[name, bytes] : d.partitions)
                    elsewhere.insert(name);

    // Which partitions are on the dir that goes.
    std::map<std::string, std::int64_t> onFrom;
    std::string source;
    bool readable = false;
    if (auto scan = swapfiles::scanLogDir(from)) {
        onFrom = std::move(*scan);
        readable = true;
        source = "its own listing";
    } else {
        notes.push_back(from.string() + " cannot be read (" + scan.error().describe() + ")");
        const BrokerLogDirView *dir = nullptr;
        if (view)
            for (const auto &d : view->dirs)
                if (samePath(d.path, from))
                    dir = &d;
        if (dir != nullptr && dir->online) {
            onFrom = dir->partitions;
            source = "the broker's DescribeLogDirs";
        } else if (view) {
            for (const auto &p : view->partitions) {
                const std::string name = p.topic + "-" + std::to_string(p.partition);
                if (!elsewhere.count(name))
                    onFrom[name] = -1;
            }
            source = "the metadata: replicas of broker " + std::to_string(brokerId) + " found in no other log dir";
        } else {
            source = "nothing: the dir cannot be read and the broker does not answer";
            notes.push_back("which partitions were on " + from.string() +
                            " is unknown until the broker runs again; the report lists what it re-creates");
            plan.params["unknown-contents"] = "true";
            for (const auto &name : elsewhere)
                plan.params["survivor:" + name] = "1";
        }
    }

    // Their fate: another in-sync replica, or none (lost).
    std::vector<SwapPartition> partitions;
    std::int64_t readableLossBytes = 0;
    std::int64_t replicatedBytes = 0;
    for (const auto &[name, bytes] : onFrom) {
        SwapPartition p;
        p.name = name;
        p.bytes = bytes;
        const PartitionReplicasView *r = nullptr;
        if (view)
            for (const auto &q : view->partitions)
                if (q.topic + "-" + std::to_string(q.partition) == name)
                    r = &q;
        if (r == nullptr) {
            p.lost = true;
            p.why = view ? "not in the metadata" : "no metadata (broker not running): counted as lost";
        } else {
            std::vector<std::int32_t> otherIsr;
            for (auto id : r->isr)
                if (id != brokerId)
                    otherIsr.push_back(id);
            if (!otherIsr.empty()) {
                p.lost = false;
                p.why = "in sync on broker " + joinIds(otherIsr) + ": re-replicated from there";
            } else if (r->replicas.size() <= 1) {
                p.lost = true;
                p.why = "replication factor 1: no other replica";
            } else {
                p.lost = true;
                p.why = "no other in-sync replica (replicas " + joinIds(r->replicas) + ", ISR " + joinIds(r->isr) + ")";
            }
        }
        if (p.lost && readable && bytes > 0)
            readableLossBytes += bytes;
        if (!p.lost && bytes > 0)
            replicatedBytes += bytes;
        partitions.push_back(std::move(p));
    }

    // Where the broker will put them, and the usage per disk after.
    std::vector<fs::path> after = others;
    after.push_back(to);
    std::map<std::string, std::int64_t> kafkaBefore;
    std::map<std::string, std::int64_t> count;
    std::map<std::string, std::int64_t> freeNow;
    std::map<std::string, std::uint64_t> device;
    for (const auto &d : after) {
        std::int64_t sum = 0;
        if (auto it = scans.find(d.string()); it != scans.end())
            for (const auto &[name, bytes] : it->second)
                sum += bytes;
        kafkaBefore[d.string()] = sum;
        count[d.string()] = scans.count(d.string()) ? static_cast<std::int64_t>(scans[d.string()].size()) : 0;
        freeNow[d.string()] = freeBytesOrUnknown(d);
        struct stat st {};
        device[d.string()] = ::stat(d.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_dev) : 0;
    }
    std::map<std::string, std::int64_t> added;
    std::map<std::string, std::int64_t> freeAfter = freeNow;
    for (auto &p : partitions) {
        const std::int64_t size = p.lost ? 0 : std::max<std::int64_t>(p.bytes, 0);
        std::string best;
        for (const auto &d : after) {
            const std::string k = d.string();
            if (best.empty()) {
                best = k;
                continue;
            }
            // As the lab broker: free space between filesystems, partition
            // count within one (and always for Apache Kafka).
            const bool byFree =
                broker.placesByFreeSpace() && device[k] != device[best] && freeAfter[k] != freeAfter[best];
            const bool better = byFree ? freeAfter[k] > freeAfter[best] : count[k] < count[best];
            if (better)
                best = k;
        }
        p.predictedDir = best;
        added[best] += size;
        freeAfter[best] -= size;
        count[best] += 1;
    }
    const std::int64_t spareFree = freeNow[to.string()];
    const std::int64_t needed = replicatedBytes + std::max(kMinMargin, replicatedBytes / 20);
    if (replicatedBytes > 0 && spareFree >= 0 && spareFree < needed)
        return makeError(Errc::NoSpace, "the spare " + to.string() + " has " + std::to_string(spareFree) +
                                            " bytes free; the partitions re-replicated there need " +
                                            std::to_string(needed) + " (" + std::to_string(replicatedBytes) +
                                            " plus a margin)");
    {
        DiskUsageChange gone;
        gone.logDir = from;
        std::int64_t sum = 0;
        for (const auto &[name, bytes] : onFrom)
            sum += std::max<std::int64_t>(bytes, 0);
        gone.kafkaBytesBefore = sum;
        gone.kafkaBytesAfter = 0;
        gone.freeBytesBefore = std::max<std::int64_t>(freeBytesOrUnknown(from), 0);
        gone.freeBytesAfter = gone.freeBytesBefore;
        plan.disks.push_back(gone);
    }
    for (const auto &d : after) {
        const std::string k = d.string();
        plan.disks.push_back({d, kafkaBefore[k], kafkaBefore[k] + added[k], std::max<std::int64_t>(freeNow[k], 0),
                              std::max<std::int64_t>(freeAfter[k], 0)});
    }

    if (kraft) {
        notes.push_back(
            "KRaft broker (process.roles is set): Kafka starts only on formatted log dirs. Spillway writes the "
            "spare's meta.properties as `kafka-storage.sh format --config " +
            file.string() +
            " --cluster-id <id> --ignore-formatted` would (same cluster.id and node.id, a new directory.id); run "
            "that instead if you prefer Kafka's own tool. The controller then learns the new directory.id.");
    }
    if (!meta->has_value())
        notes.push_back("no readable meta.properties in the other log dirs: the broker writes the spare's own");
    std::size_t lost = 0;
    for (const auto &p : partitions)
        lost += p.lost ? 1 : 0;
    if (readableLossBytes > 0)
        notes.push_back(from.string() + " is readable and " + std::to_string(lost) +
                        " of its partitions have no other replica (" + std::to_string(readableLossBytes) +
                        " bytes): the swap leaves their files there, untouched, but the broker serves them empty "
                        "from now on. Move them first (spillway-cli ops move) to keep them, or pass --accept-loss.");

    // The last step: back in the ISR of its replicated partitions (RF > 1).
    std::string syncStep;
    {
        const std::string who = "broker " + (brokerId >= 0 ? std::to_string(brokerId) : std::string("?"));
        const std::string limit = request.syncTimeout.count() == 0
                                      ? std::string(" (look once, do not wait: sync timeout 0)")
                                      : " (at most " + std::to_string(request.syncTimeout.count()) +
                                            " s; Ctrl-C stops waiting, the swap stays done)";
        if (view) {
            const auto sync = evaluateReplicaSync(brokerId, view->partitions, {});
            plan.params["replicated-partitions"] = std::to_string(sync.total());
            syncStep = "wait until " + who + " is back in the ISR of its " + std::to_string(sync.total()) +
                       " replicated partition(s)" + limit;
        } else {
            syncStep =
                "wait until " + who + " is back in the ISR of its replicated partitions (counted once it runs)" + limit;
        }
    }
    plan.summary = "swap " + from.string() + " -> " + to.string() + " on " + broker.label() + ": " +
                   std::to_string(partitions.size()) + " partition(s) on " + from.string() + " (from " + source +
                   "), " + std::to_string(lost) + " of them lost (no other replica), re-created empty";
    plan.steps = {"check the spare " + to.string() + " again (empty, writable)",
                  meta->has_value() ? "write " + (to / "meta.properties").string() + " (cluster.id, node id" +
                                          std::string(kraft ? ", a new directory.id)" : ")")
                                    : "leave meta.properties to the broker",
                  "stop " + broker.label() + (*running ? "" : " (not running)"),
                  "edit " + file.string() + ": " + setting->key + "=" + *newValue + " (backup kept next to it)",
                  "start " + broker.label() + "; it re-creates the partitions of " + from.string(),
                  "wait until it answers and lists " + to.string() + " online; report what came back where",
                  syncStep};

    plan.params["broker"] = broker.label();
    for (const auto &[k, v] : broker.identity())
        plan.params["id:" + k] = v;
    plan.params["server-properties"] = file.string();
    plan.params["server-properties-text"] = *text;
    plan.params["log-dirs-key"] = setting->key;
    plan.params["old-log-dirs"] = setting->value;
    plan.params["new-log-dirs"] = *newValue;
    plan.params["from"] = from.string();
    plan.params["to"] = to.string();
    plan.params["broker-id"] = std::to_string(brokerId);
    plan.params["kraft"] = kraft ? "true" : "false";
    plan.params["was-running"] = *running ? "true" : "false";
    plan.params["meta"] = meta->value_or("");
    plan.params["readable-loss-bytes"] = std::to_string(readableLossBytes);
    plan.params["accept-loss"] = request.acceptLoss ? "true" : "false";
    plan.params["sync-timeout"] = std::to_string(std::max<std::int64_t>(request.syncTimeout.count(), 0));
    for (const auto &p : partitions)
        plan.params["partition:" + p.name] = encodePartition(p);
    for (std::size_t i = 0; i < notes.size(); ++i)
        plan.params["note:" + std::to_string(100 + i)] = notes[i];
    return plan;
}

Result<DiskSwapReport> DiskSwap::execute(Journal &journal, BrokerControl &broker, const Plan &plan,
                                         const RunOptions &options)
{
    auto parsed = Swap::from_(plan.params);
    if (!parsed)
        return parsed.error();
    const Swap s = std::move(*parsed);
    if (param(s.params, "readable-loss-bytes") != "0" && param(s.params, "accept-loss") != "true")
        return makeError(Errc::InvalidArgument,
                         s.from.string() + " is readable and holds partitions with no other replica",
                         "move them first (spillway-cli ops move), or pass --accept-loss to swap anyway (their "
                         "files stay on " +
                             s.from.string() + ")");
    auto id = journal.begin(kKind, param(s.params, "broker"), paramsToJson(s.params), plan.summary);
    if (!id)
        return id.error();
    JournalSteps steps(journal, *id, options, 0);
    const std::string planText = param(s.params, "server-properties-text");
    auto cancelled = [&](const std::string &where) -> Result<DiskSwapReport> {
        rollBack(journal, broker, s, *id, OperationState::Cancelled, "cancelled " + where + "; nothing changed");
        return makeError(Errc::Cancelled, "cancelled " + where + "; the broker and its config are as they were");
    };
    auto failed = [&](const Error &error, const std::string &where) -> Result<DiskSwapReport> {
        rollBack(journal, broker, s, *id, OperationState::RolledBack,
                 "failed " + where + ": " + error.describe() + "; rolled back");
        return Error{error.code, error.message + " (" + where + "; rolled back: nothing changed)", error.hint,
                     error.sysErrno};
    };

    options.report(0.0, "checking the spare");
    if (auto st = steps.run("check-spare",
                            [&](std::string &detail) -> Status {
                                std::vector<std::string> notes;
                                std::vector<fs::path> none;
                                if (auto c = swapfiles::checkSpare(s.to, s.meta, none, notes); !c)
                                    return c;
                                auto now = readFile(s.serverProperties);
                                if (!now)
                                    return now.error();
                                if (*now != planText)
                                    return makeError(Errc::InvalidArgument,
                                                     s.serverProperties.string() + " changed since the plan was made",
                                                     "make the plan again");
                                detail = "empty and writable";
                                return {};
                            });
        !st)
        return failed(st.error(), "checking the spare");
    if (options.cancelled())
        return cancelled("before writing the spare's meta.properties");
    if (auto st = steps.run("prepare-spare", [&](std::string &detail) { return prepareSpare(s, detail); }); !st)
        return failed(st.error(), "writing the spare's meta.properties");
    if (options.cancelled())
        return cancelled("before stopping the broker");
    options.report(0.2, "stopping " + broker.label());
    if (auto st = steps.run("stop-broker",
                            [&](std::string &detail) -> Status {
                                detail = s.wasRunning ? "stopped" : "was not running";
                                return broker.stop();
                            });
        !st)
        return failed(st.error(), "stopping the broker");
    if (options.cancelled())
        return cancelled("with the broker stopped, before editing server.properties");
    options.report(0.4, "editing " + s.serverProperties.string());
    fs::path backup;
    auto edited = steps.run("edit-config", [&](std::string &detail) -> Status {
        auto doc = PropertiesDocument::parse(planText);
        if (!doc)
            return doc.error();
        doc->set(s.key, s.newValue);
        auto saved = swapfiles::replaceFileWithBackup(s.serverProperties, planText, doc->serialize());
        if (!saved)
            return saved.error();
        backup = *saved;
        detail = backup.string();
        return {};
    });
    if (!edited)
        return failed(edited.error(), "editing server.properties");
    if (options.cancelled()) {
        // Edited but never started with it: the old file back, the broker as it was.
        if (auto st = restoreOldConfig(s); !st) {
            (void)journal.finish(*id, OperationState::Failed, "cancelled, but " + st.error().describe());
            return st.error();
        }
        return cancelled("after editing server.properties (the old one is back)");
    }
    auto report = rollForward(journal, steps, broker, s, *id, options, nullptr);
    if (!report && report.error().code != Errc::Cancelled) {
        // The new config did not start: put the old one back and start as before.
        auto state = s.configState();
        if (state && *state == "new" && restoreOldConfig(s).ok()) {
            (void)broker.stop();
            rollBack(journal, broker, s, *id, OperationState::RolledBack,
                     report.error().describe() + "; the old server.properties is back");
            return Error{report.error().code,
                         report.error().message + " (rolled back: the old server.properties is back)",
                         report.error().hint, report.error().sysErrno};
        }
        return report.error();
    }
    if (report)
        report->backup = backup;
    return report;
}

Result<DiskSwapReport> DiskSwap::recoverWith(Journal &journal, const JournalEntry &entry, BrokerControl &broker,
                                             const RunOptions &options)
{
    auto parsed = Swap::from_(paramsFromJson(entry.params));
    if (!parsed)
        return parsed.error();
    const Swap s = std::move(*parsed);
    JournalSteps steps(journal, entry.id, options, nextStepSeq(entry));
    auto state = s.configState();
    if (!state)
        return state.error();
    if (*state == "new")
        return rollForward(journal, steps, broker, s, entry.id, options, &entry);
    DiskSwapReport report;
    report.id = entry.id;
    if (*state == "old") {
        report.state = rollBack(journal, broker, s, entry.id, OperationState::RolledBack,
                                "interrupted before server.properties was edited: rolled back");
        report.summary = "rolled back: " + s.serverProperties.string() + " unchanged";
        return report;
    }
    (void)journal.finish(entry.id, OperationState::Failed,
                         s.serverProperties.string() + " holds neither the old nor the new log.dirs");
    return makeError(Errc::InvalidArgument,
                     s.serverProperties.string() + " holds neither the old nor the new log.dirs: someone edited it",
                     "check it by hand; the backup is next to it");
}

Result<OperationState> DiskSwap::recover(Journal &journal, const JournalEntry &entry, const RecoveryContext &context)
{
    if (!context.brokerControl)
        return makeError(Errc::Unsupported, "recovering a disk swap needs control of the broker");
    std::map<std::string, std::string> identity;
    for (const auto &[k, v] : paramsFromJson(entry.params))
        if (k.rfind("id:", 0) == 0)
            identity[k.substr(3)] = v;
    auto broker = context.brokerControl(identity);
    if (!broker)
        return broker.error();
    auto report = recoverWith(journal, entry, **broker, context.options);
    if (!report)
        return report.error();
    return report->state;
}

} // namespace spillway::core::ops
