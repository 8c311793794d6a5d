// SPDX-License-Identifier: GPL-3.0-or-later
// `log inspect <segment.log>`: the batch walk shared with the partition
// view, and the segment view itself.
#include "app/cli/cli_command.h"
#include "app/cli/log_inspect.h"
#include "core/storage/format/records.h"
#include "core/storage/format/segment_file_name.h"

#include <cstdio>
#include <limits>

namespace spillway::app {
namespace {

std::string at(std::int64_t position) { return "batch at byte " + std::to_string(position); }

/// Collects rows and checks what the parser does not: offsets increase from
/// batch to batch and fit the segment's 32-bit relative offsets.
class InspectConsumer : public core::BatchConsumer {
public:
    InspectConsumer(SegmentReport &report, bool keepBatches, bool decodeRecords)
        : m_report(report)
        , m_keep(keepBatches)
        , m_decode(decodeRecords)
    {}

    bool onBatch(const core::BatchInfo &batch) override
    {
        std::int64_t records = batch.recordCount;
        if (m_decode) {
            if (auto counted = core::countRecords(batch))
                records = *counted;
            else
                m_report.problems.push_back(at(batch.position.get()) + ": " + counted.error().message);
        }
        if (records < 0)
            m_report.recordCountExact = false;
        else
            m_report.recordCount += records;
        checkOffsets(batch);
        ++m_report.batchCount;
        if (!m_report.firstOffset)
            m_report.firstOffset = batch.baseOffset;
        m_report.lastOffset = batch.lastOffset;
        if (m_keep) {
            BatchRow row{batch, records};
            row.info.bytes = {};
            m_report.batches.push_back(row);
        }
        return true;
    }

private:
    void checkOffsets(const core::BatchInfo &batch)
    {
        const std::string where = at(batch.position.get());
        if (m_report.lastOffset && batch.baseOffset <= *m_report.lastOffset && batch.magic == 2)
            m_report.problems.push_back(where + ": base offset " + std::to_string(batch.baseOffset.get()) +
                                        " does not follow the previous last offset " +
                                        std::to_string(m_report.lastOffset->get()));
        else if (m_report.lastOffset && batch.lastOffset <= *m_report.lastOffset)
            m_report.problems.push_back(where + ": offset " + std::to_string(batch.lastOffset.get()) +
                                        " does not follow the previous offset " +
                                        std::to_string(m_report.lastOffset->get()));
        if (!m_report.nameOffset)
            return;
        const std::int64_t base = m_report.nameOffset->get();
        if (batch.baseOffset.get() < base && batch.magic == 2)
            m_report.problems.push_back(where + ": offset " + std::to_string(batch.baseOffset.get()) +
                                        " is below the segment's base offset " + std::to_string(base));
        else if (batch.lastOffset.get() - base > std::numeric_limits<std::int32_t>::max())
            m_report.problems.push_back(where + ": offset " + std::to_string(batch.lastOffset.get()) +
                                        " does not fit a 32-bit offset relative to the base offset " +
                                        std::to_string(base));
    }

