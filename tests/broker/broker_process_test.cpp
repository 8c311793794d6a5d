// SPDX-License-Identifier: GPL-3.0-or-later
// The real spillway-broker process against real clients: kcat (librdkafka)
// and raw sockets sending malformed, truncated and oversized requests.
#include "core/common/big_endian.h"
#include "core/protocol/messages/api_versions.h"
#include "core/protocol/request_header.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace spillway;
using spillway::test::BackgroundProcess;
using spillway::test::TempDir;

namespace {

const std::string kBrokerBinary = SPILLWAY_BINARY_DIR "/app/spillway-broker";

/// A broker process on a free port with its own config and log dir.
struct RunningBroker {
    TempDir dir;
    int port = test::freePort();
    std::unique_ptr<BackgroundProcess> process;

    explicit RunningBroker(const std::string &extraConfig = {})
    {
        std::filesystem::create_directories(dir / "data0");
        std::ofstream(dir / "server.properties") << "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << port
                                                 << "\nlog.dirs=" << (dir / "data0").string() << "\n"
                                                 << extraConfig;
        process = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{kBrokerBinary, (dir / "server.properties").string()},
            (dir / "broker.log").string());
        REQUIRE(test::waitForPort(port, std::chrono::seconds(10)));
    }
    std::string log() const { return test::slurp((dir / "broker.log").string()); }
};

int connectTo(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

void sendAll(int fd, std::span<const std::byte> data)
{
    REQUIRE(::send(fd, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size()));
}

/// Reads one response frame; empty when the broker closed the connection.
std::vector<std::byte> readFrame(int fd)
{
    std::byte sizeBytes[4];
    if (::recv(fd, sizeBytes, 4, MSG_WAITALL) != 4)
        return {};
    const auto size = static_cast<std::size_t>(core::loadBigEndian<std::uint32_t>(sizeBytes));
    std::vector<std::byte> body(size);
    if (::recv(fd, body.data(), size, MSG_WAITALL) != static_cast<ssize_t>(size))
        return {};
    return body;
}

bool closedByPeer(int fd)
{
    std::byte b;
    return ::recv(fd, &b, 1, 0) == 0;
}

std::vector<std::byte> bytesOf(std::initializer_list<int> v)
{
    std::vector<std::byte> out;
    for (int x : v)
        out.push_back(static_cast<std::byte>(x));
    return out;
}

} // namespace

TEST_CASE("kcat -L lists the broker", "[broker][process]")
{
    RunningBroker broker;
    const auto r = test::runProcess({"kcat", "-b", "127.0.0.1:" + std::to_string(broker.port), "-L", "-m", "10"});
    INFO(r.out);
    CHECK(r.exitCode == 0);
    CHECK(r.out.find("1 brokers:") != std::string::npos);
    CHECK(r.out.find("broker 1 at 127.0.0.1:" + std::to_string(broker.port) + " (controller)") != std::string::npos);
}

TEST_CASE("ApiVersions answers from the API table, and with UNSUPPORTED_VERSION in v0 for a future version",
          "[broker][process]")
{
    RunningBroker broker;
    const int fd = connectTo(broker.port);

    auto body = core::encodeMessage(core::ApiVersionsRequest{"spillway-test", "1"}, 3);
    REQUIRE(body.ok());
    sendAll(fd, core::frameRequest(18, 3, 11, std::string("t"), true, *body));
    auto frame = readFrame(fd);
    REQUIRE(frame.size() > 4);
    // Response header v0 (correlation id only), even for v3.
    auto resp = core::decodeMessage<core::ApiVersionsResponse>(std::span<const std::byte>(frame).subspan(4), 3);
    REQUIRE(resp.ok());
    CHECK(resp->ErrorCode == 0);
    bool hasMetadata = false;
    for (const auto &k : resp->ApiKeys)
        hasMetadata |= k.ApiKey == 3;
    CHECK(hasMetadata);

    for (const bool flexibleHeader : {true, false}) {
        sendAll(fd, core::frameRequest(18, 99, 12, std::string("t"), flexibleHeader, bytesOf({0x00})));
        frame = readFrame(fd);
        REQUIRE(frame.size() > 4);
    }
    REQUIRE(frame.size() > 4);
    auto err = core::decodeMessage<core::ApiVersionsResponse>(std::span<const std::byte>(frame).subspan(4), 0);
    REQUIRE(err.ok());
    CHECK(err->ErrorCode == 35);
    REQUIRE(err->ApiKeys.size() == 1);
    CHECK(err->ApiKeys[0].ApiKey == 18);
    ::close(fd);
}

TEST_CASE("Malformed, truncated, unknown and oversized requests close only that connection", "[broker][process]")
{
    RunningBroker broker("socket.request.max.bytes=1024\n");

    SECTION("oversized frame")
    {
        const int fd = connectTo(broker.port);
        sendAll(fd, bytesOf({0x00, 0x10, 0x00, 0x00})); // 1 MiB > 1024
        CHECK(closedByPeer(fd));
        ::close(fd);
    }
    SECTION("negative size")
    {
        const int fd = connectTo(broker.port);
        sendAll(fd, bytesOf({0xFF, 0xFF, 0xFF, 0xFE}));
        CHECK(closedByPeer(fd));
        ::close(fd);
    }
    SECTION("header shorter than it claims")
    {
        const int fd = connectTo(broker.port);
        sendAll(fd, bytesOf({0x00, 0x00, 0x00, 0x03, 0x00, 0x03, 0x00}));
        CHECK(closedByPeer(fd));
        ::close(fd);
    }
    SECTION("unknown API key")
    {
        const int fd = connectTo(broker.port);
        sendAll(fd, core::frameRequest(999, 0, 1, std::string("t"), false, {}));
        CHECK(closedByPeer(fd));
        ::close(fd);
    }
    SECTION("garbage Metadata body")
    {
        const int fd = connectTo(broker.port);
        sendAll(fd, core::frameRequest(3, 4, 1, std::string("t"), false, bytesOf({0x7F, 0xFF, 0xFF, 0xFF})));
        CHECK(closedByPeer(fd));
        ::close(fd);
    }
    // The broker is still up and serving others.
    const auto r = test::runProcess({"kcat", "-b", "127.0.0.1:" + std::to_string(broker.port), "-L", "-m", "10"});
    CHECK(r.exitCode == 0);
    CHECK(broker.process->running());
}

TEST_CASE("A bad config stops the broker at startup with a message naming the key", "[broker][process]")
{
    TempDir dir;
    std::ofstream(dir / "server.properties") << "broker.id=1\nlog.segment.bytes=huge\n";
    const auto r = test::runProcess({kBrokerBinary, (dir / "server.properties").string()});
    CHECK(r.exitCode == 2);
    CHECK(r.out.find("invalid value 'huge' for log.segment.bytes") != std::string::npos);
}

TEST_CASE("SIGTERM stops the broker cleanly", "[broker][process]")
{
    RunningBroker broker;
    const int status = broker.process->stop(SIGTERM);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
