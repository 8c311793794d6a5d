// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/fileio.h"

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spillway::core {
namespace {

class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    [[nodiscard]] int get() const { return m_fd; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd;
};

} // namespace

Result<std::string> readFile(const std::filesystem::path &path)
{
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0)
        return Error::fromErrno(errno, "cannot open " + path.string());
    std::string out;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Error::fromErrno(errno, "cannot read " + path.string());
        }
        if (n == 0)
            break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

Status fsyncDirectory(const std::filesystem::path &dir)
{
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0)
        return Error::fromErrno(errno, "cannot open directory " + dir.string());
    if (::fsync(fd.get()) != 0)
        return Error::fromErrno(errno, "cannot fsync directory " + dir.string());
    return {};
}

std::string utcFileStamp()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

namespace {

/// A new file (O_EXCL) with the mode and owner of `like`, written and fsynced;
/// removed again on any failure.
Status writeNewFileLike(const std::filesystem::path &path, std::string_view data, const struct stat &like)
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
    // Changing the owner needs privileges; without them the file stays
    // ours, as any edit would.
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

Result<std::filesystem::path> replaceFileKeepingBackup(const std::filesystem::path &file, std::string_view expected,
                                                       std::string_view text, const ChangedOnDisk &changed,
                                                       std::string stamp)
{
    auto onDisk = readFile(file);
    if (!onDisk)
        return onDisk.error();
    if (*onDisk != expected)
        return makeError(Errc::InvalidArgument, file.string() + " changed on disk " + changed.since, changed.hint);
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
        return Error::fromErrno(errno, "cannot stat " + file.string());
    const auto dir = file.parent_path();
    if (stamp.empty())
        stamp = utcFileStamp();
    const std::string base = file.filename().string() + ".spillway-backup-" + stamp;
    std::filesystem::path backup = dir / base;
    std::error_code ec;
    for (int n = 2; std::filesystem::exists(backup, ec); ++n)
        backup = dir / (base + "-" + std::to_string(n));
    if (auto s = writeNewFileLike(backup, expected, st); !s)
        return s.error();
    auto tmp = file;
    tmp += ".spillway-tmp";
    ::unlink(tmp.c_str()); // a leftover of a crash during an earlier edit
    if (auto s = writeNewFileLike(tmp, text, st); !s)
        return s.error();
    if (::rename(tmp.c_str(), file.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return Error::fromErrno(err, "cannot rename " + tmp.string() + " to " + file.string());
    }
    if (auto s = fsyncDirectory(dir); !s)
        return s.error();
    return backup;
}

Status writeFileAtomic(const std::filesystem::path &path, std::string_view data, std::string_view tempSuffix)
{
    std::filesystem::path tmp = path;
    tmp += std::string(tempSuffix);
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0)
        return Error::fromErrno(errno, "cannot create " + tmp.string());
    const char *p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
        const ssize_t n = ::write(fd.get(), p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            ::unlink(tmp.c_str());
            return Error::fromErrno(err, "cannot write " + tmp.string());
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return Error::fromErrno(err, "cannot fsync " + tmp.string());
    }
    if (::close(fd.release()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return Error::fromErrno(err, "cannot close " + tmp.string());
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return Error::fromErrno(err, "cannot rename " + tmp.string() + " to " + path.string());
    }
    const auto parent = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    return fsyncDirectory(parent);
}

Result<bool> isFileLockedByOtherProcess(const std::filesystem::path &lockFile)
{
    Fd fd(::open(lockFile.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT)
            return false;
        return Error::fromErrno(errno, "cannot open " + lockFile.string());
    }
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0;
    if (::fcntl(fd.get(), F_GETLK, &fl) != 0)
        return Error::fromErrno(errno, "cannot query lock on " + lockFile.string());
    return fl.l_type != F_UNLCK;
}

MappedFile::MappedFile(MappedFile &&other) noexcept : m_data(other.m_data), m_size(other.m_size)
{
    other.m_data = nullptr;
    other.m_size = 0;
}

MappedFile &MappedFile::operator=(MappedFile &&other) noexcept
{
    if (this != &other) {
        reset();
        m_data = other.m_data;
        m_size = other.m_size;
        other.m_data = nullptr;
        other.m_size = 0;
    }
    return *this;
}

MappedFile::~MappedFile() { reset(); }

void MappedFile::reset() noexcept
{
    if (m_data != nullptr && m_size > 0)
        ::munmap(const_cast<std::byte *>(m_data), m_size);
    m_data = nullptr;
    m_size = 0;
}

Result<MappedFile> MappedFile::open(const std::filesystem::path &path)
{
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0)
        return Error::fromErrno(errno, "cannot open " + path.string());
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return Error::fromErrno(errno, "cannot stat " + path.string());
    MappedFile mf;
    if (st.st_size == 0)
        return mf;
    void *p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_SHARED, fd.get(), 0);
    if (p == MAP_FAILED)
        return Error::fromErrno(errno, "cannot map " + path.string());
    ::madvise(p, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
    mf.m_data = static_cast<const std::byte *>(p);
    mf.m_size = static_cast<std::size_t>(st.st_size);
    return mf;
}

} // namespace spillway::core