    SegmentReport &m_report;
    bool m_keep;
    bool m_decode;
};

const char *flagsOf(const core::BatchInfo &b)
{
    if (b.control)
        return b.transactional ? "txn,control" : "control";
    return b.transactional ? "txn" : "";
}

void writeBatchJson(core::JsonWriter &json, const BatchRow &row)
{
    const auto &b = row.info;
    json.beginObject();
    json.key("position").value(b.position.get());
    json.key("baseOffset").value(b.baseOffset.get());
    json.key("lastOffset").value(b.lastOffset.get());
    json.key("records").value(row.records);
    json.key("magic").value(static_cast<int>(b.magic));
    json.key("compression").value(core::toString(b.compression));
    json.key("timestampType")
        .value(b.timestampType == core::TimestampType::LogAppendTime ? "LogAppendTime" : "CreateTime");
    json.key("baseTimestamp").value(b.baseTimestamp.get());
    json.key("maxTimestamp").value(b.maxTimestamp.get());
    json.key("leaderEpoch").value(static_cast<int>(b.leaderEpoch.get()));
    json.key("producerId").value(b.producerId);
    json.key("sizeBytes").value(b.sizeInBytes);
    json.key("crc").value("ok");
    json.key("transactional").value(b.transactional);
    json.key("control").value(b.control);
    json.endObject();
}

void printBatchTable(const SegmentReport &report)
{
    std::printf("%s %s %s %s %s %-6s %s %-24s %s %s  %s\n", pad("POSITION", 10, true).c_str(),
                pad("BASE OFFSET", 12, true).c_str(), pad("LAST OFFSET", 12, true).c_str(),
                pad("RECORDS", 8, true).c_str(), pad("MAGIC", 5, true).c_str(), "CODEC", pad("EPOCH", 6, true).c_str(),
                "MAX TIMESTAMP", pad("SIZE", 9, true).c_str(), "CRC", "FLAGS");
    for (const auto &row : report.batches) {
        const auto &b = row.info;
        std::printf("%s %s %s %s %s %-6s %s %-24s %s %s  %s\n", pad(std::to_string(b.position.get()), 10, true).c_str(),
                    pad(std::to_string(b.baseOffset.get()), 12, true).c_str(),
                    pad(std::to_string(b.lastOffset.get()), 12, true).c_str(),
                    pad(row.records < 0 ? "?" : std::to_string(row.records), 8, true).c_str(),
                    pad(std::to_string(b.magic), 5, true).c_str(), std::string(core::toString(b.compression)).c_str(),
                    pad(b.magic == 2 ? std::to_string(b.leaderEpoch.get()) : "-", 6, true).c_str(),
                    formatTimestamp(b.maxTimestamp).c_str(), pad(formatBytes(b.sizeInBytes), 9, true).c_str(), "ok ",
                    flagsOf(b));
    }
}

} // namespace

core::Result<SegmentReport> inspectSegment(const std::filesystem::path &logFile, bool keepBatches, bool decodeRecords)
{
    SegmentReport report;
    report.path = logFile;
    if (const auto name = core::parseSegmentFileName(logFile.filename().string()))
        report.nameOffset = name->offset;
    InspectConsumer consumer(report, keepBatches, decodeRecords);
    core::ParseOptions options;
    options.mode = core::ParseMode::Recovery;
    auto outcome = core::SegmentParser::parseFile(logFile, consumer, options);
    if (!outcome)
        return outcome.error();
    report.outcome = *outcome;
    const auto &o = report.outcome;
    if (o.tail == core::TailState::Corrupt) {
        const auto &p = o.problem;
        report.problems.push_back(
            "corrupt " + at(p ? p->position.get() : o.validBytes) +
            (p && p->offset ? " (offset " + std::to_string(p->offset->get()) + ")" : std::string()) + ": " +
            (p ? p->reason : std::string("invalid batch")) + "; valid up to byte " + std::to_string(o.validBytes));
    } else if (o.tail == core::TailState::Torn) {
        report.problems.push_back("torn tail: valid up to byte " + std::to_string(o.validBytes) + " of " +
                                  std::to_string(o.dataSize) +
                                  " (the last write was cut short; Kafka truncates it during recovery)");
    } else if (o.tail == core::TailState::ZeroFilled) {
        report.notes.push_back("zero-filled from byte " + std::to_string(o.validBytes) + " of " +
                               std::to_string(o.dataSize) + " (preallocated or unflushed space)");
    }
    return report;
}

std::string tailText(const SegmentReport &report)
{
    const auto &o = report.outcome;
    switch (o.tail) {
    case core::TailState::Clean:
    case core::TailState::Stopped: return "clean, all " + std::to_string(o.dataSize) + " bytes valid";
    case core::TailState::Torn:
        return "torn, valid up to byte " + std::to_string(o.validBytes) + " of " + std::to_string(o.dataSize);
    case core::TailState::ZeroFilled:
        return "zero-filled, valid up to byte " + std::to_string(o.validBytes) + " of " + std::to_string(o.dataSize);
    case core::TailState::Corrupt:
        return "CORRUPT, valid up to byte " + std::to_string(o.validBytes) + " of " + std::to_string(o.dataSize);
    }
    return "unknown";
}

void writeTailJson(core::JsonWriter &json, const SegmentReport &report)
{
    json.beginObject();
    json.key("state").value(core::toString(report.outcome.tail));
    json.key("validBytes").value(report.outcome.validBytes);
    json.key("dataSize").value(report.outcome.dataSize);
    json.endObject();
}

int inspectSegmentCommand(const std::filesystem::path &path, bool json, bool decodeRecords)
{
    auto report = inspectSegment(path, true, decodeRecords);
    if (!report) {
        printError(report.error());
        return ExitUsage;
    }
    const SegmentReport &r = *report;
    if (json) {
        core::JsonWriter w;
        w.beginObject();
        w.key("type").value("segment");
        w.key("path").value(r.path.string());
        w.key("baseOffset");
        r.nameOffset ? w.value(r.nameOffset->get()) : w.null();
        w.key("batchCount").value(r.batchCount);
        w.key("recordCount").value(r.recordCount);
        w.key("recordCountExact").value(r.recordCountExact);
        w.key("firstOffset");
        r.firstOffset ? w.value(r.firstOffset->get()) : w.null();
        w.key("lastOffset");
        r.lastOffset ? w.value(r.lastOffset->get()) : w.null();
        w.key("tail");
        writeTailJson(w, r);
        w.key("batches").beginArray();
        for (const auto &row : r.batches)
            writeBatchJson(w, row);
        w.endArray();
        w.key("problems").beginArray();
        for (const auto &p : r.problems)
            w.value(p);
        w.endArray();
        w.key("notes").beginArray();
        for (const auto &n : r.notes)
            w.value(n);
        w.endArray();
        w.key("ok").value(r.problems.empty());
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return r.problems.empty() ? ExitOk : ExitProblems;
    }
    std::printf("Segment      %s\n", r.path.string().c_str());
    std::printf("Base offset  %s\n",
                r.nameOffset ? std::to_string(r.nameOffset->get()).c_str() : "- (not a 20-digit name)");
    std::printf("Contents     %lld batches, %s%lld records, offsets %s, %s\n", static_cast<long long>(r.batchCount),
                r.recordCountExact ? "" : "at least ", static_cast<long long>(r.recordCount),
                r.firstOffset
                    ? (std::to_string(r.firstOffset->get()) + ".." + std::to_string(r.lastOffset->get())).c_str()
                    : "-",
                formatBytes(r.outcome.dataSize).c_str());
    std::printf("Tail         %s\n\n", tailText(r).c_str());
    if (!r.batches.empty())
        printBatchTable(r);
    for (const auto &n : r.notes)
        std::printf("\nNote: %s\n", n.c_str());
    if (!r.problems.empty()) {
        std::printf("\nProblems (%zu):\n", r.problems.size());
        for (const auto &p : r.problems)
            std::printf("  %s\n", p.c_str());
    }
    return r.problems.empty() ? ExitOk : ExitProblems;
}

} // namespace spillway::app
