// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/broker_log_tail.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spillway::core {
namespace {

constexpr std::uint64_t kSeedBytes = 256 * 1024;
constexpr std::uint64_t kMaxReadPerPoll = 1024 * 1024;

std::uint64_t fileSize(const std::filesystem::path &file)
{
    struct stat st {};
    return ::stat(file.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

/// Reads [from, to) of `file`; short when the file shrank meanwhile.
std::string readRange(const std::filesystem::path &file, std::uint64_t from, std::uint64_t to)
{
    std::string out;
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || to <= from) {
        if (fd >= 0)
            ::close(fd);
        return out;
    }
    out.resize(static_cast<std::size_t>(to - from));
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(from + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    out.resize(done);
    return out;
}

std::filesystem::path rotated(const std::filesystem::path &file, int n)
{
    auto p = file;
    p += "." + std::to_string(n);
    return p;
}

std::vector<std::string> splitLines(std::string_view text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            out.emplace_back(text.substr(start));
            break;
        }
        out.emplace_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return out;
}

} // namespace

BrokerLogTail::BrokerLogTail(std::filesystem::path file) : BrokerLogTail(std::move(file), Limits{}) {}

BrokerLogTail::BrokerLogTail(std::filesystem::path file, Limits limits) : m_file(std::move(file)), m_limits(limits) {}

void BrokerLogTail::addLine(std::string line, std::vector<std::string> &fresh)
{
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    if (line.size() > m_limits.maxLineBytes)
        line.resize(m_limits.maxLineBytes);
    m_lines.push_back(line);
    while (m_lines.size() > m_limits.maxLines)
        m_lines.pop_front();
    fresh.push_back(std::move(line));
}

void BrokerLogTail::seedFromFile()
{
    m_lines.clear();
    m_partial.clear();
    const auto size = fileSize(m_file);
    const auto from = size > kSeedBytes ? size - kSeedBytes : 0;
    std::string text = readRange(m_file, from, size);
    m_offset = from + text.size(); // follow from the end
    if (from > 0) {
        const auto nl = text.find('\n');
        text.erase(0, nl == std::string::npos ? text.size() : nl + 1);
    }
    std::vector<std::string> ignored;
    const bool complete = text.empty() || text.back() == '\n';
    auto lines = splitLines(text);
    if (!complete && !lines.empty()) {
        m_partial = std::move(lines.back());
        lines.pop_back();
    }
    for (auto &l : lines)
        addLine(std::move(l), ignored);
}

std::vector<std::string> BrokerLogTail::poll()
{
    std::vector<std::string> fresh;
    const auto size = fileSize(m_file);
    if (size < m_offset) { // truncated by a rotation
        m_offset = 0;
        m_partial.clear();
    }
    if (size == m_offset)
        return fresh;
    auto from = m_offset;
    bool skipFirst = false;
    if (size - from > kMaxReadPerPoll) { // a flood: only the tail matters
        from = size - kMaxReadPerPoll;
        m_partial.clear();
        skipFirst = true;
    }
    std::string text = readRange(m_file, from, size);
    m_offset = from + text.size();
    if (skipFirst) {
        const auto nl = text.find('\n');
        text.erase(0, nl == std::string::npos ? text.size() : nl + 1);
    }
    text.insert(0, m_partial);
    m_partial.clear();
    const bool complete = text.empty() || text.back() == '\n';
    auto lines = splitLines(text);
    if (!complete && !lines.empty()) {
        m_partial = std::move(lines.back());
        lines.pop_back();
        if (m_partial.size() > m_limits.maxLineBytes) { // no newline for ages: emit what we have
            lines.push_back(std::move(m_partial));
            m_partial.clear();
        }
    }
    for (auto &l : lines)
        addLine(std::move(l), fresh);
    return fresh;
}

Status BrokerLogTail::appendNote(std::string_view line)
{
    std::error_code ec;
    std::filesystem::create_directories(m_file.parent_path(), ec);
    const int fd = ::open(m_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot open " + m_file.string());
    std::string text(line);
    text += '\n';
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const int err = errno;
    ::close(fd);
    if (!ok)
        return Error::fromErrno(err, "cannot write " + m_file.string());
    return {};
}

Status BrokerLogTail::rotateIfNeeded()
{
    if (fileSize(m_file) <= m_limits.maxFileBytes)
        return {};
    poll(); // keep what the ring has not seen yet
    std::error_code ec;
    std::filesystem::remove(rotated(m_file, m_limits.keptFiles), ec);
    for (int n = m_limits.keptFiles - 1; n >= 1; --n)
        if (std::filesystem::exists(rotated(m_file, n), ec))
            std::filesystem::rename(rotated(m_file, n), rotated(m_file, n + 1), ec);
    if (m_limits.keptFiles >= 1) {
        std::filesystem::copy_file(m_file, rotated(m_file, 1), std::filesystem::copy_options::overwrite_existing, ec);
        if (ec)
            return makeError(Errc::Io, "cannot rotate " + m_file.string() + ": " + ec.message());
    }
    if (::truncate(m_file.c_str(), 0) != 0)
        return Error::fromErrno(errno, "cannot truncate " + m_file.string());
    m_offset = 0;
    m_partial.clear();
    return {};
}

std::vector<std::string> BrokerLogTail::lastLines(std::size_t n) const
{
    const auto count = std::min(n, m_lines.size());
    return {m_lines.end() - static_cast<std::ptrdiff_t>(count), m_lines.end()};
}

Result<std::vector<std::string>> BrokerLogTail::readLastLines(const std::filesystem::path &file, std::size_t n)
{
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        return makeError(Errc::NotFound, "no process log yet: " + file.string(),
                         "the log starts when Spillway starts the broker");
    std::vector<std::string> out;
    for (const auto &f : {file, rotated(file, 1)}) {
        const auto size = fileSize(f);
        // Average Kafka log lines are ~150 bytes; read generously.
        const std::uint64_t want = std::min<std::uint64_t>(size, std::max<std::uint64_t>(64 * 1024, n * 1024));
        std::string text = readRange(f, size - want, size);
        if (want < size) {
            const auto nl = text.find('\n');
            text.erase(0, nl == std::string::npos ? text.size() : nl + 1);
        }
        auto lines = splitLines(text);
        lines.insert(lines.end(), out.begin(), out.end());
        out = std::move(lines);
        if (out.size() >= n)
            break;
    }
    if (out.size() > n)
        out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(n));
    return out;
}

} // namespace spillway::core
