// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/settings/console_settings.h"

#include <QSettings>

namespace spillway::ui {
namespace {

double readDouble(QSettings &s, const char *key, double fallback, double lo, double hi)
{
    bool ok = false;
    const double v = s.value(QLatin1String(key)).toDouble(&ok);
    return ok && v >= lo && v <= hi ? v : fallback;
}

qint64 readInt(QSettings &s, const char *key, qint64 fallback, qint64 lo, qint64 hi)
{
    bool ok = false;
    const qint64 v = s.value(QLatin1String(key)).toLongLong(&ok);
    return ok && v >= lo && v <= hi ? v : fallback;
}

bool readBool(QSettings &s, const char *key, bool fallback)
{
    const QVariant v = s.value(QLatin1String(key));
    return v.isValid() ? v.toBool() : fallback;
}

} // namespace

ConsoleSettings ConsoleSettings::load(QSettings &s)
{
    ConsoleSettings out;
    auto &t = out.thresholds;
    const core::measure::AlertThresholds d;
    t.usageWarnPercent = readDouble(s, "alerts/usageWarnPercent", d.usageWarnPercent, 1, 100);
    t.usageCriticalPercent = readDouble(s, "alerts/usageCriticalPercent", d.usageCriticalPercent, 1, 100);
    t.usageClearMarginPercent = readDouble(s, "alerts/usageClearMarginPercent", d.usageClearMarginPercent, 0, 50);
    t.timeToFullWarnHours = readDouble(s, "alerts/timeToFullWarnHours", d.timeToFullWarnHours, 0, 1e4);
    t.timeToFullCriticalHours = readDouble(s, "alerts/timeToFullCriticalHours", d.timeToFullCriticalHours, 0, 1e4);
    t.lagGrowthWarnPerSecond = readDouble(s, "alerts/lagGrowthWarnPerSecond", d.lagGrowthWarnPerSecond, 0, 1e9);
    t.lagMinMessages = readInt(s, "alerts/lagMinMessages", d.lagMinMessages, 0, qint64{1} << 50);
    t.skewThresholdPercent = readDouble(s, "alerts/skewThresholdPercent", d.skewThresholdPercent, 0, 1000);
    t.skewMinMeanBytes = readInt(s, "alerts/skewMinMeanBytes", d.skewMinMeanBytes, 0, qint64{1} << 60);
    t.brokerSkewThresholdPercent =
        readDouble(s, "alerts/brokerSkewThresholdPercent", d.brokerSkewThresholdPercent, 0, 1000);
    t.warnRootFilesystem = readBool(s, "alerts/warnRootFilesystem", d.warnRootFilesystem);
    t.warnReplicationFactorOne = readBool(s, "alerts/warnReplicationFactorOne", d.warnReplicationFactorOne);
    t.includeInternalTopics = readBool(s, "alerts/includeInternalTopics", d.includeInternalTopics);
    if (t.usageCriticalPercent < t.usageWarnPercent)
        t.usageCriticalPercent = t.usageWarnPercent;
    out.interval = std::chrono::seconds(readInt(s, "monitor/intervalSeconds", 5, 1, 3600));
    return out;
}

void ConsoleSettings::save(QSettings &s) const
{
    const auto &t = thresholds;
    s.setValue(QStringLiteral("alerts/usageWarnPercent"), t.usageWarnPercent);
    s.setValue(QStringLiteral("alerts/usageCriticalPercent"), t.usageCriticalPercent);
    s.setValue(QStringLiteral("alerts/usageClearMarginPercent"), t.usageClearMarginPercent);
    s.setValue(QStringLiteral("alerts/timeToFullWarnHours"), t.timeToFullWarnHours);
    s.setValue(QStringLiteral("alerts/timeToFullCriticalHours"), t.timeToFullCriticalHours);
    s.setValue(QStringLiteral("alerts/lagGrowthWarnPerSecond"), t.lagGrowthWarnPerSecond);
    s.setValue(QStringLiteral("alerts/lagMinMessages"), static_cast<qlonglong>(t.lagMinMessages));
    s.setValue(QStringLiteral("alerts/skewThresholdPercent"), t.skewThresholdPercent);
    s.setValue(QStringLiteral("alerts/skewMinMeanBytes"), static_cast<qlonglong>(t.skewMinMeanBytes));
    s.setValue(QStringLiteral("alerts/brokerSkewThresholdPercent"), t.brokerSkewThresholdPercent);
    s.setValue(QStringLiteral("alerts/warnRootFilesystem"), t.warnRootFilesystem);
    s.setValue(QStringLiteral("alerts/warnReplicationFactorOne"), t.warnReplicationFactorOne);
    s.setValue(QStringLiteral("alerts/includeInternalTopics"), t.includeInternalTopics);
    s.setValue(QStringLiteral("monitor/intervalSeconds"), static_cast<qlonglong>(interval.count()));
    s.sync();
}

} // namespace spillway::ui
