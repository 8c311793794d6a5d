// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Qt>

namespace spillway::ui {

/// Roles shared by the console's models, beside Qt's own. DisplayRole holds
/// formatted text ("1.2 GiB"); RawValueRole the number behind it, for
/// sorting, filtering, delegates and charts.
enum ModelRole : int {
    RawValueRole = Qt::UserRole + 1,
    KeyRole,      ///< a stable identifier of the row (alert key, "broker/dir")
    SeverityRole, ///< int(AlertSeverity) of the most severe alert, -1 for none
    NodeKindRole, ///< ClusterTreeModel::NodeKind
    OutOfBalanceRole,
};

} // namespace spillway::ui
