// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/net/outbound_queue.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace spillway::broker {

namespace {

/// Linux moves at most this much per write/sendfile call.
constexpr std::int64_t kMaxPerCall = 0x7ffff000;
constexpr std::size_t kMaxIov = 64;

/// The path of an open fd, for an operator-readable message.
std::string pathOf(int fd)
{
    std::array<char, 4096> buf{};
    const std::string link = "/proc/self/fd/" + std::to_string(fd);
    const ssize_t n = ::readlink(link.c_str(), buf.data(), buf.size() - 1);
    return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : "fd " + std::to_string(fd);
}

} // namespace

void OutboundQueue::push(ResponseParts response)
{
    m_pending += response.wireSize();
    m_queue.push_back(std::move(response));
    settle();
}

std::int64_t OutboundQueue::pendingBytes() const noexcept { return m_pending; }

std::size_t OutboundQueue::bytesBegin(const ResponseParts &r, std::size_t part) noexcept
{
    return part == 0 ? 0 : r.files[part / 2 - 1].at;
}

std::int64_t OutboundQueue::partSize(const ResponseParts &r, std::size_t part) noexcept
{
    if (part % 2 == 1)
        return r.files[part / 2].region.length;
    const std::size_t end = part / 2 == r.files.size() ? r.bytes.size() : r.files[part / 2].at;
    return static_cast<std::int64_t>(end - bytesBegin(r, part));
}

void OutboundQueue::settle()
{
    while (!m_queue.empty()) {
        const ResponseParts &front = m_queue.front();
        if (m_done < partSize(front, m_part)) // partSize is never negative: splices ascend
            return;
        m_done = 0;
        if (++m_part == partCount(front)) {
            m_queue.pop_front();
            m_part = 0;
        }
    }
}

void OutboundQueue::advance(std::int64_t n)
{
    m_pending -= n;
    while (n > 0) {
        const std::int64_t take = std::min(n, partSize(m_queue.front(), m_part) - m_done);
        m_done += take;
        n -= take;
        settle();
    }
}

std::optional<OutboundQueue::Outcome> OutboundQueue::writeBytes(int socketFd)
{
    // Gather every run of encoded bytes up to the next file region, across
    // responses: small responses (and a Fetch's headers) leave in one call.
    std::array<iovec, kMaxIov> iov{};
    std::size_t count = 0;
    std::int64_t total = 0;
    std::int64_t offset = m_done;
    bool hitFile = false;
    for (auto it = m_queue.begin(); it != m_queue.end() && count < kMaxIov && !hitFile; ++it) {
        for (std::size_t part = it == m_queue.begin() ? m_part : 0; part < partCount(*it) && count < kMaxIov;
             ++part, offset = 0) {
            const std::int64_t size = partSize(*it, part);
            if (size == 0)
                continue;
            if (part % 2 == 1) {
                hitFile = true;
                break;
            }
            iov[count].iov_base = const_cast<std::byte *>(it->bytes.data() + bytesBegin(*it, part) + offset);
            iov[count].iov_len = static_cast<std::size_t>(size - offset);
            total += size - offset;
            ++count;
        }
    }
    msghdr msg{};
    msg.msg_iov = iov.data();
    msg.msg_iovlen = count;
    for (;;) {
        const ssize_t n = ::sendmsg(socketFd, &msg, MSG_NOSIGNAL);
        if (n >= 0) {
            advance(n);
            // Short: the socket buffer is full, EPOLLOUT will tell when not.
            return n < total ? std::optional<Outcome>(Outcome{State::WouldBlock, {}}) : std::nullopt;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN) // == EWOULDBLOCK on Linux
            return Outcome{State::WouldBlock, {}};
        return Outcome{State::Failed, {}};
    }
}

std::optional<OutboundQueue::Outcome> OutboundQueue::sendFile(int socketFd)
{
    const FileRegion &region = m_queue.front().files[m_part / 2].region;
    for (;;) {
        off_t position = static_cast<off_t>(region.offset + m_done);
        const std::int64_t want = std::min(region.length - m_done, kMaxPerCall);
        const ssize_t n = ::sendfile(socketFd, region.file->fd(), &position, static_cast<std::size_t>(want));
        if (n > 0) {
            advance(n);
            // Short: the socket is full, or the file ends early, which the
            // next call (on EPOLLOUT) tells by returning 0.
            return n < want ? std::optional<Outcome>(Outcome{State::WouldBlock, {}}) : std::nullopt;
        }
        if (n == 0)
            // The file ends before the region: the segment was truncated
            // while the response was on its way. The frame's size prefix is
            // already sent, so the stream cannot be resynchronised.
            return Outcome{State::Failed, pathOf(region.file->fd()) + " ended at byte " + std::to_string(position) +
                                              " with " + std::to_string(region.length - m_done) + " of the " +
                                              std::to_string(region.length) + " bytes from byte " +
                                              std::to_string(region.offset) +
                                              " still to send (truncated during a fetch)"};
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN)
            return Outcome{State::WouldBlock, {}};
        if (errno == EPIPE || errno == ECONNRESET)
            return Outcome{State::Failed, {}};
        return Outcome{State::Failed, "cannot send " + pathOf(region.file->fd()) + ": " + std::strerror(errno)};
    }
}

OutboundQueue::Outcome OutboundQueue::write(int socketFd)
{
    while (!m_queue.empty()) {
        const auto stop = m_part % 2 == 1 ? sendFile(socketFd) : writeBytes(socketFd);
        if (stop)
            return *stop;
    }
    return {State::Drained, {}};
}

} // namespace spillway::broker
