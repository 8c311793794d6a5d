// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli status`: one round (or --watch rounds) of the console's
// measurement loop — the same ClusterSampler + MonitorRound the console's
// ClusterMonitor runs on its worker thread.
#include "app/cli/status_command.h"

#include "app/cli/cli_command.h"
#include "app/cli/text_table.h"
#include "core/common/json_writer.h"
#include "core/measure/measure_format.h"
#include "core/services/cluster_monitor.h"
#include "core/services/cluster_monitor_round.h"

#include <QCoreApplication>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

namespace spillway::app {
namespace {

namespace measure = core::measure;

constexpr const char *kUsage =
    "Usage: spillway-cli status [--lab [ROOT] | --bootstrap HOST:PORT[,...]] [--json]\n"
    "                           [--watch SECONDS [--count N]] [--history FILE]\n"
    "                           [--usage-warn PCT] [--usage-critical PCT]\n"
    "\n"
    "One round of the console's measurement loop: every broker of the cluster (Metadata), each\n"
    "log dir's filesystem size, use%, Kafka bytes and partitions (DescribeLogDirs; for brokers\n"
    "whose files are on this machine also the local scan: device, mount point, not-mounted and\n"
    "root-filesystem checks), the growth of each filesystem and the time until it is full (from\n"
    "the recorded history, the last hour), the consumer groups' lag, and the active alerts with\n"
    "the action that fixes each.\n"
    "\n"
    "Options:\n"
    "  --lab [ROOT]       the lab (default root: $XDG_DATA_HOME/spillway/lab); its brokers' files are local\n"
    "  --bootstrap LIST   a cluster by its bootstrap servers; its brokers' files are remote\n"
    "                     (without either: the default lab)\n"
    "  --json             one JSON document (with --watch: one per line and round)\n"
    "  --watch SECONDS    measure again every SECONDS, recording history (Ctrl-C stops)\n"
    "  --count N          with --watch: stop after N rounds\n"
    "  --history FILE     the history database (default: the console's, in $XDG_DATA_HOME/spillway)\n"
    "  --usage-warn PCT, --usage-critical PCT   disk usage thresholds (default 80, 90)\n"
    "\n"
    "Exit status: 0 no warning or critical alert, 1 alerts or measurement problems, 2 usage error.\n";

volatile std::sig_atomic_t g_interrupted = 0;
void onSignal(int) { g_interrupted = 1; }

void ensureCoreApplication()
{
    // QtSql loads its SQLite driver plugin through the application instance.
    if (QCoreApplication::instance())
        return;
    static char name[] = "spillway-cli";
    static char *argv[] = {name, nullptr};
    static int argc = 1;
    static QCoreApplication app(argc, argv);
}

struct DirFigures {
    std::optional<double> growthPerSecond;
    std::optional<double> secondsToFull;
};

DirFigures figures(const measure::LogDirSnapshot &d)
{
    DirFigures f;
    if (d.growth) {
        f.growthPerSecond = d.growth->perSecond;
        if (d.usage)
            f.secondsToFull = measure::secondsToFull(d.usage->freeBytes, *d.growth);
    }
    return f;
}

void writeJson(core::JsonWriter &j, const core::MonitorUpdate &u, const core::MonitorRound &round,
               const std::string &bootstrap)
{
    const auto &sample = round.lastSample();
    j.beginObject();
    j.key("time_ms").value(u.snapshot.timeMs);
    j.key("round").value(static_cast<std::uint64_t>(u.round));
    j.key("bootstrap").value(bootstrap);
    j.key("cluster_id").value(sample.clusterId);
    j.key("worker_ms").value(u.workerMs);
    j.key("brokers").beginArray();
    for (std::size_t i = 0; i < u.snapshot.brokers.size(); ++i) {
        const auto &b = u.snapshot.brokers[i];
        const bool local = i < sample.brokers.size() && sample.brokers[i].local;
        j.beginObject();
        j.key("id").value(b.id.get());
        j.key("name").value(b.displayName());
        j.key("address").value(i < sample.brokers.size() ? sample.brokers[i].address : std::string());
        j.key("state").value(measure::toString(b.state));
        j.key("state_detail").value(b.stateDetail);
        j.key("local").value(local);
        if (!local)
            j.key("local_reason")
                .value("the broker's log dirs are not on this machine: file-based operations "
                       "(offline partition move, index rebuild, disk swap) are unavailable");
        j.key("dirs").beginArray();
        for (const auto &d : b.dirs) {
            const DirFigures f = figures(d);
            j.beginObject();
            j.key("path").value(d.path);
            j.key("source").value(measure::toString(d.source));
            j.key("exists").value(d.exists);
            j.key("offline").value(d.offline);
            j.key("io_errors").beginArray();
            for (const auto &e : d.ioErrors)
                j.value(e);
            j.endArray();
            if (d.usage) {
                j.key("capacity_bytes").value(d.usage->capacityBytes);
                j.key("used_bytes").value(d.usage->usedBytes);
                j.key("free_bytes").value(d.usage->freeBytes);
                j.key("used_percent").value(d.usage->usedPercent());
            } else {
                j.key("capacity_bytes").null();
                j.key("used_bytes").null();
                j.key("free_bytes").null();
                j.key("used_percent").null();
            }
            j.key("kafka_bytes").value(d.kafkaBytes);
            j.key("partition_count").value(d.partitionCount);
            j.key("device").value(d.device);
            j.key("mount_point").value(d.mountPoint);
            j.key("own_mount_point").value(d.ownMountPoint);
            j.key("root_filesystem").value(d.rootFilesystem);
            if (d.notMounted)
                j.key("not_mounted").value(d.notMounted->reason);
            else
                j.key("not_mounted").null();
            if (d.growth) {
                j.key("growth_bytes_per_second").value(d.growth->perSecond);
                j.key("trend").value(measure::toString(d.growth->trend));
                j.key("growth_samples").value(static_cast<std::uint64_t>(d.growth->samples));
            } else {
                j.key("growth_bytes_per_second").null();
                j.key("trend").null();
                j.key("growth_samples").value(0);
            }
            if (f.secondsToFull)
                j.key("seconds_to_full").value(*f.secondsToFull);
            else
                j.key("seconds_to_full").null();
            j.key("partitions").beginArray();
            for (const auto &p : d.partitions) {
                j.beginObject();
                j.key("topic").value(p.topic);
                j.key("partition").value(p.partition.get());
                j.key("bytes").value(p.bytes);
                j.key("future").value(p.isFuture);
                j.endObject();
            }
            j.endArray();
            j.endObject();
        }
        j.endArray();
        j.endObject();
    }
    j.endArray();
    j.key("topics").beginArray();
    for (const auto &t : u.snapshot.topics) {
        j.beginObject();
        j.key("name").value(t.name);
        j.key("partitions").value(t.partitions);
        j.key("replication_factor").value(t.replicationFactor);
        j.key("internal").value(t.internal);
        j.endObject();
    }
    j.endArray();
    j.key("groups").beginArray();
    for (const auto &g : u.snapshot.groups) {
        j.beginObject();
        j.key("group").value(g.lag.group);
        j.key("total_lag").value(g.lag.totalLag);
        if (g.trend) {
            j.key("trend").value(measure::toString(g.trend->trend));
            j.key("lag_per_second").value(g.trend->perSecond);
        } else {
            j.key("trend").null();
            j.key("lag_per_second").null();
        }
        j.key("topics").beginArray();
        for (const auto &t : g.lag.topics) {
            j.beginObject();
            j.key("topic").value(t.topic);
            j.key("lag").value(t.lag);
            j.endObject();
        }
        j.endArray();
        j.endObject();
    }
    j.endArray();
    j.key("alerts").beginArray();
    for (const auto &a : u.alerts) {
        j.beginObject();
        j.key("key").value(a.key);
        j.key("rule").value(measure::toString(a.rule));
        j.key("severity").value(measure::toString(a.severity));
        j.key("text").value(a.text);
        if (a.broker)
            j.key("broker").value(a.broker->get());
        else
            j.key("broker").null();
        j.key("dir").value(a.dir);
        j.key("fix").value(a.fix.kind == measure::FixKind::None ? std::string() : a.fix.describe());
        j.key("fix_kind").value(measure::toString(a.fix.kind));
        j.key("first_seen_ms").value(a.firstSeenMs);
        j.endObject();
    }
    j.endArray();
    j.key("problems").beginArray();
    for (const auto &p : u.problems)
        j.value(p);
    j.endArray();
    j.endObject();
}

std::string orDash(const std::optional<std::string> &s) { return s ? *s : "-"; }

void printHuman(const core::MonitorUpdate &u, const core::MonitorRound &round, const std::string &bootstrap)
{
    const auto &sample = round.lastSample();
    std::printf("Cluster %s%s — round %llu, measured in %lld ms\n",
                bootstrap.empty() ? "(local files only)" : bootstrap.c_str(),
                sample.clusterId.empty() ? "" : (" (id " + sample.clusterId + ")").c_str(),
                static_cast<unsigned long long>(u.round), static_cast<long long>(u.workerMs));
    for (std::size_t i = 0; i < u.snapshot.brokers.size(); ++i) {
        const auto &b = u.snapshot.brokers[i];
        const bool local = i < sample.brokers.size() && sample.brokers[i].local;
        std::printf("\n%s: %.*s%s%s, files %s\n", b.displayName().c_str(),
                    static_cast<int>(measure::toString(b.state).size()), measure::toString(b.state).data(),
                    b.stateDetail.empty() ? "" : " — ", b.stateDetail.c_str(),
                    local ? "on this machine" : "remote (file-based operations unavailable)");
        TextTable table({"LOG DIR", "SIZE", "USED", "FREE", "USE%", "KAFKA", "PARTS", "GROWTH", "FULL IN", "NOTES"},
                        {false, true, true, true, true, true, true, true, true, false});
        for (const auto &d : b.dirs) {
            const DirFigures f = figures(d);
            std::string notes;
            auto add = [&notes](const std::string &n) { notes += (notes.empty() ? "" : "; ") + n; };
            if (!d.exists)
                add("missing");
            if (d.offline)
                add("OFFLINE");
            if (d.notMounted)
                add("not mounted");
            if (d.rootFilesystem)
                add("root filesystem");
            if (d.source == measure::MeasurementSource::DescribeLogDirs)
                add("from broker");
            std::optional<std::string> growth;
            if (d.growth)
                growth = d.growth->trend == measure::Trend::Steady
                             ? std::string("steady")
                             : measure::formatByteRatePerHour(d.growth->perSecond);
            std::optional<std::string> full;
            if (f.secondsToFull)
                full = measure::formatDuration(*f.secondsToFull);
            else if (d.growth)
                full = "not growing";
            table.row({d.path, d.usage ? humanBytes(d.usage->capacityBytes) : "-",
                       d.usage ? humanBytes(d.usage->usedBytes) : "-", d.usage ? humanBytes(d.usage->freeBytes) : "-",
                       d.usage ? measure::formatPercent(d.usage->usedPercent()) : "-", humanBytes(d.kafkaBytes),
                       std::to_string(d.partitionCount), orDash(growth), orDash(full), notes});
        }
        if (table.empty())
            std::printf("  (no log dirs known)\n");
        else
            table.print(stdout, "  ");
    }
    if (!u.snapshot.groups.empty()) {
        std::printf("\nConsumer groups:\n");
        TextTable groups({"GROUP", "LAG", "TREND"}, {false, true, false});
        for (const auto &g : u.snapshot.groups)
            groups.row({g.lag.group, std::to_string(g.lag.totalLag),
                        g.trend ? std::string(measure::toString(g.trend->trend)) : "-"});
        groups.print(stdout, "  ");
    }
    std::printf("\nAlerts: %zu\n", u.alerts.size());
    for (const auto &a : u.alerts) {
        const auto sev = measure::toString(a.severity);
        std::printf("  %-8.*s %s\n", static_cast<int>(sev.size()), sev.data(), a.text.c_str());
        if (a.fix.kind != measure::FixKind::None)
            std::printf("           fix: %s\n", a.fix.describe().c_str());
    }
    if (!u.problems.empty()) {
        std::printf("\nCould not measure:\n");
        for (const auto &p : u.problems)
            std::printf("  - %s\n", p.c_str());
    }
    std::fflush(stdout);
}

bool parsePercent(const std::optional<std::string> &text, double &out)
{
    if (!text)
        return true;
    try {
        std::size_t used = 0;
        out = std::stod(*text, &used);
        return used == text->size() && out > 0 && out <= 100;
    } catch (...) {
        return false;
    }
}

} // namespace

int runStatusCommand(std::span<const std::string> argsIn)
{
    std::vector<std::string> args(argsIn.begin(), argsIn.end());
    if (takeFlag(args, "--help") || takeFlag(args, "-h")) {
        std::fputs(kUsage, stdout);
        return ExitOk;
    }
    bool missing = false;
    const bool json = takeFlag(args, "--json");
    const auto bootstrap = takeValue(args, "--bootstrap", missing);
    const auto watch = takeValue(args, "--watch", missing);
    const auto count = takeValue(args, "--count", missing);
    const auto history = takeValue(args, "--history", missing);
    const auto warn = takeValue(args, "--usage-warn", missing);
    const auto critical = takeValue(args, "--usage-critical", missing);
    // --lab takes an optional ROOT: the next argument when it is not an option.
    bool lab = false;
    std::filesystem::path labRoot;
    for (auto it = args.begin(); it != args.end(); ++it) {
        if (*it == "--lab") {
            lab = true;
            auto next = it + 1;
            if (next != args.end() && !next->starts_with("-")) {
                labRoot = *next;
                args.erase(it, next + 1);
            } else {
                args.erase(it);
            }
            break;
        }
        if (it->starts_with("--lab=")) {
            lab = true;
            labRoot = it->substr(6);
            args.erase(it);
            break;
        }
    }
    if (missing || !args.empty() || (lab && bootstrap)) {
        if (!args.empty())
            std::fprintf(stderr, "spillway-cli status: unexpected argument '%s'\n", args.front().c_str());
        std::fputs(kUsage, stderr);
        return ExitUsage;
    }
    int watchSeconds = 0;
    if (watch && (!parseNumber(*watch, watchSeconds) || watchSeconds <= 0)) {
        std::fprintf(stderr, "spillway-cli status: --watch needs a positive number of seconds\n");
        return ExitUsage;
    }
    std::uint64_t rounds = watch ? 0 : 1; // 0: until interrupted
    if (count && (!parseNumber(*count, rounds) || rounds == 0)) {
        std::fprintf(stderr, "spillway-cli status: --count needs a positive number\n");
        return ExitUsage;
    }
    core::MonitorConfig config;
    if (!parsePercent(warn, config.thresholds.usageWarnPercent) ||
        !parsePercent(critical, config.thresholds.usageCriticalPercent)) {
        std::fprintf(stderr, "spillway-cli status: usage thresholds are percentages in (0, 100]\n");
        return ExitUsage;
    }
    if (bootstrap) {
        config.bootstrap = *bootstrap;
    } else {
        auto labConfig = core::monitorConfigForLab(labRoot);
        if (!labConfig) {
            std::fprintf(stderr, "spillway-cli status: %s\n", labConfig.error().describe().c_str());
            return ExitUsage;
        }
        labConfig->thresholds = config.thresholds;
        config = std::move(*labConfig);
    }
    if (history)
        config.historyFile = QString::fromStdString(*history);

    ensureCoreApplication();
    core::MonitorRound round(config);
    const std::string shownBootstrap = round.sampler().bootstrap();
    if (watch) {
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    int exitCode = ExitOk;
    for (std::uint64_t n = 1; rounds == 0 || n <= rounds; ++n) {
        const core::MonitorUpdate update = round.run(n);
        if (json) {
            core::JsonWriter j(watch ? 0 : 2);
            writeJson(j, update, round, shownBootstrap);
            std::printf("%s\n", j.str().c_str());
            std::fflush(stdout);
        } else {
            if (n > 1)
                std::printf("\n----\n");
            printHuman(update, round, shownBootstrap);
        }
        exitCode = ExitOk;
        for (const auto &a : update.alerts) {
            if (a.severity != measure::AlertSeverity::Info)
                exitCode = ExitProblems;
        }
        if (!update.problems.empty())
            exitCode = ExitProblems;
        if (rounds != 0 && n == rounds)
            break;
        // Sleep in small steps so that Ctrl-C ends the loop promptly.
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(watchSeconds);
        while (!g_interrupted && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (g_interrupted)
            break;
    }
    return exitCode;
}

} // namespace spillway::app
