// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/log/log_segment.h"

#include "broker/log/batch_scanner.h"

#include "core/storage/format/batch.h"
#include "core/storage/format/segment_parser.h"
#include "core/storage/index/index_layout.h"
#include "core/storage/index/recovery_index_builder.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spillway::broker {

using core::Errc;
using core::Error;
using core::FilePosition;
using core::Offset;
using core::Result;
using core::Status;
using core::Timestamp;

namespace {

Result<std::shared_ptr<FileHandle>> openLog(const std::filesystem::path &path, bool create)
{
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0), 0644);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot open segment " + path.string());
    return std::make_shared<FileHandle>(fd);
}

/// Feeds the recovery index builder and remembers where the last batch it
/// took ends, so a batch it refuses (offsets outside the segment) is cut off
/// like a corrupt one.
class RecoveryWalk final : public core::BatchConsumer {
public:
    RecoveryWalk(core::RecoveryIndexBuilder &builder, const std::function<void(core::LeaderEpoch, Offset)> &onEpoch)
        : m_builder(builder)
        , m_onEpoch(onEpoch)
    {}
    bool onBatch(const core::BatchInfo &batch) override
    {
        if (!m_builder.onBatch(batch))
            return false;
        m_end = batch.position.get() + batch.sizeInBytes;
        m_nextOffset = Offset(batch.lastOffset.get() + 1);
        if (batch.maxTimestamp > m_maxTimestamp) {
            m_maxTimestamp = batch.maxTimestamp;
            m_maxTimestampOffset = batch.lastOffset;
        }
        if (batch.magic >= 2 && batch.leaderEpoch.get() >= 0 && m_onEpoch)
            m_onEpoch(batch.leaderEpoch, batch.baseOffset);
        if (!m_first) {
            m_first = batch.maxTimestamp;
        }
        return true;
    }
    std::int64_t m_end = 0;
    std::optional<Offset> m_nextOffset;
    Timestamp m_maxTimestamp{-1};
    Offset m_maxTimestampOffset{0};
    std::optional<Timestamp> m_first;

private:
    core::RecoveryIndexBuilder &m_builder;
    const std::function<void(core::LeaderEpoch, Offset)> &m_onEpoch;
};

} // namespace

Error LogSegment::ioError(int err, const std::string &what) const
{
    return Error::fromErrno(err, what + " " + m_files.log().string());
}

Result<std::unique_ptr<LogSegment>> LogSegment::create(const std::filesystem::path &partitionDir, Offset base,
                                                       const LogConfig &config, std::int64_t nowMs)
{
    core::SegmentFiles files{partitionDir, base};
    auto log = openLog(files.log(), true);
    if (!log)
        return log.error();
    auto indexes = SegmentIndexes::open(files, false);
    if (!indexes)
        return indexes.error();
    std::unique_ptr<LogSegment> seg(new LogSegment(files, std::move(indexes.value()), std::move(log.value()), config));
    seg->m_createdMs = nowMs;
    if (auto st = seg->becomeActive(); !st)
        return st.error();
    return seg;
}

Result<std::unique_ptr<LogSegment>> LogSegment::open(const std::filesystem::path &partitionDir, Offset base,
                                                     const LogConfig &config)
{
    core::SegmentFiles files{partitionDir, base};
    auto log = openLog(files.log(), false);
    if (!log)
        return log.error();
    struct stat st {};
    if (::fstat(log.value()->fd(), &st) != 0)
        return Error::fromErrno(errno, "cannot stat segment " + files.log().string());
    auto indexes = SegmentIndexes::open(files, true);
    if (!indexes)
        return indexes.error();
    std::unique_ptr<LogSegment> seg(new LogSegment(files, std::move(indexes.value()), std::move(log.value()), config));
    seg->m_size = st.st_size;
    seg->m_createdMs = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    // Kafka's maxTimestampAndOffsetSoFar starts from the last time-index entry.
    const auto &times = seg->m_indexes.times();
    if (!times.empty()) {
        seg->m_maxTimestamp = times.entries().back().timestamp;
        seg->m_maxTimestampOffset = times.absolute(times.entries().back().relativeOffset);
    }
    return seg;
}

