// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/alert.h"

#include <QColor>
#include <QIcon>
#include <QPalette>
#include <QString>

namespace spillway::ui {

/// Severity colours that stay readable on the palette's base colour: darker
/// tones on light themes, lighter ones on dark themes. GUI thread.
QColor severityColor(core::measure::AlertSeverity severity, const QPalette &palette);
/// A small round badge in the severity colour (cached per severity and theme).
QIcon severityIcon(core::measure::AlertSeverity severity, const QPalette &palette);
QString severityText(core::measure::AlertSeverity severity);
/// True when the palette's base colour is dark.
bool isDarkPalette(const QPalette &palette);
/// A fill colour for usage bars and heat cells: green below warn, amber
/// below critical, red above, blended for the theme.
QColor usageColor(double percent, double warnPercent, double criticalPercent, const QPalette &palette);

} // namespace spillway::ui
