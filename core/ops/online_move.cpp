// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/online_move.h"

#include "core/admin/admin_client.h"
#include "core/admin/cluster_sampler.h"
#include "core/ops/journal_steps.h"
#include "core/storage/logdir/topic_name.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

namespace spillway::core::ops {
namespace fs = std::filesystem;
using admin::AdminClient;
using admin::LogDirInfo;

namespace {

constexpr const char *kThrottleKey = "replica.alter.log.dirs.io.max.bytes.per.second";
constexpr std::int64_t kMinMargin = 16LL << 20;
/// How long the broker may stay unreachable while a move is followed.
constexpr std::chrono::seconds kUnreachableLimit{30};
/// How often a move that vanished (no future, not at its destination) is asked again.
constexpr int kMaxReissues = 3;

std::string tpName(const std::string &topic, PartitionId p) { return topic + "-" + std::to_string(p.get()); }

/// One replica as journaled: where it was and where it goes.
struct Item {
    std::string topic;
    PartitionId partition{0};
    std::string from;
    std::string to;
    std::int64_t bytes = 0;
};

/// Everything execute() and recover() need, from the journaled params.
struct Online {
    std::string bootstrap;
    BrokerId broker{0};
    std::vector<Item> items;
    std::int64_t throttle = 0;
    bool cancelOnRecover = false;
    std::int64_t pollMs = 200;
    bool previousSet = false; ///< the broker had a dynamic throttle before
    std::string previous;
    std::map<std::string, std::string> params;

