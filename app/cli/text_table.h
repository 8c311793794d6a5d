// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace spillway::app {

/// A plain-text table for human output: a header row, then rows, printed
/// with every column as wide as its widest cell (two spaces between).
/// Columns marked numeric are right-aligned.
class TextTable {
public:
    explicit TextTable(std::vector<std::string> header, std::vector<bool> numeric = {});
    void row(std::vector<std::string> cells);
    [[nodiscard]] bool empty() const noexcept { return m_rows.empty(); }
    void print(std::FILE *out, const std::string &indent = {}) const;

private:
    std::vector<std::string> m_header;
    std::vector<bool> m_numeric;
    std::vector<std::vector<std::string>> m_rows;
};

/// "1.5 GiB", "312 KiB", "17 B"; "-" for a negative (unknown) size.
std::string humanBytes(std::int64_t bytes);

} // namespace spillway::app
