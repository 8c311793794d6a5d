// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <string>

namespace spillway::labfs {

/// Whether this process can mount a FUSE filesystem here: /dev/fuse opens
/// read-write, and either we are root with CAP_SYS_ADMIN or a setuid-root
/// fusermount3 is on PATH. On success, a short description of how
/// ("/dev/fuse, root"); otherwise Errc::Unsupported with the reason and what
/// would fix it.
core::Result<std::string> probeFuse();

} // namespace spillway::labfs
