// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/load_generator.h"

#include "core/lab/kafka_handles.h"
#include "core/lab/lab_units.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

namespace spillway::lab {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Bytes allowed by a rate over `seconds`, with a burst of at most one
/// second's worth (or one message, for rates below a message a second).
double refill(double tokens, std::uint64_t rate, double seconds, std::uint32_t messageBytes)
{
    if (rate == kUnlimitedRate)
        return 1e18;
    const double cap = std::max(static_cast<double>(rate), static_cast<double>(messageBytes));
    return std::min(cap, tokens + static_cast<double>(rate) * seconds);
}

/// Bytes per second over the last few samples of a growing counter.
class RateMeter {
public:
    void sample(std::int64_t total)
    {
        m_samples.emplace_back(Clock::now(), total);
        while (m_samples.size() > 6)
            m_samples.pop_front();
    }
    [[nodiscard]] std::int64_t perSecond() const
    {
        if (m_samples.size() < 2)
            return 0;
        const double s = std::chrono::duration<double>(m_samples.back().first - m_samples.front().first).count();
        return s <= 0 ? 0
                      : static_cast<std::int64_t>(
                            static_cast<double>(m_samples.back().second - m_samples.front().second) / s);
    }

private:
    std::deque<std::pair<Clock::time_point, std::int64_t>> m_samples;
};

} // namespace

struct LoadGenerator::Impl {
    LoadGeneratorOptions options;
    std::atomic<std::uint64_t> produceRate{0};
    std::atomic<std::uint64_t> consumeRate{0};
    std::atomic<std::uint32_t> messageBytes{1024};
    std::atomic<std::int64_t> producedMessages{0};
    std::atomic<std::int64_t> producedBytes{0};
    std::atomic<std::int64_t> deliveryErrors{0};
    std::atomic<std::int64_t> queueFull{0};
    std::atomic<std::int64_t> consumedMessages{0};
    std::atomic<std::int64_t> consumedBytes{0};
    std::atomic<bool> stopping{false};
    std::mutex errorMutex;
    std::string lastError;
    KafkaHandle producer;
    KafkaHandle consumer;

    void noteError(const std::string &error)
    {
        std::lock_guard lock(errorMutex);
        if (error != lastError)
            std::fprintf(stderr, "spillway-loadgen: %s\n", error.c_str());
        lastError = error;
    }

    static void onDelivery(rd_kafka_t *, const rd_kafka_message_t *msg, void *opaque)
    {
        auto *self = static_cast<Impl *>(opaque);
        if (msg->err) {
            ++self->deliveryErrors;
            self->noteError(std::string("delivery to ") + rd_kafka_topic_name(msg->rkt) + "-" +
                            std::to_string(msg->partition) + " failed: " + rd_kafka_err2str(msg->err));
            return;
        }
        ++self->producedMessages;
        self->producedBytes += static_cast<std::int64_t>(msg->len);
    }

    void produceLoop();
    void consumeLoop();
    std::int64_t lag();
};

void LoadGenerator::Impl::produceLoop()
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(producer.get(), options.topic.c_str(), nullptr);
    std::vector<char> payload;
    std::uint64_t sequence = 0;
    double tokens = 0;
    auto last = Clock::now();
    while (!stopping) {
        const auto now = Clock::now();
        const double elapsed = std::chrono::duration<double>(now - last).count();
        last = now;
        const std::uint64_t rate = produceRate;
        const std::uint32_t size = messageBytes;
        if (payload.size() != size) {
            payload.assign(size, 0);
            for (std::size_t i = 0; i < payload.size(); ++i)
                payload[i] = static_cast<char>('a' + (i * 13) % 26);
        }
        tokens = rate == 0 ? 0 : refill(tokens, rate, elapsed, size);
        int burst = 0;
        while (tokens >= size && !stopping && burst++ < 10000) {
            // A readable head (sequence, wall clock) and filler after it.
            std::snprintf(payload.data(), payload.size(), "spillway-lab %llu %lld ",
                          static_cast<unsigned long long>(sequence), static_cast<long long>(wallMs()));
            if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload.data(), payload.size(),
                                 nullptr, 0, nullptr) != 0) {
                // The local queue is full (broker down or slow): drop this second's load.
                ++queueFull;
                tokens = 0;
                break;
            }
            ++sequence;
            tokens -= size;
        }
        rd_kafka_poll(producer.get(), 10);
    }
    rd_kafka_flush(producer.get(), 5000);
    rd_kafka_topic_destroy(rkt);
}

