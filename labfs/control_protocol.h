// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "labfs/fault_state.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace spillway::labfs {

/// One request on the control socket: a text line, `healthy`, `fail`,
/// `readonly`, `slow <ms>` or `status`. Every answer is one JSON line:
/// `{"ok":true,<status>}` or `{"ok":false,"error":"..."}`.
struct ControlRequest {
    enum class Kind { SetFault, Status };
    Kind kind = Kind::Status;
    FaultMode mode = FaultMode::Healthy;
    int slowMs = 0;
};

/// Parses one request line (surrounding blanks and a trailing CR ignored).
/// Errc::InvalidArgument with the accepted forms when it is not one.
core::Result<ControlRequest> parseControlRequest(std::string_view line);

/// What `status` (and every successful request) reports about a disk.
struct DiskStatus {
    std::string name;
    FaultMode mode = FaultMode::Healthy;
    int slowMs = 0;
    std::int64_t capacity = 0;
    std::int64_t used = 0;
    std::int64_t free = 0;
    std::string mountpoint;
    std::string backing;
    std::int64_t pid = 0;
};

/// {"ok":true,"name":...,"mode":...,"slow_ms":...,"capacity":...,"used":...,
///  "free":...,"mountpoint":...,"backing":...,"pid":...} (one line, no newline)
std::string statusReply(const DiskStatus &status);
/// {"ok":false,"error":"<message>"} (one line, no newline)
std::string errorReply(std::string_view message);

} // namespace spillway::labfs
