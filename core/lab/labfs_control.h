// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace spillway::lab {

/// What a labfs disk reports about itself (its `status` answer).
struct LabfsStatus {
    std::string name;
    std::string mode; ///< healthy, failed, readonly or slow
    std::int64_t slowMs = 0;
    std::int64_t capacity = -1;
    std::int64_t used = -1;
    std::optional<std::int64_t> pid; ///< when labfs says which process serves the mount
};

/// Client of one spillway-labfs disk's control socket: one text line per
/// request (`healthy`, `fail`, `readonly`, `slow 50`, `status`), one JSON
/// line back ({"ok":true,...} or {"ok":false,"error":"..."}). Stateless;
/// each call connects anew, with a timeout.
class LabfsControl {
public:
    static Result<LabfsStatus> status(const std::filesystem::path &socket);
    /// Sends `request` (e.g. "fail", "slow 50"); an error carries labfs's words.
    static Status command(const std::filesystem::path &socket, const std::string &request);

    /// Unix socket paths are limited to 107 bytes; the lab checks before mounting.
    static constexpr std::size_t kMaxSocketPath = 107;

private:
    static Result<std::string> exchange(const std::filesystem::path &socket, const std::string &request,
                                        std::chrono::milliseconds timeout);
};

} // namespace spillway::lab
