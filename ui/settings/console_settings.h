// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/alert.h"

#include <chrono>

class QSettings;

namespace spillway::ui {

/// The console's own settings: alert thresholds and the sampling interval,
/// persisted with QSettings (keys under "alerts/" and "monitor/"). Brokers
/// are not here: they live in the BrokerRegistry file shared with the CLI.
struct ConsoleSettings {
    core::measure::AlertThresholds thresholds;
    std::chrono::seconds interval{5};

    /// Defaults for anything missing or out of range.
    static ConsoleSettings load(QSettings &settings);
    void save(QSettings &settings) const;
};

} // namespace spillway::ui