void LoadGenerator::Impl::consumeLoop()
{
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, options.topic.c_str(), RD_KAFKA_PARTITION_UA);
    if (const auto err = rd_kafka_subscribe(consumer.get(), topics); err)
        noteError(std::string("cannot subscribe to ") + options.topic + ": " + rd_kafka_err2str(err));
    rd_kafka_topic_partition_list_destroy(topics);
    double tokens = 0;
    auto last = Clock::now();
    while (!stopping) {
        const auto now = Clock::now();
        const double elapsed = std::chrono::duration<double>(now - last).count();
        last = now;
        const std::uint64_t rate = consumeRate;
        if (rate == 0) {
            // Paused: do not poll (max.poll.interval.ms is a day, so the group keeps us).
            tokens = 0;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        tokens = refill(tokens, rate, elapsed, messageBytes);
        if (tokens <= 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(consumer.get(), 100);
        if (msg == nullptr)
            continue;
        if (!msg->err) {
            ++consumedMessages;
            consumedBytes += static_cast<std::int64_t>(msg->len);
            tokens -= static_cast<double>(msg->len);
        } else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            noteError(std::string("consumer: ") + rd_kafka_message_errstr(msg));
        }
        rd_kafka_message_destroy(msg);
    }
    rd_kafka_consumer_close(consumer.get());
}