    static Result<Online> from(const std::map<std::string, std::string> &params)
    {
        Online o;
        o.params = params;
        auto get = [&](const std::string &k) {
            auto it = params.find(k);
            return it == params.end() ? std::string() : it->second;
        };
        try {
            o.bootstrap = get("bootstrap");
            o.broker = BrokerId{static_cast<std::int32_t>(std::stol(get("broker")))};
            o.throttle = std::stoll(get("throttle"));
            o.cancelOnRecover = get("on-interrupt") == "cancel";
            o.pollMs = std::max<std::int64_t>(10, std::stoll(get("poll-ms")));
            o.previousSet = get("throttle.previous.set") == "1";
            o.previous = get("throttle.previous");
            const int n = std::stoi(get("moves"));
            for (int i = 0; i < n; ++i) {
                const std::string k = "move." + std::to_string(i) + ".";
                Item item{get(k + "topic"), PartitionId{static_cast<std::int32_t>(std::stol(get(k + "partition")))},
                          get(k + "from"), get(k + "to"), std::stoll(get(k + "bytes"))};
                if (item.topic.empty() || item.from.empty() || item.to.empty())
                    throw std::invalid_argument("move");
                o.items.push_back(std::move(item));
            }
        } catch (const std::exception &) {
            return makeError(Errc::InvalidArgument, "journal entry is not an online move: " + paramsToJson(params));
        }
        if (o.bootstrap.empty() || o.items.empty())
            return makeError(Errc::InvalidArgument, "journal entry is not an online move: " + paramsToJson(params));
        return o;
    }
};

Result<std::unique_ptr<AdminClient>> connect(const std::string &bootstrap)
{
    return AdminClient::create(admin::AdminOptions{bootstrap, {}, false});
}

bool sameDir(const std::string &a, const std::string &b) { return admin::normalDirPath(a) == admin::normalDirPath(b); }

/// Where a partition's replicas are on the broker.
struct Where {
    std::vector<std::string> live;
    std::vector<std::string> future;
    std::int64_t liveBytes = 0;
    std::int64_t futureBytes = 0;
};

Where locate(const std::vector<LogDirInfo> &dirs, const std::string &topic, PartitionId partition)
{
    Where w;
    for (const auto &d : dirs)
        for (const auto &p : d.partitions) {
            if (p.topic != topic || p.partition != partition)
                continue;
            if (p.isFuture) {
                w.future.push_back(d.path);
                w.futureBytes = p.sizeBytes;
            } else {
                w.live.push_back(d.path);
                w.liveBytes = p.sizeBytes;
            }
        }
    return w;
}

bool isDone(const Where &w, const Item &item)
{
    return w.future.empty() && w.live.size() == 1 && sameDir(w.live.front(), item.to);
}

Result<std::vector<LogDirInfo>> describe(AdminClient &client, BrokerId broker)
{
    return client.describeLogDirs(broker);
}

/// The broker's own dynamic throttle, if it has one.
Result<std::optional<std::string>> readThrottle(AdminClient &client, BrokerId broker)
{
    auto described = client.describeConfigs({admin::ConfigResource::broker(broker)});
    if (!described)
        return described.error();
    if (described->size() != 1 || described->front().error != KafkaError::None)
        return makeError(Errc::Io, "cannot read the configs of broker " + std::to_string(broker.get()) + ": " +
                                       (described->empty() ? std::string("no answer")
                                                           : std::string(toString(described->front().error)) + " " +
                                                                 described->front().errorMessage));
    const auto *entry = described->front().entry(kThrottleKey);
    if (entry && entry->source == admin::ConfigSource::DynamicBroker && entry->value)
        return std::optional<std::string>(*entry->value);
    return std::optional<std::string>();
}

/// Sets the broker's throttle, or deletes its dynamic value (nullopt).
Status writeThrottle(AdminClient &client, BrokerId broker, const std::optional<std::string> &value)
{
    admin::ConfigChange change{kThrottleKey, value ? admin::ConfigOp::Set : admin::ConfigOp::Delete, value};
    auto altered = client.incrementalAlterConfigs({{admin::ConfigResource::broker(broker), {change}}});
    if (!altered)
        return altered.error();
    for (const auto &r : *altered)
        if (r.error != KafkaError::None)
            return makeError(Errc::Io, std::string("cannot set ") + kThrottleKey + " on broker " +
                                           std::to_string(broker.get()) + ": " + std::string(toString(r.error)) + " " +
                                           r.errorMessage);
    return {};
}

Status restoreThrottle(AdminClient &client, const Online &o)
{
    return writeThrottle(client, o.broker, o.previousSet ? std::optional<std::string>(o.previous) : std::nullopt);
}

/// AlterReplicaLogDirs for `moves`; a per-partition error is an error.
Status alter(AdminClient &client, BrokerId broker, const std::vector<admin::ReplicaLogDirMove> &moves)
{
    if (moves.empty())
        return {};
    auto result = client.alterReplicaLogDirs(broker, moves);
    if (!result)
        return result.error();
    std::string failed;
    for (const auto &r : *result)
        if (r.error != KafkaError::None)
            failed +=
                (failed.empty() ? "" : ", ") + tpName(r.topic, r.partition) + ": " + std::string(toString(r.error));
    if (!failed.empty())
        return makeError(Errc::Io, "AlterReplicaLogDirs refused " + failed);
    return {};
}

/// Follows the moves until every replica is live in its destination with
/// no future left. Progress: the future's size against the current one's,
/// weighted by the planned bytes, mapped into [lo, hi] and never falling.
/// Returns Cancelled when the cancel flag is raised (and `cancellable`); a
/// move that vanished is asked again; an unreachable broker is waited for.
Status follow(AdminClient &client, const Online &o, const RunOptions &options, bool cancellable, double lo, double hi)
{
    double shown = 0;
    int reissues = 0;
    auto unreachableSince = std::chrono::steady_clock::time_point::max();
    while (true) {
        if (cancellable && options.cancelled())
            return makeError(Errc::Cancelled, "cancelled while the broker copied");
        auto dirs = describe(client, o.broker);
        if (!dirs) {
            const auto now = std::chrono::steady_clock::now();
            if (unreachableSince == std::chrono::steady_clock::time_point::max())
                unreachableSince = now;
            if (now - unreachableSince > kUnreachableLimit)
                return dirs.error();
            std::this_thread::sleep_for(std::chrono::milliseconds(o.pollMs));
            continue;
        }
        unreachableSince = std::chrono::steady_clock::time_point::max();
        double weighted = 0;
        double weights = 0;
        int done = 0;
        std::vector<admin::ReplicaLogDirMove> vanished;
        for (const auto &item : o.items) {
            const Where w = locate(*dirs, item.topic, item.partition);
            const double weight = static_cast<double>(std::max<std::int64_t>(item.bytes, 1));
            weights += weight;
            if (isDone(w, item)) {
                weighted += weight;
                ++done;
                continue;
            }
            if (w.live.empty())
                return makeError(Errc::NotFound, tpName(item.topic, item.partition) + " is no longer on broker " +
                                                     std::to_string(o.broker.get()));
            const bool copying = std::any_of(w.future.begin(), w.future.end(),
                                             [&](const std::string &f) { return sameDir(f, item.to); });
            if (copying && w.liveBytes > 0)
                weighted +=
                    weight * std::min(0.99, static_cast<double>(w.futureBytes) / static_cast<double>(w.liveBytes));
            else if (!copying)
                vanished.push_back({item.topic, item.partition, item.to});
        }
        const double fraction = weights > 0 ? weighted / weights : 1.0;
        shown = std::max(shown, fraction);
        options.report(lo + (hi - lo) * shown, "broker copying: " + std::to_string(done) + " of " +
                                                   std::to_string(o.items.size()) + " replicas moved");
        if (done == static_cast<int>(o.items.size()))
            return {};
        if (!vanished.empty()) {
            // No future and not at the destination: the broker lost the
            // request (or someone moved it back); ask again, a few times.
            if (++reissues > kMaxReissues)
                return makeError(Errc::Io,
                                 tpName(vanished.front().topic, vanished.front().partition) +
                                     " has no -future replica and is not in " + vanished.front().path,
                                 "the broker keeps dropping the move; see its log");
            if (auto st = alter(client, o.broker, vanished); !st)
                return st;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(o.pollMs));
    }
}

/// Moves every replica not yet in its destination back to its current dir,
/// which makes the broker drop the future; waits until no future is left.
/// Returns how many replicas did reach their destination.
Result<int> cancelMoves(AdminClient &client, const Online &o, const RunOptions &options)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (true) {
        auto dirs = describe(client, o.broker);
        if (!dirs)
            return dirs.error();
        std::vector<admin::ReplicaLogDirMove> back;
        int moved = 0;
        bool futures = false;
        for (const auto &item : o.items) {
            const Where w = locate(*dirs, item.topic, item.partition);
            if (isDone(w, item)) {
                ++moved;
                continue;
            }
            if (!w.future.empty() && w.live.size() == 1) {
                back.push_back({item.topic, item.partition, w.live.front()});
                futures = true;
            }
        }
        if (!futures)
            return moved;
        if (auto st = alter(client, o.broker, back); !st)
            return st.error();
        options.report(0.95, "cancelling: removing the -future replicas");
        if (std::chrono::steady_clock::now() > deadline)
            return makeError(Errc::Io, "the broker still holds -future replicas after the cancel");
        std::this_thread::sleep_for(std::chrono::milliseconds(o.pollMs));
    }
}

/// Each partition in exactly its destination, no future; where the dirs are
/// visible here, no live `<tp>` dir outside the destination.
Status verify(AdminClient &client, const Online &o)
{
    auto dirs = describe(client, o.broker);
    if (!dirs)
        return dirs.error();
    for (const auto &item : o.items) {
        const Where w = locate(*dirs, item.topic, item.partition);
        if (!isDone(w, item)) {
            std::string where;
            for (const auto &l : w.live)
                where += " live in " + l;
            for (const auto &f : w.future)
                where += " future in " + f;
            return makeError(Errc::Corrupt,
                             tpName(item.topic, item.partition) + " is not only in " + item.to + ":" + where);
        }
        std::error_code ec;
        const std::string name = partitionDirName(item.topic, item.partition);
        if (!fs::is_directory(fs::path(item.to) / name, ec))
            continue; // not on this machine
        for (const auto &d : *dirs)
            if (!sameDir(d.path, item.to) && fs::is_directory(fs::path(d.path) / name, ec))
                return makeError(Errc::Corrupt, name + " is live in " + d.path + " as well as in " + item.to);
    }
    return {};
}

/// Restores the throttle as a journaled step when the operation set one.
Status restoreStep(JournalSteps &steps, AdminClient &client, const Online &o)
{
    if (o.throttle <= 0)
        return {};
    return steps.run("restore-throttle", [&] { return restoreThrottle(client, o); });
}

} // namespace

