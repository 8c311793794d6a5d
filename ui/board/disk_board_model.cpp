// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/board/disk_board_model.h"

#include "core/measure/measure_format.h"
#include "ui/board/partition_mime.h"

#include <QMimeData>

namespace spillway::ui {
namespace {

/// Lanes have internal id 0; a tile's internal id is its lane's row + 1.
constexpr quintptr kLaneId = 0;

DiskBoardModel::Lane laneFrom(const core::measure::LogDirSnapshot &dir)
{
    DiskBoardModel::Lane lane;
    lane.path = QString::fromStdString(dir.path);
    lane.kafkaBytes = dir.kafkaBytes;
    lane.offline = dir.offline || !dir.exists;
    if (dir.usage) {
        lane.capacity = dir.usage->capacityBytes;
        lane.freeBytes = dir.usage->freeBytes;
        lane.usedPercent = dir.usage->usedPercent();
    }
    return lane;
}

QLatin1String latin1(const std::string &s) { return QLatin1String(s.data(), static_cast<qsizetype>(s.size())); }

QString bytesText(qint64 bytes) { return QString::fromStdString(core::measure::formatByteSize(bytes)); }

} // namespace

DiskBoardModel::DiskBoardModel(QObject *parent) : QAbstractItemModel(parent) {}

void DiskBoardModel::clear()
{
    beginResetModel();
    m_lanes.clear();
    m_broker = -1;
    m_brokerName.clear();
    ++m_generation;
    endResetModel();
}

void DiskBoardModel::setBroker(const core::measure::BrokerSnapshot &broker)
{
    const qint32 id = broker.id.get();
    bool sameShape = id == m_broker && broker.dirs.size() == m_lanes.size();
    for (std::size_t l = 0; sameShape && l < m_lanes.size(); ++l) {
        const auto &dir = broker.dirs[l];
        const auto &lane = m_lanes[l];
        sameShape = dir.partitions.size() == lane.tiles.size() && lane.path == latin1(dir.path);
        for (std::size_t t = 0; sameShape && t < lane.tiles.size(); ++t) {
            const auto &p = dir.partitions[t];
            sameShape = lane.tiles[t].partition == p.partition.get() && lane.tiles[t].topic == latin1(p.topic);
        }
    }
    ++m_generation;
    m_brokerName = QString::fromStdString(broker.displayName());
    if (sameShape) {
        for (std::size_t l = 0; l < m_lanes.size(); ++l) {
            const auto &dir = broker.dirs[l];
            auto &lane = m_lanes[l];
            auto fresh = laneFrom(dir);
            fresh.tiles = std::move(lane.tiles);
            lane = std::move(fresh);
            for (std::size_t t = 0; t < lane.tiles.size(); ++t) {
                lane.tiles[t].bytes = dir.partitions[t].bytes;
                lane.tiles[t].future = dir.partitions[t].isFuture;
            }
            const int row = static_cast<int>(l);
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            if (!lane.tiles.empty()) {
                const QModelIndex parent = index(row, 0);
                Q_EMIT dataChanged(index(0, 0, parent),
                                   index(static_cast<int>(lane.tiles.size()) - 1, ColumnCount - 1, parent));
            }
        }
        return;
    }
    beginResetModel();
    m_broker = id;
    m_lanes.clear();
    m_lanes.reserve(broker.dirs.size());
    for (const auto &dir : broker.dirs) {
        auto lane = laneFrom(dir);
        lane.tiles.reserve(dir.partitions.size());
        for (const auto &p : dir.partitions)
            lane.tiles.push_back({QString::fromStdString(p.topic), p.partition.get(), p.bytes, p.isFuture});
        m_lanes.push_back(std::move(lane));
    }
    endResetModel();
}

QModelIndex DiskBoardModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row < static_cast<int>(m_lanes.size()) ? createIndex(row, column, kLaneId) : QModelIndex{};
    if (parent.internalId() != kLaneId || parent.column() != 0)
        return {};
    const auto lane = static_cast<std::size_t>(parent.row());
    if (lane >= m_lanes.size() || row >= static_cast<int>(m_lanes[lane].tiles.size()))
        return {};
    return createIndex(row, column, static_cast<quintptr>(lane + 1));
}

QModelIndex DiskBoardModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kLaneId)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kLaneId);
}

int DiskBoardModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_lanes.size());
    if (parent.internalId() != kLaneId || parent.column() != 0)
        return 0;
    return static_cast<int>(m_lanes[static_cast<std::size_t>(parent.row())].tiles.size());
}

int DiskBoardModel::columnCount(const QModelIndex &) const { return ColumnCount; }

int DiskBoardModel::laneOf(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return -1;
    return index.internalId() == kLaneId ? index.row() : static_cast<int>(index.internalId() - 1);
}

