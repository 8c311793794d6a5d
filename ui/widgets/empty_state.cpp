// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/widgets/empty_state.h"

#include <QLabel>
#include <QVBoxLayout>

namespace spillway::ui {

EmptyState::EmptyState(const QString &title, const QString &text, QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(title, this))
    , m_text(new QLabel(text, this))
{
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    m_title->setFont(f);
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setObjectName(QStringLiteral("emptyStateTitle"));
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    m_text->setForegroundRole(QPalette::PlaceholderText);
    m_text->setObjectName(QStringLiteral("emptyStateText"));

    // Long lines are hard to read: keep the explanation to a column.
    m_text->setMaximumWidth(560);

    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto *textRow = new QHBoxLayout;
    textRow->addStretch(1);
    textRow->addWidget(m_text, 100);
    textRow->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(m_title);
    layout->addLayout(textRow);
    layout->addStretch(2);
}

void EmptyState::setTitle(const QString &title) { m_title->setText(title); }
void EmptyState::setText(const QString &text) { m_text->setText(text); }
QString EmptyState::title() const { return m_title->text(); }
QString EmptyState::text() const { return m_text->text(); }

} // namespace spillway::ui
