// SPDX-License-Identifier: GPL-3.0-or-later
// Produce and consume throughput of spillway-broker with a librdkafka client
// (1 KiB messages; acks=1 and acks=all; 1 and 12 partitions), p50/p99 produce
// latency, next to the raw sequential write rate of the same filesystem; and
// what the broker alone serves to a raw-protocol fetch client that reads the
// responses and throws them away (no record parsing, no per-message work).
// Prints a table; never fails on timing.
//
// Usage: spillway_broker_bench [--dir DIR] [--messages N] [--broker PATH]
//   DIR defaults to $TMPDIR (or /tmp); the broker's log dir is made under it.
//   PATH: another spillway-broker binary (to compare builds).
#include "core/common/big_endian.h"
#include "core/protocol/message.h"
#include "core/protocol/messages/fetch.h"
#include "core/protocol/request_header.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool portOpen(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

/// Sequential 1 MiB writes of `bytes` into `dir`, then fdatasync: MB/s.
double rawWriteRate(const std::filesystem::path &dir, std::size_t bytes)
{
    const auto path = dir / "raw-write-test";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char> block(1 << 20, 'x');
    const auto start = Clock::now();
    for (std::size_t done = 0; done < bytes; done += block.size())
        if (::write(fd, block.data(), block.size()) < 0)
            break;
    ::fdatasync(fd);
    const double s = seconds(Clock::now() - start);
    ::close(fd);
    std::filesystem::remove(path);
    return static_cast<double>(bytes) / s / 1e6;
}

struct LatencyLog {
    std::vector<double> ms;
    long failed = 0;
};

void onDelivery(rd_kafka_t *, const rd_kafka_message_t *msg, void *opaque)
{
    auto *log = static_cast<LatencyLog *>(opaque);
    if (msg->err) {
        ++log->failed;
        return;
    }
    const auto sent = reinterpret_cast<std::intptr_t>(msg->_private);
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
    log->ms.push_back(static_cast<double>(now - sent) / 1000.0);
}

rd_kafka_t *makeClient(rd_kafka_type_t type, const std::string &bootstrap,
                       const std::vector<std::pair<std::string, std::string>> &settings, LatencyLog *log)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
    for (const auto &[k, v] : settings)
        if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
            std::fprintf(stderr, "config %s: %s\n", k.c_str(), err);
    if (log != nullptr) {
        rd_kafka_conf_set_opaque(conf, log);
        rd_kafka_conf_set_dr_msg_cb(conf, onDelivery);
    }
    rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
    if (rk == nullptr)
        std::fprintf(stderr, "rd_kafka_new: %s\n", err);
    return rk;
}

struct Row {
    std::string name;
    double produceMBs = 0;
    double consumeMBs = 0;
    double rawFetchMBs = 0;
    double p50 = 0;
    double p99 = 0;
};

bool readFully(int fd, std::byte *data, std::size_t n)
{
    while (n > 0) {
        const ssize_t got = ::recv(fd, data, n, 0);
        if (got <= 0)
            return false;
        data += got;
        n -= static_cast<std::size_t>(got);
    }
    return true;
}

