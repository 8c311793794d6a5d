// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/index_verifier.h"

#include "core/common/fileio.h"
#include "core/storage/index/index_check_walk.h"
#include "core/storage/index/offset_index.h"
#include "core/storage/index/time_index.h"

#include <system_error>
#include <vector>

namespace spillway::core {
namespace {

std::string num(std::int64_t v) { return std::to_string(v); }

/// Size and padding findings shared by both index kinds.
void checkLayout(FileVerdict &verdict, const IndexFileLayout &layout, std::string_view kind)
{
    if (!layout.sizeIsMultiple()) {
        verdict.add({FindingSeverity::Problem,
                     "size " + num(layout.fileSize) + " is not a multiple of the " + std::string(kind) +
                         " entry size " + num(layout.entrySize) + " (" + num(layout.trailingBytes) +
                         " stray bytes at the end)",
                     layout.fileSize - layout.trailingBytes, std::nullopt, std::nullopt});
    }
    if (layout.hasZeroTail()) {
        verdict.add({FindingSeverity::Notice,
                     "preallocated zero tail: " + num(layout.zeroTailSlots) + " empty slots after " +
                         num(layout.entryCount) +
                         " entries (an active segment or an unclean shutdown; Kafka >= 2.0 accepts it and its "
                         "recovery rebuilds the index, Kafka <= 1.1 would rebuild it at load)",
                     layout.slotPosition(layout.entryCount), std::nullopt, std::nullopt});
    }
}

/// Order and range checks that need no log; survivors are sorted and go on
/// to the walk.
std::vector<CheckedOffsetEntry> checkOffsetOrder(const OffsetIndex &index, std::int64_t logSize, FileVerdict &verdict)
{
    std::vector<CheckedOffsetEntry> out;
    out.reserve(index.size());
    const auto &entries = index.entries();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const OffsetIndexEntry &raw = entries[i];
        const CheckedOffsetEntry e{static_cast<std::int64_t>(i), index.absolute(raw.relativeOffset), raw.position};
        const auto problem = [&](std::string reason) {
            verdict.add(
                {FindingSeverity::Problem, std::move(reason), e.slot * OffsetIndex::kEntrySize, e.position, e.offset});
        };
        if (raw.relativeOffset.get() < 0) {
            problem("relative offset " + num(raw.relativeOffset.get()) + " is negative");
        } else if (raw.position.get() < 0) {
            problem("position " + num(raw.position.get()) + " is negative");
        } else if (!out.empty() && e.offset <= out.back().offset) {
            problem("offset " + num(e.offset.get()) + " is not above the previous entry's offset " +
                    num(out.back().offset.get()));
        } else if (!out.empty() && e.position < out.back().position) {
            problem("position " + num(e.position.get()) + " is before the previous entry's position " +
                    num(out.back().position.get()));
        } else if (e.position.get() >= logSize) {
            problem("position " + num(e.position.get()) + " is past the end of the log (" + num(logSize) + " bytes)");
        } else {
            out.push_back(e);
        }
    }
    return out;
}

std::vector<CheckedTimeEntry> checkTimeOrder(const TimeIndex &index, FileVerdict &verdict)
{
    std::vector<CheckedTimeEntry> out;
    out.reserve(index.size());
    const auto &entries = index.entries();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const TimeIndexEntry &raw = entries[i];
        const CheckedTimeEntry e{static_cast<std::int64_t>(i), raw.timestamp, index.absolute(raw.relativeOffset)};
        const auto problem = [&](std::string reason) {
            verdict.add(
                {FindingSeverity::Problem, std::move(reason), e.slot * TimeIndex::kEntrySize, std::nullopt, e.offset});
        };
        if (raw.relativeOffset.get() < 0) {
            problem("relative offset " + num(raw.relativeOffset.get()) + " is negative");
        } else if (e.timestamp.get() < 0) {
            problem("timestamp " + num(e.timestamp.get()) + " is negative");
        } else if (!out.empty() && e.timestamp <= out.back().timestamp) {
            problem("timestamp " + num(e.timestamp.get()) + " is not above the previous entry's " +
                    num(out.back().timestamp.get()));
        } else if (!out.empty() && e.offset < out.back().offset) {
            problem("offset " + num(e.offset.get()) + " is below the previous entry's offset " +
                    num(out.back().offset.get()));
        } else {
            out.push_back(e);
        }
    }
    return out;
}

std::optional<std::span<const std::byte>> bytesOf(const std::optional<MappedFile> &file)
{
    if (!file)
        return std::nullopt;
    return file->bytes();
}

