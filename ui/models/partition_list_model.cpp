// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/models/partition_list_model.h"

#include "core/measure/measure_format.h"
#include "ui/models/model_roles.h"

namespace spillway::ui {

void PartitionListModel::setPartitions(std::vector<core::measure::PartitionSize> partitions)
{
    beginResetModel();
    m_partitions = std::move(partitions);
    m_total = 0;
    for (const auto &p : m_partitions)
        m_total += static_cast<double>(p.bytes);
    endResetModel();
}

int PartitionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_partitions.size());
}

int PartitionListModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant PartitionListModel::data(const QModelIndex &idx, int role) const
{
    if (!idx.isValid())
        return {};
    const auto &p = m_partitions[static_cast<std::size_t>(idx.row())];
    const double share = m_total > 0 ? static_cast<double>(p.bytes) / m_total * 100.0 : 0.0;
    switch (idx.column()) {
    case TopicColumn:
        if (role == Qt::DisplayRole || role == RawValueRole)
            return QString::fromStdString(p.topic) + (p.isFuture ? tr(" (future copy)") : QString());
        break;
    case PartitionColumn:
        if (role == Qt::DisplayRole || role == RawValueRole)
            return p.partition.get();
        break;
    case SizeColumn:
        if (role == Qt::DisplayRole)
            return QString::fromStdString(core::measure::formatByteSize(p.bytes));
        if (role == RawValueRole)
            return static_cast<qlonglong>(p.bytes);
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case ShareColumn:
        if (role == Qt::DisplayRole)
            return QString::fromStdString(core::measure::formatPercent(share));
        if (role == RawValueRole)
            return share;
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default: break;
    }
    return {};
}

QVariant PartitionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TopicColumn: return tr("Topic");
    case PartitionColumn: return tr("Partition");
    case SizeColumn: return tr("Size");
    case ShareColumn: return tr("Share of dir");
    default: return {};
    }
}

} // namespace spillway::ui
