// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/kafka_handles.h"

#include "core/lab/load_generator.h"

#include <thread>

namespace spillway::lab {
namespace {

/// Destroys librdkafka objects of one kind on scope exit.
template <class T, void (*Destroy)(T *)>
struct Owned {
    T *p = nullptr;
    explicit Owned(T *ptr) : p(ptr) {}
    ~Owned()
    {
        if (p != nullptr)
            Destroy(p);
    }
    Owned(const Owned &) = delete;
    Owned &operator=(const Owned &) = delete;
};

} // namespace

Result<KafkaHandle> KafkaHandle::create(rd_kafka_type_t type, const std::string &bootstrap,
                                        const std::vector<std::pair<std::string, std::string>> &settings,
                                        const std::function<void(rd_kafka_conf_t *)> &customize)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    std::vector<std::pair<std::string, std::string>> all{{"bootstrap.servers", bootstrap}};
    all.insert(all.end(), settings.begin(), settings.end());
    for (const auto &[key, value] : all) {
        if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            return makeError(Errc::InvalidArgument, "librdkafka setting " + key + "=" + value + ": " + err);
        }
    }
    if (customize)
        customize(conf);
    rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err); // owns conf on success
    if (rk == nullptr) {
        rd_kafka_conf_destroy(conf);
        return makeError(Errc::InvalidArgument, std::string("cannot create a librdkafka client: ") + err);
    }
    KafkaHandle h;
    h.m_rk = rk;
    return h;
}

Result<std::string> LoadGenerator::createTopic(const std::string &bootstrap, const std::string &topic, int partitions,
                                               std::chrono::milliseconds timeout)
{
    auto admin = KafkaHandle::create(RD_KAFKA_PRODUCER, bootstrap, {{"client.id", "spillway-lab-admin"}}, {});
    if (!admin)
        return admin.error();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string outcome;
    std::string lastError = "no answer";
    while (outcome.empty() && std::chrono::steady_clock::now() < deadline) {
        char err[512];
        Owned<rd_kafka_NewTopic_t, rd_kafka_NewTopic_destroy> newTopic(
            rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err));
        if (newTopic.p == nullptr)
            return makeError(Errc::InvalidArgument, std::string("topic ") + topic + ": " + err);
        Owned<rd_kafka_AdminOptions_t, rd_kafka_AdminOptions_destroy> options(
            rd_kafka_AdminOptions_new(admin->get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
        rd_kafka_AdminOptions_set_request_timeout(options.p, 10000, err, sizeof err);
        rd_kafka_AdminOptions_set_operation_timeout(options.p, 10000, err, sizeof err);
        Owned<rd_kafka_queue_t, rd_kafka_queue_destroy> queue(rd_kafka_queue_new(admin->get()));
        rd_kafka_CreateTopics(admin->get(), &newTopic.p, 1, options.p, queue.p);
        Owned<rd_kafka_event_t, rd_kafka_event_destroy> event(rd_kafka_queue_poll(queue.p, 15000));
        if (event.p == nullptr) {
            lastError = "no answer within 15 s";
            continue;
        }
        if (rd_kafka_event_error(event.p)) {
            lastError = rd_kafka_event_error_string(event.p);
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            continue;
        }
        const auto *result = rd_kafka_event_CreateTopics_result(event.p);
        size_t count = 0;
        const rd_kafka_topic_result_t **topics = rd_kafka_CreateTopics_result_topics(result, &count);
        if (count != 1) {
            lastError = "an answer about " + std::to_string(count) + " topics";
            continue;
        }
        const auto code = rd_kafka_topic_result_error(topics[0]);
        if (code == RD_KAFKA_RESP_ERR_NO_ERROR) {
            outcome = "created";
        } else if (code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            outcome = "exists";
        } else {
            const char *text = rd_kafka_topic_result_error_string(topics[0]);
            return makeError(Errc::Io, "the broker refused to create " + topic + ": " +
                                           (text != nullptr ? text : rd_kafka_err2str(code)));
        }
    }
    if (outcome.empty())
        return makeError(Errc::Io, "cannot create " + topic + " through " + bootstrap + ": " + lastError);
    // What the broker now says about it.
    int reported = -1;
    Owned<rd_kafka_topic_t, rd_kafka_topic_destroy> rkt(rd_kafka_topic_new(admin->get(), topic.c_str(), nullptr));
    const rd_kafka_metadata_t *md = nullptr;
    if (rd_kafka_metadata(admin->get(), 0, rkt.p, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR && md != nullptr) {
        if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR)
            reported = md->topics[0].partition_cnt;
        rd_kafka_metadata_destroy(md);
    }
    return topic + (outcome == "created" ? ": created with " : ": already exists with ") +
           (reported >= 0 ? std::to_string(reported) : std::string("an unknown number of")) + " partitions";
}

} // namespace spillway::lab