Result<Plan> OnlineMove::plan(const OnlineMoveRequest &request)
{
    if (request.targets.empty())
        return makeError(Errc::InvalidArgument, "no partition to move");
    if (request.throttleBytesPerSecond < 0)
        return makeError(Errc::InvalidArgument, "the throttle must be a positive number of bytes per second");
    std::set<std::pair<std::string, std::int32_t>> seen;
    for (const auto &t : request.targets) {
        if (auto st = validateTopicName(t.topic); !st)
            return st.error();
        if (t.partition.get() < 0)
            return makeError(Errc::InvalidArgument, "partition must be >= 0");
        if (!seen.insert({t.topic, t.partition.get()}).second)
            return makeError(Errc::InvalidArgument, tpName(t.topic, t.partition) + " is asked to move twice");
    }
    auto client = connect(request.bootstrap);
    if (!client)
        return client.error();
    auto metadata = (*client)->describeCluster();
    if (!metadata)
        return metadata.error();
    if (!metadata->broker(request.broker))
        return makeError(Errc::InvalidArgument, "broker " + std::to_string(request.broker.get()) +
                                                    " is not in the cluster at " + request.bootstrap);
    auto dirs = (*client)->describeLogDirs(request.broker);
    if (!dirs)
        return dirs.error();

    std::vector<Item> items;
    std::map<std::string, std::int64_t> incoming; ///< destination -> bytes
    for (const auto &t : request.targets) {
        const LogDirInfo *dest = nullptr;
        for (const auto &d : *dirs)
            if (sameDir(d.path, t.destination))
                dest = &d;
        if (!dest)
            return makeError(Errc::InvalidArgument,
                             t.destination + " is not a log dir of broker " + std::to_string(request.broker.get()),
                             "spillway-cli cluster log-dirs lists them");
        if (dest->error != KafkaError::None)
            return makeError(Errc::Io, dest->path + " is offline on broker " + std::to_string(request.broker.get()) +
                                           " (" + std::string(toString(dest->error)) + ")");
        const Where w = locate(*dirs, t.topic, t.partition);
        const std::string name = tpName(t.topic, t.partition);
        if (w.live.empty())
            return makeError(Errc::NotFound,
                             name + " has no replica on broker " + std::to_string(request.broker.get()));
        if (w.live.size() > 1)
            return makeError(Errc::Corrupt, name + " is live in " + w.live[0] + " and " + w.live[1]);
        if (!w.future.empty())
            return makeError(Errc::InvalidArgument,
                             name + " is being moved already (a -future replica in " + w.future.front() + ")",
                             "wait for it, or cancel it by moving the replica to " + w.live.front());
        if (sameDir(w.live.front(), dest->path))
            return makeError(Errc::InvalidArgument, name + " is already in " + dest->path);
        items.push_back({t.topic, t.partition, w.live.front(), dest->path, w.liveBytes});
        incoming[dest->path] += w.liveBytes;
    }
    for (const auto &[path, bytes] : incoming) {
        const auto it = std::find_if(dirs->begin(), dirs->end(), [&](const LogDirInfo &d) { return d.path == path; });
        const std::int64_t needed = bytes + std::max(kMinMargin, bytes / 20);
        if (it->usableBytes >= 0 && it->usableBytes < needed)
            return makeError(Errc::NoSpace, path + " has " + std::to_string(it->usableBytes) +
                                                " bytes free; the moves into it need " + std::to_string(needed) + " (" +
                                                std::to_string(bytes) + " plus a margin)");
    }

    // Per dir: Kafka bytes before and after; free space (v4) before and
    // after. Dirs reporting the same capacity and free bytes are taken to
    // share a filesystem, where a move frees nothing.
    Plan plan;
    plan.kind = std::string(kKind);
    std::int64_t total = 0;
    for (const auto &i : items)
        total += i.bytes;
    plan.summary = "move " +
                   (items.size() == 1
                        ? tpName(items[0].topic, items[0].partition) + " from " + items[0].from + " to " + items[0].to
                        : std::to_string(items.size()) + " replicas") +
                   " (" + std::to_string(total) + " bytes) on running broker " + std::to_string(request.broker.get());
    for (const auto &d : *dirs) {
        std::int64_t before = 0;
        for (const auto &p : d.partitions)
            before += p.sizeBytes;
        std::int64_t delta = 0;
        bool involved = false;
        for (const auto &i : items) {
            if (sameDir(i.from, d.path)) {
                delta -= i.bytes;
                involved = true;
            }
            if (sameDir(i.to, d.path)) {
                delta += i.bytes;
                involved = true;
            }
        }
        if (!involved)
            continue;
        auto shared = [&](const std::string &otherPath) {
            const auto other = std::find_if(dirs->begin(), dirs->end(),
                                            [&](const LogDirInfo &x) { return sameDir(x.path, otherPath); });
            return other != dirs->end() && other->totalBytes == d.totalBytes && other->usableBytes == d.usableBytes;
        };
        std::int64_t freeDelta = 0;
        for (const auto &i : items) {
            if (sameDir(i.from, d.path) && !shared(i.to))
                freeDelta += i.bytes;
            if (sameDir(i.to, d.path) && !shared(i.from))
                freeDelta -= i.bytes;
        }
        const std::int64_t free = std::max<std::int64_t>(d.usableBytes, 0);
        plan.disks.push_back({d.path, before, before + delta, free, d.usableBytes >= 0 ? free + freeDelta : 0});
    }
    if (request.throttleBytesPerSecond > 0)
        plan.steps.push_back("set " + std::string(kThrottleKey) + "=" + std::to_string(request.throttleBytesPerSecond) +
                             " on broker " + std::to_string(request.broker.get()) +
                             " (the current value is journaled)");
    for (const auto &i : items)
        plan.steps.push_back("AlterReplicaLogDirs " + tpName(i.topic, i.partition) + ": " + i.from + " -> " + i.to);
    plan.steps.push_back("follow the copies (-future replicas) through DescribeLogDirs until each is swapped in");
    plan.steps.push_back("verify: each partition live only in its destination, no -future left");
    if (request.throttleBytesPerSecond > 0)
        plan.steps.push_back("restore the previous throttle");

    plan.params = {{"bootstrap", request.bootstrap},
                   {"broker", std::to_string(request.broker.get())},
                   {"throttle", std::to_string(request.throttleBytesPerSecond)},
                   {"on-interrupt", request.cancelOnRecover ? "cancel" : "follow"},
                   {"poll-ms", std::to_string(std::max<std::int64_t>(10, request.pollIntervalMs))},
                   {"moves", std::to_string(items.size())}};
    for (std::size_t n = 0; n < items.size(); ++n) {
        const std::string k = "move." + std::to_string(n) + ".";
        plan.params[k + "topic"] = items[n].topic;
        plan.params[k + "partition"] = std::to_string(items[n].partition.get());
        plan.params[k + "from"] = items[n].from;
        plan.params[k + "to"] = items[n].to;
        plan.params[k + "bytes"] = std::to_string(items[n].bytes);
    }
    return plan;
}

