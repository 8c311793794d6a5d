// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/cluster_monitor.h"

#include "core/lab/lab_layout.h"
#include "core/lab/lab_state.h"
#include "core/lab/server_properties.h"
#include "core/services/cluster_monitor_round.h"

#include <QThread>
#include <QTimer>

#include <atomic>
#include <utility>

namespace spillway::core {

Result<MonitorConfig> monitorConfigForLab(const std::filesystem::path &labRoot)
{
    const lab::LabLayout layout(labRoot.empty() ? lab::LabLayout::defaultRoot() : labRoot);
    auto config = lab::LabConfig::read(layout.configFile());
    if (!config) {
        Error e = config.error();
        e.message = "no lab at " + layout.root().string() + ": " + e.message;
        if (e.hint.empty())
            e.hint = "create it with `spillway-cli lab up`";
        return e;
    }
    // The ports the running lab uses (`lab up --port` may have moved them).
    auto state = lab::LabState::read(layout.stateFile());
    MonitorConfig out;
    for (int n = 1; n <= config->brokers; ++n) {
        int port = config->port + n - 1;
        if (state && state->has_value()) {
            if (const lab::BrokerRun *run = (*state)->broker(n); run != nullptr && run->port > 0)
                port = run->port;
        }
        MonitorBrokerTarget t;
        t.id = BrokerId(n);
        t.name = "lab broker " + std::to_string(n);
        t.bootstrap = "127.0.0.1:" + std::to_string(port);
        t.serverProperties = layout.serverProperties(n);
        auto dirs = lab::ServerProperties::logDirs(t.serverProperties);
        if (dirs) {
            t.logDirs = std::move(*dirs);
        } else {
            for (int d = 0; d < config->disks; ++d)
                t.logDirs.push_back(layout.diskPath(n, d));
        }
        out.localBrokers.push_back(std::move(t));
    }
    return out;
}

/// Lives on the monitor's worker thread; every member is used there only.
class MonitorWorker : public QObject {
public:
    MonitorWorker(MonitorConfig config, ClusterMonitor *owner)
        : m_config(std::move(config))
        , m_owner(owner)
        , m_ownerThread(owner->thread())
        , m_timer(new QTimer(this))
    {
        m_timer->setSingleShot(true);
        QObject::connect(m_timer, &QTimer::timeout, this, [this] { runRound(); });
    }

    std::atomic<bool> refreshPending{false};

    void start()
    {
        m_running = true;
        runRound();
    }
    void stop()
    {
        m_running = false;
        m_timer->stop();
    }
    void setInterval(std::chrono::milliseconds interval)
    {
        m_config.interval = interval;
        if (m_running && m_timer->isActive())
            m_timer->start(interval);
    }
    void setThresholds(const measure::AlertThresholds &thresholds)
    {
        m_config.thresholds = thresholds;
        if (m_round)
            m_round->setThresholds(thresholds);
    }
    void acknowledge(const std::string &key)
    {
        if (!m_round || !m_round->acknowledge(key) || !m_last)
            return;
        // Publish the acknowledgement right away, on the figures of the last round.
        auto copy = std::make_shared<MonitorUpdate>(*m_last);
        copy->alerts = m_round->activeAlerts();
        copy->changes = {};
        if (const measure::Alert *a = findAlert(copy->alerts, key))
            copy->changes.updated.push_back(*a);
        m_last = copy;
        publish(std::move(copy));
    }
    void refresh()
    {
        refreshPending = false;
        runRound();
    }
    void diskSeries(quint64 id, BrokerId broker, const std::string &dir, qint64 from, qint64 to, int maxPoints)
    {
        std::vector<DiskHistoryPoint> points;
        if (HistoryStore *h = round().history()) {
            auto r = h->diskSeries(broker, dir, from, to, maxPoints);
            if (r)
                points = std::move(*r);
        }
        QMetaObject::invokeMethod(
            m_owner, [owner = m_owner, id, p = std::move(points)]() mutable { Q_EMIT owner->diskSeriesReady(id, p); },
            Qt::QueuedConnection);
    }
    void lagSeries(quint64 id, const std::string &group, const std::string &topic, qint64 from, qint64 to,
                   int maxPoints)
    {
        std::vector<LagHistoryPoint> points;
        if (HistoryStore *h = round().history()) {
            auto r = h->lagSeries(group, topic, from, to, maxPoints);
            if (r)
                points = std::move(*r);
        }
        QMetaObject::invokeMethod(
            m_owner, [owner = m_owner, id, p = std::move(points)]() mutable { Q_EMIT owner->lagSeriesReady(id, p); },
            Qt::QueuedConnection);
    }
    /// Closes the history on this thread and hands the object back to the
    /// owner's thread, which deletes it after the worker thread ended.
    void shutdown()
    {
        m_running = false;
        m_timer->stop();
        m_round.reset();
        m_last.reset();
        moveToThread(m_ownerThread);
    }

private:
    static const measure::Alert *findAlert(const std::vector<measure::Alert> &alerts, const std::string &key)
    {
        for (const auto &a : alerts) {
            if (a.key == key)
                return &a;
        }
        return nullptr;
    }

