// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <cstdint>
#include <string_view>

namespace spillway::labfs {

/// Parses a disk size for `--capacity`: plain bytes ("268435456") or a number
/// with a unit. K, M, G, T and KiB, MiB, GiB, TiB are powers of 1024 (as in
/// `truncate -s 16M`); KB, MB, GB, TB are powers of 1000; "B" is bytes.
/// Units are case-insensitive. Errc::InvalidArgument names the bad input.
core::Result<std::uint64_t> parseSize(std::string_view text);

} // namespace spillway::labfs
