// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace spillway::core {

/// Integer.parseInt / Long.parseLong: an optional '+' or '-', then one or
/// more ASCII digits, in range; anything else (spaces included) is nullopt.
/// Kafka's text files are read with these, so we accept exactly what it does.
std::optional<std::int32_t> parseJavaInt32(std::string_view text);
std::optional<std::int64_t> parseJavaInt64(std::string_view text);

} // namespace spillway::core
