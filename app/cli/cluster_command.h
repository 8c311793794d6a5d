// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <span>
#include <string>

namespace spillway::app {

/// `spillway-cli cluster brokers|topics|log-dirs|configs|set-config|move|groups
/// --bootstrap HOST:PORT [--json]` (see `spillway-cli cluster --help`).
int runClusterCommand(std::span<const std::string> args);

} // namespace spillway::app
