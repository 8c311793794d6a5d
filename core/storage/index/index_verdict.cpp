// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/index_verdict.h"

#include "core/common/json_writer.h"

namespace spillway::core {

std::string IndexFinding::describe(std::string_view fileLabel) const
{
    std::string where;
    const auto addPart = [&where](const std::string &part) {
        where += where.empty() ? " (" : ", ";
        where += part;
    };
    if (filePosition)
        addPart(std::string(fileLabel) + " " + std::to_string(*filePosition));
    if (logPosition)
        addPart("log byte " + std::to_string(logPosition->get()));
    if (offset)
        addPart("offset " + std::to_string(offset->get()));
    if (!where.empty())
        where += ")";
    return reason + where;
}

void FileVerdict::add(IndexFinding finding)
{
    if (finding.severity == FindingSeverity::Problem)
        ++problemCount;
    else
        ++noticeCount;
    if (findings.size() < kMaxFindings) {
        findings.push_back(std::move(finding));
    } else if (finding.severity == FindingSeverity::Problem) {
        // Keep at least one problem visible when notices filled the list.
        for (auto &f : findings) {
            if (f.severity == FindingSeverity::Notice) {
                f = std::move(finding);
                break;
            }
        }
    }
}

const IndexFinding *FileVerdict::firstProblem() const noexcept
{
    for (const auto &f : findings) {
        if (f.severity == FindingSeverity::Problem)
            return &f;
    }
    return nullptr;
}

std::int64_t FileVerdict::omittedFindings() const noexcept
{
    return problemCount + noticeCount - static_cast<std::int64_t>(findings.size());
}

std::string_view toString(OffsetConvention c) noexcept
{
    switch (c) {
    case OffsetConvention::None: return "none";
    case OffsetConvention::LastOffset: return "last-offset";
    case OffsetConvention::FirstOffset: return "first-offset";
    case OffsetConvention::Mixed: return "mixed";
    }
    return "none";
}

void writeJsonFields(JsonWriter &json, const FileVerdict &verdict)
{
    json.key("path").value(verdict.path.string());
    json.key("status").value(!verdict.present ? (verdict.ok() ? "absent" : "missing")
                                              : (verdict.ok() ? "ok" : "corrupt"));
    json.key("present").value(verdict.present);
    json.key("sizeBytes").value(verdict.sizeBytes);
    json.key("problems").value(verdict.problemCount);
    json.key("notices").value(verdict.noticeCount);
    json.key("findings").beginArray();
    for (const auto &f : verdict.findings) {
        json.beginObject();
        json.key("severity").value(f.severity == FindingSeverity::Problem ? "problem" : "notice");
        json.key("reason").value(f.reason);
        if (f.filePosition)
            json.key("filePosition").value(*f.filePosition);
        if (f.logPosition)
            json.key("logPosition").value(f.logPosition->get());
        if (f.offset)
            json.key("offset").value(f.offset->get());
        json.endObject();
    }
    json.endArray();
    json.key("omittedFindings").value(verdict.omittedFindings());
}

namespace {

void writeLayout(JsonWriter &json, const IndexFileLayout &layout)
{
    json.key("entries").value(layout.entryCount);
    json.key("zeroTailSlots").value(layout.zeroTailSlots);
    json.key("trailingBytes").value(layout.trailingBytes);
}

} // namespace

void writeJson(JsonWriter &json, const SegmentVerdict &verdict)
{
    json.beginObject();
    json.key("baseOffset").value(verdict.baseOffset.get());
    json.key("ok").value(verdict.ok());

    json.key("log").beginObject();
    writeJsonFields(json, verdict.log);
    const LogSummary &s = verdict.logSummary;
    json.key("tail").value(toString(s.tail));
    json.key("validBytes").value(s.validBytes);
    json.key("batches").value(s.batchCount);
    json.key("firstOffset");
    s.firstOffset ? json.value(s.firstOffset->get()) : json.null();
    json.key("lastOffset");
    s.lastOffset ? json.value(s.lastOffset->get()) : json.null();
    json.key("maxTimestamp").value(s.maxTimestamp.get());
    json.endObject();

    json.key("index").beginObject();
    writeJsonFields(json, verdict.offsetIndex);
    writeLayout(json, verdict.offsetLayout);
    json.key("convention").value(toString(verdict.offsetConvention));
    json.endObject();

    json.key("timeindex").beginObject();
    writeJsonFields(json, verdict.timeIndex);
    writeLayout(json, verdict.timeLayout);
    json.endObject();
    json.endObject();
}

} // namespace spillway::core
