// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"

#include <QStyledItemDelegate>
#include <QWidget>

#include <memory>

class QSortFilterProxyModel;
class QTableView;
class QLineEdit;

namespace spillway::ui {

class ConsumersModel;

/// Paints ConsumersModel::HistoryRole as a sparkline (a polyline scaled to
/// the cell). GUI thread.
class SparklineDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

/// The "Consumers" tab: a filter box over a sortable table of the
/// ConsumersModel (sorting and filtering in a proxy), lag sparklines. GUI thread.
class ConsumersPanel : public QWidget {
    Q_OBJECT
public:
    explicit ConsumersPanel(QWidget *parent = nullptr);

    /// While hidden only the snapshot is kept; the model catches up when shown.
    void setSnapshot(std::shared_ptr<const core::measure::ClusterSnapshot> snapshot);
    /// Filters the table to one group (InspectConsumer fix).
    void showGroup(const QString &group);

    [[nodiscard]] ConsumersModel *model() const { return m_model; }
    [[nodiscard]] QSortFilterProxyModel *proxy() const { return m_proxy; }
    [[nodiscard]] QTableView *view() const { return m_view; }

protected:
    void showEvent(QShowEvent *event) override;

private:
    std::shared_ptr<const core::measure::ClusterSnapshot> m_snapshot;
    bool m_stale = false;
    ConsumersModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    QLineEdit *m_filter;
};

} // namespace spillway::ui
