// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/disk_filler.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace spillway::lab {

bool DiskFiller::isFiller(const std::filesystem::path &file)
{
    const auto name = file.filename().string();
    return name.starts_with("spillway-filler-") && name.ends_with(".bin");
}

Result<FillOutcome> DiskFiller::fill(const std::filesystem::path &dir, std::uint64_t bytes)
{
    FillOutcome out;
    int n = 1;
    std::error_code ec;
    while (std::filesystem::exists(dir / ("spillway-filler-" + std::to_string(n) + ".bin"), ec))
        ++n;
    out.file = dir / ("spillway-filler-" + std::to_string(n) + ".bin");
    const int fd = ::open(out.file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == ENOSPC) {
            out.hitNoSpace = true;
            return out;
        }
        return Error::fromErrno(errno, "cannot create " + out.file.string());
    }
    // Not zeros: a filesystem that compresses or dedups must still be filled.
    std::vector<char> block(1 << 20);
    for (std::size_t i = 0; i < block.size(); ++i)
        block[i] = static_cast<char>('A' + (i * 7 + i / 251) % 26);
    while (out.written < bytes) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), bytes - out.written));
        const ssize_t w = ::write(fd, block.data(), want);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == ENOSPC) {
            out.hitNoSpace = true;
            break;
        }
        if (w <= 0) {
            const int err = errno;
            ::close(fd);
            return Error::fromErrno(err,
                                    "cannot write " + out.file.string() + " at byte " + std::to_string(out.written));
        }
        out.written += static_cast<std::uint64_t>(w);
    }
    if (::fsync(fd) != 0 && errno == ENOSPC)
        out.hitNoSpace = true;
    ::close(fd);
    return out;
}

Result<std::uint64_t> DiskFiller::removeFillers(const std::filesystem::path &dir,
                                                std::vector<std::filesystem::path> &removed)
{
    std::uint64_t freed = 0;
    std::error_code ec;
    std::vector<std::filesystem::path> fillers;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec))
        if (isFiller(entry.path()))
            fillers.push_back(entry.path());
    if (ec)
        return Error::fromErrno(ec.value(), "cannot list " + dir.string());
    for (const auto &f : fillers) {
        const auto size = std::filesystem::file_size(f, ec);
        if (!std::filesystem::remove(f, ec) || ec)
            return Error::fromErrno(ec.value(), "cannot delete " + f.string());
        freed += size;
        removed.push_back(f);
    }
    return freed;
}

} // namespace spillway::lab
