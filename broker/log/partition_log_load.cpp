// SPDX-License-Identifier: GPL-3.0-or-later
// PartitionLog: creating a partition directory and loading (recovering) an
// existing one, ON-DISK-FORMAT §12.
#include "broker/log/partition_log.h"

#include "core/common/fileio.h"
#include "core/storage/format/segment_file_name.h"
#include "core/storage/logdir/partition_metadata.h"
#include "core/storage/logdir/topic_name.h"

#include <cerrno>
#include <set>
#include <sys/stat.h>

namespace spillway::broker {

using core::Errc;
using core::Error;
using core::Offset;
using core::Result;
using core::Status;

Result<std::unique_ptr<PartitionLog>> PartitionLog::create(const std::filesystem::path &logDir, std::string topic,
                                                           core::PartitionId partition, const core::KafkaUuid &topicId,
                                                           const LogConfig &config, std::int64_t nowMs)
{
    if (auto st = core::validateTopicName(topic); !st)
        return st.error();
    std::unique_ptr<PartitionLog> log(new PartitionLog());
    log->m_dir = logDir / core::partitionDirName(topic, partition);
    log->m_topic = std::move(topic);
    log->m_partition = partition;
    log->m_topicId = topicId;
    log->m_config = config;
    log->m_lastFlushMs = nowMs;
    if (::mkdir(log->m_dir.c_str(), 0755) != 0) {
        if (errno == EEXIST)
            return makeError(Errc::InvalidArgument, "partition directory " + log->m_dir.string() + " already exists");
        return Error::fromErrno(errno, "cannot create partition directory " + log->m_dir.string());
    }
    if (auto st = core::PartitionMetadata{topicId}.write(log->m_dir / std::string(core::kPartitionMetadataFile)); !st)
        return st.error();
    if (auto st = core::LeaderEpochCheckpoint().write(log->m_dir / std::string(core::kLeaderEpochCheckpointFile)); !st)
        return st.error();
    auto seg = LogSegment::create(log->m_dir, Offset(0), config, nowMs);
    if (!seg)
        return seg.error();
    log->m_segments.emplace(Offset(0), std::move(seg.value()));
    if (auto st = core::fsyncDirectory(log->m_dir); !st)
        return st.error();
    if (auto st = core::fsyncDirectory(logDir); !st)
        return st.error();
    return log;
}

Result<std::unique_ptr<PartitionLog>> PartitionLog::open(const std::filesystem::path &partitionDir,
                                                         const PartitionOpenOptions &options)
{
    auto name = core::parsePartitionDirName(partitionDir.filename().string());
    if (!name)
        return name.error();
    if (name->kind != core::PartitionDirKind::Live && name->kind != core::PartitionDirKind::Future)
        return makeError(Errc::InvalidArgument, partitionDir.string() + " is not a live or future partition directory");
    std::unique_ptr<PartitionLog> log(new PartitionLog());
    log->m_dir = partitionDir;
    log->m_future = name->kind == core::PartitionDirKind::Future;
    log->m_topic = name->topic;
    log->m_partition = name->partition;
    log->m_config = options.config;
    log->m_lastFlushMs = options.nowMs;

    const auto metadataFile = partitionDir / std::string(core::kPartitionMetadataFile);
    auto metadata = core::PartitionMetadata::read(metadataFile);
    if (metadata)
        log->m_topicId = metadata->topicId;
    else if (metadata.error().code == Errc::NotFound)
        log->m_loadMessages.push_back(partitionDir.string() + ": no partition.metadata (written before Kafka 2.8)");
    else
        return metadata.error();

    auto epochs = core::LeaderEpochCheckpoint::read(partitionDir / std::string(core::kLeaderEpochCheckpointFile));
    if (epochs)
        log->m_epochs = epochs->entries();
    else if (epochs.error().code != Errc::NotFound)
        return epochs.error();

    if (auto st = log->loadSegments(options); !st)
        return st.error();
    if (auto st = log->loadProducerState(); !st)
        return st.error();
    return log;
}

Status PartitionLog::loadSegments(const PartitionOpenOptions &options)
{
    const std::string label = m_dir.string();
    // 1. Temporary files and orphan indexes (LogLoader.removeTempFilesAndCollectSwapFiles, loadSegmentFiles).
    std::set<std::int64_t> logs;
    std::vector<std::pair<std::int64_t, std::filesystem::path>> indexFiles;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(m_dir, ec)) {
        const auto fileName = entry.path().filename().string();
        const auto parsed = core::parseSegmentFileName(fileName);
        if (!parsed)
            continue;
        if (parsed->suffix == core::TempSuffix::Deleted || parsed->suffix == core::TempSuffix::Cleaned) {
            if (::unlink(entry.path().c_str()) != 0)
                return Error::fromErrno(errno, "cannot delete stray file " + entry.path().string());
            m_loadMessages.push_back(label + ": deleted stray file " + fileName);
            continue;
        }
        if (parsed->suffix == core::TempSuffix::Swap) {
            // Spillway never writes .swap files (no cleaner); leave it for the operator.
            m_loadMessages.push_back(label + ": left " + fileName + " alone (log-cleaner swap file)");
            continue;
        }
        if (parsed->type == core::SegmentFileType::Log)
            logs.insert(parsed->offset.get());
        else if (parsed->type == core::SegmentFileType::Index || parsed->type == core::SegmentFileType::TimeIndex)
            indexFiles.emplace_back(parsed->offset.get(), entry.path());
    }
    if (ec)
        return Error::fromErrno(ec.value(), "cannot list partition directory " + label);
    for (const auto &[offset, path] : indexFiles) {
        if (logs.count(offset) == 0) {
            if (::unlink(path.c_str()) != 0)
                return Error::fromErrno(errno, "cannot delete orphan index " + path.string());
            m_loadMessages.push_back(label + ": deleted orphan index " + path.filename().string());
        }
    }

