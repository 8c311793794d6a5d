// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/segment_files.h"

#include "core/storage/format/segment_file_name.h"

namespace spillway::core {

std::filesystem::path SegmentFiles::withSuffix(std::string_view suffix) const
{
    return partitionDir / (formatOffsetFileStem(baseOffset) + std::string(suffix));
}

Result<SegmentFiles> SegmentFiles::fromPath(const std::filesystem::path &anySegmentFile)
{
    bool known = false;
    for (const std::string_view suffix : {kLogSuffix, kOffsetIndexSuffix, kTimeIndexSuffix})
        known = known || isSegmentFileName(anySegmentFile, suffix);
    if (!known)
        return makeError(Errc::InvalidArgument, anySegmentFile.string() + " is not a segment file",
                         "expected <20-digit base offset>.log, .index or .timeindex");
    auto base = parseSegmentBaseOffset(anySegmentFile);
    if (!base)
        return base.error();
    std::filesystem::path dir = anySegmentFile.parent_path();
    if (dir.empty())
        dir = ".";
    return SegmentFiles{dir, *base};
}

Result<Offset> parseSegmentBaseOffset(const std::filesystem::path &file)
{
    const auto parsed = parseSegmentFileName(file.filename().string());
    if (!parsed)
        return makeError(Errc::InvalidArgument, "cannot take a base offset from the name of " + file.string(),
                         "segment files are named by their base offset in 20 digits, e.g. 00000000000000001234.log");
    return parsed->offset;
}

bool isSegmentFileName(const std::filesystem::path &file, std::string_view suffix)
{
    const auto parsed = parseSegmentFileName(file.filename().string());
    return parsed && parsed->suffix == TempSuffix::None && extension(parsed->type) == suffix;
}

} // namespace spillway::core
