// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/api/request_router.h"

namespace spillway::broker {

class BrokerState;

/// The Fetch row of the API table (v4-v16): reads whole batches from the
/// partitions' segments within MaxBytes / PartitionMaxBytes (KIP-74), answers
/// them as file regions that the server sends with sendfile, waits for
/// MinBytes up to MaxWaitMs (woken by appends through
/// BrokerState::delayedFetches), and keeps fetch sessions (KIP-227) in
/// BrokerState::fetchSessions for the clients that open them.
ApiEntry fetchApiEntry(BrokerState &state);

} // namespace spillway::broker