/// Reads every partition from offset 0 to `messages` records with Fetch v11
/// requests as librdkafka sizes them (50 MB per response, 10 MB per
/// partition), one request in flight, reading each response into a buffer
/// and walking only the batch headers to find the next offsets: the rate the
/// broker serves at when the client costs next to nothing. MB/s of payload
/// (1 KiB per record), comparable to the librdkafka figure.
double rawFetchRate(int port, const std::string &topic, int partitions, long messages)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
        return 0;
    std::vector<std::int64_t> next(static_cast<std::size_t>(partitions), 0);
    std::vector<std::byte> buffer;
    long records = 0;
    std::int32_t correlation = 0;
    const auto start = Clock::now();
    while (records < messages && seconds(Clock::now() - start) < 120) {
        spillway::core::FetchRequest req;
        req.MaxWaitMs = 500;
        req.MinBytes = 1;
        req.MaxBytes = 52428800;
        spillway::core::FetchRequest::FetchTopic t;
        t.Topic = topic;
        for (int p = 0; p < partitions; ++p) {
            spillway::core::FetchRequest::FetchTopic::FetchPartition fp;
            fp.Partition = p;
            fp.FetchOffset = next[static_cast<std::size_t>(p)];
            fp.PartitionMaxBytes = 10485760;
            t.Partitions.push_back(fp);
        }
        req.Topics.push_back(std::move(t));
        auto body = spillway::core::encodeMessage(req, 11);
        const auto frame = spillway::core::frameRequest(1, 11, ++correlation, std::string("raw-fetch"), false, *body);
        if (::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(frame.size()))
            break;
        std::byte sizeBytes[4];
        if (!readFully(fd, sizeBytes, 4))
            break;
        const auto size = static_cast<std::size_t>(spillway::core::loadBigEndian<std::uint32_t>(sizeBytes));
        if (buffer.size() < size)
            buffer.resize(size);
        if (!readFully(fd, buffer.data(), size))
            break;
        auto decoded = spillway::core::decodeMessage<spillway::core::FetchResponse>(
            std::span<const std::byte>(buffer.data() + 4, size - 4), 11);
        if (!decoded.ok())
            break;
        for (const auto &tr : decoded->Responses) {
            for (const auto &pd : tr.Partitions) {
                const auto bytes = pd.Records.bytes;
                std::size_t pos = 0;
                while (bytes.size() - pos >= 61) {
                    const std::byte *b = bytes.data() + pos;
                    const auto length = spillway::core::loadBigEndian<std::int32_t>(b + 8);
                    if (length <= 0 || static_cast<std::size_t>(length) + 12 > bytes.size() - pos)
                        break;
                    next[static_cast<std::size_t>(pd.PartitionIndex)] =
                        spillway::core::loadBigEndian<std::int64_t>(b) +
                        spillway::core::loadBigEndian<std::int32_t>(b + 23) + 1;
                    records += spillway::core::loadBigEndian<std::int32_t>(b + 57);
                    pos += static_cast<std::size_t>(length) + 12;
                }
            }
        }
    }
    const double s = seconds(Clock::now() - start);
    ::close(fd);
    if (records < messages)
        std::fprintf(stderr, "raw fetch of %s: only %ld of %ld records\n", topic.c_str(), records, messages);
    return static_cast<double>(records) * 1024 / s / 1e6;
}

Row runCase(int port, const std::string &bootstrap, const std::string &topic, int partitions, const char *acks,
            long messages)
{
    Row row;
    row.name = std::string("acks=") + acks + ", " + std::to_string(partitions) + " partition(s)";
    constexpr std::size_t kSize = 1024;
    std::vector<char> payload(kSize, 'p');

    LatencyLog log;
    rd_kafka_t *producer = makeClient(RD_KAFKA_PRODUCER, bootstrap,
                                      {{"acks", acks},
                                       {"linger.ms", "5"},
                                       {"batch.size", "1000000"},
                                       {"queue.buffering.max.kbytes", "1048576"},
                                       {"enable.idempotence", "false"}},
                                      &log);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(producer, topic.c_str(), nullptr);
    const auto start = Clock::now();
    for (long i = 0; i < messages; ++i) {
        const auto now = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
        while (rd_kafka_produce(rkt, static_cast<std::int32_t>(i % partitions), RD_KAFKA_MSG_F_COPY, payload.data(),
                                kSize, nullptr, 0, reinterpret_cast<void *>(static_cast<std::intptr_t>(now))) != 0)
            rd_kafka_poll(producer, 10);
        rd_kafka_poll(producer, 0);
    }
    rd_kafka_flush(producer, 120000);
    const double produceSeconds = seconds(Clock::now() - start);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(producer);
    row.produceMBs = static_cast<double>(messages) * kSize / produceSeconds / 1e6;
    std::sort(log.ms.begin(), log.ms.end());
    if (!log.ms.empty()) {
        row.p50 = log.ms[log.ms.size() / 2];
        row.p99 = log.ms[log.ms.size() * 99 / 100];
    }
    if (log.failed > 0)
        std::fprintf(stderr, "%s: %ld deliveries failed\n", row.name.c_str(), log.failed);

    // Consume everything back from the start (data is in page cache).
    rd_kafka_t *consumer = makeClient(RD_KAFKA_CONSUMER, bootstrap,
                                      {{"group.id", "spillway-bench"},
                                       {"fetch.max.bytes", "52428800"},
                                       {"max.partition.fetch.bytes", "10485760"},
                                       {"enable.auto.commit", "false"}},
                                      nullptr);
    rd_kafka_poll_set_consumer(consumer);
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; ++p)
        rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(consumer, list);
    rd_kafka_topic_partition_list_destroy(list);
    long got = 0;
    std::size_t bytes = 0;
    const auto cstart = Clock::now();
    while (got < messages && seconds(Clock::now() - cstart) < 120) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 100);
        if (m == nullptr)
            continue;
        if (!m->err) {
            ++got;
            bytes += m->len;
        }
        rd_kafka_message_destroy(m);
    }
    const double consumeSeconds = seconds(Clock::now() - cstart);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    row.consumeMBs = static_cast<double>(bytes) / consumeSeconds / 1e6;
    if (got < messages)
        std::fprintf(stderr, "%s: consumed only %ld of %ld\n", row.name.c_str(), got, messages);
    row.rawFetchMBs = rawFetchRate(port, topic, partitions, messages);
    return row;
}

} // namespace

