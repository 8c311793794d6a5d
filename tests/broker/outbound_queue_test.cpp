// SPDX-License-Identifier: GPL-3.0-or-later
// OutboundQueue over a real socket pair: encoded bytes and file regions
// arrive in order through partial writes, a deleted segment still sends its
// bytes, and a segment truncated under a response fails the write instead of
// stalling or corrupting the stream.
#include "broker/net/outbound_queue.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace spillway;
using namespace spillway::broker;
using spillway::test::TempDir;

namespace {

struct SocketPair {
    int writer = -1;
    int reader = -1;
    SocketPair()
    {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
        writer = fds[0];
        reader = fds[1];
        // Small buffers force many partial writes.
        const int size = 4096;
        ::setsockopt(writer, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
        ::setsockopt(reader, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    ~SocketPair()
    {
        ::close(writer);
        ::close(reader);
    }
};

std::vector<std::byte> pattern(std::size_t n, int seed)
{
    std::vector<std::byte> out(n);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = static_cast<std::byte>((i * 131 + static_cast<std::size_t>(seed) * 17) & 0xff);
    return out;
}

std::shared_ptr<const FileHandle> fileWith(const std::filesystem::path &path, const std::vector<std::byte> &content)
{
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    return std::make_shared<FileHandle>(fd);
}

/// Writes until drained or failed, reading the other end whenever the
/// socket is full; returns what arrived and the final outcome.
std::pair<std::vector<std::byte>, OutboundQueue::Outcome> pump(OutboundQueue &q, SocketPair &s)
{
    std::vector<std::byte> got;
    std::byte buf[8192];
    OutboundQueue::Outcome outcome;
    int calls = 0;
    for (;;) {
        outcome = q.write(s.writer);
        ++calls;
        for (;;) {
            const ssize_t n = ::read(s.reader, buf, sizeof buf);
            if (n <= 0)
                break;
            got.insert(got.end(), buf, buf + n);
        }
        if (outcome.state != OutboundQueue::State::WouldBlock)
            break;
        REQUIRE(calls < 100000);
    }
    return {got, outcome};
}

} // namespace

TEST_CASE("OutboundQueue sends bytes and file regions in order across partial writes", "[broker][net]")
{
    TempDir dir;
    SocketPair s;
    const auto segment = pattern(300000, 1);
    auto file = fileWith(dir / "00000000000000000000.log", segment);

    OutboundQueue q;
    std::vector<std::byte> expected;
    // Response 1: header, region, middle bytes, an empty region, region, trailer.
    ResponseParts r1(pattern(1000, 2));
    r1.files.push_back({100, {file, 5000, 120000}});
    r1.files.push_back({600, {file, 0, 0}});
    r1.files.push_back({600, {file, 200000, 99999}});
    expected.insert(expected.end(), r1.bytes.begin(), r1.bytes.begin() + 100);
    expected.insert(expected.end(), segment.begin() + 5000, segment.begin() + 125000);
    expected.insert(expected.end(), r1.bytes.begin() + 100, r1.bytes.begin() + 600);
    expected.insert(expected.end(), segment.begin() + 200000, segment.begin() + 299999);
    expected.insert(expected.end(), r1.bytes.begin() + 600, r1.bytes.end());
    // Response 2: bytes only; response 3: a region right at the end.
    ResponseParts r2(pattern(70000, 3));
    expected.insert(expected.end(), r2.bytes.begin(), r2.bytes.end());
    ResponseParts r3(pattern(10, 4));
    r3.files.push_back({10, {file, 1, 7}});
    expected.insert(expected.end(), r3.bytes.begin(), r3.bytes.end());
    expected.insert(expected.end(), segment.begin() + 1, segment.begin() + 8);

    const auto total = r1.wireSize() + r2.wireSize() + r3.wireSize();
    q.push(std::move(r1));
    q.push(std::move(r2));
    q.push(std::move(r3));
    CHECK(q.pendingBytes() == total);
    const auto [got, outcome] = pump(q, s);
    CHECK(outcome.state == OutboundQueue::State::Drained);
    CHECK(q.empty());
    CHECK(q.pendingBytes() == 0);
    REQUIRE(got.size() == expected.size());
    CHECK(got == expected);
}

TEST_CASE("OutboundQueue still sends a segment that was deleted after the response was queued", "[broker][net]")
{
    TempDir dir;
    SocketPair s;
    const auto segment = pattern(50000, 5);
    const auto path = dir / "00000000000000000000.log";
    auto file = fileWith(path, segment);
    OutboundQueue q;
    ResponseParts r(pattern(4, 6));
    r.files.push_back({4, {file, 0, 50000}});
    q.push(std::move(r));
    file.reset(); // the queue's copy keeps the fd open
    std::filesystem::remove(path);
    const auto [got, outcome] = pump(q, s);
    CHECK(outcome.state == OutboundQueue::State::Drained);
    REQUIRE(got.size() == 50004);
    CHECK(std::equal(segment.begin(), segment.end(), got.begin() + 4));
}

TEST_CASE("OutboundQueue fails the write when a segment is truncated under a response", "[broker][net]")
{
    TempDir dir;
    SocketPair s;
    const auto segment = pattern(200000, 7);
    const auto path = dir / "00000000000000000000.log";
    auto file = fileWith(path, segment);
    OutboundQueue q;
    ResponseParts r(pattern(8, 8));
    r.files.push_back({8, {file, 1000, 150000}});
    q.push(std::move(r));
    q.push(ResponseParts(pattern(16, 9))); // a later response must not be sent in its place
    REQUIRE(::ftruncate(file->fd(), 60000) == 0);

    const auto [got, outcome] = pump(q, s);
    REQUIRE(outcome.state == OutboundQueue::State::Failed);
    CHECK(outcome.error.find("truncated") != std::string::npos);
    CHECK(outcome.error.find(path.filename().string()) != std::string::npos);
    // Exactly the header and the bytes the file still had: nothing else.
    REQUIRE(got.size() == 8 + 59000);
    CHECK(std::equal(segment.begin() + 1000, segment.begin() + 60000, got.begin() + 8));
}
