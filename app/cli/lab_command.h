// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <span>
#include <string>

namespace spillway::app {

/// `spillway-cli lab up|down|status|reset|load|drill ...` (see `spillway-cli lab --help`).
int runLabCommand(std::span<const std::string> args);

/// `spillway-cli lab drill <name> ...`; `args` start after "drill".
int runLabDrillCommand(std::span<const std::string> args);

} // namespace spillway::app
