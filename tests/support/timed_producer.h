// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <catch2/catch.hpp>

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace spillway::test {

/// A real librdkafka producer (acks=all, 64 KiB batches, 5 ms linger) that
/// stamps each record with a chosen CreateTime, so that retention by time
/// has old data to act on. Header-only: link librdkafka (PkgConfig::RDKAFKA).
class TimedProducer {
public:
    explicit TimedProducer(const std::string &bootstrap)
    {
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        for (const auto &[k, v] : std::vector<std::pair<std::string, std::string>>{
                 {"bootstrap.servers", bootstrap}, {"batch.size", "65536"}, {"linger.ms", "5"}, {"acks", "all"}})
            REQUIRE(rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK);
        rd_kafka_conf_set_opaque(conf, &m_failures);
        rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t *, const rd_kafka_message_t *msg, void *opaque) {
            if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR)
                ++*static_cast<int *>(opaque);
        });
        m_rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        INFO(err);
        REQUIRE(m_rk != nullptr);
    }
    ~TimedProducer() { rd_kafka_destroy(m_rk); }
    TimedProducer(const TimedProducer &) = delete;
    TimedProducer &operator=(const TimedProducer &) = delete;

    /// Queues one record (waiting while librdkafka's queue is full).
    void send(const std::string &topic, int partition, std::string value, std::int64_t timestampMs)
    {
        // rd_kafka_produceva: rd_kafka_producev's macros are C casts.
        rd_kafka_vu_t vu[5];
        vu[0].vtype = RD_KAFKA_VTYPE_TOPIC;
        vu[0].u.cstr = topic.c_str();
        vu[1].vtype = RD_KAFKA_VTYPE_PARTITION;
        vu[1].u.i32 = partition;
        vu[2].vtype = RD_KAFKA_VTYPE_VALUE;
        vu[2].u.mem.ptr = value.data();
        vu[2].u.mem.size = value.size();
        vu[3].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vu[3].u.i = RD_KAFKA_MSG_F_COPY;
        vu[4].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
        vu[4].u.i64 = timestampMs;
        while (true) {
            rd_kafka_error_t *error = rd_kafka_produceva(m_rk, vu, 5);
            if (!error)
                break;
            const bool full = rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__QUEUE_FULL;
            INFO(rd_kafka_error_string(error));
            rd_kafka_error_destroy(error);
            REQUIRE(full);
            rd_kafka_poll(m_rk, 10);
        }
        rd_kafka_poll(m_rk, 0);
    }

    /// `count` records of 100 bytes ("<prefix>-<i>-xxx..."), timestamps
    /// evenly from `fromMs` to `toMs`, then flushed.
    void fill(const std::string &topic, int partition, int count, std::int64_t fromMs, std::int64_t toMs,
              const std::string &prefix)
    {
        for (int i = 0; i < count; ++i) {
            std::string value = prefix + "-" + std::to_string(i) + "-";
            value.resize(100, 'x');
            send(topic, partition, std::move(value), fromMs + (toMs - fromMs) * i / std::max(1, count - 1));
        }
        flush();
    }

    /// Waits until every record is delivered; none may have failed.
    void flush()
    {
        REQUIRE(rd_kafka_flush(m_rk, 60000) == RD_KAFKA_RESP_ERR_NO_ERROR);
        REQUIRE(m_failures == 0);
    }

private:
    rd_kafka_t *m_rk = nullptr;
    int m_failures = 0;
};

} // namespace spillway::test