Result<SegmentRecoveryOutcome> LogSegment::recover(const std::function<void(core::LeaderEpoch, Offset)> &onEpoch)
{
    SegmentRecoveryOutcome outcome;
    outcome.originalBytes = m_size;
    core::RecoveryIndexBuilder builder(baseOffset(), m_config.indexIntervalBytes);
    RecoveryWalk walk(builder, onEpoch);
    core::ParseOptions options;
    options.mode = core::ParseMode::Recovery;
    options.verifyCrc = true;
    auto parsed = core::SegmentParser::parseFile(m_files.log(), walk, options);
    if (!parsed)
        return parsed.error();
    builder.finish();
    outcome.validBytes = std::min(parsed->validBytes, walk.m_end);
    outcome.tailDetail = parsed->tailDetail;
    if (builder.error())
        outcome.tailDetail = builder.error()->message;
    if (parsed->problem && outcome.tailDetail.empty())
        outcome.tailDetail = parsed->problem->reason;

    if (outcome.truncated()) {
        if (::ftruncate(m_log->fd(), static_cast<off_t>(outcome.validBytes)) != 0)
            return ioError(errno, "cannot truncate");
    }
    if (auto st = m_indexes.replace(builder.offsetIndex(), builder.timeIndex()); !st)
        return st.error();
    m_size = outcome.validBytes;
    m_nextOffset = walk.m_nextOffset.value_or(baseOffset());
    m_maxTimestamp = walk.m_maxTimestamp;
    m_maxTimestampOffset = walk.m_maxTimestampOffset;
    m_rollingBasedTimestamp = walk.m_first;
    const auto &offsets = m_indexes.offsets();
    m_bytesSinceLastIndexEntry = offsets.empty() ? m_size : m_size - offsets.entries().back().position.get();
    if (::fdatasync(m_log->fd()) != 0)
        return ioError(errno, "cannot flush");
    if (auto st = m_indexes.sync(); !st)
        return st.error();
    return outcome;
}

Status LogSegment::loadTailState()
{
    std::int64_t pos = 0;
    const auto &offsets = m_indexes.offsets();
    if (!offsets.empty())
        pos = offsets.entries().back().position.get();
    m_nextOffset = baseOffset();
    while (true) {
        auto header = readHeader(pos);
        if (!header)
            return header.error();
        if (!*header)
            break;
        m_nextOffset = Offset(header->value().lastOffset.get() + 1);
        pos += header->value().sizeInBytes;
    }
    m_bytesSinceLastIndexEntry = offsets.empty() ? m_size : m_size - offsets.entries().back().position.get();
    auto first = readHeader(0);
    if (!first)
        return first.error();
    if (*first)
        m_rollingBasedTimestamp = first->value().maxTimestamp;
    return {};
}

bool LogSegment::shouldRoll(std::int64_t bytes, Offset lastOffset, Timestamp maxTimestamp, std::int64_t nowMs) const
{
    if (m_size == 0)
        return false; // Kafka never rolls an empty segment, however large the append
    if (m_size + bytes > m_config.segmentBytes)
        return true;
    // Kafka measures from the first batch's timestamp when it has one, else
    // from the segment's creation (LogSegment.timeWaitedForRoll).
    const std::int64_t waited = (m_rollingBasedTimestamp && m_rollingBasedTimestamp->get() >= 0)
                                    ? maxTimestamp.get() - m_rollingBasedTimestamp->get()
                                    : nowMs - m_createdMs;
    if (waited > m_config.rollMs)
        return true;
    if (m_indexes.isFull(m_config.indexSizeMaxBytes))
        return true;
    return lastOffset.get() - baseOffset().get() > INT32_MAX;
}

Status LogSegment::append(std::span<const std::byte> bytes, Offset lastOffset, Timestamp maxTimestamp,
                          Offset maxTimestampOffset, Timestamp firstBatchMaxTimestamp)
{
    const std::int64_t start = m_size;
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pwrite(m_log->fd(), bytes.data() + done, bytes.size() - done,
                                   static_cast<off_t>(start) + static_cast<off_t>(done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            // Keep the file at whole batches so this segment stays readable.
            [[maybe_unused]] const int rc = ::ftruncate(m_log->fd(), static_cast<off_t>(start));
            return ioError(err, "cannot append " + std::to_string(bytes.size()) + " bytes at byte " +
                                    std::to_string(start) + " (offset " + std::to_string(m_nextOffset.get()) + ") to");
        }
        done += static_cast<std::size_t>(n);
    }
    if (m_size == 0 && !m_rollingBasedTimestamp)
        m_rollingBasedTimestamp = firstBatchMaxTimestamp;
    m_size += static_cast<std::int64_t>(bytes.size());
    m_nextOffset = Offset(lastOffset.get() + 1);
    m_dirty = true;
    if (maxTimestamp > m_maxTimestamp) {
        m_maxTimestamp = maxTimestamp;
        m_maxTimestampOffset = maxTimestampOffset;
    }
    if (m_bytesSinceLastIndexEntry > m_config.indexIntervalBytes) {
        if (auto st = m_indexes.appendOffset(lastOffset, FilePosition(start)); !st)
            return st;
        if (auto st = m_indexes.maybeAppendTime(m_maxTimestamp, m_maxTimestampOffset); !st)
            return st;
        m_bytesSinceLastIndexEntry = 0;
    }
    m_bytesSinceLastIndexEntry += static_cast<std::int64_t>(bytes.size());
    return {};
}