int main(int argc, char **argv)
{
    std::filesystem::path base = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    long messages = 500000;
    std::string broker = SPILLWAY_BINARY_DIR "/app/spillway-broker";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--dir") == 0)
            base = argv[i + 1];
        else if (std::strcmp(argv[i], "--messages") == 0)
            messages = std::atol(argv[i + 1]);
        else if (std::strcmp(argv[i], "--broker") == 0)
            broker = argv[i + 1];
    }
    const auto dir = base / ("spillway-broker-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "data0");
    const int port = freePort();
    std::ofstream(dir / "server.properties") << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << port
                                             << "\nlog.dirs=" << (dir / "data0").string() << "\nnum.partitions=1\n";

    const double raw = rawWriteRate(dir, 1ULL << 30);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const std::string cfg = (dir / "server.properties").string();
        const int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, STDOUT_FILENO);
        ::dup2(devnull, STDERR_FILENO);
        ::execl(broker.c_str(), "spillway-broker", cfg.c_str(), nullptr);
        ::_exit(127);
    }
    for (int i = 0; i < 200 && !portOpen(port); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::string bootstrap = "127.0.0.1:" + std::to_string(port);

    std::vector<Row> rows;
    int n = 0;
    for (const int partitions : {1, 12})
        for (const char *acks : {"1", "all"}) {
            const std::string topic = "bench-" + std::to_string(n++);
            // Create the topic with its partition count through kcat-free admin: produce
            // to partition 0 auto-creates only one partition, so ask librdkafka's admin.
            char err[256];
            rd_kafka_t *admin = makeClient(RD_KAFKA_PRODUCER, bootstrap, {}, nullptr);
            rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
            rd_kafka_queue_t *q = rd_kafka_queue_new(admin);
            rd_kafka_CreateTopics(admin, &nt, 1, nullptr, q);
            rd_kafka_event_destroy(rd_kafka_queue_poll(q, 10000));
            rd_kafka_NewTopic_destroy(nt);
            rd_kafka_queue_destroy(q);
            rd_kafka_destroy(admin);
            rows.push_back(runCase(port, bootstrap, topic, partitions, acks, messages));
        }
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    std::filesystem::remove_all(dir);

    std::printf("%s, librdkafka %s, %ld x 1 KiB messages per case, log dir under %s\n", broker.c_str(),
                rd_kafka_version_str(), messages, base.c_str());
    std::printf("raw sequential write (1 MiB writes + fdatasync, 1 GiB): %.0f MB/s\n\n", raw);
    std::printf("%-28s %12s %10s %12s %12s %12s %12s\n", "case", "produce MB/s", "% of raw", "p50 ms", "p99 ms",
                "consume MB/s", "raw fetch");
    for (const auto &r : rows)
        std::printf("%-28s %12.0f %9.0f%% %12.1f %12.1f %12.0f %12.0f\n", r.name.c_str(), r.produceMBs,
                    100.0 * r.produceMBs / raw, r.p50, r.p99, r.consumeMBs, r.rawFetchMBs);
    return 0;
}
