// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/ops/operation.h"

#include <QWidget>

#include <vector>

namespace spillway::ui {

/// Two bars per disk, before and after an operation: the Kafka bytes as a
/// share of the space Kafka can use there (its bytes + free), with the
/// figures written on them. Used by every operation dialog. GUI thread.
class DiskUsageBars : public QWidget {
    Q_OBJECT
public:
    explicit DiskUsageBars(QWidget *parent = nullptr);

    void setChanges(std::vector<core::ops::DiskUsageChange> changes);
    [[nodiscard]] const std::vector<core::ops::DiskUsageChange> &changes() const { return m_changes; }
    /// The text written on one bar ("before: 1.2 GiB in Kafka, 3.0 GiB free").
    [[nodiscard]] static QString barText(bool after, const core::ops::DiskUsageChange &change);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::vector<core::ops::DiskUsageChange> m_changes;
};

} // namespace spillway::ui
