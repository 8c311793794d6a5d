// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStackedWidget>

class QAbstractItemModel;
class QAbstractItemView;

namespace spillway::ui {

class EmptyState;

/// Shows an item view while its model has rows, and an EmptyState in its
/// place while it has none. Follows the model's row insert/remove/reset
/// signals. GUI thread.
class PlaceholderView : public QStackedWidget {
    Q_OBJECT
public:
    PlaceholderView(QAbstractItemView *view, EmptyState *empty, QWidget *parent = nullptr);

    [[nodiscard]] QAbstractItemView *view() const { return m_view; }
    [[nodiscard]] EmptyState *emptyState() const { return m_empty; }
    [[nodiscard]] bool showingEmptyState() const;

private:
    void attach(QAbstractItemModel *model);
    void refresh();

    QAbstractItemView *m_view;
    EmptyState *m_empty;
};

} // namespace spillway::ui
