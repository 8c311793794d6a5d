// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"

#include <functional>
#include <librdkafka/rdkafka.h>
#include <string>
#include <utility>
#include <vector>

namespace spillway::lab {

/// Owns one librdkafka client (rd_kafka_t); destroys it on scope exit.
/// Move-only; librdkafka handles are thread-safe.
class KafkaHandle {
public:
    KafkaHandle() = default;
    KafkaHandle(KafkaHandle &&other) noexcept : m_rk(std::exchange(other.m_rk, nullptr)) {}
    KafkaHandle &operator=(KafkaHandle &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_rk = std::exchange(other.m_rk, nullptr);
        }
        return *this;
    }
    KafkaHandle(const KafkaHandle &) = delete;
    KafkaHandle &operator=(const KafkaHandle &) = delete;
    ~KafkaHandle() { reset(); }

    /// A client of `type` for `bootstrap` with `settings`; `customize` may
    /// add callbacks to the configuration before the client is made.
    static Result<KafkaHandle> create(rd_kafka_type_t type, const std::string &bootstrap,
                                      const std::vector<std::pair<std::string, std::string>> &settings,
                                      const std::function<void(rd_kafka_conf_t *)> &customize);

    [[nodiscard]] rd_kafka_t *get() const noexcept { return m_rk; }

private:
    void reset() noexcept
    {
        if (m_rk != nullptr)
            rd_kafka_destroy(m_rk);
        m_rk = nullptr;
    }
    rd_kafka_t *m_rk = nullptr;
};

} // namespace spillway::lab
