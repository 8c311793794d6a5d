// SPDX-License-Identifier: GPL-3.0-or-later
// The admin client's own pieces without a broker: bootstrap parsing, version
// negotiation, the consumer assignment decoder, and KafkaConnection against
// a socket that answers badly (garbage, oversized or torn frames, wrong
// correlation ids, silence) — what a real broker cannot be made to do.
#include "core/admin/api_version_table.h"
#include "core/admin/broker_endpoint.h"
#include "core/admin/consumer_assignment.h"
#include "core/admin/kafka_connection.h"
#include "core/common/big_endian.h"
#include "core/protocol/wire.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <functional>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace spillway;
using namespace spillway::core::admin;
using core::ApiKey;

namespace {

/// A listening socket on 127.0.0.1 whose one connection is served by
/// `answer(fd, correlationId)` after the first request frame has been read.
class BadServer {
public:
    using Answer = std::function<void(int fd, std::int32_t correlationId)>;
    explicit BadServer(Answer answer)
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(m_listen, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(m_listen, 4) == 0);
        socklen_t len = sizeof addr;
        ::getsockname(m_listen, reinterpret_cast<sockaddr *>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this, answer = std::move(answer)] {
            const int fd = ::accept(m_listen, nullptr, nullptr);
            if (fd < 0)
                return;
            std::byte size[4];
            if (::recv(fd, size, 4, MSG_WAITALL) == 4) {
                std::vector<std::byte> frame(static_cast<std::size_t>(core::loadBigEndian<std::int32_t>(size)));
                if (::recv(fd, frame.data(), frame.size(), MSG_WAITALL) == static_cast<ssize_t>(frame.size()) &&
                    frame.size() >= 8)
                    answer(fd, core::loadBigEndian<std::int32_t>(frame.data() + 4));
            }
            // Hold the connection until the client is done with it.
            std::byte b;
            while (::recv(fd, &b, 1, 0) > 0) {
            }
            ::close(fd);
        });
    }
    ~BadServer()
    {
        ::shutdown(m_listen, SHUT_RDWR);
        m_thread.join();
        ::close(m_listen);
    }
    [[nodiscard]] BrokerEndpoint endpoint() const { return {"127.0.0.1", m_port, core::BrokerId(7)}; }

private:
    int m_listen = -1;
    int m_port = 0;
    std::thread m_thread;
};

void sendBytes(int fd, const std::vector<std::byte> &bytes)
{
    REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
}

std::vector<std::byte> frame(std::int32_t size, std::int32_t correlationId, std::vector<std::byte> body = {})
{
    core::WireWriter w;
    w.i32(size);
    w.i32(correlationId);
    w.raw(body);
    return w.take();
}

ConnectionOptions quick()
{
    ConnectionOptions o;
    o.requestTimeout = std::chrono::milliseconds(500);
    o.maxResponseBytes = 1 << 20;
    return o;
}

} // namespace

TEST_CASE("Admin bootstrap lists parse host:port entries and name a bad one", "[admin]")
{
    auto list = parseBootstrap(" kafka1:9092, 10.0.0.2:19092 ,[::1]:9093");
    REQUIRE(list.ok());
    REQUIRE(list->size() == 3);
    CHECK((*list)[0].host == "kafka1");
    CHECK((*list)[0].port == 9092);
    CHECK((*list)[1].address() == "10.0.0.2:19092");
    CHECK((*list)[2].host == "::1");
    CHECK((*list)[2].address() == "[::1]:9093");
    CHECK((*list)[2].describe() == "bootstrap server [::1]:9093");

    for (const char *bad : {"", "kafka1", "kafka1:", "kafka1:0", "kafka1:70000", "kafka1:x", ":9092", "::1:9092"}) {
        auto parsed = parseBootstrap(bad);
        INFO(bad);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == core::Errc::InvalidArgument);
    }
    CHECK(parseBootstrap("a:1,b").error().message.find("'b'") != std::string::npos);
}

TEST_CASE("Admin version negotiation picks the highest common version or says why there is none", "[admin]")
{
    ApiVersionTable table;
    table.set(35, {1, 2}); // DescribeLogDirs of an old broker
    table.set(3, {4, 13}); // Metadata of a newer one
    table.set(44, {5, 7}); // IncrementalAlterConfigs from the future
    CHECK(*table.negotiate(ApiKey::DescribeLogDirs, {0, 4}, "broker 1 (h:9092)") == 2);
    CHECK(*table.negotiate(ApiKey::Metadata, {1, 12}, "broker 1 (h:9092)") == 12);

    auto none = table.negotiate(ApiKey::IncrementalAlterConfigs, {0, 1}, "broker 1 (h:9092)");
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == core::Errc::Unsupported);
    CHECK(none.error().message ==
          "broker 1 (h:9092) serves IncrementalAlterConfigs v5-7, Spillway speaks v0-1: no common version");

    auto missing = table.negotiate(ApiKey::AlterReplicaLogDirs, {0, 2}, "broker 1 (h:9092)");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message == "broker 1 (h:9092) does not support AlterReplicaLogDirs");
}

