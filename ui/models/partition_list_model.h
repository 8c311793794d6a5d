// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"

#include <QAbstractTableModel>

#include <vector>

namespace spillway::ui {

/// The partitions of one log dir (topic, partition, size, future copy) for
/// the disk details. Reset on setPartitions(); sort through a proxy on
/// RawValueRole. GUI thread.
class PartitionListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TopicColumn, PartitionColumn, SizeColumn, ShareColumn, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setPartitions(std::vector<core::measure::PartitionSize> partitions);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<core::measure::PartitionSize> m_partitions;
    double m_total = 0;
};

} // namespace spillway::ui