Result<std::int64_t> OnlineMove::execute(Journal &journal, const Plan &plan, const RunOptions &options)
{
    auto parsed = Online::from(plan.params);
    if (!parsed)
        return parsed.error();
    Online o = std::move(*parsed);
    auto connected = connect(o.bootstrap);
    if (!connected)
        return connected.error();
    AdminClient &client = **connected;
    // The plan must still hold: each replica live where the plan found it.
    auto dirs = describe(client, o.broker);
    if (!dirs)
        return dirs.error();
    for (const auto &item : o.items) {
        const Where w = locate(*dirs, item.topic, item.partition);
        if (w.live.size() != 1 || !sameDir(w.live.front(), item.from) || !w.future.empty())
            return makeError(Errc::InvalidArgument, "the plan is stale: " + tpName(item.topic, item.partition) +
                                                        " is no longer only in " + item.from);
    }
    if (o.throttle > 0) {
        auto previous = readThrottle(client, o.broker);
        if (!previous)
            return previous.error();
        o.previousSet = previous->has_value();
        o.previous = previous->value_or("");
        o.params["throttle.previous.set"] = o.previousSet ? "1" : "0";
        o.params["throttle.previous"] = o.previous;
    }
    auto id = journal.begin(kKind, o.params["broker"], paramsToJson(o.params), plan.summary);
    if (!id)
        return id.error();
    JournalSteps steps(journal, *id, options, 0);
    options.report(0.0, "starting");

    // Before the broker has the request, a failure changes nothing but the throttle.
    auto started = [&]() -> Status {
        if (o.throttle > 0)
            if (auto st =
                    steps.run("throttle", [&] { return writeThrottle(client, o.broker, std::to_string(o.throttle)); });
                !st)
                return st;
        std::vector<admin::ReplicaLogDirMove> moves;
        for (const auto &item : o.items)
            moves.push_back({item.topic, item.partition, item.to});
        return steps.run("alter", [&] { return alter(client, o.broker, moves); });
    }();
    Status outcome = started;
    if (started)
        outcome = steps.run("copy", [&] { return follow(client, o, options, true, 0.05, 0.9); });
    if (outcome) {
        options.report(0.95, "verifying");
        outcome = steps.run("verify", [&] { return verify(client, o); });
    }

    if (!outcome && (outcome.error().code == Errc::Cancelled || !started)) {
        // Cancel, or AlterReplicaLogDirs refused some: put back what started.
        auto moved = cancelMoves(client, o, options);
        const bool restored = moved && restoreStep(steps, client, o);
        if (!moved || !restored) {
            // Left running: the broker may still copy; `ops recover` finishes it.
            return makeError(outcome.error().code,
                             outcome.error().message + "; the cancel did not complete (" +
                                 (moved ? std::string("throttle not restored") : moved.error().describe()) + ")",
                             "run `spillway-cli ops recover` when the broker answers");
        }
        const bool cancelled = outcome.error().code == Errc::Cancelled;
        (void)journal.finish(*id, cancelled ? OperationState::Cancelled : OperationState::RolledBack,
                             (cancelled ? "cancelled: " : "rolled back: ") + outcome.error().describe() + "; " +
                                 std::to_string(*moved) + " of " + std::to_string(o.items.size()) +
                                 " replicas had moved");
        return outcome.error();
    }
    if (!outcome) {
        // The broker may still be copying; leave the entry Running so that
        // `ops recover` follows it and restores the throttle.
        if (restoreStep(steps, client, o))
            (void)journal.finish(*id, OperationState::Failed, outcome.error().describe());
        return makeError(outcome.error().code, outcome.error().message,
                         "run `spillway-cli ops recover` to follow the move to its end");
    }
    if (auto st = restoreStep(steps, client, o); !st)
        return makeError(st.error().code, st.error().message + " (the move itself is done)",
                         "run `spillway-cli ops recover` to restore the throttle");
    options.report(1.0, "done");
    if (auto st = journal.finish(*id, OperationState::Done, plan.summary); !st)
        return st.error();
    return *id;
}

