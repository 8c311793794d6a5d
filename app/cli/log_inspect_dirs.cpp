// SPDX-License-Identifier: GPL-3.0-or-later
// `log inspect <partition dir>` and `log inspect <log dir>`.
#include "app/cli/cli_command.h"
#include "app/cli/log_inspect.h"
#include "core/storage/format/segment_file_name.h"
#include "core/storage/logdir/log_dir_scan.h"
#include "core/storage/logdir/producer_snapshot.h"

#include <array>
#include <cstdio>

namespace spillway::app {
namespace {

/// Checkpoint files in the order shown, with their operator-facing names.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kCheckpoints = {{
    {core::kRecoveryPointCheckpointFile, "recovery point"},
    {core::kReplicationCheckpointFile, "high watermark"},
    {core::kLogStartOffsetCheckpointFile, "log start"},
    {core::kCleanerOffsetCheckpointFile, "cleaner"},
}};

std::string problemLine(const core::ScanProblem &p) { return p.error.describe(); }

std::string optionalBytes(const std::optional<std::int64_t> &bytes) { return bytes ? formatBytes(*bytes) : "-"; }

/// This partition's value in each checkpoint file of its log dir.
struct CheckpointValue {
    std::string_view label;
    std::optional<core::Offset> offset;
    bool fileExists = false;
};

std::vector<CheckpointValue> checkpointValues(const core::PartitionScan &scan, std::vector<std::string> &problems)
{
    std::vector<CheckpointValue> out;
    const auto logDir = scan.path.parent_path();
    for (const auto &[file, label] : kCheckpoints) {
        CheckpointValue v{label, std::nullopt, false};
        auto cp = core::OffsetCheckpoint::read(logDir / file);
        if (cp) {
            v.fileExists = true;
            if (scan.name)
                v.offset = cp->find(scan.name->topic, scan.name->partition);
        } else if (cp.error().code != core::Errc::NotFound) {
            v.fileExists = true;
            problems.push_back(cp.error().describe());
        }
        out.push_back(v);
    }
    return out;
}

void writeProblemsJson(core::JsonWriter &w, const std::vector<std::string> &problems)
{
    w.key("problems").beginArray();
    for (const auto &p : problems)
        w.value(p);
    w.endArray();
    w.key("ok").value(problems.empty());
}

void printProblems(const std::vector<std::string> &problems)
{
    if (problems.empty())
        return;
    std::printf("\nProblems (%zu):\n", problems.size());
    for (const auto &p : problems)
        std::printf("  %s\n", p.c_str());
}

} // namespace

