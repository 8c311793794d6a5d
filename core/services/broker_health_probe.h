// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/services/broker_entry.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <string>

class QTcpSocket;

namespace spillway::core {

/// The outcome of one health probe. Plain value.
struct ProbeResult {
    bool answered = false; ///< the broker answered ApiVersions (or accepted the connection, for TLS listeners)
    std::string address;   ///< host:port probed
    std::string error;     ///< why not, in words ("connection refused", "no answer within 2 s")
    int apiCount = 0;      ///< APIs the broker listed (0 for old brokers answering UNSUPPORTED_VERSION)
    std::int64_t latencyMs = 0;
};

/// Asks a broker "are you alive and speaking Kafka?" with one ApiVersions
/// request (v3, falling back to reading the v0 error answer of brokers older
/// than Kafka 2.4) over a QTcpSocket. Asynchronous: probe() returns at once
/// and `finished` follows, exactly once per probe. Lives on its owner's
/// thread (the GUI thread is fine: nothing blocks).
class BrokerHealthProbe : public QObject {
    Q_OBJECT
public:
    explicit BrokerHealthProbe(QObject *parent = nullptr);
    ~BrokerHealthProbe() override;

    /// Starts a probe; a probe still running is abandoned (no `finished` for it).
    /// `connectOnly`: a TLS listener, where only the TCP connect can be checked.
    void probe(const HostPort &target, bool connectOnly, std::chrono::milliseconds timeout);
    [[nodiscard]] bool busy() const { return m_busy; }
    void cancel();

Q_SIGNALS:
    void finished(spillway::core::ProbeResult result);

private:
    void onConnected();
    void onReadyRead();
    void onError();
    void finish(bool answered, std::string error, int apiCount = 0);

    QTcpSocket *m_socket = nullptr;
    QTimer m_timeout;
    QElapsedTimer m_clock;
    QByteArray m_buffer;
    std::string m_address;
    bool m_connectOnly = false;
    bool m_busy = false;
    std::int32_t m_correlationId = 0;
};

} // namespace spillway::core
