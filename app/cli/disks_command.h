// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/alert.h"
#include "core/measure/local_snapshot.h"
#include "core/measure/skew.h"

#include <span>
#include <string>
#include <vector>

namespace spillway::app {

namespace measure = core::measure;

/// `spillway-cli disks [--log-dirs a,b,c | --config server.properties] [--json]`
/// (see `spillway-cli disks --help`).
int runDisksCommand(std::span<const std::string> args);

/// What `disks` measured and concluded, for the two printers.
struct DisksReport {
    int brokerId = 0;
    std::string origin; ///< "server.properties path" or "--log-dirs"
    measure::LocalMeasurement local;
    measure::BrokerSnapshot snapshot;
    measure::BrokerSkew skew;
    measure::AlertThresholds thresholds;
    std::vector<measure::Alert> alerts; ///< most severe first
};

void printDisksHuman(const DisksReport &report);
void printDisksJson(const DisksReport &report);

} // namespace spillway::app
