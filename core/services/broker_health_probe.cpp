// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/broker_health_probe.h"

#include "core/common/big_endian.h"
#include "core/protocol/messages/api_versions.h"
#include "core/protocol/request_header.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace spillway::core {
namespace {

constexpr std::int16_t kProbeVersion = 3;
constexpr std::uint32_t kMaxFrame = 1 << 20;

} // namespace

BrokerHealthProbe::BrokerHealthProbe(QObject *parent) : QObject(parent)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this,
            [this] { finish(false, "no answer within " + std::to_string(m_timeout.interval()) + " ms"); });
}

BrokerHealthProbe::~BrokerHealthProbe() { cancel(); }

void BrokerHealthProbe::cancel()
{
    m_timeout.stop();
    m_busy = false;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

void BrokerHealthProbe::probe(const HostPort &target, bool connectOnly, std::chrono::milliseconds timeout)
{
    cancel();
    m_busy = true;
    m_connectOnly = connectOnly;
    m_address = target.toString();
    m_buffer.clear();
    ++m_correlationId;
    m_socket = new QTcpSocket(this);
    connect(m_socket, &QTcpSocket::connected, this, &BrokerHealthProbe::onConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &BrokerHealthProbe::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &BrokerHealthProbe::onError);
    m_clock.start();
    m_timeout.start(static_cast<int>(timeout.count()));
    m_socket->connectToHost(QString::fromStdString(target.host), target.port);
}

void BrokerHealthProbe::onConnected()
{
    if (m_connectOnly) {
        finish(true, {});
        return;
    }
    auto body = encodeMessage(ApiVersionsRequest{"spillway", SPILLWAY_VERSION_STRING}, kProbeVersion);
    if (!body) {
        finish(false, body.error().message);
        return;
    }
    const auto frame = frameRequest(static_cast<std::int16_t>(ApiKey::ApiVersions), kProbeVersion, m_correlationId,
                                    std::string("spillway-health"), true, *body);
    m_socket->write(reinterpret_cast<const char *>(frame.data()), static_cast<qint64>(frame.size()));
}

void BrokerHealthProbe::onReadyRead()
{
    m_buffer += m_socket->readAll();
    if (m_buffer.size() < 4)
        return;
    const auto *bytes = reinterpret_cast<const std::byte *>(m_buffer.constData());
    const auto size = loadBigEndian<std::uint32_t>(bytes);
    if (size < 4 || size > kMaxFrame) {
        finish(false, "not a Kafka answer (frame of " + std::to_string(size) + " bytes)");
        return;
    }
    if (static_cast<std::uint32_t>(m_buffer.size()) < size + 4)
        return;
    if (loadBigEndian<std::int32_t>(bytes + 4) != m_correlationId) {
        finish(false, "not a Kafka answer (wrong correlation id)");
        return;
    }
    // ApiVersions always answers with response header v0 (KIP-511); a broker
    // that does not know v3 answers UNSUPPORTED_VERSION in the v0 layout.
    // Any readable answer, whatever its error code, is a live Kafka broker.
    const std::span<const std::byte> body(bytes + 8, size - 4);
    if (auto r = decodeMessage<ApiVersionsResponse>(body, kProbeVersion)) {
        finish(true, {}, static_cast<int>(r->ApiKeys.size()));
        return;
    }
    if (auto r0 = decodeMessage<ApiVersionsResponse>(body, 0)) {
        finish(true, {}, static_cast<int>(r0->ApiKeys.size()));
        return;
    }
    finish(false, "the ApiVersions answer could not be read");
}

void BrokerHealthProbe::onError()
{
    if (m_socket)
        finish(false, m_socket->errorString().toLower().toStdString());
}

void BrokerHealthProbe::finish(bool answered, std::string error, int apiCount)
{
    if (!m_busy)
        return;
    ProbeResult r;
    r.answered = answered;
    r.address = m_address;
    r.error = answered ? std::string() : std::move(error);
    r.apiCount = apiCount;
    r.latencyMs = m_clock.elapsed();
    cancel();
    Q_EMIT finished(r);
}

} // namespace spillway::core
