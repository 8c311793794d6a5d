// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;

namespace spillway::ui {

/// An honest empty state: a title ("No brokers yet") and a sentence saying
/// what will appear here and how to get it. GUI thread.
class EmptyState : public QWidget {
    Q_OBJECT
public:
    EmptyState(const QString &title, const QString &text, QWidget *parent = nullptr);

    void setTitle(const QString &title);
    void setText(const QString &text);
    [[nodiscard]] QString title() const;
    [[nodiscard]] QString text() const;

private:
    QLabel *m_title;
    QLabel *m_text;
};

} // namespace spillway::ui
