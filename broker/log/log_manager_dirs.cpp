// SPDX-License-Identifier: GPL-3.0-or-later
// LogManager startup: locking, meta.properties, the clean-shutdown marker,
// checkpoints and loading every partition directory.
#include "broker/log/log_manager.h"

#include "core/common/fileio.h"
#include "core/storage/logdir/meta_properties.h"
#include "core/storage/logdir/offset_checkpoint.h"
#include "core/storage/logdir/topic_name.h"

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace spillway::broker {

using core::Errc;
using core::Error;
using core::Offset;
using core::Result;
using core::Status;

namespace {

constexpr std::string_view kCleanShutdownFile = ".kafka_cleanshutdown";

} // namespace

LogManagerOptions LogManagerOptions::fromBroker(const BrokerConfig &config)
{
    LogManagerOptions o;
    o.logDirs = config.logDirs;
    if (config.brokerId >= 0)
        o.brokerId = core::BrokerId(config.brokerId);
    o.createMissingLogDirs = config.createMissingLogDirs;
    o.placement = config.placement;
    o.logConfig = LogConfig::fromBroker(config);
    o.fileDeleteDelayMs = config.fileDeleteDelayMs;
    return o;
}

Result<std::unique_ptr<LogManager>> LogManager::open(const LogManagerOptions &options, std::int64_t nowMs)
{
    if (options.logDirs.empty())
        return makeError(Errc::InvalidArgument, "log.dirs is empty");
    std::unique_ptr<LogManager> manager(new LogManager(options));
    if (auto st = manager->openDirs(); !st)
        return st.error();
    // Before anything is loaded: a move stopped between its two renames.
    manager->promoteInterruptedSwaps();
    for (std::size_t i = 0; i < manager->m_dirs.size(); ++i) {
        if (!manager->m_dirs[i].online)
            continue;
        if (auto st = manager->loadDir(i, nowMs); !st)
            return st.error();
    }
    // Moves resume once every current replica is known.
    if (auto st = manager->attachLoadedFutures(nowMs); !st)
        return st.error();
    manager->m_starting = false;
    bool anyOnline = false;
    for (const auto &d : manager->m_dirs)
        anyOnline = anyOnline || d.online;
    if (!anyOnline)
        return makeError(Errc::Io, "no log dir is usable: every dir in log.dirs is offline",
                         "see the messages above for each dir");
    // The recovery points after loading must be durable before new writes.
    if (auto st = manager->writeCheckpoints(); !st)
        manager->say("could not write checkpoints after startup: " + st.error().describe());
    manager->m_lastCheckpointMs = nowMs;
    return manager;
}

Status LogManager::openDirs()
{
    std::optional<std::pair<std::string, std::filesystem::path>> cluster;
    std::vector<std::size_t> needMeta;
    for (const auto &path : m_options.logDirs) {
        Dir dir;
        dir.path = path;
        std::error_code ec;
        const bool exists = std::filesystem::exists(path, ec);
        if (!exists && m_options.createMissingLogDirs) {
            if (!std::filesystem::create_directories(path, ec) && ec) {
                dir.error = Error::fromErrno(ec.value(), "cannot create log dir " + path.string());
            } else {
                m_startupMessages.push_back("created missing log dir " + path.string());
            }
        } else if (!exists) {
            dir.error = makeError(Errc::NotFound,
                                  "log dir " + path.string() +
                                      " does not exist; it is offline and is not created on the parent filesystem",
                                  "mount or create it, or set spillway.log.dirs.create.missing=true");
        }
        if (!dir.error && !std::filesystem::is_directory(path, ec))
            dir.error = makeError(Errc::InvalidArgument, "log dir " + path.string() + " is not a directory");
        if (!dir.error) {
            auto lock = LogDirLock::acquire(path);
            if (!lock) {
                if (lock.error().code == Errc::Locked)
                    return lock.error(); // never share a dir with another broker
                dir.error = lock.error();
            } else {
                dir.lock = std::move(lock.value());
            }
        }
        if (!dir.error) {
            const auto metaFile = path / std::string(core::kMetaPropertiesFile);
            auto meta = core::MetaProperties::read(metaFile);
            if (meta) {
                if (meta->nodeId) {
                    if (!m_options.brokerId && m_brokerId.get() < 0)
                        m_brokerId = *meta->nodeId;
                    const auto expected = m_options.brokerId ? *m_options.brokerId : m_brokerId;
                    if (*meta->nodeId != expected)
                        return makeError(Errc::InvalidArgument,
                                         "broker.id " + std::to_string(expected.get()) + " does not match " +
                                             std::to_string(meta->nodeId->get()) + " stored in " + metaFile.string(),
                                         "this log dir belongs to another broker; fix broker.id or log.dirs");
                }
                if (meta->clusterId) {
                    if (cluster && cluster->first != *meta->clusterId)
                        return makeError(Errc::InvalidArgument,
                                         "cluster.id " + *meta->clusterId + " in " + metaFile.string() +
                                             " does not match " + cluster->first + " in " + cluster->second.string(),
                                         "the log dirs come from different clusters");
                    if (!cluster)
                        cluster = std::make_pair(*meta->clusterId, metaFile);
                }
            } else if (meta.error().code == Errc::NotFound) {
                needMeta.push_back(m_dirs.size());
            } else if (meta.error().sysErrno != 0) {
                dir.error = meta.error();
            } else {
                return meta.error();
            }
        }
        dir.online = !dir.error;
        if (dir.error)
            m_startupMessages.push_back("log dir " + path.string() + " is offline: " + dir.error->describe());
        m_dirs.push_back(std::move(dir));
    }
    if (m_options.brokerId)
        m_brokerId = *m_options.brokerId;
    if (m_brokerId.get() < 0)
        return makeError(Errc::InvalidArgument, "broker.id is not set and no meta.properties holds one",
                         "set broker.id in server.properties");
    if (cluster) {
        m_clusterId = cluster->first;
    } else {
        auto id = core::KafkaUuid::random();
        if (!id)
            return id.error();
        m_clusterId = id->toString();
    }
    for (const auto index : needMeta) {
        Dir &dir = m_dirs[index];
        core::MetaProperties meta;
        meta.version = 0;
        meta.nodeId = m_brokerId;
        meta.clusterId = m_clusterId;
        const auto metaFile = dir.path / std::string(core::kMetaPropertiesFile);
        if (auto st = meta.write(metaFile); !st) {
            dir.online = false;
            dir.error = st.error();
            dir.lock.release();
            m_startupMessages.push_back("log dir " + dir.path.string() + " is offline: " + st.error().describe());
        } else {
            m_startupMessages.push_back("wrote " + metaFile.string());
        }
    }
    return {};
}

Status LogManager::loadDir(std::size_t index, std::int64_t nowMs)
{
    const auto path = m_dirs[index].path;
    const auto marker = path / std::string(kCleanShutdownFile);
    std::error_code ec;
    m_dirs[index].cleanShutdown = std::filesystem::exists(marker, ec);
    // A dir without partitions has nothing to recover: say so only when it matters.
    bool hasPartitions = false;
    for (const auto &entry : std::filesystem::directory_iterator(path, ec))
        hasPartitions = hasPartitions || entry.is_directory(ec);
    if (!m_dirs[index].cleanShutdown && hasPartitions)
        m_startupMessages.push_back("log dir " + path.string() + " was not shut down cleanly; recovering");

    auto readCheckpoint = [&](std::string_view name) -> Result<core::OffsetCheckpoint> {
        auto cp = core::OffsetCheckpoint::read(path / std::string(name));
        if (!cp && cp.error().code == Errc::NotFound)
            return core::OffsetCheckpoint();
        return cp;
    };
    auto recovery = readCheckpoint(core::kRecoveryPointCheckpointFile);
    auto logStart = readCheckpoint(core::kLogStartOffsetCheckpointFile);
    for (auto *cp : {&recovery, &logStart}) {
        if (!*cp) {
            // Kafka treats an unreadable checkpoint as an I/O failure of the dir.
            markDirOffline(index, cp->error());
            return {};
        }
    }

    for (const auto &entry : std::filesystem::directory_iterator(path, ec)) {
        if (!entry.is_directory(ec))
            continue;
        const auto dirName = entry.path().filename().string();
        auto name = core::parsePartitionDirName(dirName);
        if (!name) {
            m_startupMessages.push_back("ignored " + entry.path().string() + ": " + name.error().message);
            continue;
        }
        if (name->kind == core::PartitionDirKind::Delete) {
            // A deletion interrupted by the last stop: finish it after
            // file.delete.delay.ms, as Kafka does. While a dir is offline it
            // may be the only readable copy of a partition whose move was
            // interrupted (see log_manager_swap.cpp): keep it then.
            const bool allOnline = std::all_of(m_dirs.begin(), m_dirs.end(), [](const Dir &d) { return d.online; });
            if (allOnline) {
                m_pendingDirDeletes.push_back({entry.path(), nowMs + m_options.fileDeleteDelayMs});
                m_startupMessages.push_back("scheduled " + entry.path().string() +
                                            " for deletion after file.delete.delay.ms");
            } else {
                m_startupMessages.push_back("kept " + entry.path().string() + " while a log dir is offline");
            }
            continue;
        }
        if (name->kind != core::PartitionDirKind::Live && name->kind != core::PartitionDirKind::Future) {
            m_startupMessages.push_back("left " + entry.path().string() + " alone (" +
                                        std::string(core::toString(name->kind)) + " replica)");
            continue;
        }
        PartitionOpenOptions opts;
        opts.config = configFor(name->topic);
        opts.cleanShutdown = m_dirs[index].cleanShutdown;
        opts.recoveryPoint = recovery->find(name->topic, name->partition).value_or(Offset(0));
        opts.logStart = logStart->find(name->topic, name->partition);
        opts.nowMs = nowMs;
        auto log = PartitionLog::open(entry.path(), opts);
        if (!log) {
            if (log.error().sysErrno != 0) {
                markDirOffline(index, log.error());
                return {};
            }
            if (name->kind == core::PartitionDirKind::Future) {
                // Only a copy: the current replica keeps serving.
                m_startupMessages.push_back("left " + entry.path().string() +
                                            " alone: cannot load it: " + log.error().message);
                continue;
            }
            return makeError(log.error().code, "cannot load " + entry.path().string() + ": " + log.error().message,
                             log.error().hint);
        }
        for (const auto &m : log.value()->loadMessages())
            m_startupMessages.push_back(m);
        if (log.value()->isFuture()) {
            m_loadedFutures.emplace_back(std::move(log.value()), index);
            continue;
        }
        if (auto st = adopt(std::move(log.value()), index); !st)
            return st;
    }
    if (ec) {
        markDirOffline(index, Error::fromErrno(ec.value(), "cannot list log dir " + path.string()));
        return {};
    }
    if (m_dirs[index].cleanShutdown && ::unlink(marker.c_str()) != 0 && errno != ENOENT)
        markDirOffline(index, Error::fromErrno(errno, "cannot delete " + marker.string()));
    return {};
}

Status LogManager::adopt(std::unique_ptr<PartitionLog> log, std::size_t dir)
{
    Key key{log->topic(), log->partition().get()};
    if (auto it = m_partitions.find(key); it != m_partitions.end())
        return makeError(Errc::Corrupt,
                         "duplicate log directories for " + core::partitionDirName(key.first, log->partition()) + ": " +
                             it->second.log->dir().string() + " and " + log->dir().string(),
                         "remove the stale copy");
    log->setIoErrorHandler([this, dir](const Error &error) { markDirOffline(dir, error); });
    Entry entry;
    entry.log = std::move(log);
    entry.dir = dir;
    m_partitions.emplace(std::move(key), std::move(entry));
    return {};
}

Status LogManager::shutdown()
{
    if (m_shutDown)
        return {};
    m_shutDown = true;
    std::optional<Error> firstError;
    for (auto &[key, entry] : m_partitions) {
        if (entry.future && m_dirs[entry.futureDir].online && !entry.future->offlineError()) {
            if (auto st = entry.future->close(); !st && !firstError)
                firstError = st.error();
        }
        if (!m_dirs[entry.dir].online || entry.log->offlineError())
            continue;
        if (auto st = entry.log->close(); !st && !firstError)
            firstError = st.error();
    }
    for (std::size_t i = 0; i < m_dirs.size(); ++i) {
        if (!m_dirs[i].online)
            continue;
        if (auto st = writeCheckpoints(i); !st) {
            if (!firstError)
                firstError = st.error();
            continue;
        }
        // Kafka <= 3.6 writes an empty marker; its presence means "skip recovery".
        const auto marker = m_dirs[i].path / std::string(kCleanShutdownFile);
        if (auto st = core::writeFileAtomic(marker, ""); !st && !firstError)
            firstError = st.error();
    }
    for (auto &d : m_dirs)
        d.lock.release();
    if (firstError)
        return *firstError;
    return {};
}

} // namespace spillway::broker
