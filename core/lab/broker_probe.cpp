// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/broker_probe.h"

#include "core/common/big_endian.h"
#include "core/protocol/message.h"
#include "core/protocol/messages/describe_log_dirs.h"
#include "core/protocol/request_header.h"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace spillway::lab {
namespace {

sockaddr_in loopback(int port)
{
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

/// A connected socket, closed on scope exit.
class Connection {
public:
    Connection(int port, std::chrono::milliseconds timeout)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (m_fd < 0)
            return;
        timeval tv{};
        tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
        tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        const auto addr = loopback(port);
        if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0) {
            m_errno = errno;
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~Connection()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;
    [[nodiscard]] int fd() const { return m_fd; }
    [[nodiscard]] int error() const { return m_errno; }

private:
    int m_fd = -1;
    int m_errno = 0;
};

bool recvAll(int fd, std::byte *data, std::size_t size)
{
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::recv(fd, data + done, size - done, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

bool BrokerProbe::isListening(int port)
{
    Connection c(port, std::chrono::seconds(2));
    return c.fd() >= 0;
}

bool BrokerProbe::canBind(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const auto addr = loopback(port);
    const bool ok = ::bind(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

Result<std::vector<BrokerLogDir>> BrokerProbe::describeLogDirs(int port, std::chrono::milliseconds timeout)
{
    const std::string where = "127.0.0.1:" + std::to_string(port);
    Connection c(port, timeout);
    if (c.fd() < 0)
        return Error::fromErrno(c.error(), "cannot connect to the broker at " + where);
    constexpr std::int16_t version = 4;
    core::DescribeLogDirsRequest request; // Topics null: every partition
    request.Topics = std::nullopt;
    auto body = core::encodeMessage(request, version);
    if (!body)
        return body.error();
    const auto frame = core::frameRequest(static_cast<std::int16_t>(core::DescribeLogDirsRequest::kApiKey), version, 1,
                                          std::string("spillway-lab"), true, *body);
    if (::send(c.fd(), frame.data(), frame.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(frame.size()))
        return Error::fromErrno(errno, "cannot send DescribeLogDirs to " + where);
    std::byte sizeBytes[4];
    if (!recvAll(c.fd(), sizeBytes, 4))
        return makeError(Errc::Io, "no DescribeLogDirs answer from " + where);
    const auto size = core::loadBigEndian<std::uint32_t>(sizeBytes);
    if (size < 5 || size > (64U << 20))
        return makeError(Errc::Corrupt, "DescribeLogDirs answer of " + std::to_string(size) + " bytes from " + where);
    std::vector<std::byte> response(size);
    if (!recvAll(c.fd(), response.data(), response.size()))
        return makeError(Errc::Io, "short DescribeLogDirs answer from " + where);
    // Response header v1: correlation id and an (empty) tag section.
    auto decoded =
        core::decodeMessage<core::DescribeLogDirsResponse>(std::span<const std::byte>(response).subspan(5), version);
    if (!decoded)
        return decoded.error();
    std::vector<BrokerLogDir> dirs;
    for (const auto &r : decoded->Results) {
        BrokerLogDir d;
        d.path = r.LogDir;
        d.errorCode = r.ErrorCode;
        d.totalBytes = r.TotalBytes;
        d.usableBytes = r.UsableBytes;
        for (const auto &t : r.Topics) {
            for (const auto &p : t.Partitions) {
                ++d.partitions;
                d.kafkaBytes += p.PartitionSize;
                d.partitionNames.push_back(t.Name + "-" + std::to_string(p.PartitionIndex));
            }
        }
        dirs.push_back(std::move(d));
    }
    return dirs;
}

} // namespace spillway::lab
