// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"
#include "core/measure/skew.h"

#include <QAbstractTableModel>

namespace spillway::ui {

/// Brokers x disks as a heatmap table: one row per broker, its skew index in
/// the first column, then one cell per online log dir with its Kafka bytes
/// (or partition count, see setMode) and deviation from the broker mean,
/// then one cell per log dir left out of the balance (offline, I/O errors,
/// missing, not mounted) saying so: no heat, no RawValueRole, a hatched
/// background, so a dead disk is not silently absent from the map.
/// Cells of disks outside +-threshold are flagged (OutOfBalanceRole);
/// HeatCellDelegate paints them. Uses core/measure/skew.h. The shape changes
/// (brokers or disks added/removed) reset the model; value changes emit
/// dataChanged. GUI thread.
class SkewModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum class Mode { Bytes, Partitions };
    static constexpr int kIndexColumn = 0;

    explicit SkewModel(QObject *parent = nullptr);

    void update(const core::measure::ClusterSnapshot &snapshot, const core::measure::SkewOptions &options = {});
    void setMode(Mode mode);
    [[nodiscard]] Mode mode() const { return m_mode; }
    [[nodiscard]] const core::measure::ClusterSkew &skew() const { return m_skew; }
    /// The heat of a cell, 0..1 (value / largest value of the table).
    [[nodiscard]] double heat(const QModelIndex &index) const;
    /// A summary line: cluster skew index and the disks out of balance.
    [[nodiscard]] QString summary() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// A log dir the skew leaves out, and why ("offline", "missing", ...).
    struct ExcludedDir {
        std::string dir;
        QString reason;
    };

private:
    [[nodiscard]] const core::measure::DiskSkew *disk(const QModelIndex &index) const;
    [[nodiscard]] const ExcludedDir *excluded(const QModelIndex &index) const;
    [[nodiscard]] double cellValue(const core::measure::DiskSkew &d) const;
    [[nodiscard]] bool outOfBalance(const core::measure::BrokerSkew &b, const core::measure::DiskSkew &d) const;

    core::measure::ClusterSkew m_skew;
    std::vector<QString> m_brokerNames;
    std::vector<std::vector<ExcludedDir>> m_excluded; ///< per broker row
    core::measure::SkewOptions m_options;
    Mode m_mode = Mode::Bytes;
    int m_diskColumns = 0;
    double m_maxValue = 0;
};

} // namespace spillway::ui
