// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/alert.h"
#include "core/measure/cluster_snapshot.h"

#include <QAbstractItemModel>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace spillway::ui {

/// The cluster as a tree: brokers, their log dirs (usage, state, the most
/// severe alert on the dir) and the partitions on each dir. update() diffs
/// the new snapshot against the rows it has, by key (broker id, dir path,
/// topic-partition), and emits insert/remove/dataChanged only for what
/// changed, so selection and expansion survive a refresh. A dir's
/// partitions are fetched lazily (canFetchMore/fetchMore) the first time the
/// view expands it; dirs never expanded cost nothing per refresh.
/// GUI thread.
class ClusterTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, UsageColumn, SizeColumn, StateColumn, AlertColumn, ColumnCount };
    enum class NodeKind { Broker, Dir, Partition };

    explicit ClusterTreeModel(QObject *parent = nullptr);
    ~ClusterTreeModel() override;

    /// Applies a snapshot and the active alerts by diffing.
    void update(std::shared_ptr<const core::measure::ClusterSnapshot> snapshot,
                std::span<const core::measure::Alert> alerts);
    void setThresholds(double warnPercent, double criticalPercent);

    /// The broker and dir a row stands for (dir empty for a broker row).
    struct Location {
        core::BrokerId broker{0};
        std::string dir;
        std::string topic; ///< partition rows only
        int partition = -1;
    };
    [[nodiscard]] std::optional<Location> location(const QModelIndex &index) const;
    [[nodiscard]] QModelIndex indexOfDir(core::BrokerId broker, const std::string &dir) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    struct Node;
    struct BrokerNode;
    struct DirNode;
    struct PartitionRow;

private:
    void updateBroker(BrokerNode &node, const core::measure::BrokerSnapshot &broker,
                      std::span<const core::measure::Alert> alerts);
    void updateDir(DirNode &node, const core::measure::LogDirSnapshot &dir,
                   std::span<const core::measure::Alert> alerts, const core::measure::BrokerSnapshot &broker);
    void syncPartitions(DirNode &node, const core::measure::LogDirSnapshot &dir);
    QModelIndex indexOf(const Node *node, int column) const;
    QVariant brokerData(const BrokerNode &node, int column, int role) const;
    QVariant dirData(const DirNode &node, int column, int role) const;
    QVariant partitionData(const DirNode &dir, const PartitionRow &row, int column, int role) const;

    std::shared_ptr<const core::measure::ClusterSnapshot> m_snapshot; ///< dirs point into it
    std::vector<std::unique_ptr<BrokerNode>> m_brokers;
    double m_warnPercent = 80.0;
    double m_criticalPercent = 90.0;
};

} // namespace spillway::ui
