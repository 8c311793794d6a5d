// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <span>
#include <string>

namespace spillway::app {

/// `spillway-cli index verify|rebuild ...` (see `spillway-cli index --help`).
int runIndexCommand(std::span<const std::string> args);

} // namespace spillway::app
