// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/ops_text.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace spillway::core::ops {

std::int64_t clockMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string param(const std::map<std::string, std::string> &params, const std::string &key)
{
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
}

std::optional<std::int64_t> parseLong(const std::string &text)
{
    if (text.empty())
        return std::nullopt;
    char *end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || end == text.c_str() || *end != '\0')
        return std::nullopt;
    return static_cast<std::int64_t>(v);
}

std::vector<std::string> split(const std::string &text, char sep)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find(sep, start);
        const auto item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!item.empty())
            out.push_back(item);
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out;
}

std::string join(const std::vector<std::string> &items, const char *sep)
{
    std::string out;
    for (const auto &s : items)
        out += (out.empty() ? "" : sep) + s;
    return out;
}

std::string mib(std::int64_t bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

} // namespace spillway::core::ops