int inspectPartitionCommand(const std::filesystem::path &path, bool json, bool decodeRecords)
{
    core::LogDirScanOptions options;
    options.readPartitionFiles = true;
    auto scanned = core::LogDirScanner::scanPartitionDir(path, options);
    if (!scanned) {
        printError(scanned.error());
        return ExitUsage;
    }
    const core::PartitionScan &scan = *scanned;
    std::vector<std::string> problems;
    for (const auto &p : scan.problems)
        problems.push_back(problemLine(p));
    const auto checkpoints = checkpointValues(scan, problems);

    std::vector<SegmentReport> segments;
    std::int64_t records = 0;
    for (const auto &seg : scan.segments) {
        const auto file = scan.path / (core::formatOffsetFileStem(seg.baseOffset) + ".log");
        auto report = inspectSegment(file, false, decodeRecords);
        if (!report) {
            problems.push_back(report.error().describe());
            segments.emplace_back();
            continue;
        }
        for (const auto &p : report->problems)
            problems.push_back(file.filename().string() + ": " + p);
        records += report->recordCount;
        segments.push_back(std::move(report).value());
    }
    std::vector<std::pair<std::string, std::int64_t>> snapshots; // name, producers (-1 unreadable)
    for (const auto &snap : scan.snapshots) {
        const std::string name = core::formatOffsetFileStem(snap.offset) + ".snapshot";
        auto read = core::ProducerSnapshot::read(scan.path / name);
        if (!read)
            problems.push_back(read.error().describe());
        snapshots.emplace_back(name, read ? static_cast<std::int64_t>(read->entries().size()) : -1);
    }

    if (json) {
        core::JsonWriter w;
        w.beginObject();
        w.key("type").value("partition");
        w.key("path").value(scan.path.string());
        w.key("topic");
        if (scan.name)
            w.value(scan.name->topic);
        else
            w.null();
        w.key("partition");
        if (scan.name)
            w.value(static_cast<int>(scan.name->partition.get()));
        else
            w.null();
        w.key("kind").value(scan.name ? core::toString(scan.name->kind) : "unknown");
        w.key("topicId");
        if (scan.metadata)
            w.value(scan.metadata->topicId.toString());
        else
            w.null();
        w.key("checkpoints").beginObject();
        for (const auto &c : checkpoints) {
            w.key(c.label);
            if (c.offset)
                w.value(c.offset->get());
            else
                w.null();
        }
        w.endObject();
        w.key("leaderEpochs").beginArray();
        if (scan.leaderEpochs) {
            for (const auto &e : scan.leaderEpochs->entries())
                w.beginObject()
                    .key("epoch")
                    .value(static_cast<int>(e.epoch.get()))
                    .key("startOffset")
                    .value(e.startOffset.get())
                    .endObject();
        }
        w.endArray();
        w.key("segments").beginArray();
        for (std::size_t i = 0; i < scan.segments.size(); ++i) {
            const auto &seg = scan.segments[i];
            const auto &rep = segments[i];
            w.beginObject();
            w.key("baseOffset").value(seg.baseOffset.get());
            w.key("lastOffset");
            if (rep.lastOffset)
                w.value(rep.lastOffset->get());
            else
                w.null();
            w.key("records").value(rep.recordCount);
            w.key("batches").value(rep.batchCount);
            w.key("logBytes").value(seg.logBytes);
            w.key("indexBytes").value(seg.indexBytes.value_or(-1));
            w.key("timeIndexBytes").value(seg.timeIndexBytes.value_or(-1));
            w.key("txnIndexBytes").value(seg.txnIndexBytes.value_or(-1));
            w.key("tail");
            writeTailJson(w, rep);
            w.endObject();
        }
        w.endArray();
        w.key("snapshots").beginArray();
        for (const auto &[name, producers] : snapshots)
            w.beginObject().key("file").value(name).key("producers").value(producers).endObject();
        w.endArray();
        w.key("leftovers").beginArray();
        for (const auto &l : scan.leftovers)
            w.beginObject()
                .key("file")
                .value(l.name)
                .key("kind")
                .value(core::toString(l.kind))
                .key("bytes")
                .value(l.bytes)
                .endObject();
        w.endArray();
        w.key("unknown").beginArray();
        for (const auto &u : scan.unknown)
            w.value(u.name);
        w.endArray();
        w.key("segmentCount").value(static_cast<std::int64_t>(scan.segments.size()));
        w.key("recordCount").value(records);
        w.key("totalBytes").value(scan.totalBytes);
        writeProblemsJson(w, problems);
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return problems.empty() ? ExitOk : ExitProblems;
    }

    std::printf("Partition      %s (%s)\n", scan.dirName.c_str(),
                scan.name ? std::string(core::toString(scan.name->kind)).c_str() : "not a Kafka name");
    std::printf("Path           %s\n", scan.path.string().c_str());
    std::printf("Topic id       %s\n", scan.metadata ? scan.metadata->topicId.toString().c_str() : "-");
    if (scan.leaderEpochs && !scan.leaderEpochs->entries().empty()) {
        const auto &last = scan.leaderEpochs->entries().back();
        std::printf("Leader epochs  %zu, latest %d from offset %lld\n", scan.leaderEpochs->entries().size(),
                    last.epoch.get(), static_cast<long long>(last.startOffset.get()));
    } else {
        std::printf("Leader epochs  -\n");
    }
    std::string cpLine;
    for (const auto &c : checkpoints) {
        if (!cpLine.empty())
            cpLine += ", ";
        cpLine += std::string(c.label) + " " + (c.offset ? std::to_string(c.offset->get()) : "-");
    }
    std::printf("Checkpoints    %s\n\n", cpLine.c_str());

    std::printf("%-20s  %-25s %s %s %s %s %s %s  %s\n", "SEGMENT", "OFFSETS", pad("RECORDS", 9, true).c_str(),
                pad("BATCHES", 8, true).c_str(), pad("LOG", 9, true).c_str(), pad("INDEX", 9, true).c_str(),
                pad("TIMEINDEX", 9, true).c_str(), pad("TXNINDEX", 9, true).c_str(), "TAIL");
    for (std::size_t i = 0; i < scan.segments.size(); ++i) {
        const auto &seg = scan.segments[i];
        const auto &rep = segments[i];
        const std::string offsets =
            rep.firstOffset ? std::to_string(rep.firstOffset->get()) + ".." + std::to_string(rep.lastOffset->get())
                            : "(empty)";
        std::printf(
            "%-20s  %-25s %s %s %s %s %s %s  %s\n", core::formatOffsetFileStem(seg.baseOffset).c_str(), offsets.c_str(),
            pad(std::to_string(rep.recordCount), 9, true).c_str(), pad(std::to_string(rep.batchCount), 8, true).c_str(),
            pad(formatBytes(seg.logBytes), 9, true).c_str(), pad(optionalBytes(seg.indexBytes), 9, true).c_str(),
            pad(optionalBytes(seg.timeIndexBytes), 9, true).c_str(),
            pad(optionalBytes(seg.txnIndexBytes), 9, true).c_str(), tailText(rep).c_str());
    }
    std::printf("\n");
    for (const auto &[name, producers] : snapshots)
        std::printf("Snapshot       %s (%s)\n", name.c_str(),
                    producers < 0 ? "unreadable" : (std::to_string(producers) + " producers").c_str());
    for (const auto &l : scan.leftovers)
        std::printf("Leftover       %s (%s, %s; Kafka resolves it at the next start)\n", l.name.c_str(),
                    std::string(core::toString(l.kind)).c_str(), formatBytes(l.bytes).c_str());
    for (const auto &u : scan.unknown)
        std::printf("Unknown        %s%s\n", u.name.c_str(), u.isDirectory ? "/" : "");
    std::printf("Total          %zu segments, %lld records, %s on disk\n", scan.segments.size(),
                static_cast<long long>(records), formatBytes(scan.totalBytes).c_str());
    printProblems(problems);
    return problems.empty() ? ExitOk : ExitProblems;
}

