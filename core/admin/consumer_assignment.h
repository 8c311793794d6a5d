// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"
#include "core/protocol/codec.h"

#include <span>
#include <string>
#include <utility>
#include <vector>

namespace spillway::core::admin {

/// The partitions a consumer group member was given, from the
/// MemberAssignment bytes of a "consumer" protocol group
/// (ConsumerProtocolAssignment: an int16 version, then the fields below).
/// Empty or malformed bytes give an empty list: the assignment is a detail
/// of the lag report, never a reason to fail it.
std::vector<std::pair<std::string, PartitionId>> decodeConsumerAssignment(std::span<const std::byte> bytes);

} // namespace spillway::core::admin
