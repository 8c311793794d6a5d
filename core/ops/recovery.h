// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/ops/broker_control.h"
#include "core/ops/journal.h"
#include "core/ops/operation.h"

namespace spillway::core::ops {

/// What recovering an interrupted operation may need besides the journal.
struct RecoveryContext {
    RunOptions options;
    BrokerControlFactory brokerControl; ///< disk-swap: stops/starts the broker it names
};

/// Finishes (rolls forward) or rolls back one interrupted operation (an
/// entry left Running), dispatching on its kind; records the outcome in the
/// journal. An unknown kind is an Unsupported error and changes nothing.
/// Every operation kind registers its recover() here.
Result<OperationState> recoverOperation(Journal &journal, const JournalEntry &entry, const RecoveryContext &context);

} // namespace spillway::core::ops
