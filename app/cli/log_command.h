// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <span>
#include <string>

namespace spillway::app {

/// `spillway-cli log inspect <segment | partition dir | log dir> [--json] [--records]`
/// (see `spillway-cli log --help`).
int runLogCommand(std::span<const std::string> args);

} // namespace spillway::app
