// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace spillway::core {

/// Where Spillway keeps its own files, following the XDG base directories:
/// data (history, journal) under $XDG_DATA_HOME/spillway, settings under
/// $XDG_CONFIG_HOME/spillway, the lab under <data>/lab. Plain values; any thread.
struct AppPaths {
    QString dataDir;
    QString configDir;
    QString labRoot;

    /// Resolved from the environment ($XDG_*, $HOME) of this process.
    static AppPaths fromEnvironment();
};

} // namespace spillway::core
