// SPDX-License-Identifier: GPL-3.0-or-later
#include "labfs/fuse_probe.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace spillway::labfs {

using core::Errc;
using core::makeError;

namespace {

constexpr int kCapSysAdmin = 21;

/// Whether CAP_SYS_ADMIN is in our effective set (/proc/self/status CapEff).
bool hasSysAdmin()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("CapEff:", 0) != 0)
            continue;
        const unsigned long long caps = std::strtoull(line.c_str() + 7, nullptr, 16);
        return ((caps >> kCapSysAdmin) & 1U) != 0;
    }
    return false;
}

/// The first fusermount3 on PATH (or in /usr/bin, /bin), "" when none.
std::string findFusermount()
{
    std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
    path += ":/usr/bin:/bin";
    std::string_view rest = path;
    while (!rest.empty()) {
        const auto colon = rest.find(':');
        const std::string dir(rest.substr(0, colon));
        rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
        if (dir.empty())
            continue;
        const std::string candidate = dir + "/fusermount3";
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

} // namespace

core::Result<std::string> probeFuse()
{
    struct stat st {};
    if (::stat("/dev/fuse", &st) != 0)
        return makeError(Errc::Unsupported, "no /dev/fuse",
                         "load the module (modprobe fuse); in a container, pass --device /dev/fuse");
    if (!S_ISCHR(st.st_mode))
        return makeError(Errc::Unsupported, "/dev/fuse is not a character device");
    const int fd = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return makeError(Errc::Unsupported, std::string("cannot open /dev/fuse: ") + std::strerror(err),
                         "run as root, or add the user to the group owning /dev/fuse");
    }
    ::close(fd);
    if (::geteuid() == 0) {
        if (!hasSysAdmin())
            return makeError(Errc::Unsupported, "running as root without CAP_SYS_ADMIN, so mount(2) is refused",
                             "in a container, add --cap-add SYS_ADMIN (and --device /dev/fuse)");
        return std::string("/dev/fuse, root");
    }
    const std::string fusermount = findFusermount();
    if (fusermount.empty())
        return makeError(Errc::Unsupported, "not root and no fusermount3 on PATH", "install fuse3 (apt install fuse3)");
    if (::stat(fusermount.c_str(), &st) != 0 || st.st_uid != 0 || (st.st_mode & S_ISUID) == 0)
        return makeError(Errc::Unsupported, "not root and " + fusermount + " is not setuid root",
                         "reinstall fuse3, or run as root");
    return "/dev/fuse, " + fusermount;
}

} // namespace spillway::labfs
