// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/protocol/api.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace spillway::core::admin {

/// An inclusive range of API versions.
struct VersionRange {
    std::int16_t min = 0;
    std::int16_t max = 0;
};

/// What one broker said in its ApiVersions answer, and the per-API version
/// choice: the highest version both sides speak, min(ours, broker's). A
/// plain value, filled once per connection.
class ApiVersionTable {
public:
    void set(std::int16_t apiKey, VersionRange range) { m_ranges[apiKey] = range; }
    [[nodiscard]] std::optional<VersionRange> find(ApiKey key) const;
    [[nodiscard]] bool supports(ApiKey key) const { return find(key).has_value(); }
    [[nodiscard]] const std::map<std::int16_t, VersionRange> &all() const { return m_ranges; }

    /// The version to use for `key`, given the versions Spillway speaks.
    /// Errors (Errc::Unsupported) name the broker (`who`), the API and both
    /// ranges, e.g. "broker 1 (h:9092) serves DescribeLogDirs v5-7, Spillway
    /// speaks v0-4", or that the broker does not have the API at all.
    [[nodiscard]] Result<std::int16_t> negotiate(ApiKey key, VersionRange ours, const std::string &who) const;

private:
    std::map<std::int16_t, VersionRange> m_ranges;
};

} // namespace spillway::core::admin
