// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/index_report.h"

#include "app/cli/cli_command.h"

#include <cstdio>

namespace spillway::app {
using namespace spillway::core;

namespace {

/// "orders-0/00000000000000000000.index": enough to find the file, short
/// enough to keep the columns readable.
std::string shortName(const std::filesystem::path &file)
{
    const std::filesystem::path dir = file.parent_path().filename();
    if (dir.empty() || dir == "." || dir == "..")
        return file.filename().string();
    return (dir / file.filename()).string();
}

std::string plural(std::int64_t n, const char *one, const char *many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string withMore(const FileVerdict &v, const IndexFinding &shown, std::string_view fileLabel)
{
    std::string text = shown.describe(fileLabel);
    if (v.problemCount > 1)
        text += " (+" + plural(v.problemCount - 1, "more problem", "more problems") + ")";
    return text;
}

const IndexFinding *firstNotice(const FileVerdict &v)
{
    for (const auto &f : v.findings) {
        if (f.severity == FindingSeverity::Notice)
            return &f;
    }
    return nullptr;
}

void writeRebuiltFile(JsonWriter &json, const RebuiltFile &f)
{
    json.beginObject();
    json.key("path").value(f.path.string());
    json.key("entries").value(f.entries);
    json.key("existed").value(f.existed);
    json.key("changed").value(f.changed);
    json.key("backup");
    f.backup ? json.value(f.backup->string()) : json.null();
    json.endObject();
}

} // namespace

IndexReport::IndexReport(Mode mode, bool json, std::vector<std::string> paths)
    : m_mode(mode)
    , m_json(json)
    , m_paths(std::move(paths))
{
    m_doc.beginObject();
    m_doc.key("command").value(m_mode == Mode::Verify ? "index verify" : "index rebuild");
    m_doc.key("paths").beginArray();
    for (const auto &p : m_paths)
        m_doc.value(p);
    m_doc.endArray();
    m_doc.key("segments").beginArray();
}

void IndexReport::notePartition(const std::filesystem::path &dir)
{
    m_partitions.insert(dir.lexically_normal().string());
}

void IndexReport::line(std::string_view status, const std::filesystem::path &file, const std::string &text) const
{
    if (m_json)
        return;
    std::printf("%-8.*s %-40s %s\n", static_cast<int>(status.size()), status.data(), shortName(file).c_str(),
                text.c_str());
}

void IndexReport::addError(const std::string &what, const Error &error)
{
    ++m_errorCount;
    if (!m_json) {
        std::fprintf(stderr, "ERROR    %s: %s%s%s\n", what.c_str(), error.message.c_str(),
                     error.hint.empty() ? "" : "\n         hint: ", error.hint.c_str());
    }
    m_errors.push_back({what, error});
}

void IndexReport::verdictLine(const FileVerdict &v, const std::string &okText) const
{
    if (!v.ok()) {
        line(v.present ? "CORRUPT" : "MISSING", v.path, withMore(v, *v.firstProblem(), "index byte"));
        return;
    }
    std::string text = okText;
    if (const IndexFinding *note = firstNotice(v))
        text += (text.empty() ? "note: " : "; note: ") + note->reason;
    line("OK", v.path, text);
}

void IndexReport::addVerdict(const SegmentVerdict &verdict)
{
    ++m_segmentCount;
    bool needsRebuild = false;
    for (const FileVerdict *v : {&verdict.offsetIndex, &verdict.timeIndex}) {
        if (v->ok())
            continue;
        needsRebuild = true;
        ++(v->present ? m_corruptIndexes : m_missingIndexes);
    }
    if (!verdict.log.ok())
        ++m_damagedLogs;
    if (needsRebuild && verdict.log.present)
        m_segmentsToRebuild.push_back(verdict.log.path);

    if (m_json) {
        writeJson(m_doc, verdict);
        return;
    }
    if (!verdict.log.findings.empty()) {
        const FileVerdict &log = verdict.log;
        if (log.ok())
            line("NOTE", log.path, firstNotice(log)->describe());
        else
            line(log.present ? "CORRUPT" : "MISSING", log.path, withMore(log, *log.firstProblem(), "byte"));
    }
    std::string offsetText = plural(verdict.offsetLayout.entryCount, "entry", "entries");
    if (verdict.offsetConvention == OffsetConvention::FirstOffset)
        offsetText += ", first-offset entries (Kafka <= 1.1)";
    else if (verdict.offsetConvention == OffsetConvention::Mixed)
        offsetText += ", first- and last-offset entries";
    verdictLine(verdict.offsetIndex, verdict.offsetIndex.present ? offsetText : std::string());
    verdictLine(verdict.timeIndex,
                verdict.timeIndex.present ? plural(verdict.timeLayout.entryCount, "entry", "entries") : std::string());
}

void IndexReport::addOrphan(const SegmentFiles &segment)
{
    ++m_segmentCount;
    ++m_orphans;
    if (m_json) {
        m_doc.beginObject();
        m_doc.key("log").value(segment.log().string());
        m_doc.key("skipped").value("no .log: nothing to rebuild from (Kafka deletes orphaned index files at load)");
        m_doc.endObject();
        return;
    }
    line("SKIPPED", segment.log(), "no .log: nothing to rebuild from (Kafka deletes orphaned index files at load)");
}

void IndexReport::addRebuild(const RebuildReport &report)
{
    ++m_segmentCount;
    for (const RebuiltFile *f : {&report.offsetIndex, &report.timeIndex})
        ++(f->changed ? m_replacedFiles : m_unchangedFiles);
    if (report.logNeedsRecovery())
        ++m_damagedLogs;

    if (m_json) {
        m_doc.beginObject();
        m_doc.key("log").value(report.segment.log().string());
        m_doc.key("logSize").value(report.logSize);
        m_doc.key("validBytes").value(report.validBytes);
        m_doc.key("logTail").value(toString(report.logTail));
        m_doc.key("logNeedsRecovery").value(report.logNeedsRecovery());
        m_doc.key("index");
        writeRebuiltFile(m_doc, report.offsetIndex);
        m_doc.key("timeindex");
        writeRebuiltFile(m_doc, report.timeIndex);
        m_doc.endObject();
        return;
    }
    if (report.logNeedsRecovery()) {
        std::string why = report.logProblem                   ? report.logProblem->reason
                          : report.logTail == TailState::Torn ? std::string("torn tail: the last batch is incomplete")
                                                              : std::string(toString(report.logTail));
        line("WARNING", report.segment.log(),
             why + "; indexes cover bytes 0.." + std::to_string(report.validBytes) + " of " +
                 std::to_string(report.logSize) +
                 "; the log itself needs recovery (Kafka truncates it after an unclean shutdown; spillway does not)");
    }
    for (const RebuiltFile *f : {&report.offsetIndex, &report.timeIndex}) {
        std::string text = plural(f->entries, "entry", "entries");
        if (!f->changed)
            line("OK", f->path, text + ", unchanged");
        else if (!f->existed)
            line("REBUILT", f->path, text + " (created)");
        else if (f->backup)
            line("REBUILT", f->path, text + " (old file kept as " + f->backup->filename().string() + ")");
        else
            line("REBUILT", f->path, text + " (old file replaced, no backup)");
    }
}

std::string IndexReport::summaryText() const
{
    std::string s = (m_mode == Mode::Verify ? "checked " : "rebuilt indexes of ") +
                    plural(m_segmentCount, "segment", "segments") + " in " +
                    plural(static_cast<std::int64_t>(m_partitions.size()), "partition", "partitions") + ": ";
    std::vector<std::string> parts;
    if (m_mode == Mode::Verify) {
        if (m_corruptIndexes > 0)
            parts.push_back(plural(m_corruptIndexes, "corrupt index", "corrupt indexes"));
        if (m_missingIndexes > 0)
            parts.push_back(plural(m_missingIndexes, "missing index", "missing indexes"));
    } else {
        parts.push_back(plural(m_replacedFiles, "file replaced", "files replaced"));
        parts.push_back(std::to_string(m_unchangedFiles) + " unchanged");
    }
    if (m_damagedLogs > 0)
        parts.push_back(plural(m_damagedLogs, "damaged log", "damaged logs") + " (needs Kafka's recovery)");
    if (m_orphans > 0)
        parts.push_back(plural(m_orphans, "index without a .log", "indexes without a .log"));
    if (m_errorCount > 0)
        parts.push_back(plural(m_errorCount, "error", "errors"));
    if (parts.empty())
        parts.push_back("all indexes OK");
    for (std::size_t i = 0; i < parts.size(); ++i)
        s += (i == 0 ? "" : ", ") + parts[i];

    if (!m_segmentsToRebuild.empty()) {
        std::string target;
        if (m_segmentsToRebuild.size() <= 3) {
            for (const auto &p : m_segmentsToRebuild)
                target += (target.empty() ? "" : " ") + p.string();
        } else {
            for (const auto &p : m_paths)
                target += (target.empty() ? "" : " ") + p;
        }
        s += "; run `spillway-cli index rebuild " + target + "`";
    }
    return s;
}

int IndexReport::finish()
{
    const bool problems = m_corruptIndexes + m_missingIndexes + m_damagedLogs + m_orphans > 0;
    const int code = m_errorCount > 0 ? ExitUsage : (problems ? ExitProblems : ExitOk);
    if (!m_json) {
        std::printf("%s\n", summaryText().c_str());
        return code;
    }
    m_doc.endArray();
    m_doc.key("errors").beginArray();
    for (const auto &e : m_errors) {
        m_doc.beginObject();
        m_doc.key("path").value(e.what);
        m_doc.key("code").value(toString(e.error.code));
        m_doc.key("message").value(e.error.message);
        m_doc.key("hint").value(e.error.hint);
        m_doc.endObject();
    }
    m_doc.endArray();
    m_doc.key("summary").beginObject();
    m_doc.key("segments").value(m_segmentCount);
    m_doc.key("partitions").value(static_cast<std::int64_t>(m_partitions.size()));
    m_doc.key("corruptIndexes").value(m_corruptIndexes);
    m_doc.key("missingIndexes").value(m_missingIndexes);
    m_doc.key("damagedLogs").value(m_damagedLogs);
    m_doc.key("replacedFiles").value(m_replacedFiles);
    m_doc.key("unchangedFiles").value(m_unchangedFiles);
    m_doc.key("orphanedIndexes").value(m_orphans);
    m_doc.key("errors").value(m_errorCount);
    m_doc.key("text").value(summaryText());
    m_doc.endObject();
    m_doc.key("exitCode").value(code);
    m_doc.endObject();
    std::printf("%s\n", m_doc.str().c_str());
    return code;
}

} // namespace spillway::app
