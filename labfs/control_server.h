// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace spillway::labfs {

/// The control socket of a mounted disk: a Unix stream socket (mode 0600)
/// outside the mount. Each client sends text lines and gets one reply line
/// per request from `Handler`, several requests per connection. Serves on
/// its own thread from start() until stop(), which also removes the socket
/// file. The handler runs on that thread and must not touch the mount.
class ControlServer {
public:
    using Handler = std::function<std::string(std::string_view line)>;

    /// Binds and listens on `path`. A stale socket left by a dead daemon is
    /// replaced; a live one (a daemon answers) is an error naming it.
    static core::Result<std::unique_ptr<ControlServer>> listen(const std::filesystem::path &path);

    ~ControlServer();
    ControlServer(const ControlServer &) = delete;
    ControlServer &operator=(const ControlServer &) = delete;

    void start(Handler handler);
    /// Stops the thread (if started), closes the socket and unlinks it.
    void stop();
    [[nodiscard]] const std::filesystem::path &path() const noexcept { return m_path; }

private:
    ControlServer(std::filesystem::path path, int listenFd, int wakeFd);
    void serve();

    std::filesystem::path m_path;
    int m_listenFd = -1;
    int m_wakeFd = -1; // eventfd: stop() wakes the poll loop
    Handler m_handler;
    std::thread m_thread;
};

/// Sends one request line to the control socket at `path` and returns the
/// reply line (without its newline). Errors name the socket and the cause.
core::Result<std::string> sendControlRequest(const std::filesystem::path &path, std::string_view line);

} // namespace spillway::labfs