    // 2. Open every segment; note which need their indexes rebuilt.
    std::set<std::int64_t> rebuild;
    for (const auto base : logs) {
        const core::SegmentFiles files{m_dir, Offset(base)};
        const bool missing =
            !std::filesystem::exists(files.offsetIndex(), ec) || !std::filesystem::exists(files.timeIndex(), ec);
        auto seg = LogSegment::open(m_dir, Offset(base), m_config);
        if (!seg)
            return seg.error();
        if (missing) {
            rebuild.insert(base);
            m_loadMessages.push_back(label + ": segment " + files.log().filename().string() +
                                     " has no index; rebuilding it");
        } else if (auto problem = seg.value()->indexes().sanityProblem(seg.value()->sizeInBytes())) {
            rebuild.insert(base);
            m_loadMessages.push_back(label + ": index of segment " + files.log().filename().string() + " is unsound (" +
                                     *problem + "); rebuilding it");
        }
        m_segments.emplace(Offset(base), std::move(seg.value()));
    }

    // 3. Recovery: after an unclean stop, every segment from the one holding
    //    the recovery point to the end; otherwise only those needing it.
    std::int64_t recoverFrom = INT64_MAX;
    if (!options.cleanShutdown && !m_segments.empty()) {
        auto it = m_segments.upper_bound(options.recoveryPoint);
        if (it != m_segments.begin())
            --it;
        recoverFrom = it->first.get();
    }
    auto onEpoch = [this](core::LeaderEpoch epoch, Offset start) {
        if (m_epochs.empty() || m_epochs.back().epoch < epoch)
            m_epochs.push_back({epoch, start});
    };
    bool recovered = false;
    for (auto it = m_segments.begin(); it != m_segments.end(); ++it) {
        const auto base = it->first.get();
        if (base < recoverFrom && rebuild.count(base) == 0)
            continue;
        auto outcome = it->second->recover(onEpoch);
        if (!outcome)
            return outcome.error();
        recovered = true;
        const auto fileName = it->second->files().log().filename().string();
        if (!outcome->truncated()) {
            m_loadMessages.push_back(label + ": recovered segment " + fileName + " (" +
                                     std::to_string(outcome->validBytes) + " bytes, indexes rebuilt)");
            continue;
        }
        m_loadMessages.push_back(label + ": segment " + fileName + " valid up to byte " +
                                 std::to_string(outcome->validBytes) + " of " + std::to_string(outcome->originalBytes) +
                                 "; truncated" + (outcome->tailDetail.empty() ? "" : " (" + outcome->tailDetail + ")"));
        // Everything after a truncated segment is unreachable: Kafka deletes it.
        for (auto later = std::next(it); later != m_segments.end();) {
            const auto files = later->second->files();
            later = m_segments.erase(later);
            for (const auto &path : {files.log(), files.offsetIndex(), files.timeIndex()}) {
                if (::unlink(path.c_str()) != 0 && errno != ENOENT)
                    return Error::fromErrno(errno, "cannot delete " + path.string());
            }
            m_loadMessages.push_back(label + ": deleted segment " + files.log().filename().string() +
                                     " after the truncation point");
        }
        break;
    }

    // 4. No segment left: an empty one at the log start (LogLoader.load).
    if (m_segments.empty()) {
        const Offset start = options.logStart.value_or(Offset(0));
        auto seg = LogSegment::create(m_dir, start, m_config, options.nowMs);
        if (!seg)
            return seg.error();
        m_segments.emplace(start, std::move(seg.value()));
    }

    // 5. Closed segments keep exact index sizes; the active one grows back.
    for (auto it = m_segments.begin(); std::next(it) != m_segments.end(); ++it) {
        const auto &idx = it->second->indexes();
        if (idx.offsets().layout().hasZeroTail() || idx.times().layout().hasZeroTail()) {
            if (auto st = it->second->becomeInactive(); !st)
                return st;
        }
    }
    LogSegment &last = active();
    if (recoverFrom > last.baseOffset().get() && rebuild.count(last.baseOffset().get()) == 0) {
        if (auto st = last.loadTailState(); !st)
            return st;
    }
    if (auto st = last.becomeActive(); !st)
        return st;

    m_logStart = std::max(options.logStart.value_or(Offset(0)), m_segments.begin()->first);
    const Offset end = logEndOffset();
    if (m_logStart > end)
        m_logStart = end;
    m_recoveryPoint = recovered || options.cleanShutdown ? end : std::min(options.recoveryPoint, end);
    m_highWatermark = end;

    const auto before = m_epochs.size();
    std::erase_if(m_epochs, [end](const core::LeaderEpochEntry &e) { return e.startOffset >= end; });
    if (recovered || before != m_epochs.size()) {
        if (auto st =
                core::LeaderEpochCheckpoint(m_epochs).write(m_dir / std::string(core::kLeaderEpochCheckpointFile));
            !st)
            return st;
    }
    return {};
}

} // namespace spillway::broker