std::int64_t LoadGenerator::Impl::lag()
{
    rd_kafka_topic_partition_list_t *assigned = nullptr;
    if (rd_kafka_assignment(consumer.get(), &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR || assigned == nullptr)
        return -1;
    std::int64_t total = -1;
    if (assigned->cnt > 0 && rd_kafka_committed(consumer.get(), assigned, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        total = 0;
        for (int i = 0; i < assigned->cnt && total >= 0; ++i) {
            const auto &tp = assigned->elems[i];
            std::int64_t low = 0;
            std::int64_t high = 0;
            if (rd_kafka_query_watermark_offsets(producer.get(), tp.topic, tp.partition, &low, &high, 1000) !=
                RD_KAFKA_RESP_ERR_NO_ERROR) {
                total = -1; // this round is unknown (broker down, dir offline)
                break;
            }
            total += high - (tp.offset >= 0 ? std::max<std::int64_t>(tp.offset, low) : low);
        }
    }
    rd_kafka_topic_partition_list_destroy(assigned);
    return total;
}

LoadGenerator::LoadGenerator(LoadGeneratorOptions options) : m_impl(std::make_unique<Impl>())
{
    m_impl->options = std::move(options);
}

LoadGenerator::~LoadGenerator() = default;

Status LoadGenerator::run(const std::atomic<bool> &stop)
{
    Impl &d = *m_impl;
    auto rates = LoadRates::read(d.options.controlFile);
    if (!rates)
        return rates.error();
    d.produceRate = rates->produceBytesPerSecond;
    d.consumeRate = rates->consumeBytesPerSecond;
    d.messageBytes = rates->messageBytes;

    auto producer = KafkaHandle::create(RD_KAFKA_PRODUCER, d.options.bootstrap,
                                        {{"client.id", "spillway-lab-producer"},
                                         {"acks", "1"},
                                         {"linger.ms", "20"},
                                         {"message.timeout.ms", "30000"},
                                         {"queue.buffering.max.kbytes", "16384"},
                                         {"enable.idempotence", "false"}},
                                        [&d](rd_kafka_conf_t *conf) {
                                            rd_kafka_conf_set_opaque(conf, &d);
                                            rd_kafka_conf_set_dr_msg_cb(conf, &Impl::onDelivery);
                                        });
    if (!producer)
        return producer.error();
    d.producer = std::move(*producer);
    auto consumer = KafkaHandle::create(RD_KAFKA_CONSUMER, d.options.bootstrap,
                                        {{"client.id", "spillway-lab-consumer"},
                                         {"group.id", d.options.group},
                                         {"auto.offset.reset", "earliest"},
                                         {"enable.auto.commit", "true"},
                                         {"auto.commit.interval.ms", "1000"},
                                         {"session.timeout.ms", "10000"},
                                         {"heartbeat.interval.ms", "2000"},
                                         {"max.poll.interval.ms", "86400000"},
                                         {"queued.max.messages.kbytes", "4096"}},
                                        {});
    if (!consumer)
        return consumer.error();
    d.consumer = std::move(*consumer);
    rd_kafka_poll_set_consumer(d.consumer.get());
    std::fprintf(stderr, "spillway-loadgen: %s on %s: produce %s, consume %s as group %s, messages of %s\n",
                 d.options.topic.c_str(), d.options.bootstrap.c_str(), formatRate(d.produceRate).c_str(),
                 formatRate(d.consumeRate).c_str(), d.options.group.c_str(), formatBytes(d.messageBytes).c_str());

    std::thread producerThread([&d] { d.produceLoop(); });
    std::thread consumerThread([&d] { d.consumeLoop(); });
    RateMeter produced;
    RateMeter consumed;
    LoadStatus status;
    status.pid = ::getpid();
    auto nextLag = Clock::now();
    LoadRates current = *rates;
    while (!stop) {
        if (auto r = LoadRates::read(d.options.controlFile); r && !(*r == current)) {
            current = *r;
            d.produceRate = r->produceBytesPerSecond;
            d.consumeRate = r->consumeBytesPerSecond;
            d.messageBytes = r->messageBytes;
            std::fprintf(stderr, "spillway-loadgen: rates now: produce %s, consume %s, messages of %s\n",
                         formatRate(r->produceBytesPerSecond).c_str(), formatRate(r->consumeBytesPerSecond).c_str(),
                         formatBytes(r->messageBytes).c_str());
        }
        if (Clock::now() >= nextLag) {
            status.lagMessages = d.lag();
            status.topicReady = status.topicReady || status.lagMessages >= 0;
            nextLag = Clock::now() + std::chrono::seconds(2);
        }
        produced.sample(d.producedBytes);
        consumed.sample(d.consumedBytes);
        status.updatedMs = wallMs();
        status.producedMessages = d.producedMessages;
        status.producedBytes = d.producedBytes;
        status.deliveryErrors = d.deliveryErrors;
        status.queueFull = d.queueFull;
        status.consumedMessages = d.consumedMessages;
        status.consumedBytes = d.consumedBytes;
        status.produceRateMeasured = produced.perSecond();
        status.consumeRateMeasured = consumed.perSecond();
        {
            std::lock_guard lock(d.errorMutex);
            status.lastError = d.lastError;
        }
        if (auto st = status.write(d.options.statusFile); !st)
            std::fprintf(stderr, "spillway-loadgen: %s\n", st.error().describe().c_str());
        for (int i = 0; i < 10 && !stop; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::fprintf(stderr, "spillway-loadgen: stopping: flushing the producer, committing and leaving the group\n");
    d.stopping = true;
    producerThread.join();
    consumerThread.join();
    status.updatedMs = wallMs();
    status.producedMessages = d.producedMessages;
    status.producedBytes = d.producedBytes;
    status.consumedMessages = d.consumedMessages;
    status.consumedBytes = d.consumedBytes;
    (void)status.write(d.options.statusFile);
    d.consumer = KafkaHandle();
    d.producer = KafkaHandle();
    std::fprintf(stderr, "spillway-loadgen: stopped after producing %lld and consuming %lld messages\n",
                 static_cast<long long>(status.producedMessages), static_cast<long long>(status.consumedMessages));
    return {};
}

} // namespace spillway::lab
