// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/config/broker_config.h"
#include "broker/log/log_config.h"
#include "broker/log/log_dir_lock.h"
#include "broker/log/partition_log.h"
#include "core/common/kafka_uuid.h"
#include "core/common/result.h"
#include "core/common/strong_type.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spillway::broker {

/// What the LogManager needs from the broker configuration.
struct LogManagerOptions {
    std::vector<std::filesystem::path> logDirs;
    std::optional<core::BrokerId> brokerId; ///< nullopt: take it from meta.properties
    bool createMissingLogDirs = false;
    PlacementPolicy placement = PlacementPolicy::MostFreeSpace;
    LogConfig logConfig;
    std::int64_t fileDeleteDelayMs = 60000;
    std::int64_t checkpointIntervalMs = 60000; ///< log.flush.offset.checkpoint.interval.ms

    static LogManagerOptions fromBroker(const BrokerConfig &config);
};

/// One log dir as DescribeLogDirs reports it.
struct LogDirDescription {
    struct Partition {
        std::string topic;
        core::PartitionId partition{0};
        std::int64_t sizeBytes = 0;
        /// Kafka's getLogEndOffsetLag: current replica max(HW - LEO, 0) (0
        /// with a single replica); future replica current LEO - future LEO;
        /// -1 when the current replica is offline.
        std::int64_t offsetLag = 0;
        bool isFuture = false; ///< a `-future` replica being filled by a move
    };
    std::filesystem::path path;
    bool online = false;
    std::optional<core::Error> error; ///< why it is offline
    std::int64_t totalBytes = -1;     ///< statvfs; -1 when offline
    std::int64_t usableBytes = -1;
    std::vector<Partition> partitions;
};

/// Owns the broker's log dirs (`log.dirs`) and every PartitionLog in them:
/// the `.lock` of each dir, `meta.properties`, the clean-shutdown marker, the
/// three offset checkpoints, placement of new partitions, partition deletion
/// (`-delete` dirs), KIP-112 failure handling (an I/O error in any partition
/// takes its whole dir offline while the other dirs keep serving, and the
/// all-offline handler fires when none is left), and KIP-113 replica moves
/// between its dirs (`-future` replicas, copied by moveReplicas(), swapped in
/// when caught up; see log_manager_swap.cpp for the crash safety).
/// Single-threaded: created and used on the broker's event-loop thread,
/// which calls tick() from a timer (flush.ms, delayed deletes, periodic
/// checkpoints) and moveReplicas() from the ReplicaMover. Retention is the
/// broker's (Broker::applyRetention: each topic's effective retention.ms /
/// retention.bytes, per PartitionLog).
class LogManager {
public:
    using MessageSink = std::function<void(const std::string &)>;

    /// Locks, checks and loads every configured dir (recovering partitions
    /// after an unclean stop). Fails on a dir locked by another process, a
    /// broker.id / cluster.id mismatch, or when no dir is usable.
    static core::Result<std::unique_ptr<LogManager>> open(const LogManagerOptions &options, std::int64_t nowMs);
    ~LogManager();
    LogManager(const LogManager &) = delete;
    LogManager &operator=(const LogManager &) = delete;

    /// What startup did (offline dirs, recovery, deleted stray files), to log.
    [[nodiscard]] const std::vector<std::string> &startupMessages() const noexcept { return m_startupMessages; }
    /// Runtime events (a dir going offline ...), to log.
    void setMessageSink(MessageSink sink) { m_sink = std::move(sink); }
    /// Called once when the last online dir goes offline; the broker exits.
    void setAllDirsOfflineHandler(MessageSink handler) { m_allOffline = std::move(handler); }

    [[nodiscard]] const std::string &clusterId() const noexcept { return m_clusterId; }
    [[nodiscard]] core::BrokerId brokerId() const noexcept { return m_brokerId; }

    /// A new partition in the online dir chosen by the placement policy.
    core::Result<PartitionLog *> createPartition(const std::string &topic, core::PartitionId partition,
                                                 const core::KafkaUuid &topicId, std::int64_t nowMs);
    [[nodiscard]] PartitionLog *find(std::string_view topic, core::PartitionId partition) const;
    [[nodiscard]] std::vector<PartitionLog *> partitions() const;
    /// A topic's own log settings (its overrides over the broker defaults):
    /// given to its partitions created or loaded from now on, and applied to
    /// those open now, future replicas included. Without one a topic follows
    /// the broker's defaults.
    void setTopicConfig(const std::string &topic, const LogConfig &config);
    [[nodiscard]] const LogConfig &configFor(const std::string &topic) const;
    /// The log dir a partition lives in.
    [[nodiscard]] std::optional<std::filesystem::path> logDirOf(std::string_view topic,
                                                                core::PartitionId partition) const;
    /// Renames the partition dir to `<topic>-<p>.<uuid32hex>-delete`; tick()
    /// removes it after file.delete.delay.ms.
    core::Status deletePartition(std::string_view topic, core::PartitionId partition, std::int64_t nowMs);

    [[nodiscard]] std::vector<LogDirDescription> describeLogDirs() const;

