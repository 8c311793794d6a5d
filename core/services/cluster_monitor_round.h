// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/admin/cluster_sampler.h"
#include "core/measure/alert_engine.h"
#include "core/services/cluster_monitor.h"
#include "core/services/history_store.h"
#include "core/services/index_watch.h"

#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core {

/// $XDG_DATA_HOME/spillway/history (AppPaths' data dir): one SQLite file
/// per cluster, so that two clusters with the same broker ids and log dir
/// paths (every lab, many real clusters) never mix their series.
QString defaultHistoryDir();
/// The history file of the cluster `clusterId` in `dir`: `<id>.sqlite`, the
/// id reduced to [A-Za-z0-9_-] (Kafka's cluster ids are base64url Uuids).
QString historyFileForCluster(const QString &dir, const std::string &clusterId);
/// The cluster id found in the meta.properties of the first of `logDirs`
/// that has one (a broker that does not answer still names its cluster
/// there), or empty.
std::string clusterIdFromLogDirs(const std::vector<std::filesystem::path> &logDirs);

struct BrokerEntry;

/// A monitor configuration for the console's registry brokers: each local
/// entry (lab, kafka-install) whose server.properties was read and names its
/// id becomes a MonitorBrokerTarget (log.dirs, first client listener); the
/// remote entries' addresses become the bootstrap servers (with the local
/// ones' after them). Entries that cannot be monitored are named in
/// `skipped` with the reason.
MonitorConfig monitorConfigForRegistry(const std::vector<BrokerEntry> &entries,
                                       std::vector<std::string> *skipped = nullptr);

/// The sampler's options for a monitor configuration.
admin::SamplerOptions samplerOptions(const MonitorConfig &config);

/// One measurement round, shared by ClusterMonitor's worker and
/// `spillway-cli status`: sample the cluster (admin client + local scans),
/// record the disk and lag samples into the HistoryStore, estimate each
/// dir's growth and each group's lag trend from the last hour of history,
/// run the alert engine. Blocking; thread-affine like the HistoryStore it
/// opens (lazily, on the first run()): create, use and destroy it on one
/// thread. Without a usable history file the round still runs (growth
/// unknown) and says why in `problems`. Unless the configuration names a
/// file, the store is the cluster's own (historyFileForCluster), chosen by
/// the cluster id Metadata gives, else the one in the local log dirs'
/// meta.properties, else the last one known; a round that knows none
/// records nothing. It remembers the partitions of each
/// (broker, dir) from the rounds in which the dir could be listed, so that
/// when the dir fails (neither the local scan nor DescribeLogDirs can list
/// it) the snapshot and the offline alert still name what was on it.
class MonitorRound {
public:
    explicit MonitorRound(const MonitorConfig &config);
    ~MonitorRound();
    MonitorRound(const MonitorRound &) = delete;
    MonitorRound &operator=(const MonitorRound &) = delete;

    /// Measures once; `round` numbers the update.
    MonitorUpdate run(std::uint64_t round);

    void setThresholds(const measure::AlertThresholds &thresholds) { m_engine.setThresholds(thresholds); }
    [[nodiscard]] const measure::AlertThresholds &thresholds() const { return m_engine.thresholds(); }
    bool acknowledge(const std::string &key) { return m_engine.acknowledge(key); }
    [[nodiscard]] std::vector<measure::Alert> activeAlerts() const { return m_engine.active(); }

    /// The history store of the cluster last measured (or the configured
    /// file), opened on first use; nullptr (with the reason in `problem`)
    /// when the file cannot be opened or no cluster id is known yet.
    HistoryStore *history(std::string *problem = nullptr);
    /// The file history() uses now; empty while no cluster id is known.
    [[nodiscard]] const QString &historyFile() const { return m_historyFile; }
    /// What the last run() sampled, beyond the snapshot: addresses, which
    /// brokers are local, the cluster id.
    [[nodiscard]] const admin::ClusterSample &lastSample() const { return m_lastSample; }
    [[nodiscard]] const admin::ClusterSampler &sampler() const { return m_sampler; }

private:
    /// What was last seen on a dir while it could be listed.
    struct RememberedDir {
        std::vector<measure::PartitionSize> partitions;
        std::int64_t timeMs = 0;
    };
    /// Remembers the partitions of every readable dir and gives an offline
    /// dir that lists none the ones last seen on it (partitionsAsOfMs).
    void rememberPartitions(measure::ClusterSnapshot &snapshot);
    void recordAndEstimate(measure::ClusterSnapshot &snapshot, std::vector<std::string> &problems);
    /// Points m_historyFile at the cluster of the last sample (per-cluster
    /// mode); a different cluster closes the open store.
    void followCluster();

    bool m_perCluster = false; ///< no file configured: one store per cluster id
    QString m_historyDir;
    std::vector<std::filesystem::path> m_localDirs;
    std::string m_clusterId;
    QString m_historyFile;
    admin::ClusterSampler m_sampler;
    measure::AlertEngine m_engine;
    std::unique_ptr<HistoryStore> m_history;
    std::optional<std::string> m_historyError;
    admin::ClusterSample m_lastSample;
    IndexWatch m_indexWatch;
    std::map<std::pair<std::int32_t, std::string>, RememberedDir> m_lastPartitions; ///< by (broker, normal path)
};

} // namespace spillway::core
