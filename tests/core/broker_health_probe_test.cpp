// SPDX-License-Identifier: GPL-3.0-or-later
// The health probe against servers that are not the lab broker: a Kafka
// older than 2.4 (UNSUPPORTED_VERSION in the v0 layout), something that is
// not Kafka at all, and a port where nothing listens.
#include "core/common/big_endian.h"
#include "core/protocol/messages/api_versions.h"
#include "core/protocol/request_header.h"
#include "core/services/broker_health_probe.h"
#include "tests/core/broker_test_support.h"

#include <catch2/catch.hpp>

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

using namespace spillway;
using namespace spillway::core;

namespace {

/// A one-connection server that answers the first request frame with
/// whatever `answer(correlationId)` returns.
class FakeServer {
public:
    explicit FakeServer(std::function<QByteArray(std::int32_t)> answer) : m_answer(std::move(answer))
    {
        REQUIRE(m_server.listen(QHostAddress::LocalHost, 0));
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            QTcpSocket *socket = m_server.nextPendingConnection();
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                m_buffer += socket->readAll();
                if (m_buffer.size() < 12)
                    return;
                const auto *b = reinterpret_cast<const std::byte *>(m_buffer.constData());
                socket->write(m_answer(loadBigEndian<std::int32_t>(b + 8)));
            });
        });
    }
    [[nodiscard]] HostPort address() const { return {"127.0.0.1", m_server.serverPort()}; }

private:
    QTcpServer m_server;
    QByteArray m_buffer;
    std::function<QByteArray(std::int32_t)> m_answer;
};

ProbeResult probeOnce(const HostPort &target)
{
    BrokerHealthProbe probe;
    std::optional<ProbeResult> result;
    QObject::connect(&probe, &BrokerHealthProbe::finished, &probe, [&](const ProbeResult &r) { result = r; });
    probe.probe(target, false, std::chrono::seconds(10));
    REQUIRE(test::waitUntil([&] { return result.has_value(); }));
    return *result;
}

} // namespace

TEST_CASE("Health probe takes an old broker's UNSUPPORTED_VERSION answer as alive", "[core][probe]")
{
    FakeServer oldKafka([](std::int32_t correlationId) {
        ApiVersionsResponse r;
        r.ErrorCode = 35;
        r.ApiKeys = {{18, 0, 2}};
        const auto body = encodeMessage(r, 0);
        const auto frame = frameResponse(correlationId, false, *body);
        return QByteArray(reinterpret_cast<const char *>(frame.data()), static_cast<qsizetype>(frame.size()));
    });
    const auto r = probeOnce(oldKafka.address());
    CHECK(r.answered);
    CHECK(r.apiCount == 1);
    CHECK(r.address == oldKafka.address().toString());
}

TEST_CASE("Health probe rejects a server that is not Kafka, and a closed port", "[core][probe]")
{
    FakeServer http([](std::int32_t) { return QByteArrayLiteral("HTTP/1.1 400 Bad Request\r\n\r\n"); });
    const auto r = probeOnce(http.address());
    CHECK(!r.answered);
    CHECK(r.error.find("not a Kafka answer") != std::string::npos);

    const auto closed = probeOnce({"127.0.0.1", static_cast<std::uint16_t>(test::freePort())});
    CHECK(!closed.answered);
    CHECK(closed.error.find("refused") != std::string::npos);
}
