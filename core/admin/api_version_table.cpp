// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/admin/api_version_table.h"

#include <algorithm>

namespace spillway::core::admin {

std::optional<VersionRange> ApiVersionTable::find(ApiKey key) const
{
    const auto it = m_ranges.find(static_cast<std::int16_t>(key));
    if (it == m_ranges.end())
        return std::nullopt;
    return it->second;
}

Result<std::int16_t> ApiVersionTable::negotiate(ApiKey key, VersionRange ours, const std::string &who) const
{
    const auto theirs = find(key);
    const std::string api(toString(key));
    if (!theirs)
        return makeError(Errc::Unsupported, who + " does not support " + api,
                         "the broker's Kafka version is too old for this operation");
    const std::int16_t version = std::min(ours.max, theirs->max);
    if (version < ours.min || version < theirs->min)
        return makeError(Errc::Unsupported, who + " serves " + api + " v" + std::to_string(theirs->min) + "-" +
                                                std::to_string(theirs->max) + ", Spillway speaks v" +
                                                std::to_string(ours.min) + "-" + std::to_string(ours.max) +
                                                ": no common version");
    return version;
}

} // namespace spillway::core::admin
