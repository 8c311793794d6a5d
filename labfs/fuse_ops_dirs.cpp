// SPDX-License-Identifier: GPL-3.0-or-later
// Operations on directories and names: mkdir, mknod, unlink, rmdir, rename,
// link/symlink (refused), and reading directories.
#include "labfs/fuse_ops.h"

#include <cerrno>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <unistd.h>

namespace spillway::labfs::fuseops {

using Access = LabFilesystem::Access;

namespace {

/// Creates a name with `make` after reserving `cost`; replies with the new
/// entry or the error (giving the reservation back).
template <class Make>
void createNamed(fuse_req_t req, fuse_ino_t parent, const char *name, std::int64_t cost, Make make)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Modify))
        return (void)fuse_reply_err(req, err);
    if (!validName(name))
        return (void)fuse_reply_err(req, EINVAL);
    if (!fs.ledger().tryReserve(cost))
        return (void)fuse_reply_err(req, ENOSPC);
    const Inode &dir = inodeOf(req, parent);
    if (make(dir.fd, name) != 0) {
        const int err = errno;
        fs.ledger().adjust(-cost);
        return (void)fuse_reply_err(req, err);
    }
    ++fs.entries;
    fuse_entry_param entry{};
    if (const int err = lookupEntry(fs, dir, name, entry))
        return (void)fuse_reply_err(req, err);
    if (fuse_reply_entry(req, &entry) != 0)
        fs.inodes().forget(entry.ino, 1);
}

void onMkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
    createNamed(req, parent, name, kDirOverhead,
                [mode](int dirFd, const char *n) { return ::mkdirat(dirFd, n, mode); });
}

void onMknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t /*rdev*/)
{
    // Regular files only: devices, FIFOs and sockets have no place on a Kafka disk.
    if (!S_ISREG(mode)) {
        if (const int err = fsOf(req).enter(Access::Modify))
            return (void)fuse_reply_err(req, err);
        return (void)fuse_reply_err(req, EPERM);
    }
    createNamed(req, parent, name, kFileOverhead,
                [mode](int dirFd, const char *n) { return ::mknodat(dirFd, n, mode, 0); });
}

void onSymlink(fuse_req_t req, const char * /*link*/, fuse_ino_t /*parent*/, const char * /*name*/)
{
    // Refused: Kafka needs none, and a symlink is the classic way out of the backing directory.
    if (const int err = fsOf(req).enter(Access::Modify))
        return (void)fuse_reply_err(req, err);
    fuse_reply_err(req, EPERM);
}

void onLink(fuse_req_t req, fuse_ino_t /*ino*/, fuse_ino_t /*newparent*/, const char * /*newname*/)
{
    // Refused: one name per file keeps the space accounting exact.
    if (const int err = fsOf(req).enter(Access::Modify))
        return (void)fuse_reply_err(req, err);
    fuse_reply_err(req, EPERM);
}

/// Removes `name` (a directory when `dir`), giving its space back.
int removeName(LabFilesystem &fs, const Inode &parent, const char *name, bool dir)
{
    if (!validName(name))
        return EINVAL;
    struct stat st {};
    if (::fstatat(parent.fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno;
    const auto node = fs.inodes().find(st.st_ino, st.st_dev);
    std::unique_lock<std::mutex> lock;
    if (node)
        lock = std::unique_lock(node->io);
    // Stat again under the lock: a write may have grown it meanwhile.
    if (::fstatat(parent.fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno;
    if (::unlinkat(parent.fd, name, dir ? AT_REMOVEDIR : 0) != 0)
        return errno;
    releaseRemovedEntry(fs, st, node.get());
    return 0;
}

void onUnlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Modify))
        return (void)fuse_reply_err(req, err);
    fuse_reply_err(req, removeName(fs, inodeOf(req, parent), name, false));
}

void onRmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Modify))
        return (void)fuse_reply_err(req, err);
    fuse_reply_err(req, removeName(fs, inodeOf(req, parent), name, true));
}

