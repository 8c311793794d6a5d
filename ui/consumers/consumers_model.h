// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"

#include <QAbstractTableModel>
#include <QString>
#include <QStringList>

#include <QHash>
#include <deque>
#include <vector>

namespace spillway::ui {

/// Consumer groups x the topics they read: lag, the group's lag trend (from
/// the snapshot's ConsumerGroupSnapshot::trend), partitions, and the disks
/// (broker:dir) where that topic's partitions live, since a growing lag is
/// data piling up there. Keeps the last kHistory lags of each row for a
/// sparkline. Same rows as before: values change in place (dataChanged);
/// otherwise a reset. GUI thread.
class ConsumersModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        GroupColumn,
        TopicColumn,
        LagColumn,
        TrendColumn,
        PartitionsColumn,
        DisksColumn,
        HistoryColumn,
        ColumnCount
    };
    enum Role {
        RawRole = Qt::UserRole + 1, ///< numbers for sorting: lag, trend per second, partitions
        HistoryRole,                ///< QList<double>: recent lags, oldest first
        GroupRole,                  ///< QString
        TopicRole,                  ///< QString
        DisksRole,                  ///< QStringList "broker 1:/data0"
    };
    static constexpr std::size_t kHistory = 60;

    explicit ConsumersModel(QObject *parent = nullptr);

    void setSnapshot(const core::measure::ClusterSnapshot &snapshot);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    struct Row {
        QString group;
        QString topic;
        qint64 lag = 0;
        int partitions = 0;
        int behindLogStart = 0;
        double trendPerSecond = 0;
        std::optional<core::measure::Trend> trend;
        QStringList disks;
    };
    [[nodiscard]] const std::vector<Row> &rows() const { return m_rows; }

private:
    std::vector<Row> m_rows;
    QHash<QString, std::deque<double>> m_history; ///< key "group\ntopic"
};

} // namespace spillway::ui