int inspectLogDirCommand(const std::filesystem::path &path, bool json)
{
    core::LogDirScanOptions options;
    options.readBrokerFiles = true;
    options.readPartitionFiles = true;
    auto scanned = core::LogDirScanner::scanLogDir(path, options);
    if (!scanned) {
        printError(scanned.error());
        return ExitUsage;
    }
    const core::LogDirScan &scan = *scanned;
    std::vector<std::string> problems;
    for (const auto &p : scan.problems)
        problems.push_back(problemLine(p));
    for (const auto &part : scan.partitions) {
        for (const auto &p : part.problems)
            problems.push_back(problemLine(p));
    }
    const char *lock = !scan.hasLockFile ? "no .lock file"
                       : !scan.lockHeld  ? "unknown"
                       : *scan.lockHeld  ? "HELD by a running process (a broker is using this dir)"
                                         : "not held (no broker is using this dir)";

    if (json) {
        core::JsonWriter w;
        w.beginObject();
        w.key("type").value("logDir");
        w.key("path").value(scan.path.string());
        w.key("metaProperties");
        if (scan.metaProperties) {
            const auto &m = *scan.metaProperties;
            w.beginObject().key("version").value(m.version);
            w.key("nodeId");
            if (m.nodeId)
                w.value(static_cast<int>(m.nodeId->get()));
            else
                w.null();
            w.key("clusterId");
            if (m.clusterId)
                w.value(*m.clusterId);
            else
                w.null();
            w.key("directoryId");
            if (m.directoryId)
                w.value(*m.directoryId);
            else
                w.null();
            w.endObject();
        } else {
            w.null();
        }
        w.key("lockFile").value(scan.hasLockFile);
        w.key("lockHeld");
        if (scan.lockHeld)
            w.value(*scan.lockHeld);
        else
            w.null();
        w.key("cleanShutdown").value(scan.cleanShutdown.has_value());
        w.key("brokerEpoch");
        if (scan.cleanShutdown && scan.cleanShutdown->brokerEpoch)
            w.value(*scan.cleanShutdown->brokerEpoch);
        else
            w.null();
        w.key("checkpoints").beginObject();
        for (const auto &cp : scan.checkpoints) {
            w.key(cp.name);
            if (cp.checkpoint)
                w.value(static_cast<std::int64_t>(cp.checkpoint->entries().size()));
            else
                w.null();
        }
        w.endObject();
        w.key("partitions").beginArray();
        for (const auto &p : scan.partitions) {
            w.beginObject().key("dir").value(p.dirName);
            w.key("kind").value(p.name ? core::toString(p.name->kind) : "unknown");
            w.key("segments").value(static_cast<std::int64_t>(p.segments.size()));
            w.key("logBytes").value(p.logBytes());
            w.key("totalBytes").value(p.totalBytes);
            w.key("leftovers").value(static_cast<std::int64_t>(p.leftovers.size()));
            w.endObject();
        }
        w.endArray();
        w.key("unknown").beginArray();
        for (const auto &u : scan.unknown)
            w.value(u.name);
        w.endArray();
        w.key("partitionCount").value(static_cast<std::int64_t>(scan.partitions.size()));
        w.key("segmentCount").value(static_cast<std::int64_t>(scan.segmentCount()));
        w.key("totalBytes").value(scan.totalBytes);
        writeProblemsJson(w, problems);
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return problems.empty() ? ExitOk : ExitProblems;
    }

    std::printf("Log dir          %s\n", scan.path.string().c_str());
    if (scan.metaProperties) {
        const auto &m = *scan.metaProperties;
        std::printf("meta.properties  version %d, %s %s, cluster.id %s%s%s\n", m.version,
                    m.version == 0 ? "broker.id" : "node.id", m.nodeId ? std::to_string(m.nodeId->get()).c_str() : "-",
                    m.clusterId ? m.clusterId->c_str() : "-", m.directoryId ? ", directory.id " : "",
                    m.directoryId ? m.directoryId->c_str() : "");
    } else {
        std::printf("meta.properties  %s\n", scan.metaPropertiesBytes ? "unreadable (see problems)" : "missing");
    }
    std::printf("Lock             %s\n", lock);
    if (scan.cleanShutdown)
        std::printf("Clean shutdown   marker present%s (the broker stopped cleanly and skips recovery)\n",
                    scan.cleanShutdown->brokerEpoch
                        ? (", broker epoch " + std::to_string(*scan.cleanShutdown->brokerEpoch)).c_str()
                        : "");
    else
        std::printf("Clean shutdown   no marker (the broker is running or stopped uncleanly)\n");
    for (const auto &cp : scan.checkpoints)
        std::printf("%-33s %s\n", cp.name.c_str(),
                    !cp.bytes       ? "missing"
                    : cp.checkpoint ? (std::to_string(cp.checkpoint->entries().size()) +
                                       (cp.checkpoint->entries().size() == 1 ? " entry" : " entries"))
                                          .c_str()
                                    : "unreadable (see problems)");

    std::size_t width = 9;
    for (const auto &p : scan.partitions)
        width = std::max(width, p.dirName.size());
    std::printf("\n%s  %-7s %s %s %s\n", pad("PARTITION", width).c_str(), "KIND", pad("SEGMENTS", 8, true).c_str(),
                pad("LOG", 9, true).c_str(), pad("TOTAL", 9, true).c_str());
    std::size_t notLive = 0;
    for (const auto &p : scan.partitions) {
        const std::string_view kind = p.name ? core::toString(p.name->kind) : "?";
        notLive += kind != "live" ? 1 : 0;
        std::printf("%s  %-7s %s %s %s%s\n", pad(p.dirName, width).c_str(), std::string(kind).c_str(),
                    pad(std::to_string(p.segments.size()), 8, true).c_str(),
                    pad(formatBytes(p.logBytes()), 9, true).c_str(), pad(formatBytes(p.totalBytes), 9, true).c_str(),
                    p.leftovers.empty() ? "" : ("  " + std::to_string(p.leftovers.size()) + " leftover files").c_str());
    }
    std::printf("\n");
    for (const auto &u : scan.unknown)
        std::printf("Unknown          %s%s\n", u.name.c_str(), u.isDirectory ? "/" : "");
    std::printf("Total            %zu partitions (%zu not live), %zu segments, %s\n", scan.partitions.size(), notLive,
                scan.segmentCount(), formatBytes(scan.totalBytes).c_str());
    printProblems(problems);
    return problems.empty() ? ExitOk : ExitProblems;
}

} // namespace spillway::app
