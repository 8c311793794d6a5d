// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/logdir/java_number.h"

#include <charconv>
#include <limits>

namespace spillway::core {

std::optional<std::int64_t> parseJavaInt64(std::string_view text)
{
    // from_chars accepts '-' but not '+'; Java accepts both.
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && (text.front() == '-' || text.front() == '+'))
            return std::nullopt;
    }
    if (text.empty() || text == "-")
        return std::nullopt;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<std::int32_t> parseJavaInt32(std::string_view text)
{
    const auto value = parseJavaInt64(text);
    if (!value || *value < std::numeric_limits<std::int32_t>::min() ||
        *value > std::numeric_limits<std::int32_t>::max())
        return std::nullopt;
    return static_cast<std::int32_t>(*value);
}

} // namespace spillway::core
