// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"

#include <QAbstractItemModel>
#include <QString>

#include <vector>

namespace spillway::ui {

/// The disk board of one broker as a two-level model: top-level rows are
/// lanes (the broker's log dirs), their children are tiles (the partitions
/// in that dir, in the snapshot's order, sized by bytes). Tiles drag with the
/// private MIME type `application/x-spillway-partition`; a drop onto another
/// lane of the same broker changes nothing and emits moveRequested() (the
/// move dialog does the rest). Refreshes with the same lanes and partitions
/// update values in place (dataChanged); anything else resets. GUI thread.
class DiskBoardModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, BytesColumn, ColumnCount };
    enum Role {
        BytesRole = Qt::UserRole + 1, ///< qint64: tile bytes, or lane Kafka bytes
        IsLaneRole,                   ///< bool
        DirRole,                      ///< QString: the lane's path (tiles: their lane's)
        TopicRole,                    ///< QString (tiles)
        PartitionRole,                ///< int (tiles)
        CapacityRole,                 ///< qint64 (lanes; -1 unknown)
        FreeRole,                     ///< qint64 (lanes; -1 unknown)
        UsedPercentRole,              ///< double (lanes; -1 unknown)
        OfflineRole,                  ///< bool (lanes)
    };

    struct Tile {
        QString topic;
        int partition = 0;
        qint64 bytes = 0;
        bool future = false;
    };
    struct Lane {
        QString path;
        qint64 kafkaBytes = 0;
        qint64 capacity = -1;
        qint64 freeBytes = -1;
        double usedPercent = -1;
        bool offline = false;
        std::vector<Tile> tiles;
    };

    explicit DiskBoardModel(QObject *parent = nullptr);

    /// Shows `broker`'s log dirs. Cost: one pass over its partitions.
    void setBroker(const core::measure::BrokerSnapshot &broker);
    void clear();
    [[nodiscard]] qint32 brokerId() const { return m_broker; }
    [[nodiscard]] QString brokerName() const { return m_brokerName; }
    [[nodiscard]] const std::vector<Lane> &lanes() const { return m_lanes; }
    [[nodiscard]] QModelIndex laneIndex(int lane) const { return index(lane, 0); }
    [[nodiscard]] QModelIndex tileIndex(int lane, int tile) const { return index(tile, 0, laneIndex(lane)); }
    /// Bumped on every change of structure or values; views cache layouts by it.
    [[nodiscard]] quint64 generation() const { return m_generation; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override;
    Qt::DropActions supportedDropActions() const override;
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                         const QModelIndex &parent) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

Q_SIGNALS:
    /// A tile was dropped onto another lane of the same broker.
    void moveRequested(qint32 broker, const QString &topic, int partition, const QString &fromDir,
                       const QString &toDir);

private:
    [[nodiscard]] int laneOf(const QModelIndex &index) const;
    [[nodiscard]] int laneByPath(const QString &path) const;

    qint32 m_broker = -1;
    QString m_brokerName;
    std::vector<Lane> m_lanes;
    quint64 m_generation = 0;
};

} // namespace spillway::ui
