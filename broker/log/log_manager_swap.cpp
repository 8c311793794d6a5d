// SPDX-License-Identifier: GPL-3.0-or-later
// LogManager: the swap that ends a replica move (KIP-113) and the startup
// side of moves (log_manager_moves.cpp has the request and the copy).
//
// A move copies the current replica `<A>/<tp>` into `<B>/<tp>.<U>-future`
// batch by batch; when the copy has caught up with the current log end (in
// the same loop iteration, so no produce can slip in between) it is swapped
// in:
//   1. both replicas are flushed and closed;
//   2. `<A>/<tp>` is renamed to `<A>/<tp>.<U>-delete`, reusing the future's
//      id U, and A is fsynced: this rename is the commit point;
//   3. `<B>/<tp>.<U>-future` is renamed to `<B>/<tp>`, and B is fsynced;
//   4. `<B>/<tp>` is opened as the current replica, both dirs' checkpoints
//      are rewritten, and the old copy is removed after file.delete.delay.ms.
// Kafka 3.x renames the future first (LogManager.replaceCurrentWithFutureLog);
// a crash between its two renames leaves two live dirs, and Kafka then
// refuses to start until an operator deletes one. Renaming the source first
// never leaves two live copies. A kill -9 at any point leaves:
//   - before 2: the current replica intact and the future, which is resumed
//     at the next start (or copied again if it does not fit the current
//     replica any more);
//   - between 2 and 3: no live dir, and a `-delete` and a `-future` dir with
//     the same id. That pair can only come from a committed swap whose future
//     was complete and flushed, so startup renames the future to the live
//     name (promoteInterruptedSwaps) before loading anything;
//   - after 3: the new replica, complete; the `-delete` dir is removed after
//     file.delete.delay.ms.
// Startup never removes a `-delete` dir while some log dir is offline: it may
// be the only readable copy of a partition whose move was interrupted.
#include "broker/log/log_manager.h"

#include "core/common/fileio.h"
#include "core/storage/logdir/topic_name.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace spillway::broker {

using core::Errc;
using core::Error;
using core::Offset;
using core::Status;

namespace {

std::string tpName(const std::pair<std::string, std::int32_t> &key)
{
    return core::partitionDirName(key.first, core::PartitionId(key.second));
}

} // namespace

bool LogManager::swap(const Key &key, Entry &entry, std::int64_t nowMs)
{
    const std::string tp = tpName(key);
    const std::size_t from = entry.dir;
    const std::size_t to = entry.futureDir;
    const Offset logStart = entry.log->logStartOffset();
    const Offset highWatermark = entry.log->highWatermark();
    const Offset end = entry.log->logEndOffset();
    const std::filesystem::path sourcePath = entry.log->dir();
    const std::filesystem::path futurePath = entry.future->dir();
    auto futureName = core::parsePartitionDirName(futurePath.filename().string());
    if (!futureName) {
        entry.moveFailed = true;
        say("cannot swap " + tp + ": " + futureName.error().message);
        return false;
    }
    const auto hook = [this](SwapStage stage) {
        if (m_swapHook)
            m_swapHook(stage);
    };
    PartitionOpenOptions reopen;
    reopen.config = configFor(key.first);
    reopen.cleanShutdown = true; // both were just closed: nothing to recover
    reopen.recoveryPoint = end;
    reopen.logStart = logStart;
    reopen.nowMs = nowMs;
    const auto adoptReopened = [&](std::unique_ptr<PartitionLog> log, std::size_t dir) {
        log->setHighWatermark(std::min(highWatermark, log->logEndOffset()));
        log->setIoErrorHandler([this, dir](const Error &error) { markDirOffline(dir, error); });
        entry.log = std::move(log);
        entry.dir = dir;
    };

    // 1. Both replicas whole on disk. A failure is an I/O error that took
    //    its dir offline; a future left behind is resumed at the next start.
    if (!entry.future->close())
        return false;
    if (!entry.log->close()) {
        entry.future.reset();
        return false;
    }
    hook(SwapStage::Flushed);

    // 2. The commit point: the source becomes `<tp>.<U>-delete`, U being
    //    the future's id (renameForDeletion fsyncs the log dir).
    auto deleted = entry.log->renameForDeletion(futureName->uniqueId);
    if (!deleted) {
        entry.future.reset();
        return false;
    }
    hook(SwapStage::SourceRenamed);

    // 3. The future takes the live name.
    entry.future.reset();
    const auto livePath = m_dirs[to].path / tp;
    Status renamed;
    if (::rename(futurePath.c_str(), livePath.c_str()) != 0)
        renamed = Error::fromErrno(errno, "cannot rename " + futurePath.string() + " to " + livePath.string());
    else
        renamed = core::fsyncDirectory(m_dirs[to].path);
    if (!renamed) {
        // Nothing was removed: undo step 2, the partition stays where it was.
        markDirOffline(to, renamed.error());
        Status restored;
        if (::rename(deleted.value().c_str(), sourcePath.c_str()) != 0)
            restored = Error::fromErrno(errno, "cannot rename " + deleted.value().string() + " back to " +
                                                   sourcePath.string());
        else
            restored = core::fsyncDirectory(m_dirs[from].path);
        if (!restored) {
            entry.log->markOffline(restored.error());
            markDirOffline(from, restored.error());
            return false;
        }
        auto back = PartitionLog::open(sourcePath, reopen);
        if (!back) {
            entry.log->markOffline(back.error());
            if (back.error().sysErrno != 0)
                markDirOffline(from, back.error());
            return false;
        }
        adoptReopened(std::move(back.value()), from);
        say("the move of " + tp + " failed at its last step (" + renamed.error().describe() + "); " + tp +
            " stays in " + m_dirs[from].path.string());
        return false;
    }
    hook(SwapStage::FutureRenamed);

    // 4. The new current replica.
    auto opened = PartitionLog::open(livePath, reopen);
    if (!opened) {
        // The old copy is kept (not scheduled for deletion) since the new one
        // cannot be read.
        entry.dir = to;
        entry.log->markOffline(opened.error());
        if (opened.error().sysErrno != 0)
            markDirOffline(to, opened.error());
        say("moved " + tp + " to " + livePath.string() + " but cannot open it: " + opened.error().describe() +
            "; the old copy " + deleted.value().string() + " is kept");
        return false;
    }
    adoptReopened(std::move(opened.value()), to);
    m_pendingDirDeletes.push_back({deleted.value(), nowMs + m_options.fileDeleteDelayMs});
    (void)writeCheckpoints(from);
    (void)writeCheckpoints(to);
    say("moved " + tp + " from " + m_dirs[from].path.string() + " to " + m_dirs[to].path.string() + " (offsets " +
        std::to_string(logStart.get()) + " to " + std::to_string(end.get()) + "); the old copy " +
        deleted.value().string() + " is removed after file.delete.delay.ms");
    return true;
}

