// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/widgets/fill_bar_delegate.h"

#include "ui/models/model_roles.h"
#include "ui/models/skew_model.h"
#include "ui/widgets/severity_style.h"

#include <QApplication>
#include <QFontMetrics>
#include <QPainter>

#include <algorithm>

namespace spillway::ui {

FillBarDelegate::FillBarDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

void FillBarDelegate::setThresholds(double warnPercent, double criticalPercent)
{
    m_warn = warnPercent;
    m_critical = criticalPercent;
}

void FillBarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariant raw = index.data(RawValueRole);
    if (!raw.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const double percent = std::clamp(raw.toDouble(), 0.0, 100.0);
    const QRect frame = option.rect.adjusted(3, 3, -3, -3);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QColor track = option.palette.color(QPalette::Mid);
    track.setAlpha(70);
    painter->setPen(Qt::NoPen);
    painter->setBrush(track);
    painter->drawRoundedRect(frame, 3, 3);
    QRect fill = frame;
    fill.setWidth(static_cast<int>(frame.width() * percent / 100.0));
    QColor color = usageColor(percent, m_warn, m_critical, option.palette);
    color.setAlpha(isDarkPalette(option.palette) ? 150 : 110);
    painter->setBrush(color);
    painter->drawRoundedRect(fill, 3, 3);
    const bool selected = option.state & QStyle::State_Selected;
    painter->setPen(option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawText(frame, Qt::AlignCenter, text);
    painter->restore();
}

void HeatCellDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto *model = qobject_cast<const SkewModel *>(index.model());
    if (!model || index.column() == SkewModel::kIndexColumn || !index.data(RawValueRole).isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const double heat = model->heat(index);
    const QColor base = option.palette.color(QPalette::Base);
    const QColor hot = option.palette.color(QPalette::Highlight);
    const double t = 0.06 + 0.6 * heat;
    const QColor fill = QColor::fromRgbF(static_cast<float>(base.redF() + (hot.redF() - base.redF()) * t),
                                         static_cast<float>(base.greenF() + (hot.greenF() - base.greenF()) * t),
                                         static_cast<float>(base.blueF() + (hot.blueF() - base.blueF()) * t));
    const bool out = index.data(OutOfBalanceRole).toBool();
    painter->save();
    painter->fillRect(option.rect, fill);
    if (out) {
        painter->setPen(QPen(severityColor(core::measure::AlertSeverity::Warning, option.palette), 3));
        painter->drawRect(option.rect.adjusted(2, 2, -2, -2));
    }
    // Pick whichever text colour contrasts more with the fill.
    const QColor textA = option.palette.color(QPalette::Text);
    const QColor textB = option.palette.color(QPalette::HighlightedText);
    const auto contrast = [&](const QColor &c) { return std::abs(c.lightnessF() - fill.lightnessF()); };
    painter->setPen(contrast(textA) >= contrast(textB) ? textA : textB);
    QFont f = option.font;
    f.setBold(out);
    painter->setFont(f);
    // Each line elided on the left: a path's end tells the disks apart.
    const QRect textRect = option.rect.adjusted(6, 2, -6, -2);
    const QFontMetrics metrics(f);
    QStringList lines = index.data(Qt::DisplayRole).toString().split(QLatin1Char('\n'));
    for (QString &line : lines)
        line = metrics.elidedText(line, Qt::ElideLeft, textRect.width());
    painter->drawText(textRect, Qt::AlignCenter, lines.join(QLatin1Char('\n')));
    if (option.state & QStyle::State_Selected) {
        painter->setPen(QPen(option.palette.color(QPalette::Highlight), 1, Qt::DashLine));
        painter->drawRect(option.rect.adjusted(1, 1, -2, -2));
    }
    painter->restore();
}

} // namespace spillway::ui
