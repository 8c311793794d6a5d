// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <span>
#include <string>

namespace spillway::app {

/// `spillway-cli status [--lab [ROOT] | --bootstrap HOST:PORT[,...]] [--json]
/// [--watch SECONDS [--count N]] [--history FILE]`: one round (or repeated
/// rounds) of the console's measurement loop (see docs/cli-status.md).
int runStatusCommand(std::span<const std::string> args);

} // namespace spillway::app