void LogManager::promoteInterruptedSwaps()
{
    struct Found {
        std::size_t dir;
        std::string id;
        std::filesystem::path path;
    };
    std::map<Key, int> live;
    std::map<Key, std::vector<Found>> futures;
    std::map<Key, std::vector<Found>> deletes;
    for (std::size_t i = 0; i < m_dirs.size(); ++i) {
        if (!m_dirs[i].online)
            continue;
        std::error_code ec;
        for (const auto &entry : std::filesystem::directory_iterator(m_dirs[i].path, ec)) {
            if (!entry.is_directory(ec))
                continue;
            auto name = core::parsePartitionDirName(entry.path().filename().string());
            if (!name)
                continue;
            const Key key{name->topic, name->partition.get()};
            if (name->kind == core::PartitionDirKind::Live)
                ++live[key];
            else if (name->kind == core::PartitionDirKind::Future)
                futures[key].push_back({i, name->uniqueId, entry.path()});
            else if (name->kind == core::PartitionDirKind::Delete)
                deletes[key].push_back({i, name->uniqueId, entry.path()});
        }
    }
    for (const auto &[key, candidates] : futures) {
        if (live.count(key) != 0)
            continue;
        for (const auto &f : candidates) {
            const auto &dels = deletes[key];
            auto source =
                std::find_if(dels.begin(), dels.end(), [&](const Found &d) { return d.id == f.id && d.dir != f.dir; });
            if (source == dels.end())
                continue;
            const auto target = m_dirs[f.dir].path / tpName(key);
            if (::rename(f.path.c_str(), target.c_str()) != 0) {
                markDirOffline(f.dir,
                               Error::fromErrno(errno, "cannot rename " + f.path.string() + " to " + target.string()));
                break;
            }
            if (auto st = core::fsyncDirectory(m_dirs[f.dir].path); !st) {
                markDirOffline(f.dir, st.error());
                break;
            }
            say("completed the move of " + tpName(key) + " that stopped between its two renames: " + f.path.string() +
                " is now " + target.string() + " (the old copy is " + source->path.string() + ")");
            break;
        }
    }
}

Status LogManager::attachLoadedFutures(std::int64_t nowMs)
{
    auto loaded = std::move(m_loadedFutures);
    m_loadedFutures.clear();
    for (auto &[future, dir] : loaded) {
        const Key key{future->topic(), future->partition().get()};
        const std::string tp = tpName(key);
        if (!m_dirs[dir].online)
            continue; // its dir failed while loading
        auto it = m_partitions.find(key);
        if (it == m_partitions.end() || it->second.log->offlineError()) {
            (void)future->close();
            say("left " + future->dir().string() + " alone: no current replica of " + tp + " in an online log dir");
            continue;
        }
        Entry &entry = it->second;
        if (entry.future)
            return makeError(Errc::Corrupt,
                             "duplicate future log directories for " + tp + ": " + entry.future->dir().string() +
                                 " and " + future->dir().string(),
                             "remove one of them");
        future->setIoErrorHandler([this, d = dir](const Error &error) { markDirOffline(d, error); });
        entry.future = std::move(future);
        entry.futureDir = dir;
        if (entry.dir == dir) {
            removeFuture(key, entry, nowMs, "it is in the same log dir as the current replica");
            continue;
        }
        const Offset futureEnd = entry.future->logEndOffset();
        if (futureEnd > entry.log->logEndOffset() || futureEnd < entry.log->logStartOffset()) {
            // The current replica lost an unflushed tail in recovery (the copy
            // may hold batches it no longer has), or retention passed the copy.
            removeFuture(key, entry, nowMs,
                         "it ends at offset " + std::to_string(futureEnd.get()) + ", outside the current replica's [" +
                             std::to_string(entry.log->logStartOffset().get()) + ", " +
                             std::to_string(entry.log->logEndOffset().get()) + "]; copying again");
            if (auto st = startFuture(key, entry, dir, nowMs); !st)
                say("cannot restart the move of " + tp + ": " + st.error().describe());
            continue;
        }
        syncFutureWithSource(key, entry, nowMs);
        say("resuming the move of " + tp + " from " + m_dirs[entry.dir].path.string() + " to " +
            m_dirs[dir].path.string() + " at offset " + std::to_string(futureEnd.get()) + " of " +
            std::to_string(entry.log->logEndOffset().get()));
    }
    return {};
}

} // namespace spillway::broker