TEST_CASE("Admin consumer group assignments decode, and garbage decodes to nothing", "[admin]")
{
    core::WireWriter w;
    w.i16(1); // version
    w.i32(2); // topics
    w.i16(6);
    w.raw(std::string_view("orders"));
    w.i32(2);
    w.i32(0);
    w.i32(3);
    w.i16(1);
    w.raw(std::string_view("x"));
    w.i32(1);
    w.i32(7);
    w.i32(-1);                                // UserData: null
    w.raw(std::string_view("future fields")); // later versions may add some
    const auto decoded = decodeConsumerAssignment(w.buffer());
    REQUIRE(decoded.size() == 3);
    CHECK(decoded[0] == std::pair{std::string("orders"), core::PartitionId(0)});
    CHECK(decoded[1] == std::pair{std::string("orders"), core::PartitionId(3)});
    CHECK(decoded[2] == std::pair{std::string("x"), core::PartitionId(7)});

    const std::vector<std::byte> garbage{std::byte{0}, std::byte{0}, std::byte{0x7f}, std::byte{0xff}};
    CHECK(decodeConsumerAssignment(garbage).empty());
    CHECK(decodeConsumerAssignment({}).empty());
}

TEST_CASE("Admin connection turns bad answers into errors naming the broker and the API, never crashes", "[admin]")
{
    SECTION("a body that is not an ApiVersions response")
    {
        BadServer server([](int fd, std::int32_t c) {
            sendBytes(fd, frame(8, c, {std::byte{0}, std::byte{0}, std::byte{0x7f}, std::byte{0x10}}));
        });
        auto c = KafkaConnection::open(server.endpoint(), quick());
        REQUIRE_FALSE(c.ok());
        CHECK(c.error().code == core::Errc::Corrupt);
        CHECK(c.error().message.find("ApiVersions v3 to broker 7 (127.0.0.1:") == 0);
        CHECK(c.error().message.find("malformed response") != std::string::npos);
    }
    SECTION("a frame larger than the limit")
    {
        BadServer server([](int fd, std::int32_t c) { sendBytes(fd, frame(0x7fffffff, c)); });
        auto c = KafkaConnection::open(server.endpoint(), quick());
        REQUIRE_FALSE(c.ok());
        CHECK(c.error().message.find("response frame of 2147483647 bytes (limit 1048576)") != std::string::npos);
    }
    SECTION("a negative frame size")
    {
        BadServer server([](int fd, std::int32_t c) { sendBytes(fd, frame(-5, c)); });
        auto c = KafkaConnection::open(server.endpoint(), quick());
        REQUIRE_FALSE(c.ok());
        CHECK(c.error().message.find("response frame of -5 bytes") != std::string::npos);
    }
    SECTION("another request's correlation id")
    {
        BadServer server([](int fd, std::int32_t c) { sendBytes(fd, frame(6, c + 41, {std::byte{0}, std::byte{0}})); });
        auto c = KafkaConnection::open(server.endpoint(), quick());
        REQUIRE_FALSE(c.ok());
        CHECK(c.error().message.find("response for correlation id 42, expected 1") != std::string::npos);
    }
    SECTION("a connection closed in the middle of a frame")
    {
        BadServer server([](int fd, std::int32_t c) {
            sendBytes(fd, frame(100, c));
            ::shutdown(fd, SHUT_WR);
        });
        auto c = KafkaConnection::open(server.endpoint(), quick());
        REQUIRE_FALSE(c.ok());
        CHECK(c.error().message.find("the broker closed the connection in the middle of a response") !=
              std::string::npos);
    }
    SECTION("no answer at all")
    {
        BadServer server([](int, std::int32_t) {});
        auto c = KafkaConnection::open(server.endpoint(), quick());
        REQUIRE_FALSE(c.ok());
        CHECK(c.error().sysErrno == ETIMEDOUT);
        CHECK(c.error().message.find("ApiVersions v3 to broker 7 (127.0.0.1:") == 0);
        CHECK(c.error().message.find("timed out waiting for the response (request timeout 500 ms)") !=
              std::string::npos);
    }
}

TEST_CASE("Admin connection to a port nobody listens on names the address and the OS error", "[admin]")
{
    // Bind and close: the port is free, so the connect is refused.
    BrokerEndpoint endpoint{"127.0.0.1", 0, std::nullopt};
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
        socklen_t len = sizeof addr;
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
        endpoint.port = ntohs(addr.sin_port);
        ::close(fd);
    }
    auto c = KafkaConnection::open(endpoint, quick());
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().sysErrno == ECONNREFUSED);
    CHECK(c.error().message ==
          "cannot connect to bootstrap server 127.0.0.1:" + std::to_string(endpoint.port) + ": Connection refused");
}