    MonitorRound &round()
    {
        if (!m_round)
            m_round = std::make_unique<MonitorRound>(m_config);
        return *m_round;
    }

    void runRound()
    {
        m_timer->stop();
        auto update = std::make_shared<MonitorUpdate>(round().run(++m_rounds));
        m_last = update;
        publish(std::move(update));
        // The next round starts `interval` after this one ended: rounds never overlap.
        if (m_running)
            m_timer->start(m_config.interval);
    }

    void publish(std::shared_ptr<const MonitorUpdate> update)
    {
        QMetaObject::invokeMethod(
            m_owner, [owner = m_owner, u = std::move(update)]() mutable { owner->publish(std::move(u)); },
            Qt::QueuedConnection);
    }

    MonitorConfig m_config;
    ClusterMonitor *m_owner;
    QThread *m_ownerThread;
    QTimer *m_timer;
    std::unique_ptr<MonitorRound> m_round;
    std::shared_ptr<const MonitorUpdate> m_last;
    std::uint64_t m_rounds = 0;
    bool m_running = false;
};

namespace {

void registerMetaTypes()
{
    qRegisterMetaType<std::shared_ptr<const MonitorUpdate>>();
    qRegisterMetaType<std::vector<DiskHistoryPoint>>();
    qRegisterMetaType<std::vector<LagHistoryPoint>>();
}

} // namespace

ClusterMonitor::ClusterMonitor(MonitorConfig config, QObject *parent) : QObject(parent)
{
    registerMetaTypes();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("spillway-monitor"));
    m_worker = new MonitorWorker(std::move(config), this);
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

ClusterMonitor::~ClusterMonitor()
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->shutdown(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
}

void ClusterMonitor::start()
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->start(); }, Qt::QueuedConnection);
}

void ClusterMonitor::stop()
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->stop(); }, Qt::QueuedConnection);
}

void ClusterMonitor::refreshNow()
{
    // Requests made while one is queued or running fold into it.
    if (m_worker->refreshPending.exchange(true))
        return;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->refresh(); }, Qt::QueuedConnection);
}

void ClusterMonitor::setInterval(std::chrono::milliseconds interval)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, interval] { w->setInterval(interval); }, Qt::QueuedConnection);
}

void ClusterMonitor::setThresholds(const measure::AlertThresholds &thresholds)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, thresholds] { w->setThresholds(thresholds); }, Qt::QueuedConnection);
}

void ClusterMonitor::acknowledge(const QString &alertKey)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, key = alertKey.toStdString()] { w->acknowledge(key); }, Qt::QueuedConnection);
}

std::shared_ptr<const MonitorUpdate> ClusterMonitor::latest() const
{
    const std::lock_guard lock(m_latestMutex);
    return m_latest;
}

void ClusterMonitor::requestDiskSeries(quint64 requestId, BrokerId broker, const QString &dir, qint64 fromMs,
                                       qint64 toMs, int maxPoints)
{
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, requestId, broker, d = dir.toStdString(), fromMs, toMs, maxPoints] {
            w->diskSeries(requestId, broker, d, fromMs, toMs, maxPoints);
        },
        Qt::QueuedConnection);
}

void ClusterMonitor::requestLagSeries(quint64 requestId, const QString &group, const QString &topic, qint64 fromMs,
                                      qint64 toMs, int maxPoints)
{
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, requestId, g = group.toStdString(), t = topic.toStdString(), fromMs, toMs, maxPoints] {
            w->lagSeries(requestId, g, t, fromMs, toMs, maxPoints);
        },
        Qt::QueuedConnection);
}

void ClusterMonitor::publish(std::shared_ptr<const MonitorUpdate> update)
{
    {
        const std::lock_guard lock(m_latestMutex);
        m_latest = update;
    }
    Q_EMIT updated(std::move(update));
}

} // namespace spillway::core
