// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/alert.h"

#include <QAbstractTableModel>

#include <span>
#include <vector>

namespace spillway::ui {

/// The active alerts as a table: severity, first seen, text, the fix and
/// whether it was acknowledged. update() diffs by alert key (rows of
/// alerts still active stay where they are); order for display comes from a
/// sort proxy. acknowledge() and requestFix() only emit: the monitor owns
/// acknowledgement, the operation dialogs own fixes. GUI thread.
class AlertsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { SeverityColumn, TimeColumn, TextColumn, FixColumn, AcknowledgedColumn, ColumnCount };

    explicit AlertsModel(QObject *parent = nullptr);

    void update(std::span<const core::measure::Alert> alerts);
    [[nodiscard]] const core::measure::Alert *alert(int row) const;
    [[nodiscard]] int rowOfKey(const QString &key) const;

    /// Marks the row acknowledged at once and emits acknowledgeRequested.
    void acknowledge(int row);
    /// Emits fixRequested with the row's FixAction; false when it has none.
    bool requestFix(int row);

    /// The button text for a fix: "Swap disk...", "Shrink retention...".
    /// Empty for FixKind::None.
    static QString fixButtonText(const core::measure::FixAction &fix);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void acknowledgeRequested(const QString &key);
    void fixRequested(const spillway::core::measure::FixAction &fix);

private:
    std::vector<core::measure::Alert> m_alerts;
};

} // namespace spillway::ui