int DiskBoardModel::laneByPath(const QString &path) const
{
    for (std::size_t l = 0; l < m_lanes.size(); ++l)
        if (m_lanes[l].path == path)
            return static_cast<int>(l);
    return -1;
}

QVariant DiskBoardModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const auto &lane = m_lanes[static_cast<std::size_t>(laneOf(index))];
    const bool isLane = index.internalId() == kLaneId;
    if (isLane) {
        switch (role) {
        case Qt::DisplayRole:
            if (index.column() == NameColumn)
                return lane.path;
            return bytesText(lane.kafkaBytes);
        case Qt::ToolTipRole:
            return tr("%1: %2 in %3 partitions, %4 free%5")
                .arg(lane.path, bytesText(lane.kafkaBytes))
                .arg(lane.tiles.size())
                .arg(lane.freeBytes >= 0 ? bytesText(lane.freeBytes) : tr("unknown"),
                     lane.offline ? tr(" (offline)") : QString());
        case BytesRole: return lane.kafkaBytes;
        case IsLaneRole: return true;
        case DirRole: return lane.path;
        case CapacityRole: return lane.capacity;
        case FreeRole: return lane.freeBytes;
        case UsedPercentRole: return lane.usedPercent;
        case OfflineRole: return lane.offline;
        default: return {};
        }
    }
    const auto &tile = lane.tiles[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == NameColumn)
            return tile.future ? tr("%1-%2 (future)").arg(tile.topic).arg(tile.partition)
                               : tr("%1-%2").arg(tile.topic).arg(tile.partition);
        return bytesText(tile.bytes);
    case Qt::ToolTipRole:
        return tr("%1-%2 in %3: %4").arg(tile.topic).arg(tile.partition).arg(lane.path, bytesText(tile.bytes));
    case BytesRole: return tile.bytes;
    case IsLaneRole: return false;
    case DirRole: return lane.path;
    case TopicRole: return tile.topic;
    case PartitionRole: return tile.partition;
    default: return {};
    }
}

QVariant DiskBoardModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Name");
    case BytesColumn: return tr("Bytes");
    default: return {};
    }
}

Qt::ItemFlags DiskBoardModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.internalId() == kLaneId)
        return f | Qt::ItemIsDropEnabled;
    // A `-future` copy is Kafka's own move in progress: not draggable.
    const auto &lane = m_lanes[static_cast<std::size_t>(laneOf(index))];
    if (!lane.tiles[static_cast<std::size_t>(index.row())].future)
        f |= Qt::ItemIsDragEnabled;
    return f | Qt::ItemNeverHasChildren;
}

QStringList DiskBoardModel::mimeTypes() const { return {QString::fromLatin1(kPartitionMimeType)}; }

QMimeData *DiskBoardModel::mimeData(const QModelIndexList &indexes) const
{
    QList<PartitionRef> refs;
    for (const auto &index : indexes) {
        if (!index.isValid() || index.internalId() == kLaneId || index.column() != NameColumn ||
            !(flags(index) & Qt::ItemIsDragEnabled))
            continue;
        const auto &lane = m_lanes[static_cast<std::size_t>(laneOf(index))];
        const auto &tile = lane.tiles[static_cast<std::size_t>(index.row())];
        refs.push_back({m_broker, lane.path, tile.topic, tile.partition});
    }
    if (refs.isEmpty())
        return nullptr;
    return encodePartitionRefs(refs);
}

Qt::DropActions DiskBoardModel::supportedDragActions() const { return Qt::MoveAction; }
Qt::DropActions DiskBoardModel::supportedDropActions() const { return Qt::MoveAction; }

bool DiskBoardModel::canDropMimeData(const QMimeData *data, Qt::DropAction action, int, int,
                                     const QModelIndex &parent) const
{
    if (action != Qt::MoveAction)
        return false;
    const int target = laneOf(parent);
    if (target < 0)
        return false;
    const auto refs = decodePartitionRefs(data);
    if (refs.isEmpty())
        return false;
    const QString &toDir = m_lanes[static_cast<std::size_t>(target)].path;
    for (const auto &r : refs) {
        // Another broker's partition, an unknown source, or its own lane: refused.
        if (r.broker != m_broker || r.dir == toDir || laneByPath(r.dir) < 0)
            return false;
    }
    return true;
}

bool DiskBoardModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                                  const QModelIndex &parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    const QString toDir = m_lanes[static_cast<std::size_t>(laneOf(parent))].path;
    // The drop is a request only: nothing moves until the operator applies a plan.
    for (const auto &r : decodePartitionRefs(data))
        Q_EMIT moveRequested(r.broker, r.topic, r.partition, r.dir, toDir);
    return true;
}

} // namespace spillway::ui
