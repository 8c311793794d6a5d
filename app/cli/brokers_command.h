// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <span>
#include <string>

namespace spillway::app {

/// `spillway-cli brokers ...`: the registry of local and remote brokers,
/// their supervision (start/stop/restart/status/log) and server.properties
/// edits. Returns the process exit code.
int runBrokersCommand(std::span<const std::string> args);

} // namespace spillway::app
