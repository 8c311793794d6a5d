// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/segment_locator.h"

#include <algorithm>
#include <set>
#include <string>

namespace spillway::core {
namespace {

bool allDigits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isAnySegmentFile(const std::filesystem::path &p)
{
    return isSegmentFileName(p, kLogSuffix) || isSegmentFileName(p, kOffsetIndexSuffix) ||
           isSegmentFileName(p, kTimeIndexSuffix);
}

/// Every segment base offset that has a .log, .index or .timeindex in `dir`.
Result<LocatedPartition> scanPartition(const std::filesystem::path &dir)
{
    std::set<std::int64_t> bases;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::filesystem::path &p = it->path();
        if (!isAnySegmentFile(p))
            continue;
        if (auto base = parseSegmentBaseOffset(p))
            bases.insert(base->get());
    }
    if (ec)
        return Error::fromErrno(ec.value(), "cannot list " + dir.string());
    LocatedPartition partition{dir, {}};
    for (const std::int64_t b : bases)
        partition.segments.push_back({dir, Offset(b)});
    return partition;
}

Result<bool> holdsSegments(const std::filesystem::path &dir)
{
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (isAnySegmentFile(it->path()))
            return true;
    }
    if (ec)
        return Error::fromErrno(ec.value(), "cannot list " + dir.string());
    return false;
}

} // namespace

bool SegmentLocator::looksLikePartitionDirName(std::string_view name)
{
    // <topic>-<p>.<uuid>-delete|-future|-stray: strip the suffix first.
    for (const std::string_view suffix : {"-delete", "-future", "-stray"}) {
        if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
            const std::size_t dot = name.rfind('.');
            if (dot == std::string_view::npos)
                return false;
            name = name.substr(0, dot);
            break;
        }
    }
    const std::size_t dash = name.rfind('-');
    return dash != std::string_view::npos && dash > 0 && allDigits(name.substr(dash + 1));
}

Result<std::vector<LocatedPartition>> SegmentLocator::locate(const std::filesystem::path &path)
{
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        return makeError(Errc::NotFound, path.string() + " does not exist");

    if (std::filesystem::is_regular_file(status)) {
        auto segment = SegmentFiles::fromPath(path);
        if (!segment)
            return segment.error();
        return std::vector<LocatedPartition>{{segment->partitionDir, {*segment}}};
    }
    if (!std::filesystem::is_directory(status))
        return makeError(Errc::InvalidArgument, path.string() + " is neither a segment file nor a directory");

    auto direct = holdsSegments(path);
    if (!direct)
        return direct.error();
    if (*direct || looksLikePartitionDirName(path.filename().string())) {
        auto partition = scanPartition(path);
        if (!partition)
            return partition.error();
        return std::vector<LocatedPartition>{std::move(*partition)};
    }

    // A log dir: its partition directories, in name order.
    std::vector<std::filesystem::path> dirs;
    for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeEc;
        if (it->is_directory(typeEc) && looksLikePartitionDirName(it->path().filename().string()))
            dirs.push_back(it->path());
    }
    if (ec)
        return Error::fromErrno(ec.value(), "cannot list " + path.string());
    if (dirs.empty())
        return makeError(Errc::NotFound, path.string() + " holds no segments and no partition directories",
                         "give a segment file, a partition directory (<topic>-<n>) or a log dir");
    std::sort(dirs.begin(), dirs.end());
    std::vector<LocatedPartition> out;
    for (const auto &d : dirs) {
        auto partition = scanPartition(d);
        if (!partition)
            return partition.error();
        out.push_back(std::move(*partition));
    }
    return out;
}

} // namespace spillway::core
