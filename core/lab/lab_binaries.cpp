// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/lab_binaries.h"

#include <cstdlib>

namespace spillway::lab {

LabBinaries LabBinaries::inDirectory(const std::filesystem::path &dir)
{
    return LabBinaries{dir / "spillway-broker", dir / "spillway-labfs", dir / "spillway-loadgen"};
}

LabBinaries LabBinaries::locate()
{
    if (const char *dir = std::getenv("SPILLWAY_BIN_DIR"); dir != nullptr && dir[0] != '\0')
        return inDirectory(std::filesystem::absolute(dir));
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return inDirectory(ec ? std::filesystem::current_path(ec) : self.parent_path());
}

} // namespace spillway::lab