Result<OperationState> OnlineMove::recover(Journal &journal, const JournalEntry &entry, const RunOptions &options)
{
    auto parsed = Online::from(paramsFromJson(entry.params));
    if (!parsed)
        return parsed.error();
    const Online &o = *parsed;
    auto connected = connect(o.bootstrap);
    if (!connected)
        return connected.error();
    AdminClient &client = **connected;
    JournalSteps steps(journal, entry.id, options, nextStepSeq(entry));

    OperationState state = OperationState::Done;
    std::string summary;
    if (o.cancelOnRecover) {
        auto moved = cancelMoves(client, o, options);
        if (!moved)
            return moved.error();
        state = *moved == static_cast<int>(o.items.size()) ? OperationState::Done : OperationState::Cancelled;
        summary = "cancelled after an interruption; " + std::to_string(*moved) + " of " +
                  std::to_string(o.items.size()) + " replicas had moved";
        if (auto st = steps.run("cancel", [] { return Status{}; }); !st)
            return st.error();
    } else {
        // A copy still running is followed; one the broker never got (killed
        // before `alter`, or dropped) is asked again.
        if (auto st = steps.run("copy", [&] { return follow(client, o, options, false, 0.0, 0.9); }); !st)
            return st.error();
        if (auto st = steps.run("verify", [&] { return verify(client, o); }); !st)
            return st.error();
        summary = "finished after an interruption: " + entry.summary;
    }
    if (auto st = restoreStep(steps, client, o); !st)
        return st.error();
    if (auto st = journal.finish(entry.id, state, summary); !st)
        return st.error();
    return state;
}

} // namespace spillway::core::ops
