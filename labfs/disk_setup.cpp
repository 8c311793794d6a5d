// SPDX-License-Identifier: GPL-3.0-or-later
// prepareDisk: the checks before anything is mounted.
#include "labfs/commands.h"

#include <cctype>
#include <cerrno>
#include <limits>
#include <sys/stat.h>

namespace spillway::labfs {

using core::Errc;
using core::Error;
using core::makeError;

namespace {

bool inside(const std::filesystem::path &child, const std::filesystem::path &parent)
{
    auto c = child.begin();
    for (auto p = parent.begin(); p != parent.end(); ++p, ++c) {
        if (c == child.end() || *c != *p)
            return false;
    }
    return true;
}

bool safeName(const std::string &name)
{
    if (name.empty() || name.size() > 64)
        return false;
    for (const char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) == 0 && ch != '-' && ch != '_' && ch != '.')
            return false;
    }
    return true;
}

core::Result<std::filesystem::path> existingDir(const std::filesystem::path &path, const std::string &what)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOTCONN)
            return Error::fromErrno(err, what + " " + path.string(),
                                    "a dead FUSE mount is left there: fusermount3 -u -z " + path.string());
        if (err == ENOENT)
            return makeError(Errc::NotFound, what + " " + path.string() + " does not exist",
                             "create it first: mkdir -p " + path.string());
        return Error::fromErrno(err, "cannot use " + what + " " + path.string());
    }
    if (!S_ISDIR(st.st_mode))
        return makeError(Errc::InvalidArgument, what + " " + path.string() + " is not a directory");
    std::error_code ec;
    auto canonical = std::filesystem::canonical(path, ec);
    if (ec)
        return Error::fromErrno(ec.value(), "cannot resolve " + what + " " + path.string());
    return canonical;
}

} // namespace

core::Result<DiskConfig> prepareDisk(const MountOptions &options)
{
    if (options.backing.empty() || options.mountpoint.empty())
        return makeError(Errc::InvalidArgument, "--backing and --mountpoint are required");
    if (options.capacity < kMinCapacity ||
        options.capacity > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return makeError(Errc::InvalidArgument, "capacity " + std::to_string(options.capacity) +
                                                    " is out of range (at least " + std::to_string(kMinCapacity) +
                                                    " bytes)");
    auto backing = existingDir(options.backing, "backing directory");
    if (!backing)
        return backing.error();
    auto mountpoint = existingDir(options.mountpoint, "mountpoint");
    if (!mountpoint)
        return mountpoint.error();
    std::error_code ec;
    if (std::filesystem::directory_iterator(*mountpoint, ec) != std::filesystem::directory_iterator() || ec)
        return makeError(Errc::InvalidArgument, "mountpoint " + mountpoint->string() + " is not empty",
                         "mount on an empty directory (is a disk already mounted there?)");
    if (inside(*mountpoint, *backing) || inside(*backing, *mountpoint))
        return makeError(Errc::InvalidArgument,
                         "the backing directory " + backing->string() + " and the mountpoint " + mountpoint->string() +
                             " must not contain each other",
                         "keep them side by side, e.g. disks/data0.backing and disks/data0");

    DiskConfig disk;
    disk.backing = *backing;
    disk.mountpoint = *mountpoint;
    disk.capacity = static_cast<std::int64_t>(options.capacity);
    disk.name = options.name.empty() ? mountpoint->filename().string() : options.name;
    if (!safeName(disk.name))
        return makeError(Errc::InvalidArgument, "disk name '" + disk.name + "' is not usable",
                         "pass --name with letters, digits, '-', '_' or '.' (at most 64)");
    if (options.control.empty()) {
        disk.control = backing->string() + ".ctl";
    } else {
        disk.control = std::filesystem::absolute(options.control, ec).lexically_normal();
        if (ec)
            return Error::fromErrno(ec.value(), "cannot resolve --control " + options.control.string());
        auto parent = std::filesystem::weakly_canonical(disk.control.parent_path(), ec);
        if (!ec)
            disk.control = parent / disk.control.filename();
    }
    if (inside(disk.control, disk.mountpoint))
        return makeError(Errc::InvalidArgument,
                         "the control socket " + disk.control.string() + " must not be inside the mount",
                         "leave --control out to use <backing>.ctl");
    return disk;
}

} // namespace spillway::labfs
