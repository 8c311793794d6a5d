// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/admin/api_version_table.h"
#include "core/protocol/api.h"

#include <optional>

namespace spillway::core::admin {

/// The versions of `key` the admin client speaks: its message struct's range
/// (core/protocol/messages), except where the oldest versions are not worth
/// speaking: Metadata from v1 (in v0 an empty topic list means "all"),
/// ListOffsets from v1 (v0 answers a list of old-style offsets), OffsetFetch
/// from v2 (v0/v1 cannot ask for every topic). Every Kafka since 0.11 serves
/// these. nullopt for an API the admin client does not use.
std::optional<VersionRange> spillwayVersions(ApiKey key) noexcept;

} // namespace spillway::core::admin
