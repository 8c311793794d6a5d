// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace spillway::lab {

/// The scalar members of one JSON object, as spillway-labfs answers on its
/// control socket: {"ok":true,"mode":"failed","capacity":33554432}. Strings
/// are unescaped, numbers and literals kept as their text; nested objects
/// and arrays are skipped. A value type.
class FlatJson {
public:
    static Result<FlatJson> parse(std::string_view text);

    [[nodiscard]] bool has(std::string_view key) const { return m_values.find(key) != m_values.end(); }
    [[nodiscard]] std::optional<std::string> string(std::string_view key) const;
    [[nodiscard]] std::optional<std::int64_t> integer(std::string_view key) const;
    [[nodiscard]] std::optional<bool> boolean(std::string_view key) const;

private:
    std::map<std::string, std::string, std::less<>> m_values;
};

} // namespace spillway::lab
