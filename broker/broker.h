// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/api/request_router.h"
#include "broker/broker_state.h"
#include "broker/config/broker_config.h"
#include "broker/group/group_coordinator.h"
#include "broker/log/log_manager.h"
#include "broker/log/replica_mover.h"
#include "broker/metadata/topic_registry.h"
#include "broker/net/event_loop.h"
#include "broker/net/kafka_server.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spillway::broker {

/// The lab broker: owns its configuration, its event loop, the log manager
/// and topic registry, a Kafka protocol server per listener and the API
/// table. start() opens the log dirs and binds; run() serves on the calling
/// thread until stop() (thread-safe) is called; the log dirs are shut down
/// cleanly when run() returns.
class Broker {
public:
    explicit Broker(BrokerConfig config);
    ~Broker();
    Broker(const Broker &) = delete;
    Broker &operator=(const Broker &) = delete;

    /// Extra table rows (e.g. consumer groups) to serve; call before start().
    void addApis(std::vector<ApiEntry> entries);

    core::Status start();
    void run();
    void stop();

    /// Ports actually bound, in listener order (useful with port 0).
    [[nodiscard]] std::vector<std::uint16_t> boundPorts() const;
    [[nodiscard]] const BrokerConfig &config() const noexcept { return m_config; }
    [[nodiscard]] EventLoop &loop() noexcept { return m_loop; }
    /// Set when the broker stopped because every log dir went offline.
    [[nodiscard]] const std::optional<std::string> &fatalError() const noexcept { return m_fatal; }

    std::function<void(const std::string &)> log;

private:
    void say(const std::string &line) const;
    void scheduleHousekeeping();
    void applyRetention();

    BrokerConfig m_config;
    EventLoop m_loop;
    std::unique_ptr<TopicRegistry> m_topics;
    std::unique_ptr<LogManager> m_logs;
    std::unique_ptr<ReplicaMover> m_mover; ///< copies replicas being moved between log dirs
    std::unique_ptr<BrokerState> m_state;
    std::unique_ptr<GroupCoordinator> m_groups;
    std::vector<ApiEntry> m_extraApis;
    std::unique_ptr<RequestRouter> m_router;
    std::vector<std::unique_ptr<KafkaServer>> m_servers;
    std::optional<std::string> m_fatal;
    bool m_shutDown = false;
};

} // namespace spillway::broker
