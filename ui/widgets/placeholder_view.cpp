// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/widgets/placeholder_view.h"

#include "ui/widgets/empty_state.h"

#include <QAbstractItemModel>
#include <QAbstractItemView>

namespace spillway::ui {

PlaceholderView::PlaceholderView(QAbstractItemView *view, EmptyState *empty, QWidget *parent)
    : QStackedWidget(parent)
    , m_view(view)
    , m_empty(empty)
{
    addWidget(m_view);
    addWidget(m_empty);
    attach(m_view->model());
}

void PlaceholderView::attach(QAbstractItemModel *model)
{
    if (model == nullptr) {
        refresh();
        return;
    }
    connect(model, &QAbstractItemModel::rowsInserted, this, &PlaceholderView::refresh);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &PlaceholderView::refresh);
    connect(model, &QAbstractItemModel::modelReset, this, &PlaceholderView::refresh);
    connect(model, &QAbstractItemModel::layoutChanged, this, &PlaceholderView::refresh);
    refresh();
}

void PlaceholderView::refresh()
{
    const QAbstractItemModel *model = m_view->model();
    const bool empty = model == nullptr || model->rowCount() == 0;
    setCurrentWidget(empty ? static_cast<QWidget *>(m_empty) : m_view);
}

bool PlaceholderView::showingEmptyState() const { return currentWidget() == m_empty; }

} // namespace spillway::ui
