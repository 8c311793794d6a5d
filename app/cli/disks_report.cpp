// SPDX-License-Identifier: GPL-3.0-or-later
// The human and JSON output of `spillway-cli disks`.
#include "app/cli/disks_command.h"

#include "app/cli/log_inspect.h"
#include "core/common/json_writer.h"
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace spillway::app {
namespace {

double round2(double v) { return std::round(v * 100.0) / 100.0; }

std::string notesFor(const DisksReport &r, std::size_t i)
{
    const measure::DirProbe &p = r.local.probe.dirs[i];
    const measure::LogDirSnapshot &d = r.snapshot.dirs[i];
    std::vector<std::string> notes;
    if (!p.exists)
        notes.emplace_back("MISSING");
    if (p.notMounted)
        notes.push_back("NOT MOUNTED (expected " + p.notMounted->expectedMountPoint + ")");
    if (d.offline)
        notes.emplace_back("OFFLINE");
    else if (!d.ioErrors.empty())
        notes.emplace_back("I/O ERRORS");
    if (p.exists && p.ownMountPoint)
        notes.emplace_back("own mount");
    if (p.exists && p.rootFilesystem)
        notes.emplace_back("root fs");
    for (const auto other : r.local.probe.sharedWith(i))
        notes.push_back("shares fs with " + r.local.probe.dirs[other].path.string());
    std::string text;
    for (const auto &n : notes)
        text += (text.empty() ? "" : ", ") + n;
    return text.empty() ? "-" : text;
}

void writeUsage(core::JsonWriter &json, const measure::FilesystemUsage &u)
{
    json.key("capacityBytes").value(u.capacityBytes);
    json.key("usedBytes").value(u.usedBytes);
    json.key("freeBytes").value(u.freeBytes);
    json.key("usedPercent").value(round2(u.usedPercent()));
}

void writeDir(core::JsonWriter &json, const DisksReport &r, std::size_t i)
{
    const measure::DirProbe &p = r.local.probe.dirs[i];
    const measure::LogDirSnapshot &d = r.snapshot.dirs[i];
    json.beginObject();
    json.key("path").value(p.path.string());
    json.key("canonicalPath").value(p.canonicalPath.string());
    json.key("exists").value(p.exists);
    json.key("isDirectory").value(p.isDirectory);
    json.key("error");
    if (p.error)
        json.value(p.error->describe());
    else
        json.null();
    json.key("device").value(d.device);
    json.key("mountPoint").value(p.mountPoint);
    json.key("fsType").value(p.fsType);
    json.key("source").value(p.source);
    json.key("ownMountPoint").value(p.ownMountPoint);
    json.key("rootFilesystem").value(p.rootFilesystem);
    if (p.usage)
        writeUsage(json, *p.usage);
    json.key("kafkaBytes").value(d.kafkaBytes);
    json.key("partitions").value(d.partitionCount);
    const auto &scan = r.local.scans[i];
    json.key("segments").value(static_cast<std::int64_t>(scan ? scan->segmentCount() : 0));
    json.key("sharedWith").beginArray();
    for (const auto other : r.local.probe.sharedWith(i))
        json.value(r.local.probe.dirs[other].path.string());
    json.endArray();
    json.key("notMounted");
    if (p.notMounted) {
        json.beginObject();
        json.key("expectedMountPoint").value(p.notMounted->expectedMountPoint);
        json.key("reason").value(p.notMounted->reason);
        json.endObject();
    } else {
        json.null();
    }
    json.key("offline").value(d.offline);
    json.key("ioErrors").beginArray();
    for (const auto &e : d.ioErrors)
        json.value(e);
    json.endArray();
    json.endObject();
}

void writeAlert(core::JsonWriter &json, const measure::Alert &a)
{
    json.beginObject();
    json.key("key").value(a.key);
    json.key("rule").value(measure::toString(a.rule));
    json.key("severity").value(measure::toString(a.severity));
    json.key("subject").value(a.subject);
    json.key("text").value(a.text);
    json.key("fix").beginObject();
    json.key("kind").value(measure::toString(a.fix.kind));
    json.key("description").value(a.fix.describe());
    if (a.fix.broker)
        json.key("broker").value(a.fix.broker->get());
    if (!a.fix.dir.empty())
        json.key("dir").value(a.fix.dir);
    if (!a.fix.topic.empty())
        json.key("topic").value(a.fix.topic);
    json.key("adviceOnly").value(a.fix.adviceOnly);
    json.endObject();
    json.endObject();
}

} // namespace

void printDisksJson(const DisksReport &r)
{
    core::JsonWriter json;
    json.beginObject();
    json.key("brokerId").value(r.brokerId);
    json.key("origin").value(r.origin);
    json.key("logDirs").beginArray();
    for (std::size_t i = 0; i < r.local.probe.dirs.size(); ++i)
        writeDir(json, r, i);
    json.endArray();
    json.key("filesystems").beginArray();
    for (const auto &fs : r.local.probe.filesystems) {
        json.beginObject();
        json.key("device").value(fs.device.toString());
        json.key("mountPoint").value(fs.mountPoint);
        json.key("fsType").value(fs.fsType);
        json.key("rootFilesystem").value(fs.rootFilesystem);
        writeUsage(json, fs.usage);
        json.key("logDirs").beginArray();
        for (const auto i : fs.dirs)
            json.value(r.local.probe.dirs[i].path.string());
        json.endArray();
        json.endObject();
    }
    json.endArray();
    json.key("total").beginObject();
    writeUsage(json, r.local.probe.total());
    std::int64_t kafka = 0;
    for (const auto &d : r.snapshot.dirs)
        kafka += d.kafkaBytes;
    json.key("kafkaBytes").value(kafka);
    json.key("filesystems").value(static_cast<std::int64_t>(r.local.probe.filesystems.size()));
    json.endObject();
    json.key("skew").beginObject();
    json.key("basis").value(r.skew.basis == measure::SkewBasis::Utilisation ? "utilisation" : "bytes");
    json.key("skewIndexPercent").value(round2(r.skew.skewIndexPercent));
    json.key("partitionSkewIndexPercent").value(round2(r.skew.partitionSkewIndexPercent));
    json.key("thresholdPercent").value(r.thresholds.skewThresholdPercent);
    json.key("belowMinimum").value(r.skew.belowMinimum);
    json.key("balanced").value(r.skew.balanced);
    json.key("disks").beginArray();
    for (const auto &d : r.skew.disks) {
        json.beginObject();
        json.key("path").value(d.dir);
        json.key("kafkaBytes").value(d.kafkaBytes);
        json.key("partitions").value(d.partitions);
        json.key("deviationPercent").value(round2(d.deviationPercent));
        json.key("partitionDeviationPercent").value(round2(d.partitionDeviationPercent));
        json.key("withinThreshold").value(d.withinThreshold);
        json.endObject();
    }
    json.endArray();
    json.endObject();
    json.key("alerts").beginArray();
    for (const auto &a : r.alerts)
        writeAlert(json, a);
    json.endArray();
    json.endObject();
    std::printf("%s\n", json.str().c_str());
}

void printDisksHuman(const DisksReport &r)
{
    const auto &probe = r.local.probe;
    std::printf("Broker %d (%s): %zu log dir(s) on %zu filesystem(s)\n\n", r.brokerId, r.origin.c_str(),
                probe.dirs.size(), probe.filesystems.size());
    std::size_t width = 8;
    std::size_t mountWidth = 11;
    std::size_t fsWidth = 4;
    for (const auto &d : probe.dirs) {
        width = std::max(width, d.path.string().size());
        mountWidth = std::max(mountWidth, d.mountPoint.size());
        fsWidth = std::max(fsWidth, d.fsType.size());
    }
    std::printf("%s %s %s %9s %9s %9s %7s %9s %6s  %s\n", pad("LOG DIR", width).c_str(),
                pad("MOUNT POINT", mountWidth).c_str(), pad("FS", fsWidth).c_str(), "SIZE", "USED", "FREE", "USE%",
                "KAFKA", "PARTS", "NOTES");
    for (std::size_t i = 0; i < probe.dirs.size(); ++i) {
        const auto &p = probe.dirs[i];
        const auto &d = r.snapshot.dirs[i];
        const auto u = p.usage;
        char pct[16] = "-";
        if (u)
            std::snprintf(pct, sizeof pct, "%.1f%%", u->usedPercent());
        std::printf("%s %s %s %9s %9s %9s %7s %9s %6s  %s\n", pad(p.path.string(), width).c_str(),
                    pad(p.exists ? p.mountPoint : "-", mountWidth).c_str(),
                    pad(p.exists ? p.fsType : "-", fsWidth).c_str(), u ? formatBytes(u->capacityBytes).c_str() : "-",
                    u ? formatBytes(u->usedBytes).c_str() : "-", u ? formatBytes(u->freeBytes).c_str() : "-", pct,
                    p.exists ? formatBytes(d.kafkaBytes).c_str() : "-",
                    p.exists ? std::to_string(d.partitionCount).c_str() : "-", notesFor(r, i).c_str());
    }
    const auto total = probe.total();
    std::printf("\nTotal, each filesystem once: %s size, %s used, %s free", formatBytes(total.capacityBytes).c_str(),
                formatBytes(total.usedBytes).c_str(), formatBytes(total.freeBytes).c_str());
    std::printf("; skew %.0f %% (%s, threshold %.0f %%)\n", r.skew.skewIndexPercent,
                r.skew.belowMinimum ? "too little data to judge"
                : r.skew.balanced   ? "balanced"
                                    : "NOT balanced",
                r.thresholds.skewThresholdPercent);
    if (r.alerts.empty()) {
        std::printf("\nNo alerts.\n");
        return;
    }
    std::printf("\nAlerts:\n");
    for (const auto &a : r.alerts) {
        std::string severity(measure::toString(a.severity));
        for (auto &c : severity)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        std::printf("  %-8s  %s\n            fix: %s\n", severity.c_str(), a.text.c_str(), a.fix.describe().c_str());
    }
}

} // namespace spillway::app
