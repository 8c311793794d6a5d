// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_drills.h"
#include "core/lab/lab_session.h"

namespace spillway::lab {

/// The drills themselves, on a session that holds the lab's lock and has
/// checked that the drill can run here. One object per drill run.
class DrillSteps {
public:
    DrillSteps(LabSession &session, const DrillRequest &request) : m_s(session), m_r(request) {}
    Result<DrillResult> run();

private:
    Result<int> requireDisk() const;
    [[nodiscard]] std::filesystem::path socketOf(int disk) const;
    [[nodiscard]] std::string diskLabel(int disk) const;
    /// Partition directories on a disk (listed through the backing dir for
    /// labfs, which stays readable when the disk fails).
    [[nodiscard]] std::vector<std::string> partitionsOn(int disk) const;
    void fact(std::string key, std::string value) { m_result.facts.emplace_back(std::move(key), std::move(value)); }

    Status labfsMode(const std::string &command, const std::string &mode);
    Status healDisks();
    Status fillDisk();
    Status removeFillers();
    Status unmountDisk();
    Status corruptIndex();
    Status slowConsumer();
    Status restore();
    Status restartBroker();

    LabSession &m_s;
    const DrillRequest &m_r;
    DrillResult m_result;
};

} // namespace spillway::lab