Result<std::optional<MappedFile>> mapIfPresent(const std::filesystem::path &path)
{
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    if (ec)
        return Error::fromErrno(ec.value(), "cannot stat " + path.string());
    if (!exists)
        return std::optional<MappedFile>();
    auto mapped = MappedFile::open(path);
    if (!mapped)
        return mapped.error();
    return std::optional<MappedFile>(std::move(*mapped));
}

} // namespace

SegmentVerdict IndexVerifier::verify(const SegmentBytes &segment, const VerifyOptions &verifyOptions)
{
    SegmentVerdict verdict;
    verdict.baseOffset = segment.baseOffset;
    verdict.log.present = segment.log.has_value();
    verdict.offsetIndex.present = segment.offsetIndex.has_value();
    verdict.timeIndex.present = segment.timeIndex.has_value();
    verdict.log.sizeBytes = segment.log ? static_cast<std::int64_t>(segment.log->size()) : 0;

    OffsetIndex offsetIndex(segment.baseOffset);
    if (segment.offsetIndex) {
        offsetIndex = OffsetIndex::parse(*segment.offsetIndex, segment.baseOffset);
        verdict.offsetLayout = offsetIndex.layout();
        verdict.offsetIndex.sizeBytes = verdict.offsetLayout.fileSize;
        checkLayout(verdict.offsetIndex, verdict.offsetLayout, "offset index");
    }
    TimeIndex timeIndex(segment.baseOffset);
    if (segment.timeIndex) {
        timeIndex = TimeIndex::parse(*segment.timeIndex, segment.baseOffset);
        verdict.timeLayout = timeIndex.layout();
        verdict.timeIndex.sizeBytes = verdict.timeLayout.fileSize;
        checkLayout(verdict.timeIndex, verdict.timeLayout, "time index");
    }

    if (!segment.log) {
        verdict.log.add({FindingSeverity::Problem, "missing: the segment's index files have no .log", std::nullopt,
                         std::nullopt, std::nullopt});
        for (FileVerdict *v : {&verdict.offsetIndex, &verdict.timeIndex}) {
            if (v->present)
                v->add({FindingSeverity::Problem,
                        "orphaned: no .log for this index (Kafka deletes orphaned index files at load)", std::nullopt,
                        std::nullopt, std::nullopt});
        }
        return verdict;
    }

    const std::int64_t logSize = verdict.log.sizeBytes;
    const std::vector<CheckedOffsetEntry> offsetEntries = checkOffsetOrder(offsetIndex, logSize, verdict.offsetIndex);
    const std::vector<CheckedTimeEntry> timeEntries = checkTimeOrder(timeIndex, verdict.timeIndex);

    IndexCheckWalk walk(segment.baseOffset, offsetEntries, timeEntries, verdict);
    ParseOptions options;
    options.mode = ParseMode::Recovery;
    options.verifyCrc = verifyOptions.verifyLogCrc;
    const ParseOutcome outcome = SegmentParser::parse(*segment.log, walk, options);
    walk.finish(outcome);

    if (!segment.offsetIndex) {
        verdict.offsetIndex.add({FindingSeverity::Problem,
                                 "missing: Kafka rebuilds it when it loads the log (>= 2.3 at every start); "
                                 "rebuild it to spare the broker that work",
                                 std::nullopt, std::nullopt, std::nullopt});
    }
    if (!segment.timeIndex) {
        if (verdict.logSummary.maxTimestamp.get() < 0)
            verdict.timeIndex.add({FindingSeverity::Notice,
                                   "absent; the segment holds no timestamps, so an empty time index is correct",
                                   std::nullopt, std::nullopt, std::nullopt});
        else
            verdict.timeIndex.add({FindingSeverity::Problem,
                                   "missing: Kafka >= 2.3 creates it empty, losing time lookups and time-based "
                                   "retention for this segment",
                                   std::nullopt, std::nullopt, std::nullopt});
    }
    return verdict;
}

Result<SegmentVerdict> IndexVerifier::verifyFiles(const SegmentFiles &files)
{
    auto log = mapIfPresent(files.log());
    if (!log)
        return log.error();
    auto offsetIndex = mapIfPresent(files.offsetIndex());
    if (!offsetIndex)
        return offsetIndex.error();
    auto timeIndex = mapIfPresent(files.timeIndex());
    if (!timeIndex)
        return timeIndex.error();

    SegmentVerdict verdict = verify({files.baseOffset, bytesOf(*log), bytesOf(*offsetIndex), bytesOf(*timeIndex)});
    verdict.log.path = files.log();
    verdict.offsetIndex.path = files.offsetIndex();
    verdict.timeIndex.path = files.timeIndex();
    return verdict;
}

} // namespace spillway::core
