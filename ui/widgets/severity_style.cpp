// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/widgets/severity_style.h"

#include <QObject>
#include <QPainter>
#include <QPixmap>

#include <map>

namespace spillway::ui {

using core::measure::AlertSeverity;

bool isDarkPalette(const QPalette &palette) { return palette.color(QPalette::Base).lightness() < 128; }

QColor severityColor(AlertSeverity severity, const QPalette &palette)
{
    const bool dark = isDarkPalette(palette);
    switch (severity) {
    case AlertSeverity::Critical: return dark ? QColor(0xFF, 0x6B, 0x68) : QColor(0xC0, 0x1C, 0x28);
    case AlertSeverity::Warning: return dark ? QColor(0xF8, 0xC1, 0x4A) : QColor(0xA8, 0x5E, 0x00);
    case AlertSeverity::Info: break;
    }
    return dark ? QColor(0x7C, 0xB7, 0xFF) : QColor(0x1A, 0x5F, 0xB4);
}

QIcon severityIcon(AlertSeverity severity, const QPalette &palette)
{
    static std::map<std::pair<int, bool>, QIcon> cache;
    const auto key = std::make_pair(static_cast<int>(severity), isDarkPalette(palette));
    if (auto it = cache.find(key); it != cache.end())
        return it->second;
    QPixmap pm(16, 16);
    pm.fill(Qt::transparent);
    {
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(severityColor(severity, palette));
        p.drawEllipse(QRectF(2, 2, 12, 12));
        p.setPen(QPen(palette.color(QPalette::Base), 2));
        if (severity == AlertSeverity::Info) {
            p.drawLine(QPointF(8, 7), QPointF(8, 12));
        } else {
            p.drawLine(QPointF(8, 4.5), QPointF(8, 9));
            p.drawPoint(QPointF(8, 11.5));
        }
    }
    QIcon icon(pm);
    cache.emplace(key, icon);
    return icon;
}

QString severityText(AlertSeverity severity)
{
    switch (severity) {
    case AlertSeverity::Critical: return QObject::tr("Critical");
    case AlertSeverity::Warning: return QObject::tr("Warning");
    case AlertSeverity::Info: break;
    }
    return QObject::tr("Info");
}

QColor usageColor(double percent, double warnPercent, double criticalPercent, const QPalette &palette)
{
    const bool dark = isDarkPalette(palette);
    if (percent >= criticalPercent)
        return severityColor(AlertSeverity::Critical, palette);
    if (percent >= warnPercent)
        return severityColor(AlertSeverity::Warning, palette);
    return dark ? QColor(0x57, 0xC7, 0x7B) : QColor(0x2E, 0x8B, 0x3E);
}

} // namespace spillway::ui
