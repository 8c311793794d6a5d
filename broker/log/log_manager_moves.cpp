// SPDX-License-Identifier: GPL-3.0-or-later
// LogManager: moving replicas between log dirs (KIP-113, AlterReplicaLogDirs)
// as Kafka's ReplicaManager, Partition and ReplicaAlterLogDirsThread do it:
// the request, the `-future` replica, and the copy. The swap that ends a
// move, its crash safety and the startup side are in log_manager_swap.cpp.
#include "broker/log/log_manager.h"

#include "core/common/big_endian.h"
#include "core/storage/logdir/topic_name.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <unistd.h>

namespace spillway::broker {

using core::Errc;
using core::Error;
using core::Offset;
using core::Result;
using core::Status;

namespace {

/// Kafka compares log dirs by File.getAbsolutePath, which drops a trailing '/'.
std::string normalDir(const std::filesystem::path &path)
{
    std::error_code ec;
    auto absolute = std::filesystem::absolute(path, ec);
    std::string out = (ec ? path : absolute).lexically_normal().string();
    while (out.size() > 1 && out.back() == '/')
        out.pop_back();
    return out;
}

/// The bytes of a read region (whole batches of the source log).
Result<std::vector<std::byte>> readRegion(const ReadRegion &region, const std::filesystem::path &dir)
{
    std::vector<std::byte> out(static_cast<std::size_t>(region.length));
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::pread(region.fd(), out.data() + done, out.size() - done,
                                  static_cast<off_t>(region.position.get()) + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return Error::fromErrno(n < 0 ? errno : EIO, "cannot read " + std::to_string(region.length) +
                                                             " bytes at byte " + std::to_string(region.position.get()) +
                                                             " of a segment in " + dir.string());
        done += static_cast<std::size_t>(n);
    }
    return out;
}

std::string tpName(const std::pair<std::string, std::int32_t> &key)
{
    return core::partitionDirName(key.first, core::PartitionId(key.second));
}

/// Where a copy of `source` starts: its log start offset, or the base of the
/// batch holding it when DeleteRecords left the log start inside a batch
/// (Kafka's future replica then starts with that whole batch:
/// Partition.appendRecordsToFollowerOrFutureReplica, truncateFullyAndStartAt).
Result<Offset> copyStart(PartitionLog &source)
{
    const Offset logStart = source.logStartOffset();
    auto first = source.read(logStart, 1);
    if (!first)
        return first.error();
    if (first->length == 0)
        return logStart;
    std::byte field[8];
    if (::pread(first->fd(), field, sizeof field, static_cast<off_t>(first->position.get())) !=
        static_cast<ssize_t>(sizeof field))
        return Error::fromErrno(errno == 0 ? EIO : errno, "cannot read the first batch of " + source.dir().string());
    return std::min(logStart, Offset(static_cast<std::int64_t>(core::loadBigEndian<std::uint64_t>(field))));
}

} // namespace

std::optional<std::size_t> LogManager::dirIndexOf(const std::filesystem::path &path) const
{
    const std::string wanted = normalDir(path);
    for (std::size_t i = 0; i < m_dirs.size(); ++i) {
        if (normalDir(m_dirs[i].path) == wanted)
            return i;
    }
    return std::nullopt;
}

PartitionLog *LogManager::findFuture(std::string_view topic, core::PartitionId partition) const
{
    auto it = m_partitions.find(Key{std::string(topic), partition.get()});
    return it == m_partitions.end() ? nullptr : it->second.future.get();
}

Status LogManager::alterLogDir(const std::string &topic, core::PartitionId partition,
                               const std::filesystem::path &destination, std::int64_t nowMs)
{
    const Key key{topic, partition.get()};
    const std::string tp = tpName(key);
    // KAFKA-4893: `<tp>.<32 hex>-future` must be a legal file name.
    if (tp.size() + 1 + 32 + std::string_view("-future").size() > 255)
        return makeError(Errc::InvalidArgument, "the topic name of " + tp + " is too long to move the partition",
                         "INVALID_TOPIC_EXCEPTION");
    const auto dest = dirIndexOf(destination);
    if (!dest)
        return makeError(Errc::NotFound, "log dir " + destination.string() + " is not in log.dirs",
                         "LOG_DIR_NOT_FOUND");
    const std::string destPath = m_dirs[*dest].path.string();
    if (!m_dirs[*dest].online)
        return makeError(Errc::Io, "log dir " + destPath + " is offline", "KAFKA_STORAGE_ERROR");

    auto it = m_partitions.find(key);
    if (it != m_partitions.end()) {
        Entry &entry = it->second;
        if (entry.log->offlineError())
            return makeError(Errc::Io, "partition " + tp + " is offline", "KAFKA_STORAGE_ERROR");
        // Kafka: futureReplicaDirChanged -> removeFutureLocalReplica.
        if (entry.future && entry.futureDir != *dest)
            removeFuture(key, entry, nowMs, "the destination is now " + destPath);
    }
    // Kafka's maybeUpdatePreferredLogDir: unless a replica is already there.
    if (it == m_partitions.end() || (it->second.dir != *dest && !(it->second.future && it->second.futureDir == *dest)))
        m_preferredDirs[key] = *dest;
    if (it == m_partitions.end())
        return makeError(Errc::NotFound,
                         "partition " + tp + " is not hosted here; " + destPath +
                             " is remembered for when it is created",
                         "REPLICA_NOT_AVAILABLE");

    Entry &entry = it->second;
    if (entry.dir == *dest || entry.future) {
        // Already there, or already moving there (Kafka: maybeCreateFutureReplica is false).
        m_preferredDirs.erase(key);
        return {};
    }
    // Kafka never creates a future replica while a dir is offline: the
    // partition might then end up with future replicas in two dirs.
    for (const auto &d : m_dirs) {
        if (!d.online)
            return makeError(Errc::Io, "cannot move " + tp + " while log dir " + d.path.string() + " is offline",
                             "KAFKA_STORAGE_ERROR");
    }
    auto started = startFuture(key, entry, *dest, nowMs);
    if (!started) {
        Error e = started.error();
        if (e.sysErrno != 0)
            e.hint = "KAFKA_STORAGE_ERROR";
        return e;
    }
    m_preferredDirs.erase(key); // satisfied, as when Kafka creates the log
    return {};
}

Status LogManager::startFuture(const Key &key, Entry &entry, std::size_t dir, std::int64_t nowMs)
{
    PartitionLog &source = *entry.log;
    auto start = copyStart(source);
    if (!start) {
        if (start.error().sysErrno != 0)
            markDirOffline(entry.dir, start.error());
        return start.error();
    }
    const Offset base = start.value();
    auto future = PartitionLog::createFuture(m_dirs[dir].path, source, base, nowMs);
    if (!future) {
        if (future.error().sysErrno != 0)
            markDirOffline(dir, future.error());
        return future.error();
    }
    future.value()->setIoErrorHandler([this, dir](const Error &error) { markDirOffline(dir, error); });
    say("moving " + tpName(key) + " from " + m_dirs[entry.dir].path.string() + " to " + m_dirs[dir].path.string() +
        ": copying offsets " + std::to_string(base.get()) + " to " + std::to_string(source.logEndOffset().get()) +
        " into " + future.value()->dir().string());
    entry.future = std::move(future.value());
    entry.futureDir = dir;
    entry.moveFailed = false;
    if (m_moveWakeup)
        m_moveWakeup();
    return {};
}

void LogManager::removeFuture(const Key &key, Entry &entry, std::int64_t nowMs, const std::string &why)
{
    if (!entry.future)
        return;
    std::unique_ptr<PartitionLog> future = std::move(entry.future);
    entry.moveFailed = false;
    const std::size_t dir = entry.futureDir;
    if (!m_dirs[dir].online || future->offlineError()) {
        say("dropped the move of " + tpName(key) + " to " + m_dirs[dir].path.string() + " (" + why +
            "); its log dir is offline");
        return;
    }
    // An I/O error here takes the future's dir offline through its handler.
    auto renamed = future->renameForDeletion();
    if (!renamed)
        return;
    m_pendingDirDeletes.push_back({renamed.value(), nowMs + m_options.fileDeleteDelayMs});
    (void)writeCheckpoints(dir);
    say("cancelled the move of " + tpName(key) + " to " + m_dirs[dir].path.string() + " (" + why + "); " +
        renamed.value().string() + " is removed after file.delete.delay.ms");
}

void LogManager::dropOfflineFutures()
{
    for (auto &[key, entry] : m_partitions) {
        if (!entry.future || (m_dirs[entry.futureDir].online && !entry.future->offlineError()))
            continue;
        // Kafka: removeFutureLocalReplica(deleteFromLogDir = false). The
        // current replica is untouched; the files stay on the failed disk.
        entry.future.reset();
        entry.moveFailed = false;
        say("abandoned the move of " + tpName(key) + " to " + m_dirs[entry.futureDir].path.string() +
            ": that log dir is offline; the partition stays in " + m_dirs[entry.dir].path.string());
    }
}

bool LogManager::copyable(const Entry &entry) const
{
    return entry.future && !entry.moveFailed && !entry.future->offlineError() && !entry.log->offlineError() &&
           m_dirs[entry.dir].online && m_dirs[entry.futureDir].online;
}

bool LogManager::hasPendingMoves() const
{
    return std::any_of(m_partitions.begin(), m_partitions.end(),
                       [this](const auto &kv) { return copyable(kv.second); });
}

void LogManager::syncFutureWithSource(const Key &, Entry &entry, std::int64_t nowMs)
{
    PartitionLog &source = *entry.log;
    PartitionLog &future = *entry.future;
    // ReplicaAlterLogDirsThread.processPartitionData: the future follows the
    // current replica's high watermark and log start offset.
    future.setHighWatermark(std::min(source.highWatermark(), future.logEndOffset()));
    if (source.logStartOffset() > future.logStartOffset() && source.logStartOffset() <= future.highWatermark())
        (void)future.deleteRecordsBefore(source.logStartOffset(), nowMs, m_options.fileDeleteDelayMs);
}

bool LogManager::copyChunk(const Key &key, Entry &entry, std::int64_t budget, std::int64_t nowMs, MoveStep &step)
{
    PartitionLog &source = *entry.log;
    const auto fail = [&](const std::string &why) {
        entry.moveFailed = true;
        say("the move of " + tpName(key) + " to " + m_dirs[entry.futureDir].path.string() + " stopped: " + why +
            "; the partition stays in " + m_dirs[entry.dir].path.string());
    };
    const Offset futureEnd = entry.future->logEndOffset();
    Offset fetchFrom = futureEnd;
    bool restart = futureEnd > source.logEndOffset();
    if (!restart && futureEnd < source.logStartOffset()) {
        // The log start is past the copy: fine while the copy ends where the
        // batch holding the log start begins, else retention or DeleteRecords
        // passed it and it starts again from there (Kafka:
        // truncateFullyAndStartAt on OFFSET_OUT_OF_RANGE).
        auto start = copyStart(source);
        if (!start) {
            if (start.error().sysErrno != 0)
                markDirOffline(entry.dir, start.error());
            else
                fail(start.error().describe());
            return false;
        }
        restart = futureEnd < start.value();
        fetchFrom = source.logStartOffset();
    }
    if (restart) {
        const std::size_t dir = entry.futureDir;
        removeFuture(key, entry, nowMs,
                     "the copy ends at offset " + std::to_string(futureEnd.get()) + ", outside [" +
                         std::to_string(source.logStartOffset().get()) + ", " +
                         std::to_string(source.logEndOffset().get()) + "]; copying again");
        if (auto st = startFuture(key, entry, dir, nowMs); !st)
            say("cannot restart the move of " + tpName(key) + ": " + st.error().describe());
        return true;
    }
    syncFutureWithSource(key, entry, nowMs);
    if (futureEnd == source.logEndOffset()) {
        if (swap(key, entry, nowMs))
            ++step.swapped;
        return true;
    }

    const auto maxBytes = std::min({budget, m_options.logConfig.segmentBytes, std::int64_t{INT32_MAX}});
    auto region = source.read(fetchFrom, static_cast<std::int32_t>(std::max<std::int64_t>(maxBytes, 1)));
    if (!region) {
        // An OS error took the current replica's dir offline (KIP-112).
        if (region.error().sysErrno == 0)
            fail(region.error().describe());
        return false;
    }
    if (region->length == 0) {
        fail("the current replica has no batch from offset " + std::to_string(futureEnd.get()) + " below its log end " +
             std::to_string(source.logEndOffset().get()));
        return false;
    }
    auto bytes = readRegion(region.value(), source.dir());
    if (!bytes) {
        markDirOffline(entry.dir, bytes.error());
        return false;
    }
    auto appended = entry.future->appendAsFollower(bytes.value(), nowMs);
    if (!appended) {
        // An OS error took the future's dir offline: dropOfflineFutures abandons the move.
        if (appended.error().sysErrno == 0)
            fail(appended.error().describe());
        return false;
    }
    step.bytesCopied += region->length;
    syncFutureWithSource(key, entry, nowMs);
    // Caught up: swap now, before any produce can append to the current replica.
    if (entry.future->logEndOffset() == source.logEndOffset() && swap(key, entry, nowMs))
        ++step.swapped;
    return true;
}

LogManager::MoveStep LogManager::moveReplicas(std::int64_t maxBytes, std::int64_t nowMs)
{
    MoveStep step;
    dropOfflineFutures();
    bool progress = true;
    // Bounded passes: a step never spins, whatever a copy runs into.
    for (int pass = 0; progress && step.bytesCopied < maxBytes && pass < 64; ++pass) {
        progress = false;
        std::vector<Key> keys;
        for (const auto &[key, entry] : m_partitions) {
            if (copyable(entry))
                keys.push_back(key);
        }
        // Round robin: begin after the partition served last.
        if (m_moveCursor)
            std::rotate(keys.begin(), std::upper_bound(keys.begin(), keys.end(), *m_moveCursor), keys.end());
        for (const auto &key : keys) {
            if (step.bytesCopied >= maxBytes)
                break;
            auto it = m_partitions.find(key);
            if (it == m_partitions.end() || !copyable(it->second))
                continue;
            m_moveCursor = key;
            progress = copyChunk(key, it->second, maxBytes - step.bytesCopied, nowMs, step) || progress;
        }
    }
    dropOfflineFutures();
    step.pending = hasPendingMoves();
    return step;
}

} // namespace spillway::broker
