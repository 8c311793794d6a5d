// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/broker.h"

#include "broker/group/group_apis.h"

#include <charconv>
#include <cstdint>

namespace spillway::broker {

namespace {
constexpr std::chrono::milliseconds kTickInterval{1000};
constexpr const char *kMoveThrottleKey = "replica.alter.log.dirs.io.max.bytes.per.second";

std::int64_t steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
} // namespace

Broker::Broker(BrokerConfig config) : m_config(std::move(config)) {}

Broker::~Broker()
{
    if (m_logs && !m_shutDown)
        (void)m_logs->shutdown();
}

void Broker::say(const std::string &line) const
{
    if (log)
        log(line);
}

void Broker::addApis(std::vector<ApiEntry> entries)
{
    for (auto &e : entries)
        m_extraApis.push_back(std::move(e));
}

core::Status Broker::start()
{
    if (!m_loop.valid())
        return core::makeError(core::Errc::Io, "cannot create the event loop (epoll)");

    const std::filesystem::path metadataDir =
        m_config.metadataDir.empty() ? m_config.logDirs.front().parent_path() : m_config.metadataDir;
    auto topics = TopicRegistry::open(metadataDir / "spillway-broker-metadata");
    if (!topics.ok())
        return topics.error();
    m_topics = std::make_unique<TopicRegistry>(std::move(*topics));

    auto logs = LogManager::open(LogManagerOptions::fromBroker(m_config), BrokerState::nowMs());
    if (!logs.ok())
        return logs.error();
    m_logs = std::move(*logs);
    for (const auto &line : m_logs->startupMessages())
        say(line);
    m_logs->setMessageSink([this](const std::string &line) { say(line); });
    m_logs->setAllDirsOfflineHandler([this](const std::string &why) {
        m_fatal = "every log dir is offline (" + why + "); shutting down";
        say(*m_fatal);
        m_loop.stop();
    });

    m_state = std::make_unique<BrokerState>(m_config, *m_logs, *m_topics);
    m_state->log = [this](const std::string &line) { say(line); };
    m_state->runAfter = [this](std::chrono::milliseconds delay, std::function<void()> task) {
        m_loop.runAfter(delay, std::move(task));
    };
    for (const TopicInfo *t : m_topics->topics()) {
        m_state->applyTopicLogConfig(*t); // the topics' own segment.bytes etc., loaded partitions included
        if (auto st = m_state->ensurePartitions(*t); !st.ok())
            say("cannot re-create partitions of " + t->name + ": " + st.error().describe());
    }

    // Replica moves (AlterReplicaLogDirs), throttled by the dynamic broker
    // config, which is read at every step; moves found at startup resume.
    m_mover = std::make_unique<ReplicaMover>(
        *m_logs,
        [this]() -> std::optional<std::int64_t> {
            const auto &dynamic = m_topics->brokerConfigs();
            const auto it = dynamic.find(kMoveThrottleKey);
            if (it == dynamic.end())
                return std::nullopt;
            std::int64_t rate = 0;
            const auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), rate);
            if (ec != std::errc() || rate <= 0 || rate == INT64_MAX)
                return std::nullopt; // Long.MaxValue: unlimited, Kafka's default
            return rate;
        },
        [this](std::chrono::milliseconds delay, std::function<void()> task) {
            m_loop.runAfter(delay, std::move(task));
        },
        [] { return steadyMs(); }, [] { return BrokerState::nowMs(); });
    m_logs->setMoveWakeup([this] { m_mover->kick(); });
    m_mover->kick();

    GroupCoordinatorConfig groupConfig;
    groupConfig.offsetsFile = metadataDir / "consumer-offsets";
    groupConfig.initialRebalanceDelay = std::chrono::milliseconds(m_config.groupInitialRebalanceDelayMs);
    GroupTimers timers{[] { return std::chrono::steady_clock::now(); },
                       [this](std::chrono::milliseconds delay, std::function<void()> task) {
                           m_loop.runAfter(delay, std::move(task));
                       },
                       [] { return BrokerState::nowMs(); }};
    auto groups = GroupCoordinator::open(std::move(groupConfig), std::move(timers),
                                         [this](const std::string &topic, std::int32_t partition) {
                                             const TopicInfo *t = m_topics->find(topic);
                                             return t != nullptr && partition >= 0 && partition < t->partitions;
                                         });
    if (!groups.ok())
        return groups.error();
    m_groups = std::move(*groups);
    if (!m_groups->recoveryNote().empty())
        say(m_groups->recoveryNote());

    std::vector<ApiEntry> table;
    for (auto &e : groupApiEntries(*m_groups, [this] {
             return CoordinatorAddress{m_config.brokerId, m_state->advertisedHost, m_state->advertisedPort};
         }))
        table.push_back(std::move(e));
    for (auto group : {topicApis(*m_state), dataApis(*m_state), adminApis(*m_state)})
        for (auto &e : group)
            table.push_back(std::move(e));
    for (auto &e : m_extraApis)
        table.push_back(std::move(e));
    m_extraApis.clear();
    const KafkaReleaseProfile *emulate = nullptr;
    if (!m_config.emulateKafkaVersion.empty()) {
        emulate = findKafkaRelease(m_config.emulateKafkaVersion);
        if (emulate == nullptr) // BrokerConfig::parse checks it; a config built in code may not
            return core::makeError(core::Errc::InvalidArgument, "spillway.emulate.kafka.version: unknown release '" +
                                                                    m_config.emulateKafkaVersion +
                                                                    "' (known: " + knownKafkaReleasesText() + ")");
        say("emulating the protocol version ranges of Apache Kafka " + std::string(emulate->name) +
            " (spillway.emulate.kafka.version)");
    }
    m_router = std::make_unique<RequestRouter>(std::move(table), emulate);
    m_router->log = [this](const std::string &line) { say(line); };

    for (const Listener &l : m_config.listeners) {
        auto server = std::make_unique<KafkaServer>(
            m_loop,
            [this](std::span<const std::byte> frame, const ClientInfo &client) {
                return m_router->handle(frame, client);
            },
            m_config.socketRequestMaxBytes);
        server->log = [this](const std::string &line) { say(line); };
        const std::string host = l.host.empty() ? std::string("0.0.0.0") : l.host;
        if (auto st = server->listen(host, l.port); !st.ok())
            return st;
        m_servers.push_back(std::move(server));
    }
    const auto &advertised = m_config.advertisedListeners.empty() ? m_config.listeners : m_config.advertisedListeners;
    m_state->advertisedHost = advertised.front().host.empty() ? "127.0.0.1" : advertised.front().host;
    m_state->advertisedPort =
        m_config.advertisedListeners.empty() ? m_servers.front()->boundPort() : advertised.front().port;
    scheduleHousekeeping();
    return {};
}

