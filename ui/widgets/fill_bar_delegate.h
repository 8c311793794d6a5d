// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStyledItemDelegate>

namespace spillway::ui {

/// Paints a cell whose RawValueRole is a percentage as a fill bar coloured
/// by the usage thresholds (green, amber, red; theme-aware) with the
/// DisplayRole text over it. Cells without a raw value paint as usual.
/// GUI thread.
class FillBarDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit FillBarDelegate(QObject *parent = nullptr);
    void setThresholds(double warnPercent, double criticalPercent);
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    double m_warn = 80.0;
    double m_critical = 90.0;
};

/// Paints a SkewModel cell as a heat cell: the fill blends the base colour
/// towards the highlight colour by the cell's heat, the text switches to the
/// highlighted-text colour on hot cells, and cells out of balance get a
/// warning-coloured frame and bold text. GUI thread.
class HeatCellDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace spillway::ui
