// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"
#include "core/measure/alert.h"
#include "core/measure/alert_engine.h"
#include "core/measure/cluster_snapshot.h"
#include "core/services/history_store.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

class QThread;

namespace spillway::core {

/// A broker whose files are on this machine (a lab broker, or a registry
/// broker with a server.properties): its log dirs are scanned locally.
struct MonitorBrokerTarget {
    BrokerId id{0};
    std::string name;                           ///< "lab broker 1"
    std::string bootstrap;                      ///< "127.0.0.1:9092", empty if not known
    std::vector<std::filesystem::path> logDirs; ///< from server.properties log.dirs
    std::filesystem::path serverProperties;     ///< may be empty
};

struct MonitorConfig {
    std::vector<MonitorBrokerTarget> localBrokers; ///< may be empty
    std::string bootstrap; ///< remote cluster bootstrap servers; may be empty when localBrokers given
    std::chrono::milliseconds interval{5000};
    QString historyFile; ///< HistoryStore file; empty: AppPaths default
    measure::AlertThresholds thresholds;
};

/// MonitorConfig for the lab at `labRoot` (default lab root if empty): its
/// brokers, ports, log.dirs.
Result<MonitorConfig> monitorConfigForLab(const std::filesystem::path &labRoot = {});

struct MonitorUpdate {
    measure::ClusterSnapshot snapshot;  ///< growth filled from history; group trends too
    std::vector<measure::Alert> alerts; ///< active, most severe first
    measure::AlertChanges changes;      ///< of this round
    std::vector<std::string> problems;  ///< per-source errors of this round, human readable
    std::int64_t workerMs = 0;          ///< time the worker spent on this round
    std::uint64_t round = 0;
};

class MonitorWorker;

/// The console's measurement loop. Lives on the GUI thread and owns a worker
/// QThread; every round (local scan of this machine's log dirs + the admin
/// client against the cluster, history, growth, alerts) runs on the worker.
/// The GUI only receives immutable updates by shared_ptr. Rounds never
/// overlap: the next one is scheduled `interval` after the previous ended.
/// Every signal is emitted on the thread the monitor lives on (the GUI
/// thread). Shared between the worker and `spillway-cli status`: MonitorRound
/// (cluster_monitor_round.h); the CLI and this loop measure the same way.
class ClusterMonitor : public QObject {
    Q_OBJECT
public:
    /// On the GUI thread; owns a worker QThread.
    explicit ClusterMonitor(MonitorConfig config, QObject *parent = nullptr);
    /// Stops and joins the worker (waiting for a round in progress, which the
    /// sampler's timeouts bound: 3 s connect, 10 s per request).
    ~ClusterMonitor() override;
    ClusterMonitor(const ClusterMonitor &) = delete;
    ClusterMonitor &operator=(const ClusterMonitor &) = delete;

    void start();
    void stop();
    void refreshNow();
    void setInterval(std::chrono::milliseconds interval);
    void setThresholds(const measure::AlertThresholds &thresholds);
    /// Effective in the next update (and emits one promptly).
    void acknowledge(const QString &alertKey);
    /// Thread-safe.
    [[nodiscard]] std::shared_ptr<const MonitorUpdate> latest() const;
    /// History query answered asynchronously on the worker thread (HistoryStore is thread-affine).
    void requestDiskSeries(quint64 requestId, BrokerId broker, const QString &dir, qint64 fromMs, qint64 toMs,
                           int maxPoints);
    void requestLagSeries(quint64 requestId, const QString &group, const QString &topic, qint64 fromMs, qint64 toMs,
                          int maxPoints);

Q_SIGNALS:
    void updated(std::shared_ptr<const spillway::core::MonitorUpdate> update);
    void diskSeriesReady(quint64 requestId, std::vector<spillway::core::DiskHistoryPoint> points);
    void lagSeriesReady(quint64 requestId, std::vector<spillway::core::LagHistoryPoint> points);

private:
    friend class MonitorWorker;
    void publish(std::shared_ptr<const MonitorUpdate> update);

    QThread *m_thread = nullptr;
    MonitorWorker *m_worker = nullptr; ///< lives on m_thread
    mutable std::mutex m_latestMutex;
    std::shared_ptr<const MonitorUpdate> m_latest;
};

} // namespace spillway::core

Q_DECLARE_METATYPE(std::shared_ptr<const spillway::core::MonitorUpdate>)
Q_DECLARE_METATYPE(std::vector<spillway::core::DiskHistoryPoint>)
Q_DECLARE_METATYPE(std::vector<spillway::core::LagHistoryPoint>)
