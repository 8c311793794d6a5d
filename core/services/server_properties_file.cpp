// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/server_properties_file.h"

#include "core/common/fileio.h"

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spillway::core {
namespace {

std::string utcNow()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

/// Writes `data` to a new file `path` (O_EXCL) with `mode`, and fsyncs it.
Status writeNewFile(const std::filesystem::path &path, std::string_view data, const struct stat &like)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot create " + path.string());
    auto fail = [&](const std::string &what) {
        const int err = errno;
        ::close(fd);
        ::unlink(path.c_str());
        return Error::fromErrno(err, what + " " + path.string());
    };
    // server.properties may hold SASL/TLS passwords: the copy gets the
    // original's mode and owner, never the umask's default. Changing the
    // owner needs privileges; without them the file stays ours, as any edit would.
    if (::fchmod(fd, like.st_mode & 07777) != 0)
        return fail("cannot set the mode of");
    if (::fchown(fd, like.st_uid, like.st_gid) != 0 && errno != EPERM)
        return fail("cannot set the owner of");
    for (std::size_t done = 0; done < data.size();) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail("cannot write");
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0)
        return fail("cannot fsync");
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(path.c_str());
        return Error::fromErrno(err, "cannot close " + path.string());
    }
    return {};
}

} // namespace

Result<ServerPropertiesFile> ServerPropertiesFile::load(const std::filesystem::path &path)
{
    std::error_code ec;
    // Edit the real file behind a symlink (/etc/kafka/server.properties ->
    // ...): renaming over the link would replace it with a regular file.
    auto real = std::filesystem::canonical(path, ec);
    if (ec)
        return makeError(ec == std::errc::no_such_file_or_directory ? Errc::NotFound : Errc::Io,
                         "cannot open " + path.string() + ": " + ec.message());
    auto text = readFile(real);
    if (!text)
        return text.error();
    auto doc = PropertiesDocument::parse(*text);
    if (!doc)
        return makeError(Errc::Corrupt, real.string() + ": " + doc.error().message);
    ServerPropertiesFile f;
    f.m_path = std::move(real);
    f.m_original = std::move(*text);
    f.m_loaded = *doc;
    f.m_doc = std::move(*doc);
    return f;
}

std::vector<PropertyChange> ServerPropertiesFile::changes() const
{
    std::vector<PropertyChange> out;
    auto consider = [&](const std::string &key) {
        for (const auto &c : out)
            if (c.key == key)
                return;
        auto before = m_loaded.get(key);
        auto after = m_doc.get(key);
        if (before != after)
            out.push_back({key, std::move(before), std::move(after)});
    };
    for (const auto &k : m_loaded.keys())
        consider(k);
    for (const auto &k : m_doc.keys())
        consider(k);
    return out;
}

std::string ServerPropertiesFile::diffSummary() const
{
    std::string out;
    for (const auto &c : changes()) {
        if (!c.before)
            out += "+ " + c.key + "=" + *c.after + "\n";
        else if (!c.after)
            out += "- " + c.key + " (was " + *c.before + ")\n";
        else
            out += c.key + ": " + *c.before + " -> " + *c.after + "\n";
    }
    return out;
}

std::string ServerPropertiesFile::backupName(const std::filesystem::path &file, const std::string &utcTime)
{
    return file.filename().string() + ".spillway-backup-" + utcTime;
}

Result<ServerPropertiesFile::Saved> ServerPropertiesFile::save(std::optional<std::string> backupTime)
{
    Saved saved;
    saved.file = m_path;
    saved.changes = changes();
    const std::string newText = m_doc.serialize();
    if (newText == m_original)
        return saved;

    auto onDisk = readFile(m_path);
    if (!onDisk)
        return onDisk.error();
    if (*onDisk != m_original)
        return makeError(Errc::InvalidArgument, m_path.string() + " changed on disk since it was opened",
                         "reload it and make the edit again");
    struct stat st {};
    if (::stat(m_path.c_str(), &st) != 0)
        return Error::fromErrno(errno, "cannot stat " + m_path.string());

    const auto dir = m_path.parent_path();
    const std::string stamp = backupTime.value_or(utcNow());
    std::filesystem::path backup = dir / backupName(m_path, stamp);
    std::error_code ec;
    for (int n = 2; std::filesystem::exists(backup, ec); ++n)
        backup = dir / (backupName(m_path, stamp) + "-" + std::to_string(n));
    if (auto s = writeNewFile(backup, m_original, st); !s)
        return s.error();

    auto tmp = m_path;
    tmp += ".spillway-tmp";
    ::unlink(tmp.c_str()); // a leftover of a crash during an earlier save
    if (auto s = writeNewFile(tmp, newText, st); !s)
        return s.error();
    if (::rename(tmp.c_str(), m_path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return Error::fromErrno(err, "cannot rename " + tmp.string() + " to " + m_path.string());
    }
    if (auto s = fsyncDirectory(dir); !s)
        return s.error();
    m_original = newText;
    m_loaded = m_doc;
    saved.backup = std::move(backup);
    return saved;
}

} // namespace spillway::core
