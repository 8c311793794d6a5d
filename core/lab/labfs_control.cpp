// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/labfs_control.h"

#include "core/lab/flat_json.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

namespace spillway::lab {
namespace {

/// Closes a descriptor on scope exit.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    [[nodiscard]] int get() const { return m_fd; }

private:
    int m_fd;
};

} // namespace

Result<std::string> LabfsControl::exchange(const std::filesystem::path &socket, const std::string &request,
                                           std::chrono::milliseconds timeout)
{
    const std::string path = socket.string();
    if (path.size() > kMaxSocketPath)
        return makeError(Errc::InvalidArgument, "control socket path " + path + " is longer than 107 bytes",
                         "use a shorter --root");
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0)
        return Error::fromErrno(errno, "cannot create a socket for " + path);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0)
        return Error::fromErrno(errno, "cannot reach the labfs control socket " + path,
                                "is the disk mounted? (spillway-cli lab status)");
    const std::string line = request + "\n";
    if (::send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size()))
        return Error::fromErrno(errno, "cannot send '" + request + "' to " + path);
    std::string reply;
    char buf[512];
    while (reply.find('\n') == std::string::npos) {
        const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return Error::fromErrno(errno, "no answer to '" + request + "' from " + path);
        if (n == 0)
            break;
        reply.append(buf, static_cast<std::size_t>(n));
    }
    if (const auto nl = reply.find('\n'); nl != std::string::npos)
        reply.resize(nl);
    if (reply.empty())
        return makeError(Errc::Io, "labfs closed " + path + " without answering '" + request + "'");
    return reply;
}

Status LabfsControl::command(const std::filesystem::path &socket, const std::string &request)
{
    auto reply = exchange(socket, request, std::chrono::seconds(10));
    if (!reply)
        return reply.error();
    auto json = FlatJson::parse(*reply);
    if (!json)
        return json.error();
    if (json->boolean("ok").value_or(false))
        return {};
    return makeError(Errc::Io, "labfs refused '" + request + "': " + json->string("error").value_or(*reply));
}

Result<LabfsStatus> LabfsControl::status(const std::filesystem::path &socket)
{
    auto reply = exchange(socket, "status", std::chrono::seconds(5));
    if (!reply)
        return reply.error();
    auto json = FlatJson::parse(*reply);
    if (!json)
        return json.error();
    if (json->boolean("ok") == false)
        return makeError(Errc::Io, "labfs status failed: " + json->string("error").value_or(*reply));
    LabfsStatus s;
    s.name = json->string("name").value_or("");
    s.mode = json->string("mode").value_or("unknown");
    s.slowMs = json->integer("slow_ms").value_or(0);
    s.capacity = json->integer("capacity").value_or(-1);
    s.used = json->integer("used").value_or(-1);
    if (auto pid = json->integer("pid"))
        s.pid = *pid;
    return s;
}

} // namespace spillway::lab
