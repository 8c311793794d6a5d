// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

namespace spillway::lab {

// The lab speaks core's errors-as-values.
using core::Errc;
using core::Error;
using core::makeError;
using core::Result;
using core::Status;

} // namespace spillway::lab
