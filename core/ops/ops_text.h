// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

/// Small shared helpers of the operations: journal params (string maps),
/// lists kept in them, sizes in reports, the wall clock.
namespace spillway::core::ops {

/// Milliseconds since the epoch (wall clock, as Kafka's timestamps).
std::int64_t clockMs();
/// The value of `key` in journal params, or "" when absent.
std::string param(const std::map<std::string, std::string> &params, const std::string &key);
/// A whole decimal int64 ("" or trailing junk: nullopt).
std::optional<std::int64_t> parseLong(const std::string &text);
/// `text` split at `sep`, empty items dropped.
std::vector<std::string> split(const std::string &text, char sep);
/// `items` joined with `sep` between them.
std::string join(const std::vector<std::string> &items, const char *sep);
/// "12.3 MiB".
std::string mib(std::int64_t bytes);

} // namespace spillway::core::ops
