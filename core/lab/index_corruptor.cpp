// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/index_corruptor.h"

#include "core/storage/index/index_verifier.h"
#include "core/storage/index/offset_index.h"
#include "core/storage/index/segment_locator.h"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace spillway::lab {

std::string hexBytes(const std::array<std::uint8_t, 8> &bytes)
{
    std::string out;
    char buf[4];
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
        out += (i ? " " : "") + std::string(buf);
    }
    return out;
}

Result<IndexCorruption> IndexCorruptor::corrupt(const std::filesystem::path &partitionDir)
{
    auto located = core::SegmentLocator::locate(partitionDir);
    if (!located)
        return located.error();
    IndexCorruption c;
    std::optional<core::SegmentFiles> chosen;
    for (const auto &partition : *located) {
        for (const auto &segment : partition.segments) {
            std::error_code ec;
            if (!std::filesystem::exists(segment.log(), ec) || !std::filesystem::exists(segment.offsetIndex(), ec))
                continue;
            auto index = core::OffsetIndex::readFile(segment.offsetIndex());
            if (!index)
                return index.error();
            const auto entries = static_cast<std::int64_t>(index->size());
            if (!chosen || entries > c.entries) {
                chosen = segment;
                c.entries = entries;
            }
        }
    }
    if (!chosen)
        return makeError(Errc::NotFound, "no segment with an offset index in " + partitionDir.string());
    c.file = chosen->offsetIndex();
    c.entry = c.entries / 2;
    c.byteStart = c.entry * core::OffsetIndex::kEntrySize;
    c.after = {0xDE, 0xAD, 0xBE, 0xEF, 0xDE, 0xAD, 0xBE, 0xEF};

    const int fd = ::open(c.file.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot open " + c.file.string());
    const ssize_t got = ::pread(fd, c.before.data(), c.before.size(), static_cast<off_t>(c.byteStart));
    const ssize_t put = ::pwrite(fd, c.after.data(), c.after.size(), static_cast<off_t>(c.byteStart));
    const int err = errno;
    const bool synced = put == static_cast<ssize_t>(c.after.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (got < 0 || put != static_cast<ssize_t>(c.after.size()) || !synced)
        return Error::fromErrno(err, "cannot overwrite bytes " + std::to_string(c.byteStart) + ".." +
                                         std::to_string(c.byteStart + 7) + " of " + c.file.string());

    auto verdict = core::IndexVerifier::verifyFiles(*chosen);
    if (verdict && !verdict->offsetIndex.ok()) {
        if (const auto *p = verdict->offsetIndex.firstProblem())
            c.verifierSays = p->describe("index byte");
    }
    return c;
}

} // namespace spillway::lab