void onRename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname,
              unsigned int flags)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Modify))
        return (void)fuse_reply_err(req, err);
    if (!validName(name) || !validName(newname))
        return (void)fuse_reply_err(req, EINVAL);
    const Inode &from = inodeOf(req, parent);
    const Inode &to = inodeOf(req, newparent);
    // A rename over an existing entry frees it: find it first, and hold its
    // inode still while the rename happens.
    struct stat source {};
    struct stat target {};
    if (::fstatat(from.fd, name, &source, AT_SYMLINK_NOFOLLOW) != 0)
        return (void)fuse_reply_err(req, errno);
    const bool replaces = (flags & RENAME_EXCHANGE) == 0 &&
                          ::fstatat(to.fd, newname, &target, AT_SYMLINK_NOFOLLOW) == 0 &&
                          !(target.st_ino == source.st_ino && target.st_dev == source.st_dev);
    std::shared_ptr<Inode> node;
    std::unique_lock<std::mutex> lock;
    if (replaces) {
        node = fs.inodes().find(target.st_ino, target.st_dev);
        if (node)
            lock = std::unique_lock(node->io);
        if (::fstatat(to.fd, newname, &target, AT_SYMLINK_NOFOLLOW) != 0)
            return (void)fuse_reply_err(req, errno);
    }
    if (::renameat2(from.fd, name, to.fd, newname, flags) != 0)
        return (void)fuse_reply_err(req, errno);
    if (replaces)
        releaseRemovedEntry(fs, target, node.get());
    fuse_reply_err(req, 0);
}

/// An open directory: the stream and where the kernel last read up to.
struct DirHandle {
    DIR *dir = nullptr;
    off_t offset = 0;
    dirent *pending = nullptr; ///< read from the stream but not yet sent (did not fit)
    std::mutex mutex;
    ~DirHandle()
    {
        if (dir != nullptr)
            ::closedir(dir);
    }
};

DirHandle &dirOf(const fuse_file_info *fi)
{
    return *reinterpret_cast<DirHandle *>(static_cast<std::uintptr_t>(fi->fh));
}

void onOpendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Read))
        return (void)fuse_reply_err(req, err);
    const int fd = ::openat(inodeOf(req, ino).fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return (void)fuse_reply_err(req, errno);
    auto handle = std::make_unique<DirHandle>();
    handle->dir = ::fdopendir(fd);
    if (handle->dir == nullptr) {
        const int err = errno;
        ::close(fd);
        return (void)fuse_reply_err(req, err);
    }
    fi->fh = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(handle.get()));
    if (fuse_reply_open(req, fi) == 0)
        (void)handle.release(); // owned by the kernel's handle until releasedir
}

void onReaddir(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t offset, fuse_file_info *fi)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Read))
        return (void)fuse_reply_err(req, err);
    DirHandle &d = dirOf(fi);
    std::string buf(size, '\0');
    std::size_t used = 0;
    int err = 0;
    {
        std::lock_guard lock(d.mutex);
        if (offset != d.offset) {
            ::seekdir(d.dir, offset);
            d.pending = nullptr;
            d.offset = offset;
        }
        for (;;) {
            if (d.pending == nullptr) {
                errno = 0;
                d.pending = ::readdir(d.dir);
                if (d.pending == nullptr) {
                    if (errno != 0 && used == 0)
                        err = errno;
                    break;
                }
            }
            struct stat st {};
            st.st_ino = d.pending->d_ino;
            st.st_mode = static_cast<mode_t>(DTTOIF(d.pending->d_type));
            const off_t next = d.pending->d_off;
            const std::size_t n = fuse_add_direntry(req, buf.data() + used, size - used, d.pending->d_name, &st, next);
            if (n > size - used)
                break; // does not fit: it stays pending for the next call
            used += n;
            d.pending = nullptr;
            d.offset = next;
        }
    }
    // Reply only once `d` is no longer touched (its mutex unlocked): as soon
    // as the kernel has the reply, the program may close the directory and
    // another worker may run releasedir, which deletes `d`.
    if (err != 0)
        return (void)fuse_reply_err(req, err);
    fuse_reply_buf(req, buf.data(), used);
}

void onReleasedir(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info *fi)
{
    delete &dirOf(fi);
    fuse_reply_err(req, 0);
}

void onFsyncdir(fuse_req_t req, fuse_ino_t /*ino*/, int datasync, fuse_file_info *fi)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Read))
        return (void)fuse_reply_err(req, err);
    const int fd = ::dirfd(dirOf(fi).dir);
    const int rc = datasync != 0 ? ::fdatasync(fd) : ::fsync(fd);
    fuse_reply_err(req, rc == 0 ? 0 : errno);
}

} // namespace

void addDirOps(fuse_lowlevel_ops &ops)
{
    ops.mkdir = onMkdir;
    ops.mknod = onMknod;
    ops.symlink = onSymlink;
    ops.link = onLink;
    ops.unlink = onUnlink;
    ops.rmdir = onRmdir;
    ops.rename = onRename;
    ops.opendir = onOpendir;
    ops.readdir = onReaddir;
    ops.releasedir = onReleasedir;
    ops.fsyncdir = onFsyncdir;
}

} // namespace spillway::labfs::fuseops
