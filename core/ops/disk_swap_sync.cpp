// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/disk_swap_sync.h"

#include "core/ops/ops_text.h"
#include <algorithm>
#include <cstdio>
#include <thread>

namespace spillway::core::ops {
namespace {

bool contains(const std::vector<std::int32_t> &ids, std::int32_t id)
{
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::string joinIds(const std::vector<std::int32_t> &ids)
{
    std::string out;
    for (auto id : ids)
        out += (out.empty() ? "" : ",") + std::to_string(id);
    return out.empty() ? std::string("none") : out;
}

/// The dir and bytes of `name` among `dirs` (online dirs only); false when absent.
bool find(const std::vector<BrokerLogDirView> &dirs, const std::string &name, std::string &dir, std::int64_t &bytes)
{
    for (const auto &d : dirs) {
        if (!d.online)
            continue;
        if (auto it = d.partitions.find(name); it != d.partitions.end()) {
            dir = d.path;
            bytes = it->second;
            return true;
        }
    }
    return false;
}

} // namespace

std::string_view toString(ReplicaSync state) noexcept
{
    switch (state) {
    case ReplicaSync::InSync: return "in sync";
    case ReplicaSync::CatchingUp: return "catching up";
    case ReplicaSync::ReplicaOffline: return "replica offline";
    case ReplicaSync::NoLeader: return "no leader";
    case ReplicaSync::Gone: return "gone";
    }
    return "unknown";
}

double PartitionSync::fraction() const
{
    switch (state) {
    case ReplicaSync::InSync:
    case ReplicaSync::Gone: return 1.0;
    case ReplicaSync::CatchingUp:
        if (bytes < 0 || leaderBytes <= 0)
            return 0.0;
        // Never 1 before the ISR says so: the last bytes may be in flight.
        return std::min(0.99, static_cast<double>(bytes) / static_cast<double>(leaderBytes));
    case ReplicaSync::ReplicaOffline:
    case ReplicaSync::NoLeader: return 0.0;
    }
    return 0.0;
}

std::string PartitionSync::describe() const
{
    std::string out = name + ": " + std::string(toString(state));
    switch (state) {
    case ReplicaSync::InSync: out += " (ISR " + joinIds(isr) + ")"; break;
    case ReplicaSync::CatchingUp: {
        out += ", ";
        out += bytes >= 0 ? mib(bytes) : std::string("size unknown");
        out += " of ";
        out += leaderBytes >= 0 ? mib(leaderBytes) : std::string("an unknown size");
        out += " on leader " + std::to_string(leader);
        if (bytes >= 0 && leaderBytes > 0)
            out += " (" + std::to_string(static_cast<int>(fraction() * 100)) + "%)";
        out += ", ISR " + joinIds(isr);
        if (dir.empty())
            out += "; not in a log dir of the broker yet";
        break;
    }
    case ReplicaSync::ReplicaOffline:
        out += ": the broker reports this replica offline (offline replicas " + joinIds(offlineReplicas) +
               "); it does not re-sync until its log dir is back";
        break;
    case ReplicaSync::NoLeader:
        out += ": no live leader (replicas " + joinIds(replicas) + ", ISR " + joinIds(isr) +
               "); nothing to re-sync from until one is elected";
        break;
    case ReplicaSync::Gone: out += ": deleted or reassigned away meanwhile; nothing to wait for"; break;
    }
    return out;
}

std::size_t SyncStatus::total() const
{
    return static_cast<std::size_t>(std::count_if(partitions.begin(), partitions.end(),
                                                  [](const PartitionSync &p) { return p.state != ReplicaSync::Gone; }));
}

std::size_t SyncStatus::inSync() const
{
    return static_cast<std::size_t>(std::count_if(
        partitions.begin(), partitions.end(), [](const PartitionSync &p) { return p.state == ReplicaSync::InSync; }));
}

bool SyncStatus::complete() const { return inSync() == total(); }

double SyncStatus::fraction() const
{
    const std::size_t n = total();
    if (n == 0)
        return 1.0;
    double sum = 0;
    for (const auto &p : partitions)
        if (p.state != ReplicaSync::Gone)
            sum += p.fraction();
    return sum / static_cast<double>(n);
}

std::vector<PartitionSync> SyncStatus::outOfSync() const
{
    std::vector<PartitionSync> out;
    for (const auto &p : partitions)
        if (p.state != ReplicaSync::InSync && p.state != ReplicaSync::Gone)
            out.push_back(p);
    return out;
}

std::set<std::string> SyncStatus::followed() const
{
    std::set<std::string> out;
    for (const auto &p : partitions)
        if (p.state != ReplicaSync::Gone)
            out.insert(p.name);
    return out;
}

std::string SyncStatus::progressLine() const
{
    std::string out = std::to_string(inSync()) + " of " + std::to_string(total()) +
                      " replicated partition(s) of broker " + std::to_string(brokerId) + " in sync";
    std::int64_t have = 0;
    std::int64_t want = 0;
    std::size_t sized = 0;
    for (const auto &p : partitions)
        if (p.state == ReplicaSync::CatchingUp && p.bytes >= 0 && p.leaderBytes >= 0) {
            have += std::min(p.bytes, p.leaderBytes);
            want += p.leaderBytes;
            ++sized;
        }
    if (sized > 0)
        out += "; re-syncing " + mib(have) + " of " + mib(want);
    return out;
}

SyncStatus evaluateReplicaSync(std::int32_t brokerId, const std::vector<PartitionReplicasView> &partitions,
                               const std::map<std::int32_t, std::vector<BrokerLogDirView>> &logDirs,
                               const std::set<std::string> &followed)
{
    static const std::vector<BrokerLogDirView> kNone;
    const auto dirsOf = [&](std::int32_t id) -> const std::vector<BrokerLogDirView> & {
        auto it = logDirs.find(id);
        return it == logDirs.end() ? kNone : it->second;
    };
    SyncStatus status;
    status.brokerId = brokerId;
    std::set<std::string> seen;
    for (const auto &m : partitions) {
        const std::string name = m.topic + "-" + std::to_string(m.partition);
        if (!contains(m.replicas, brokerId) || m.replicas.size() < 2)
            continue; // not ours (reassigned away: below), or RF 1: nothing to re-sync
        seen.insert(name);
        PartitionSync p;
        p.name = name;
        p.leader = m.leader;
        p.replicas = m.replicas;
        p.isr = m.isr;
        p.offlineReplicas = m.offlineReplicas;
        (void)find(dirsOf(brokerId), name, p.dir, p.bytes);
        if (m.leader >= 0) {
            std::string leaderDir;
            (void)find(dirsOf(m.leader), name, leaderDir, p.leaderBytes);
        }
        if (contains(m.isr, brokerId))
            p.state = ReplicaSync::InSync;
        else if (contains(m.offlineReplicas, brokerId))
            p.state = ReplicaSync::ReplicaOffline;
        else if (m.leader < 0 || contains(m.offlineReplicas, m.leader))
            p.state = ReplicaSync::NoLeader;
        else
            p.state = ReplicaSync::CatchingUp;
        status.partitions.push_back(std::move(p));
    }
    for (const auto &name : followed)
        if (!seen.count(name)) {
            PartitionSync p;
            p.name = name;
            p.state = ReplicaSync::Gone;
            status.partitions.push_back(std::move(p));
        }
    std::sort(status.partitions.begin(), status.partitions.end(),
              [](const PartitionSync &a, const PartitionSync &b) { return a.name < b.name; });
    return status;
}

SyncWait waitForReplicaSync(std::int32_t brokerId, const DescribeBroker &describe, std::chrono::seconds timeout,
                            const RunOptions &options, std::chrono::milliseconds poll)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::set<std::string> followed;
    SyncWait wait;
    wait.status.brokerId = brokerId;
    while (true) {
        auto view = describe(brokerId);
        if (view) {
            std::map<std::int32_t, std::vector<BrokerLogDirView>> dirs;
            dirs[brokerId] = view->dirs;
            SyncStatus status = evaluateReplicaSync(brokerId, view->partitions, dirs, followed);
            // The leaders' sizes, for the partitions still catching up.
            std::set<std::int32_t> leaders;
            for (const auto &p : status.partitions)
                if (p.state == ReplicaSync::CatchingUp && p.leader >= 0 && p.leader != brokerId)
                    leaders.insert(p.leader);
            for (auto leader : leaders)
                if (auto lv = describe(leader))
                    dirs[leader] = std::move(lv->dirs);
            if (!leaders.empty())
                status = evaluateReplicaSync(brokerId, view->partitions, dirs, followed);
            const auto now = status.followed();
            followed.insert(now.begin(), now.end());
            wait.status = std::move(status);
            wait.looked = true;
            wait.lastError.clear();
            options.report(0.85 + 0.14 * wait.status.fraction(), wait.status.progressLine());
            if (wait.status.complete()) {
                wait.end = "in sync";
                return wait;
            }
        } else {
            wait.lastError = view.error().describe();
            options.report(0.85, "waiting for broker " + std::to_string(brokerId) + " to describe its partitions");
        }
        if (options.cancelled()) {
            wait.end = "stopped by the operator";
            return wait;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            wait.end = timeout.count() == 0 ? std::string("not waited (sync timeout 0)")
                                            : "timed out after " + std::to_string(timeout.count()) + " s";
            return wait;
        }
        for (auto slept = std::chrono::milliseconds(0); slept < poll && !options.cancelled();
             slept += std::chrono::milliseconds(100))
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

} // namespace spillway::core::ops
