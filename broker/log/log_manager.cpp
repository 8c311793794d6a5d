// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/log/log_manager.h"

#include "core/storage/logdir/offset_checkpoint.h"
#include "core/storage/logdir/topic_name.h"

#include <algorithm>
#include <sys/stat.h>
#include <sys/statvfs.h>

namespace spillway::broker {

using core::Errc;
using core::Error;
using core::Offset;
using core::Result;
using core::Status;

namespace {

struct SpaceInfo {
    std::int64_t total = -1;
    std::int64_t usable = -1;
};

SpaceInfo spaceOf(const std::filesystem::path &dir)
{
    struct statvfs vfs {};
    if (::statvfs(dir.c_str(), &vfs) != 0)
        return {};
    return {static_cast<std::int64_t>(vfs.f_blocks) * static_cast<std::int64_t>(vfs.f_frsize),
            static_cast<std::int64_t>(vfs.f_bavail) * static_cast<std::int64_t>(vfs.f_frsize)};
}

} // namespace

LogManager::~LogManager() = default;

void LogManager::say(const std::string &message)
{
    if (m_starting)
        m_startupMessages.push_back(message);
    else if (m_sink)
        m_sink(message);
}

void LogManager::markDirOffline(std::size_t index, const Error &error)
{
    Dir &dir = m_dirs[index];
    if (!dir.online)
        return;
    dir.online = false;
    dir.error = error;
    // KIP-112: every replica in the dir answers KAFKA_STORAGE_ERROR from now on.
    for (auto &[key, entry] : m_partitions) {
        if (entry.dir == index)
            entry.log->markOffline(error);
        // A move into this dir is abandoned by dropOfflineFutures(), outside
        // whatever call of the future replica reported the error.
        if (entry.future && entry.futureDir == index)
            entry.future->markOffline(error);
    }
    dir.lock.release();
    say("log dir " + dir.path.string() + " is offline: " + error.describe());
    const bool anyOnline = std::any_of(m_dirs.begin(), m_dirs.end(), [](const Dir &d) { return d.online; });
    if (!anyOnline && !m_starting && m_allOffline)
        m_allOffline("every log dir is offline (last: " + dir.path.string() + ": " + error.message + ")");
}

std::optional<std::size_t> LogManager::chooseDir() const
{
    struct Candidate {
        std::size_t index;
        std::int64_t free;
        std::size_t count;
        dev_t device;
    };
    // Kafka's nextLogDirs counts future replicas (moves in progress) too.
    const auto replicasIn = [this](std::size_t i) {
        return static_cast<std::size_t>(std::count_if(m_partitions.begin(), m_partitions.end(), [i](const auto &kv) {
            return kv.second.dir == i || (kv.second.future && kv.second.futureDir == i);
        }));
    };
    std::optional<Candidate> best;
    for (std::size_t i = 0; i < m_dirs.size(); ++i) {
        if (!m_dirs[i].online)
            continue;
        struct stat st {};
        const dev_t device = ::stat(m_dirs[i].path.c_str(), &st) == 0 ? st.st_dev : 0;
        const Candidate c{i, spaceOf(m_dirs[i].path).usable, replicasIn(i), device};
        if (!best) {
            best = c;
            continue;
        }
        bool better;
        if (m_options.placement == PlacementPolicy::MostFreeSpace && c.device != best->device && c.free != best->free) {
            // Spillway's default: the most usable bytes (statvfs f_bavail).
            // Kafka only counts partitions, so a dir on a small disk gets as
            // many partitions as one on a large disk and fills up first.
            better = c.free > best->free;
        } else {
            // Kafka's LogManager.nextLogDirs: fewest partitions, ties by order
            // in log.dirs. Also the tie-break for dirs sharing a filesystem,
            // whose free space is the same space.
            better = c.count < best->count;
        }
        if (better)
            best = c;
    }
    if (!best)
        return std::nullopt;
    return best->index;
}

Result<PartitionLog *> LogManager::createPartition(const std::string &topic, core::PartitionId partition,
                                                   const core::KafkaUuid &topicId, std::int64_t nowMs)
{
    if (find(topic, partition))
        return makeError(Errc::InvalidArgument,
                         "partition " + core::partitionDirName(topic, partition) + " already exists");
    // AlterReplicaLogDirs may have chosen the dir before the partition existed.
    const Key key{topic, partition.get()};
    std::optional<std::size_t> dir;
    if (auto preferred = m_preferredDirs.find(key); preferred != m_preferredDirs.end()) {
        if (m_dirs[preferred->second].online)
            dir = preferred->second;
    }
    if (!dir)
        dir = chooseDir();
    if (!dir)
        return makeError(Errc::Io, "no online log dir for " + core::partitionDirName(topic, partition));
    auto log = PartitionLog::create(m_dirs[*dir].path, topic, partition, topicId, configFor(topic), nowMs);
    if (!log) {
        if (log.error().sysErrno != 0)
            markDirOffline(*dir, log.error());
        return log.error();
    }
    PartitionLog *raw = log.value().get();
    if (auto st = adopt(std::move(log.value()), *dir); !st)
        return st.error();
    m_preferredDirs.erase(key);
    return raw;
}

PartitionLog *LogManager::find(std::string_view topic, core::PartitionId partition) const
{
    auto it = m_partitions.find(Key{std::string(topic), partition.get()});
    return it == m_partitions.end() ? nullptr : it->second.log.get();
}

void LogManager::setTopicConfig(const std::string &topic, const LogConfig &config)
{
    m_topicConfigs[topic] = config;
    for (auto &[key, entry] : m_partitions) {
        if (key.first != topic)
            continue;
        if (entry.log)
            entry.log->setConfig(config);
        if (entry.future)
            entry.future->setConfig(config);
    }
}

const LogConfig &LogManager::configFor(const std::string &topic) const
{
    const auto it = m_topicConfigs.find(topic);
    return it == m_topicConfigs.end() ? m_options.logConfig : it->second;
}

std::vector<PartitionLog *> LogManager::partitions() const
{
    std::vector<PartitionLog *> out;
    for (const auto &[key, entry] : m_partitions)
        out.push_back(entry.log.get());
    return out;
}

std::optional<std::filesystem::path> LogManager::logDirOf(std::string_view topic, core::PartitionId partition) const
{
    auto it = m_partitions.find(Key{std::string(topic), partition.get()});
    if (it == m_partitions.end())
        return std::nullopt;
    return m_dirs[it->second.dir].path;
}

bool LogManager::isOnline(const std::filesystem::path &logDir) const
{
    for (const auto &d : m_dirs) {
        if (d.path == logDir)
            return d.online;
    }
    return false;
}

Status LogManager::deletePartition(std::string_view topic, core::PartitionId partition, std::int64_t nowMs)
{
    auto it = m_partitions.find(Key{std::string(topic), partition.get()});
    if (it == m_partitions.end())
        return makeError(Errc::NotFound, "no partition " + core::partitionDirName(topic, partition));
    // A move in progress goes first: a crash in between leaves the current
    // replica and no future.
    removeFuture(it->first, it->second, nowMs, "the partition is deleted");
    if (!m_dirs[it->second.dir].online) {
        // Nothing can be renamed on a failed disk; forget the replica.
        m_partitions.erase(it);
        return {};
    }
    auto renamed = it->second.log->renameForDeletion();
    if (!renamed)
        return renamed.error();
    m_pendingDirDeletes.push_back({renamed.value(), nowMs + m_options.fileDeleteDelayMs});
    m_partitions.erase(it);
    return writeCheckpoints();
}

std::vector<LogDirDescription> LogManager::describeLogDirs() const
{
    std::vector<LogDirDescription> out;
    for (std::size_t i = 0; i < m_dirs.size(); ++i) {
        LogDirDescription d;
        d.path = m_dirs[i].path;
        d.online = m_dirs[i].online;
        d.error = m_dirs[i].error;
        if (d.online) {
            const auto space = spaceOf(d.path);
            d.totalBytes = space.total;
            d.usableBytes = space.usable;
            for (const auto &[key, entry] : m_partitions) {
                const PartitionLog &log = *entry.log;
                if (entry.dir == i) {
                    // Kafka's getLogEndOffsetLag for the current replica: max(HW - LEO, 0).
                    const std::int64_t lag =
                        std::max<std::int64_t>(log.highWatermark().get() - log.logEndOffset().get(), 0);
                    d.partitions.push_back({key.first, core::PartitionId(key.second), log.sizeInBytes(), lag, false});
                }
                if (entry.future && entry.futureDir == i && !entry.future->offlineError()) {
                    // ... and for the future replica: current LEO - future LEO (-1: current offline).
                    const std::int64_t lag =
                        log.offlineError() ? -1 : log.logEndOffset().get() - entry.future->logEndOffset().get();
                    d.partitions.push_back(
                        {key.first, core::PartitionId(key.second), entry.future->sizeInBytes(), lag, true});
                }
            }
        }
        out.push_back(std::move(d));
    }
    return out;
}

void LogManager::tick(std::int64_t nowMs)
{
    dropOfflineFutures();
    for (auto &[key, entry] : m_partitions) {
        for (PartitionLog *log : {entry.log.get(), entry.future.get()}) {
            if (log == nullptr || log->offlineError())
                continue;
            // Failures reach markDirOffline through the partition's handler.
            (void)log->maybeFlush(nowMs);
            (void)log->purgeDeleted(nowMs);
        }
    }
    for (auto it = m_pendingDirDeletes.begin(); it != m_pendingDirDeletes.end();) {
        if (it->dueMs > nowMs) {
            ++it;
            continue;
        }
        std::error_code ec;
        std::filesystem::remove_all(it->path, ec);
        if (ec)
            say("could not remove " + it->path.string() + ": " + ec.message());
        it = m_pendingDirDeletes.erase(it);
    }
    if (nowMs - m_lastCheckpointMs >= m_options.checkpointIntervalMs) {
        m_lastCheckpointMs = nowMs;
        (void)writeCheckpoints();
    }
}

Status LogManager::writeCheckpoints()
{
    std::optional<Error> first;
    for (std::size_t i = 0; i < m_dirs.size(); ++i) {
        if (!m_dirs[i].online)
            continue;
        if (auto st = writeCheckpoints(i); !st && !first)
            first = st.error();
    }
    if (first)
        return *first;
    return {};
}

Status LogManager::writeCheckpoints(std::size_t index)
{
    core::OffsetCheckpoint recovery;
    core::OffsetCheckpoint highWatermarks;
    core::OffsetCheckpoint logStarts;
    for (const auto &[key, entry] : m_partitions) {
        // Kafka checkpoints future replicas in their own dir too (a dir never
        // holds both replicas of a partition).
        const PartitionLog *inDir = entry.dir == index                         ? entry.log.get()
                                    : entry.future && entry.futureDir == index ? entry.future.get()
                                                                               : nullptr;
        if (inDir == nullptr || inDir->offlineError())
            continue;
        const auto &log = *inDir;
        recovery.set(key.first, log.partition(), log.recoveryPoint());
        highWatermarks.set(key.first, log.partition(), log.highWatermark());
        // Kafka records the log start only where it differs from the first segment.
        const auto bases = log.segmentBaseOffsets();
        if (!bases.empty() && log.logStartOffset() > bases.front())
            logStarts.set(key.first, log.partition(), log.logStartOffset());
    }
    const auto &dir = m_dirs[index].path;
    for (const auto &[name, cp] : {std::pair{core::kRecoveryPointCheckpointFile, &recovery},
                                   std::pair{core::kReplicationCheckpointFile, &highWatermarks},
                                   std::pair{core::kLogStartOffsetCheckpointFile, &logStarts}}) {
        if (auto st = cp->write(dir / std::string(name)); !st) {
            markDirOffline(index, st.error());
            return st;
        }
    }
    return {};
}

} // namespace spillway::broker
