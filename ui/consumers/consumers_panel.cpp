// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/consumers/consumers_panel.h"

#include "ui/consumers/consumers_model.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QPainter>
#include <QPainterPath>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace spillway::ui {

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    const auto values = index.data(ConsumersModel::HistoryRole).value<QList<double>>();
    if (values.size() < 2)
        return;
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const double span = std::max(1.0, *hi - *lo);
    const QRectF r = QRectF(option.rect).adjusted(3, 3, -3, -3);
    QPainterPath path;
    for (qsizetype i = 0; i < values.size(); ++i) {
        const QPointF pt(r.left() + r.width() * static_cast<double>(i) / static_cast<double>(values.size() - 1),
                         r.bottom() - r.height() * (values[i] - *lo) / span);
        if (i == 0)
            path.moveTo(pt);
        else
            path.lineTo(pt);
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const bool rising = values.back() > values.front();
    painter->setPen(QPen(rising ? QColor(214, 69, 65) : QColor(70, 150, 90), 1.5));
    painter->drawPath(path);
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    return QStyledItemDelegate::sizeHint(option, index).expandedTo(QSize(120, 20));
}

ConsumersPanel::ConsumersPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new ConsumersModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView)
    , m_filter(new QLineEdit)
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ConsumersModel::RawRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_view->setModel(m_proxy);
    m_view->setObjectName(QStringLiteral("consumersView"));
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ConsumersModel::LagColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->verticalHeader()->setVisible(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setItemDelegateForColumn(ConsumersModel::HistoryColumn, new SparklineDelegate(m_view));
    m_filter->setPlaceholderText(tr("Filter by group, topic or disk"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
}

void ConsumersPanel::setSnapshot(std::shared_ptr<const core::measure::ClusterSnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    m_stale = !isVisible();
    if (!m_stale && m_snapshot)
        m_model->setSnapshot(*m_snapshot);
}

void ConsumersPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale && m_snapshot)
        m_model->setSnapshot(*m_snapshot);
    m_stale = false;
}

void ConsumersPanel::showGroup(const QString &group) { m_filter->setText(group); }

} // namespace spillway::ui
