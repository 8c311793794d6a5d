// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/app_paths.h"

#include <QDir>
#include <QtGlobal>

namespace spillway::core {
namespace {

QString xdgDir(const char *variable, const QString &fallbackUnderHome)
{
    const QString value = qEnvironmentVariable(variable);
    // The XDG spec says relative paths are invalid and must be ignored.
    if (!value.isEmpty() && QDir::isAbsolutePath(value))
        return QDir::cleanPath(value);
    return QDir::cleanPath(QDir::homePath() + QLatin1Char('/') + fallbackUnderHome);
}

} // namespace

AppPaths AppPaths::fromEnvironment()
{
    AppPaths p;
    p.dataDir = xdgDir("XDG_DATA_HOME", QStringLiteral(".local/share")) + QStringLiteral("/spillway");
    p.configDir = xdgDir("XDG_CONFIG_HOME", QStringLiteral(".config")) + QStringLiteral("/spillway");
    p.labRoot = p.dataDir + QStringLiteral("/lab");
    return p;
}

} // namespace spillway::core
