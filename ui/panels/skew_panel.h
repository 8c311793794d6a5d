// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"
#include "core/measure/skew.h"

#include <QWidget>

#include <memory>

class QButtonGroup;
class QLabel;
class QTableView;

namespace spillway::ui {

class PlaceholderView;
class SkewModel;

/// The Skew tab: a brokers x disks heatmap (SkewModel + HeatCellDelegate)
/// by bytes or by partition count, the skew index per broker and for the
/// cluster, disks outside +-threshold framed. Recomputed only while visible.
/// GUI thread.
class SkewPanel : public QWidget {
    Q_OBJECT
public:
    explicit SkewPanel(QWidget *parent = nullptr);

    void setSnapshot(std::shared_ptr<const core::measure::ClusterSnapshot> snapshot);
    void setOptions(const core::measure::SkewOptions &options);
    [[nodiscard]] SkewModel *model() const { return m_model; }
    [[nodiscard]] QTableView *view() const { return m_view; }
    [[nodiscard]] PlaceholderView *placeholder() const { return m_placeholder; }
    void showPartitions(bool partitions);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void rebuild();

    std::shared_ptr<const core::measure::ClusterSnapshot> m_snapshot;
    core::measure::SkewOptions m_options;
    bool m_dirty = false;
    SkewModel *m_model;
    QTableView *m_view;
    PlaceholderView *m_placeholder;
    QLabel *m_summary;
    QButtonGroup *m_mode;
};

} // namespace spillway::ui
