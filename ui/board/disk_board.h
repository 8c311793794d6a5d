// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;

namespace spillway::ui {

class DiskBoardModel;
class DiskBoardView;

/// The "Disk board" tab: a broker selector over a DiskBoardView of that
/// broker's DiskBoardModel. Keeps the latest snapshot (shared, immutable)
/// so switching brokers needs no new measurement. GUI thread.
class DiskBoard : public QWidget {
    Q_OBJECT
public:
    explicit DiskBoard(QWidget *parent = nullptr);

    /// Shows the snapshot; keeps the selected broker when it is still there.
    /// While the board is hidden it only keeps the snapshot (no model work).
    void setSnapshot(std::shared_ptr<const core::measure::ClusterSnapshot> snapshot);
    [[nodiscard]] const core::measure::ClusterSnapshot *snapshot() const { return m_snapshot.get(); }
    /// Selects a broker by id; false when the snapshot has no such broker.
    bool selectBroker(qint32 broker);

    [[nodiscard]] DiskBoardModel *model() const { return m_model; }
    [[nodiscard]] DiskBoardView *view() const { return m_view; }
    [[nodiscard]] QComboBox *brokerSelector() const { return m_brokers; }

Q_SIGNALS:
    /// Forwarded from the model: a tile was dropped onto another lane.
    void moveRequested(qint32 broker, const QString &topic, int partition, const QString &fromDir,
                       const QString &toDir);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void apply();
    void showSelected();

    std::shared_ptr<const core::measure::ClusterSnapshot> m_snapshot;
    DiskBoardModel *m_model;
    DiskBoardView *m_view;
    QComboBox *m_brokers;
    QLabel *m_summary;
    bool m_stale = false; ///< a snapshot arrived while hidden
};

} // namespace spillway::ui
