// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/api/request_router.h"
#include "broker/config/broker_config.h"
#include "broker/net/event_loop.h"
#include "broker/net/kafka_server.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace spillway::broker {

/// The lab broker: owns its configuration, its event loop, a Kafka protocol
/// server per listener and the API table. start() binds; run() serves on
/// the calling thread until stop() (thread-safe) is called.
class Broker {
public:
    explicit Broker(BrokerConfig config);
    ~Broker();
    Broker(const Broker &) = delete;
    Broker &operator=(const Broker &) = delete;

    core::Status start();
    void run();
    void stop();

    /// Ports actually bound, in listener order (useful with port 0).
    [[nodiscard]] std::vector<std::uint16_t> boundPorts() const;
    [[nodiscard]] const BrokerConfig &config() const noexcept { return m_config; }

    std::function<void(const std::string &)> log;

private:
    std::vector<ApiEntry> apiTable();

    BrokerConfig m_config;
    EventLoop m_loop;
    std::unique_ptr<RequestRouter> m_router;
    std::vector<std::unique_ptr<KafkaServer>> m_servers;
};

} // namespace spillway::broker
