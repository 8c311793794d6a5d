// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/cluster_monitor_round.h"

#include "core/measure/consumer_lag.h"
#include "core/measure/growth_estimator.h"
#include "core/services/app_paths.h"
#include "core/services/broker_entry.h"
#include "core/storage/logdir/meta_properties.h"

#include <QDir>

#include <chrono>
#include <map>

namespace spillway::core {
namespace {

constexpr std::int64_t kGrowthWindowMs = 3'600'000; // the estimator looks at the last hour

} // namespace

QString defaultHistoryDir() { return QDir(AppPaths::fromEnvironment().dataDir).filePath(QStringLiteral("history")); }

QString historyFileForCluster(const QString &dir, const std::string &clusterId)
{
    std::string name;
    name.reserve(clusterId.size());
    for (const char c : clusterId) {
        const bool keep =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        name += keep ? c : '_';
    }
    return QDir(dir).filePath(QString::fromStdString(name) + QStringLiteral(".sqlite"));
}

std::string clusterIdFromLogDirs(const std::vector<std::filesystem::path> &logDirs)
{
    for (const auto &dir : logDirs) {
        std::error_code ec;
        const auto file = dir / std::string(kMetaPropertiesFile);
        if (!std::filesystem::is_regular_file(file, ec))
            continue;
        auto meta = MetaProperties::read(file);
        if (meta && meta->clusterId && !meta->clusterId->empty())
            return *meta->clusterId;
    }
    return {};
}

MonitorConfig monitorConfigForRegistry(const std::vector<BrokerEntry> &entries, std::vector<std::string> *skipped)
{
    MonitorConfig config;
    std::vector<std::string> remote;
    std::vector<std::string> local;
    auto skip = [skipped](const BrokerEntry &e, const std::string &why) {
        if (skipped != nullptr)
            skipped->push_back("broker " + e.id + ": " + why);
    };
    for (const auto &e : entries) {
        if (!e.isLocal()) {
            for (const auto &hp : e.bootstrapServers)
                remote.push_back(hp.toString());
            if (e.bootstrapServers.empty())
                skip(e, "no address");
            continue;
        }
        if (!e.facts) {
            skip(e, e.problem.empty() ? "its server.properties could not be read" : e.problem);
            continue;
        }
        if (!e.facts->brokerId) {
            skip(e, "its server.properties names no node.id / broker.id");
            continue;
        }
        MonitorBrokerTarget t;
        t.id = BrokerId(*e.facts->brokerId);
        t.name = "broker " + e.id;
        if (!e.bootstrapServers.empty())
            t.bootstrap = e.bootstrapServers.front().toString();
        else if (!e.facts->bootstrapServers.empty())
            t.bootstrap = e.facts->bootstrapServers.front().toString();
        t.logDirs = e.facts->logDirs;
        t.serverProperties = e.serverProperties;
        if (!t.bootstrap.empty())
            local.push_back(t.bootstrap);
        config.localBrokers.push_back(std::move(t));
    }
    // With remote entries the cluster is asked through them (and the local
    // brokers' listeners, which Metadata then routes to); else the sampler
    // uses the local brokers' own addresses.
    if (!remote.empty()) {
        remote.insert(remote.end(), local.begin(), local.end());
        for (const auto &r : remote)
            config.bootstrap += (config.bootstrap.empty() ? "" : ",") + r;
    }
    return config;
}

admin::SamplerOptions samplerOptions(const MonitorConfig &config)
{
    admin::SamplerOptions o;
    o.bootstrap = config.bootstrap;
    for (const auto &b : config.localBrokers)
        o.localBrokers.push_back({b.id, b.name, b.bootstrap, b.logDirs});
    return o;
}

MonitorRound::MonitorRound(const MonitorConfig &config)
    : m_perCluster(config.historyFile.isEmpty())
    , m_historyDir(m_perCluster ? defaultHistoryDir() : QString())
    , m_historyFile(config.historyFile)
    , m_sampler(samplerOptions(config))
    , m_engine(config.thresholds)
{
    for (const auto &b : config.localBrokers)
        m_localDirs.insert(m_localDirs.end(), b.logDirs.begin(), b.logDirs.end());
}

MonitorRound::~MonitorRound() = default;

void MonitorRound::followCluster()
{
    if (!m_perCluster)
        return;
    std::string id = m_lastSample.clusterId;
    if (id.empty())
        id = clusterIdFromLogDirs(m_localDirs);
    if (id.empty() || id == m_clusterId)
        return;
    m_clusterId = id;
    m_history.reset();
    m_historyError.reset();
    m_historyFile = historyFileForCluster(m_historyDir, id);
}

HistoryStore *MonitorRound::history(std::string *problem)
{
    if (m_historyFile.isEmpty()) {
        if (problem != nullptr)
            *problem = "history: the cluster id is not known yet (no broker answered Metadata and no log dir has a "
                       "meta.properties)";
        return nullptr;
    }
    if (!m_history && !m_historyError) {
        auto opened = HistoryStore::open(m_historyFile);
        if (opened)
            m_history = std::move(*opened);
        else
            m_historyError = "history " + m_historyFile.toStdString() + ": " + opened.error().describe();
    }
    if (!m_history && problem != nullptr && m_historyError)
        *problem = *m_historyError;
    return m_history.get();
}

void MonitorRound::rememberPartitions(measure::ClusterSnapshot &snapshot)
{
    for (auto &b : snapshot.brokers) {
        for (auto &d : b.dirs) {
            const auto key = std::make_pair(b.id.get(), admin::normalDirPath(d.path));
            if (d.exists && !d.offline && d.partitionsAsOfMs == 0) {
                m_lastPartitions[key] = {d.partitions, snapshot.timeMs};
                continue;
            }
            if (!d.offline || !d.partitions.empty())
                continue;
            const auto it = m_lastPartitions.find(key);
            if (it == m_lastPartitions.end() || it->second.partitions.empty())
                continue;
            d.partitions = it->second.partitions;
            d.partitionCount = 0;
            for (const auto &p : d.partitions)
                d.partitionCount += p.isFuture ? 0 : 1;
            d.partitionsAsOfMs = it->second.timeMs;
        }
    }
}

void MonitorRound::recordAndEstimate(measure::ClusterSnapshot &snapshot, std::vector<std::string> &problems)
{
    std::string historyProblem;
    HistoryStore *store = history(&historyProblem);
    if (store == nullptr) {
        problems.push_back(historyProblem + " (growth and time to full unknown)");
        return;
    }
    const std::int64_t now = snapshot.timeMs;

    std::vector<DiskHistorySample> disk;
    for (const auto &b : snapshot.brokers) {
        for (const auto &d : b.dirs) {
            if (!d.usage || !d.exists)
                continue;
            disk.push_back(
                {b.id, d.path, now, d.usage->capacityBytes, d.usage->usedBytes, d.usage->freeBytes, d.kafkaBytes});
        }
    }
    std::vector<LagHistorySample> lag;
    for (const auto &g : snapshot.groups) {
        for (const auto &t : g.lag.topics)
            lag.push_back({g.lag.group, t.topic, now, t.lag});
    }
    if (auto s = store->recordDisk(disk); !s.ok())
        problems.push_back("history: recording disk samples: " + s.error().describe());
    if (auto s = store->recordLag(lag); !s.ok())
        problems.push_back("history: recording lag samples: " + s.error().describe());

    const std::int64_t from = now - kGrowthWindowMs;
    for (auto &b : snapshot.brokers) {
        for (auto &d : b.dirs) {
            if (!d.usage || !d.exists)
                continue;
            auto series = store->diskSeries(b.id, d.path, from, now);
            if (!series) {
                problems.push_back("history: " + series.error().describe());
                continue;
            }
            const auto samples = usedBytesSeries(*series);
            d.growth = measure::estimateGrowth(samples);
        }
    }
    // A group's trend is that of its total lag: the per-topic series summed
    // at each sample time (every topic of a group is sampled in the same round).
    for (auto &g : snapshot.groups) {
        std::map<std::int64_t, double> total;
        for (const auto &t : g.lag.topics) {
            auto series = store->lagSeries(g.lag.group, t.topic, from, now);
            if (!series) {
                problems.push_back("history: " + series.error().describe());
                continue;
            }
            for (const auto &p : *series)
                total[p.timeMs] += p.lag;
        }
        std::vector<measure::SeriesSample> samples;
        samples.reserve(total.size());
        for (const auto &[t, v] : total)
            samples.push_back({t, v});
        g.trend = measure::estimateLagTrend(samples);
    }
}

MonitorUpdate MonitorRound::run(std::uint64_t round)
{
    const auto started = std::chrono::steady_clock::now();
    MonitorUpdate update;
    update.round = round;
    m_lastSample = m_sampler.sample();
    update.problems = m_lastSample.problems;
    followCluster();
    rememberPartitions(m_lastSample.snapshot);
    m_indexWatch.run(m_lastSample.snapshot, m_lastSample.brokers);
    const bool firstOpen = !m_history && !m_historyError && !m_historyFile.isEmpty();
    recordAndEstimate(m_lastSample.snapshot, update.problems);
    if (firstOpen && m_history && m_history->recoveryMessage())
        update.problems.push_back("history: " + m_history->recoveryMessage()->toStdString());
    update.snapshot = m_lastSample.snapshot;
    update.changes = m_engine.evaluate(update.snapshot);
    update.alerts = m_engine.active();
    update.workerMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    return update;
}

} // namespace spillway::core
