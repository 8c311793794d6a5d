// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <cstdint>
#include <deque>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core {

/// A broker's stdout+stderr as the console keeps it. The broker writes
/// straight into `file` (O_APPEND, so it never depends on the console being
/// alive to read a pipe); this class follows the file into a bounded ring
/// of the last lines, and rotates it by size (copy to `file.1`, shifting
/// older copies, then truncate: the broker's O_APPEND descriptor keeps
/// working, as logrotate's copytruncate; lines written between the copy and
/// the truncation are lost, a window of microseconds). Plain object, one
/// thread; every call is a few reads of a local file.
class BrokerLogTail {
public:
    struct Limits {
        std::size_t maxLines = 500;                   ///< lines kept in memory
        std::size_t maxLineBytes = 4096;              ///< longer lines are cut
        std::uint64_t maxFileBytes = 8 * 1024 * 1024; ///< rotate above this
        int keptFiles = 3;                            ///< file.1 .. file.N
    };

    explicit BrokerLogTail(std::filesystem::path file);
    BrokerLogTail(std::filesystem::path file, Limits limits);

    [[nodiscard]] const std::filesystem::path &file() const { return m_file; }

    /// Loads the last lines already in the file and follows from its end.
    void seedFromFile();
    /// Reads what was appended since the last call; returns the new complete lines.
    std::vector<std::string> poll();
    /// Appends a line of Spillway's own ("--- spillway: starting ...") to the file.
    Status appendNote(std::string_view line);
    /// Rotates when the file is over the size limit.
    Status rotateIfNeeded();

    /// The last `n` lines held in memory (oldest first).
    [[nodiscard]] std::vector<std::string> lastLines(std::size_t n) const;

    /// The last `n` lines of a log file on disk (and of `file.1` when the
    /// current one is shorter), for callers without a running tail (CLI).
    static Result<std::vector<std::string>> readLastLines(const std::filesystem::path &file, std::size_t n);

private:
    void addLine(std::string line, std::vector<std::string> &fresh);

    std::filesystem::path m_file;
    Limits m_limits;
    std::uint64_t m_offset = 0;
    std::string m_partial;
    std::deque<std::string> m_lines;
};

} // namespace spillway::core
