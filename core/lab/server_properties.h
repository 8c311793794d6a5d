// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_layout.h"

#include <filesystem>
#include <string>
#include <vector>

namespace spillway::lab {

/// A lab broker's server.properties, with Apache Kafka's keys. Written once
/// from the lab's shape; after that the operator owns it (scenario C swaps a
/// spare into log.dirs by editing it), so later `lab up`s only update the
/// listener port and the emulated Kafka release (`--emulate-kafka`), keeping
/// every other line, comment and edit.
class ServerProperties {
public:
    /// Writes a fresh file, or updates the listener and the emulated release
    /// of an existing one.
    /// Returns a sentence saying which ("wrote ...", "kept ...").
    static Result<std::string> ensure(const LabLayout &layout, const LabConfig &config, int broker, int port);

    /// The log.dirs (or log.dir) of a server.properties.
    static Result<std::vector<std::filesystem::path>> logDirs(const std::filesystem::path &file);
};

} // namespace spillway::lab