Status LogSegment::flush()
{
    if (!m_dirty)
        return {};
    if (::fdatasync(m_log->fd()) != 0)
        return ioError(errno, "cannot flush");
    if (auto st = m_indexes.sync(); !st)
        return st;
    m_dirty = false;
    return {};
}

Status LogSegment::becomeInactive()
{
    if (m_maxTimestamp.get() >= 0) {
        if (auto st = m_indexes.maybeAppendTime(m_maxTimestamp, m_maxTimestampOffset); !st)
            return st;
    }
    if (auto st = m_indexes.trim(); !st)
        return st;
    m_dirty = true; // the trimmed index sizes must reach the disk too
    return flush();
}

Status LogSegment::becomeActive() { return m_indexes.preallocate(m_config.indexSizeMaxBytes); }

Result<std::optional<BatchHeader>> LogSegment::readHeader(std::int64_t position) const
{
    if (position + core::kMagicOffset + 1 > m_size)
        return std::optional<BatchHeader>{};
    std::byte buf[core::kRecordBatchV2HeaderSize];
    const auto want = static_cast<std::size_t>(std::min<std::int64_t>(sizeof buf, m_size - position));
    const ssize_t n = ::pread(m_log->fd(), buf, want, static_cast<off_t>(position));
    if (n < 0)
        return ioError(errno, "cannot read batch header at byte " + std::to_string(position) + " of");
    return parseBatchHeader(std::span<const std::byte>(buf, static_cast<std::size_t>(n)), position, m_size,
                            m_files.log());
}

Result<std::optional<BatchHeader>> LogSegment::findBatch(Offset target) const
{
    std::int64_t pos = 0;
    if (auto entry = m_indexes.offsets().lookup(target))
        pos = entry->position.get();
    // Up to index.interval.bytes of batches lie between the entry and the
    // target: read their headers a chunk at a time.
    BatchScanner scan(*m_log, m_files.log(), m_size);
    while (true) {
        auto header = scan.at(pos);
        if (!header || !*header)
            return header;
        if (header->value().lastOffset >= target)
            return header;
        pos += header->value().sizeInBytes;
    }
}

Result<std::optional<BatchHeader>> LogSegment::findBatchByTimestamp(Timestamp target) const
{
    std::int64_t pos = 0;
    if (auto entry = m_indexes.times().lookup(target)) {
        // The time entry's offset lies at or before the first batch with a
        // larger timestamp; start the scan at the batch holding it.
        if (auto at = m_indexes.offsets().lookup(m_indexes.times().absolute(entry->relativeOffset)))
            pos = at->position.get();
    }
    BatchScanner scan(*m_log, m_files.log(), m_size);
    while (true) {
        auto header = scan.at(pos);
        if (!header || !*header)
            return header;
        if (header->value().maxTimestamp >= target)
            return header;
        pos += header->value().sizeInBytes;
    }
}

Result<std::vector<std::byte>> LogSegment::readBytes(std::int64_t position, std::int64_t length) const
{
    std::vector<std::byte> out(static_cast<std::size_t>(length));
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::pread(m_log->fd(), out.data() + done, out.size() - done,
                                  static_cast<off_t>(position) + static_cast<off_t>(done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ioError(errno, "cannot read " + std::to_string(length) + " bytes at byte " +
                                      std::to_string(position) + " of");
        }
        if (n == 0)
            return makeError(Errc::Corrupt, "unexpected end of " + m_files.log().string() + " at byte " +
                                                std::to_string(position + static_cast<std::int64_t>(done)));
        done += static_cast<std::size_t>(n);
    }
    return out;
}

Result<std::vector<std::filesystem::path>> LogSegment::renameForDeletion()
{
    std::vector<std::filesystem::path> renamed;
    for (const auto &path : {m_files.log(), m_files.offsetIndex(), m_files.timeIndex()}) {
        auto target = path;
        target += ".deleted";
        if (::rename(path.c_str(), target.c_str()) != 0) {
            if (errno == ENOENT)
                continue;
            return Error::fromErrno(errno, "cannot rename " + path.string() + " to " + target.string());
        }
        renamed.push_back(target);
    }
    return renamed;
}

std::int64_t LogSegment::largestTimestampForRetention() const
{
    if (m_maxTimestamp.get() >= 0)
        return m_maxTimestamp.get();
    struct stat st {};
    if (::fstat(m_log->fd(), &st) != 0)
        return 0;
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

} // namespace spillway::broker