    /// AlterReplicaLogDirs for one partition, as Kafka 3.x's
    /// ReplicaManager.alterReplicaLogDirs. Errors carry Kafka's error name as
    /// their hint: destination not in log.dirs LOG_DIR_NOT_FOUND; destination
    /// or partition offline, or creating the future replica while any dir is
    /// offline, KAFKA_STORAGE_ERROR; a partition not hosted here
    /// REPLICA_NOT_AVAILABLE (the destination is remembered and used when the
    /// partition is created); a name too long for the `-future` dir
    /// INVALID_TOPIC_EXCEPTION. The current dir as destination succeeds and
    /// cancels a move elsewhere; another destination replaces the move.
    core::Status alterLogDir(const std::string &topic, core::PartitionId partition,
                             const std::filesystem::path &destination, std::int64_t nowMs);
    /// The partition's future replica while a move is in progress.
    [[nodiscard]] PartitionLog *findFuture(std::string_view topic, core::PartitionId partition) const;
    /// What one moveReplicas() call did.
    struct MoveStep {
        std::int64_t bytesCopied = 0;
        int swapped = 0;      ///< moves completed in this step
        bool pending = false; ///< some move still has data to copy
    };
    /// Kafka's ReplicaAlterLogDirsThread, one bounded step: copies whole
    /// batches from current logs into their future logs, round robin, until
    /// `maxBytes` are copied (at least one batch when maxBytes > 0), and
    /// swaps each future that has caught up in the same call.
    MoveStep moveReplicas(std::int64_t maxBytes, std::int64_t nowMs);
    /// Whether moveReplicas() has anything to do.
    [[nodiscard]] bool hasPendingMoves() const;
    /// Called when a move starts, so that the copier gets scheduled.
    void setMoveWakeup(std::function<void()> wakeup) { m_moveWakeup = std::move(wakeup); }
    /// Where a swap stands, for fault-injection tests (a kill -9 in between).
    enum class SwapStage { Flushed, SourceRenamed, FutureRenamed };
    void setSwapHookForTests(std::function<void(SwapStage)> hook) { m_swapHook = std::move(hook); }
    [[nodiscard]] bool isOnline(const std::filesystem::path &logDir) const;

    /// Flush per flush.ms, purge due `.deleted` files and `-delete` dirs,
    /// checkpoints every checkpointIntervalMs.
    void tick(std::int64_t nowMs);
    /// recovery-point / replication-offset / log-start-offset checkpoints of every online dir.
    core::Status writeCheckpoints();
    /// Clean shutdown: close every log, write the checkpoints, then
    /// `.kafka_cleanshutdown` in each online dir, and release the locks.
    core::Status shutdown();

private:
    struct Dir {
        std::filesystem::path path;
        LogDirLock lock;
        bool online = false;
        std::optional<core::Error> error;
        bool cleanShutdown = false;
    };
    struct Entry {
        std::unique_ptr<PartitionLog> log;
        std::size_t dir = 0;
        std::unique_ptr<PartitionLog> future; ///< a move in progress
        std::size_t futureDir = 0;
        bool moveFailed = false; ///< the copy hit bad data; kept, not copied further
    };
    struct PendingDirDelete {
        std::filesystem::path path;
        std::int64_t dueMs = 0;
    };
    using Key = std::pair<std::string, std::int32_t>;

    explicit LogManager(LogManagerOptions options) : m_options(std::move(options)) {}
    core::Status openDirs();
    core::Status loadDir(std::size_t index, std::int64_t nowMs);
    core::Status adopt(std::unique_ptr<PartitionLog> log, std::size_t dir);
    void markDirOffline(std::size_t index, const core::Error &error);
    void say(const std::string &message);
    [[nodiscard]] std::optional<std::size_t> chooseDir() const;
    core::Status writeCheckpoints(std::size_t index);
    // Replica moves (log_manager_moves.cpp, log_manager_swap.cpp).
    [[nodiscard]] std::optional<std::size_t> dirIndexOf(const std::filesystem::path &path) const;
    core::Status startFuture(const Key &key, Entry &entry, std::size_t dir, std::int64_t nowMs);
    void removeFuture(const Key &key, Entry &entry, std::int64_t nowMs, const std::string &why);
    void dropOfflineFutures();
    [[nodiscard]] bool copyable(const Entry &entry) const;
    bool copyChunk(const Key &key, Entry &entry, std::int64_t budget, std::int64_t nowMs, MoveStep &step);
    void syncFutureWithSource(const Key &key, Entry &entry, std::int64_t nowMs);
    bool swap(const Key &key, Entry &entry, std::int64_t nowMs);
    void promoteInterruptedSwaps();
    core::Status attachLoadedFutures(std::int64_t nowMs);

    LogManagerOptions m_options;
    std::vector<Dir> m_dirs;
    std::map<Key, Entry> m_partitions;
    std::map<std::string, LogConfig, std::less<>> m_topicConfigs; ///< topics with settings of their own
    std::vector<PendingDirDelete> m_pendingDirDeletes;
    /// Kafka's preferredLogDirs: AlterReplicaLogDirs for a partition not yet here.
    std::map<Key, std::size_t> m_preferredDirs;
    /// `-future` dirs loaded at startup, attached once every dir is loaded.
    std::vector<std::pair<std::unique_ptr<PartitionLog>, std::size_t>> m_loadedFutures;
    std::optional<Key> m_moveCursor; ///< round robin between moves
    std::function<void()> m_moveWakeup;
    std::function<void(SwapStage)> m_swapHook;
    std::string m_clusterId;
    core::BrokerId m_brokerId{-1};
    std::vector<std::string> m_startupMessages;
    MessageSink m_sink;
    MessageSink m_allOffline;
    bool m_starting = true;
    bool m_shutDown = false;
    std::int64_t m_lastCheckpointMs = 0;
};

} // namespace spillway::broker
