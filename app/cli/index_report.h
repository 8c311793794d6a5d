// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/json_writer.h"
#include "core/common/result.h"
#include "core/storage/index/index_rebuilder.h"
#include "core/storage/index/index_verdict.h"

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace spillway::app {

/// Collects the results of one `index verify` or `index rebuild` run and
/// prints them: human lines as they come (one per file, OK/CORRUPT first so
/// an operator can scan the column) and a summary, or one JSON document at
/// the end. Decides the exit code. Single-threaded, lives for one command.
class IndexReport {
public:
    enum class Mode { Verify, Rebuild };
    IndexReport(Mode mode, bool json, std::vector<std::string> paths);

    void notePartition(const std::filesystem::path &dir);
    void addError(const std::string &what, const core::Error &error);
    void addVerdict(const core::SegmentVerdict &verdict);
    void addRebuild(const core::RebuildReport &report);
    /// A segment that has index files but no .log: nothing to rebuild from.
    void addOrphan(const core::SegmentFiles &segment);

    /// Prints the summary (or the JSON document); returns the exit code.
    int finish();

private:
    void line(std::string_view status, const std::filesystem::path &file, const std::string &text) const;
    void verdictLine(const core::FileVerdict &v, const std::string &okText) const;
    std::string summaryText() const;

    Mode m_mode;
    bool m_json;
    std::vector<std::string> m_paths;
    core::JsonWriter m_doc; // {"command":..,"segments":[ ... written as they come
    struct ErrorEntry {
        std::string what;
        core::Error error;
    };
    std::vector<ErrorEntry> m_errors;
    std::set<std::string> m_partitions;
    std::int64_t m_segmentCount = 0;
    std::int64_t m_errorCount = 0;
    std::int64_t m_corruptIndexes = 0;
    std::int64_t m_missingIndexes = 0;
    std::int64_t m_damagedLogs = 0;
    std::int64_t m_replacedFiles = 0;
    std::int64_t m_unchangedFiles = 0;
    std::int64_t m_orphans = 0;
    std::vector<std::filesystem::path> m_segmentsToRebuild;
};

} // namespace spillway::app