void Broker::scheduleHousekeeping()
{
    m_loop.runAfter(kTickInterval, [this] {
        m_logs->tick(BrokerState::nowMs());
        scheduleHousekeeping();
    });
    m_loop.runAfter(std::chrono::milliseconds(m_config.logRetentionCheckIntervalMs), [this] { applyRetention(); });
}

void Broker::applyRetention()
{
    // Per-topic overrides (retention.ms / retention.bytes) win over the broker defaults.
    const std::int64_t now = BrokerState::nowMs();
    int scheduled = 0;
    for (PartitionLog *p : m_logs->partitions()) {
        if (p->offlineError())
            continue;
        const TopicInfo *t = m_topics->find(p->topic());
        const std::map<std::string, std::string> none;
        const auto &overrides = t ? t->configs : none;
        auto n = p->applyRetention(m_state->topicSchema.effectiveLong("retention.ms", overrides),
                                   m_state->topicSchema.effectiveLong("retention.bytes", overrides), now,
                                   m_state->topicSchema.effectiveLong("file.delete.delay.ms", overrides));
        if (n.ok())
            scheduled += *n;
    }
    if (scheduled > 0)
        say("retention: " + std::to_string(scheduled) + " segment(s) scheduled for deletion");
    m_loop.runAfter(std::chrono::milliseconds(m_config.logRetentionCheckIntervalMs), [this] { applyRetention(); });
}

void Broker::run()
{
    m_loop.run();
    m_servers.clear();
    if (m_logs && !m_shutDown) {
        if (auto st = m_logs->shutdown(); !st.ok())
            say("clean shutdown incomplete: " + st.error().describe());
        m_shutDown = true;
    }
}

void Broker::stop() { m_loop.stop(); }

std::vector<std::uint16_t> Broker::boundPorts() const
{
    std::vector<std::uint16_t> out;
    for (const auto &s : m_servers)
        out.push_back(s->boundPort());
    return out;
}

} // namespace spillway::broker
