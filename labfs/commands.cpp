// SPDX-License-Identifier: GPL-3.0-or-later
// runControl and runProbe: the small subcommands.
#include "labfs/commands.h"
#include "labfs/control_protocol.h"
#include "labfs/control_server.h"
#include "labfs/fuse_probe.h"

#include <cstdio>

namespace spillway::labfs {

int runControl(const std::filesystem::path &socket, const std::vector<std::string> &words)
{
    std::string line;
    for (const auto &w : words)
        line += (line.empty() ? "" : " ") + w;
    if (auto request = parseControlRequest(line); !request) {
        std::fprintf(stderr, "spillway-labfs: %s\n", request.error().describe().c_str());
        return kExitUsage;
    }
    auto reply = sendControlRequest(socket, line);
    if (!reply) {
        std::fprintf(stderr, "spillway-labfs: %s\n", reply.error().describe().c_str());
        return kExitUsage;
    }
    std::printf("%s\n", reply->c_str());
    return reply->rfind("{\"ok\":true", 0) == 0 ? kExitOk : kExitFailed;
}

int runProbe()
{
    auto fuse = probeFuse();
    if (!fuse) {
        std::fprintf(stderr, "FUSE unavailable: %s%s\n", fuse.error().message.c_str(),
                     fuse.error().hint.empty() ? "" : (" (hint: " + fuse.error().hint + ")").c_str());
        return kExitFuseUnavailable;
    }
    std::printf("FUSE available: %s\n", fuse->c_str());
    return kExitOk;
}

} // namespace spillway::labfs
