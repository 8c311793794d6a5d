// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/text_table.h"

#include <algorithm>

namespace spillway::app {

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> numeric)
    : m_header(std::move(header))
    , m_numeric(std::move(numeric))
{
    m_numeric.resize(m_header.size(), false);
}

void TextTable::row(std::vector<std::string> cells)
{
    cells.resize(m_header.size());
    m_rows.push_back(std::move(cells));
}

void TextTable::print(std::FILE *out, const std::string &indent) const
{
    std::vector<std::size_t> width(m_header.size(), 0);
    for (std::size_t c = 0; c < m_header.size(); ++c) {
        width[c] = m_header[c].size();
        for (const auto &r : m_rows)
            width[c] = std::max(width[c], r[c].size());
    }
    const auto line = [&](const std::vector<std::string> &cells) {
        std::string text = indent;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string pad(width[c] - cells[c].size(), ' ');
            const bool last = c + 1 == cells.size();
            text += m_numeric[c] ? pad + cells[c] : cells[c] + (last ? "" : pad);
            if (!last)
                text += "  ";
        }
        // An empty last column leaves padding behind: no trailing blanks.
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        std::fprintf(out, "%s\n", text.c_str());
    };
    line(m_header);
    for (const auto &r : m_rows)
        line(r);
}

std::string humanBytes(std::int64_t bytes)
{
    if (bytes < 0)
        return "-";
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(units)) {
        value /= 1024.0;
        ++unit;
    }
    char buf[32];
    if (unit == 0)
        std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
    else
        std::snprintf(buf, sizeof buf, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    return buf;
}

} // namespace spillway::app
