// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace spillway::core {

/// One entry line of a checkpoint file, split on whitespace.
struct CheckpointLine {
    int lineNumber = 0;
    std::vector<std::string_view> fields;
};

/// The framing shared by Kafka's text checkpoint files (ON-DISK-FORMAT §9,
/// CheckpointFile.CheckpointReadBuffer): a version line, an entry-count line,
/// then one line per entry with `fieldsPerLine` whitespace-separated fields.
/// Like Kafka, an empty file (or one that stops after the version) holds no
/// entries. Errors name `fileLabel` and the line. Views point into `text`.
Result<std::vector<CheckpointLine>> splitCheckpointText(std::string_view text, std::string_view fileLabel,
                                                        int expectedVersion, std::size_t fieldsPerLine);

/// "<fileLabel> line N: <what>", a Corrupt error for a bad entry field.
Error checkpointLineError(std::string_view fileLabel, int lineNumber, std::string_view what);

/// The version and count lines, then each entry line, "\n"-terminated: the
/// exact bytes Kafka's CheckpointWriteBuffer produces.
std::string joinCheckpointText(int version, const std::vector<std::string> &entryLines);

} // namespace spillway::core
