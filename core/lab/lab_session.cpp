// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/lab_session.h"

#include "core/common/fileio.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace spillway::lab {

std::uintmax_t fileSizeOrZero(const std::filesystem::path &file)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    return ec ? 0 : size;
}

std::string lastLines(const std::string &text, std::size_t lines)
{
    std::string trimmed = text;
    while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' '))
        trimmed.pop_back();
    std::size_t start = trimmed.size();
    for (std::size_t n = 0; n < lines && start > 0; ++n) {
        const auto nl = trimmed.rfind('\n', start - 1);
        start = nl == std::string::npos ? 0 : nl;
        if (nl == std::string::npos)
            break;
    }
    std::string out = trimmed.substr(start);
    if (!out.empty() && out.front() == '\n')
        out.erase(0, 1);
    return out;
}

LabSession::LabSession(LabLayout layout, LabBinaries binaries, Reporter reporter)
    : m_layout(std::move(layout))
    , m_binaries(std::move(binaries))
    , m_reporter(std::move(reporter))
{}

LabSession::~LabSession()
{
    if (m_lockFd >= 0)
        ::close(m_lockFd); // releases the flock
}

Result<std::unique_ptr<LabSession>> LabSession::open(const std::filesystem::path &root, LabBinaries binaries,
                                                     Reporter reporter, bool create)
{
    std::unique_ptr<LabSession> s(new LabSession(LabLayout(root), std::move(binaries), std::move(reporter)));
    std::error_code ec;
    if (create) {
        std::filesystem::create_directories(s->m_layout.logsDir(), ec);
        if (ec)
            return Error::fromErrno(ec.value(), "cannot create the lab root " + root.string());
    } else if (!std::filesystem::exists(s->m_layout.configFile(), ec)) {
        // Only `lab up` creates a lab; nothing else leaves files in a stranger's folder.
        return makeError(Errc::NotFound, "there is no lab at " + root.string(),
                         "create one with spillway-cli lab up (or pass the --root it was made with)");
    }
    s->m_lockFd = ::open(s->m_layout.lockFile().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (s->m_lockFd < 0)
        return Error::fromErrno(errno, "cannot open " + s->m_layout.lockFile().string());
    bool told = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (::flock(s->m_lockFd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR)
            return Error::fromErrno(errno, "cannot lock " + s->m_layout.lockFile().string());
        if (std::chrono::steady_clock::now() > deadline)
            return makeError(Errc::Locked,
                             "another lab command has held " + s->m_layout.lockFile().string() + " for 5 minutes");
        if (!told)
            s->say("waiting for another lab command to finish (" + s->m_layout.lockFile().string() + ")");
        told = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (std::filesystem::exists(s->m_layout.configFile(), ec)) {
        auto config = LabConfig::read(s->m_layout.configFile());
        if (!config)
            return config.error();
        s->m_config = *config;
    }
    auto state = LabState::read(s->m_layout.stateFile());
    if (!state)
        return state.error();
    s->m_state = std::move(*state);
    return s;
}

Status LabSession::setConfig(const LabConfig &config)
{
    m_config = config;
    return config.write(m_layout.configFile());
}

LabState &LabSession::ensureState(DiskMode mode)
{
    if (!m_state) {
        m_state = LabState{};
        m_state->mode = mode;
    }
    return *m_state;
}

Status LabSession::saveState()
{
    if (!m_state)
        return removeState();
    return m_state->write(m_layout.stateFile());
}

Status LabSession::removeState()
{
    m_state.reset();
    std::error_code ec;
    std::filesystem::remove(m_layout.stateFile(), ec);
    if (ec)
        return Error::fromErrno(ec.value(), "cannot remove " + m_layout.stateFile().string());
    return {};
}

void LabSession::say(const std::string &line) const
{
    if (m_reporter)
        m_reporter(line);
}

std::string LabSession::logSince(const std::filesystem::path &file, std::uintmax_t offset) const
{
    auto text = core::readFile(file);
    if (!text || text->size() < offset)
        return {};
    return text->substr(static_cast<std::size_t>(offset));
}

Result<bool> LabSession::probeFuse(std::string &reason)
{
    std::error_code ec;
    if (!std::filesystem::exists(m_binaries.labfs, ec)) {
        reason = "spillway-labfs is not installed next to spillway-cli (" + m_binaries.labfs.string() + ")";
        return false;
    }
    const auto offset = fileSizeOrZero(m_layout.labfsLog());
    auto code = runToCompletion({m_binaries.labfs.string(), "probe"}, m_layout.labfsLog(), std::chrono::seconds(20));
    if (!code)
        return code.error();
    if (*code == 0)
        return true;
    reason = lastLines(logSince(m_layout.labfsLog(), offset), 1);
    if (reason.empty())
        reason = "spillway-labfs probe exited with " + std::to_string(*code);
    return false;
}

} // namespace spillway::lab
