// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/broker.h"

#include "core/protocol/messages/metadata.h"

namespace spillway::broker {

using core::MetadataRequest;
using core::MetadataResponse;

Broker::Broker(BrokerConfig config) : m_config(std::move(config)) {}

Broker::~Broker() = default;

std::vector<ApiEntry> Broker::apiTable()
{
    std::vector<ApiEntry> table;
    table.push_back(makeApiEntry<MetadataRequest, MetadataResponse>(
        0, 12, [this](const RequestContext &, MetadataRequest &request) -> std::optional<MetadataResponse> {
            MetadataResponse response;
            const auto &advertised =
                m_config.advertisedListeners.empty() ? m_config.listeners : m_config.advertisedListeners;
            const std::vector<std::uint16_t> ports = boundPorts();
            MetadataResponse::MetadataResponseBroker self;
            self.NodeId = m_config.brokerId;
            self.Host = advertised.front().host.empty() ? "127.0.0.1" : advertised.front().host;
            self.Port = static_cast<std::int32_t>(
                m_config.advertisedListeners.empty() && !ports.empty() ? ports.front() : advertised.front().port);
            response.Brokers.push_back(self);
            response.ControllerId = m_config.brokerId;
            // No topics exist until the log manager lands; a topic asked for
            // by name is reported unknown rather than invented.
            if (request.Topics) {
                for (const auto &t : *request.Topics) {
                    MetadataResponse::MetadataResponseTopic topic;
                    topic.ErrorCode = static_cast<std::int16_t>(core::KafkaError::UnknownTopicOrPartition);
                    topic.Name = t.Name.value_or(std::string());
                    topic.TopicId = t.TopicId;
                    response.Topics.push_back(topic);
                }
            }
            return response;
        }));
    return table;
}

core::Status Broker::start()
{
    if (!m_loop.valid())
        return core::makeError(core::Errc::Io, "cannot create the event loop (epoll)");
    m_router = std::make_unique<RequestRouter>(apiTable());
    m_router->log = [this](const std::string &line) {
        if (log)
            log(line);
    };
    for (const Listener &l : m_config.listeners) {
        auto server = std::make_unique<KafkaServer>(
            m_loop,
            [this](std::span<const std::byte> frame, const ClientInfo &client) {
                return m_router->handle(frame, client);
            },
            m_config.socketRequestMaxBytes);
        server->log = [this](const std::string &line) {
            if (log)
                log(line);
        };
        const std::string host = l.host.empty() ? std::string("0.0.0.0") : l.host;
        if (auto st = server->listen(host, l.port); !st.ok())
            return st;
        m_servers.push_back(std::move(server));
    }
    return {};
}

void Broker::run() { m_loop.run(); }

void Broker::stop() { m_loop.stop(); }

std::vector<std::uint16_t> Broker::boundPorts() const
{
    std::vector<std::uint16_t> out;
    for (const auto &s : m_servers)
        out.push_back(s->boundPort());
    return out;
}

} // namespace spillway::broker
