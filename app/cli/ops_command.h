// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <span>
#include <string>

namespace spillway::app {

/// `spillway-cli ops move|list|recover ...` (see `spillway-cli ops --help`).
int runOpsCommand(std::span<const std::string> args);

} // namespace spillway::app
