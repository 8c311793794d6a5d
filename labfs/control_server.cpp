// SPDX-License-Identifier: GPL-3.0-or-later
#include "labfs/control_server.h"

#include "labfs/control_protocol.h"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace spillway::labfs {

using core::Errc;
using core::Error;
using core::makeError;

namespace {

constexpr std::size_t kMaxLine = 4096;
constexpr std::size_t kMaxClients = 64;

core::Result<sockaddr_un> addressOf(const std::filesystem::path &path)
{
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string &s = path.native();
    if (s.empty() || s.size() >= sizeof addr.sun_path)
        return makeError(Errc::InvalidArgument,
                         "control socket path " + s + " is empty or longer than " +
                             std::to_string(sizeof addr.sun_path - 1) + " bytes",
                         "pass a shorter --control path");
    std::memcpy(addr.sun_path, s.c_str(), s.size() + 1);
    return addr;
}

int connectTo(const sockaddr_un &addr)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0) {
        const int err = errno;
        ::close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

bool sendAll(int fd, std::string_view data)
{
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

struct Client {
    int fd;
    std::string pending;
};

} // namespace

ControlServer::ControlServer(std::filesystem::path path, int listenFd, int wakeFd)
    : m_path(std::move(path))
    , m_listenFd(listenFd)
    , m_wakeFd(wakeFd)
{}

ControlServer::~ControlServer() { stop(); }

core::Result<std::unique_ptr<ControlServer>> ControlServer::listen(const std::filesystem::path &path)
{
    auto addr = addressOf(path);
    if (!addr)
        return addr.error();
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot create the control socket");
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&*addr), sizeof *addr) != 0) {
        const int err = errno;
        if (err != EADDRINUSE) {
            ::close(fd);
            return Error::fromErrno(err, "cannot bind the control socket " + path.string());
        }
        // A socket file exists: a live daemon answers on it, a stale one does not.
        if (const int probe = connectTo(*addr); probe >= 0) {
            ::close(probe);
            ::close(fd);
            return makeError(Errc::Locked, "control socket " + path.string() + " is in use by a running spillway-labfs",
                             "unmount that disk first, or pass another --control path");
        }
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0 && !S_ISSOCK(st.st_mode)) {
            ::close(fd);
            return makeError(Errc::InvalidArgument, path.string() + " exists and is not a socket",
                             "pass another --control path");
        }
        ::unlink(path.c_str());
        if (::bind(fd, reinterpret_cast<const sockaddr *>(&*addr), sizeof *addr) != 0) {
            const int again = errno;
            ::close(fd);
            return Error::fromErrno(again, "cannot bind the control socket " + path.string());
        }
    }
    if (::chmod(path.c_str(), 0600) != 0 || ::listen(fd, 16) != 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(path.c_str());
        return Error::fromErrno(err, "cannot listen on the control socket " + path.string());
    }
    const int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake < 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(path.c_str());
        return Error::fromErrno(err, "cannot create an eventfd");
    }
    return std::unique_ptr<ControlServer>(new ControlServer(path, fd, wake));
}

void ControlServer::start(Handler handler)
{
    m_handler = std::move(handler);
    m_thread = std::thread([this] { serve(); });
}

void ControlServer::stop()
{
    if (m_thread.joinable()) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
        m_thread.join();
    }
    if (m_listenFd >= 0) {
        ::close(m_listenFd);
        ::unlink(m_path.c_str());
        m_listenFd = -1;
    }
    if (m_wakeFd >= 0) {
        ::close(m_wakeFd);
        m_wakeFd = -1;
    }
}

void ControlServer::serve()
{
    std::vector<Client> clients;
    std::vector<pollfd> fds;
    for (;;) {
        fds.clear();
        fds.push_back({m_wakeFd, POLLIN, 0});
        fds.push_back({m_listenFd, static_cast<short>(clients.size() < kMaxClients ? POLLIN : 0), 0});
        for (const Client &c : clients)
            fds.push_back({c.fd, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[0].revents != 0)
            break;
        if ((fds[1].revents & POLLIN) != 0) {
            const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0)
                clients.push_back({fd, {}});
        }
        // Walk the clients polled this round (accept may have appended one).
        for (std::size_t i = fds.size() - 1; i >= 2; --i) {
            if (fds[i].revents == 0)
                continue;
            Client &c = clients[i - 2];
            char buf[1024];
            const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            bool close = n <= 0;
            if (n > 0) {
                c.pending.append(buf, static_cast<std::size_t>(n));
                std::size_t nl;
                while (!close && (nl = c.pending.find('\n')) != std::string::npos) {
                    const std::string reply = m_handler(std::string_view(c.pending).substr(0, nl)) + "\n";
                    c.pending.erase(0, nl + 1);
                    close = !sendAll(c.fd, reply);
                }
                if (c.pending.size() > kMaxLine) {
                    (void)sendAll(c.fd,
                                  errorReply("request longer than " + std::to_string(kMaxLine) + " bytes") + "\n");
                    close = true;
                }
            }
            if (close) {
                ::close(c.fd);
                clients.erase(clients.begin() + static_cast<std::ptrdiff_t>(i - 2));
            }
        }
    }
    for (const Client &c : clients)
        ::close(c.fd);
}

core::Result<std::string> sendControlRequest(const std::filesystem::path &path, std::string_view line)
{
    auto addr = addressOf(path);
    if (!addr)
        return addr.error();
    const int fd = connectTo(*addr);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot connect to the control socket " + path.string(),
                                "is the disk mounted? (spillway-labfs mount ... --control " + path.string() + ")");
    // A daemon always answers at once (faults never delay the control thread).
    timeval tv{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string request(line);
    request += '\n';
    if (!sendAll(fd, request)) {
        const int err = errno;
        ::close(fd);
        return Error::fromErrno(err, "cannot send to the control socket " + path.string());
    }
    std::string reply;
    char buf[1024];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : 0;
            ::close(fd);
            if (err != 0)
                return Error::fromErrno(err, "no reply on the control socket " + path.string());
            return makeError(Errc::Io, "the daemon closed the control socket " + path.string() + " without a reply");
        }
        reply.append(buf, static_cast<std::size_t>(n));
        if (const auto nl = reply.find('\n'); nl != std::string::npos) {
            reply.resize(nl);
            break;
        }
    }
    ::close(fd);
    return reply;
}

} // namespace spillway::labfs
