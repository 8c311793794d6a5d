// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/recovery.h"

#include "core/ops/index_rebuild.h"
#include "core/ops/partition_move.h"

namespace spillway::core::ops {

Result<OperationState> recoverOperation(Journal &journal, const JournalEntry &entry, const RecoveryContext &context)
{
    if (entry.kind == PartitionMove::kKind)
        return PartitionMove::recover(journal, entry, context.options);
    if (entry.kind == IndexRebuildOperation::kKind)
        return IndexRebuildOperation::recover(journal, entry, context.options);
    return makeError(Errc::Unsupported, "no recovery for operations of kind " + entry.kind);
}

} // namespace spillway::core::ops
