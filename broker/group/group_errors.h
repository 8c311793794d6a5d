// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/protocol/messages/join_group.h"
#include "core/protocol/messages/sync_group.h"

#include <string>

namespace spillway::broker {

/// A JoinGroup answer carrying only an error (and the member id the client
/// must use next, e.g. with MEMBER_ID_REQUIRED).
inline core::JoinGroupResponse joinError(core::KafkaError e, const std::string &memberId)
{
    core::JoinGroupResponse r;
    r.ErrorCode = core::code(e);
    r.MemberId = memberId;
    return r;
}

/// A SyncGroup answer carrying only an error.
inline core::SyncGroupResponse syncError(core::KafkaError e)
{
    core::SyncGroupResponse r;
    r.ErrorCode = core::code(e);
    return r;
}

} // namespace spillway::broker
