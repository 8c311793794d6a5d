// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/recovery.h"

#include "core/ops/disk_swap.h"
#include "core/ops/index_rebuild.h"
#include "core/ops/online_move.h"
#include "core/ops/partition_move.h"
#include "core/ops/retention_shrink.h"

namespace spillway::core::ops {

Result<OperationState> recoverOperation(Journal &journal, const JournalEntry &entry, const RecoveryContext &context)
{
    if (entry.kind == PartitionMove::kKind)
        return PartitionMove::recover(journal, entry, context.options);
    if (entry.kind == OnlineMove::kKind)
        return OnlineMove::recover(journal, entry, context.options);
    if (entry.kind == DiskSwap::kKind)
        return DiskSwap::recover(journal, entry, context);
    if (entry.kind == IndexRebuildOperation::kKind)
        return IndexRebuildOperation::recover(journal, entry, context);
    if (entry.kind == RetentionShrink::kKind || entry.kind == RetentionShrink::kRestoreKind)
        return RetentionShrink::recover(journal, entry, context.options);
    return makeError(Errc::Unsupported, "no recovery for operations of kind " + entry.kind);
}

} // namespace spillway::core::ops
