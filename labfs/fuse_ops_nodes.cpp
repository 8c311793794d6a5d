// SPDX-License-Identifier: GPL-3.0-or-later
// Operations on inodes as such: init, lookup/forget, getattr/setattr,
// statfs, readlink; and the helpers the other groups share.
#include "labfs/fuse_ops.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/statvfs.h>
#include <unistd.h>

namespace spillway::labfs::fuseops {

using Access = LabFilesystem::Access;

std::string procPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

bool validName(const char *name) noexcept
{
    return name != nullptr && *name != '\0' && std::strcmp(name, ".") != 0 && std::strcmp(name, "..") != 0 &&
           std::strchr(name, '/') == nullptr;
}

int lookupEntry(LabFilesystem &fs, const Inode &parent, const char *name, fuse_entry_param &entry)
{
    if (!validName(name))
        return EINVAL;
    // O_NOFOLLOW: a symlink is opened as itself, never followed.
    const int fd = ::openat(parent.fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct stat st {};
    if (::fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) {
        const int err = errno;
        ::close(fd);
        return err;
    }
    Inode &inode = fs.inodes().ref(fd, st);
    entry = {};
    entry.ino = fs.inodes().idOf(inode);
    entry.attr = st;
    entry.attr_timeout = kCacheTimeout;
    entry.entry_timeout = kCacheTimeout;
    return 0;
}

void releaseRemovedEntry(LabFilesystem &fs, const struct stat &st, Inode *node)
{
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1)
        return; // another name still holds the data
    --fs.entries;
    if (!S_ISDIR(st.st_mode) && node != nullptr && node->openCount > 0) {
        node->orphan = true; // freed by the last release
        return;
    }
    fs.ledger().adjust(-entryCost(st));
}

namespace {

void onInit(void *userdata, fuse_conn_info *conn)
{
    auto *fs = static_cast<LabFilesystem *>(userdata);
    // Every write reaches us before write() returns, so ENOSPC and EIO are
    // synchronous and fsync is honest: no writeback cache. File locks
    // (fcntl and flock) are kept by the kernel itself, which is exact for a
    // disk that only this machine mounts.
    conn->want &= ~(FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_POSIX_LOCKS | FUSE_CAP_FLOCK_LOCKS);
    // Let the kernel send big writes; libfuse caps this at its buffer size.
    conn->max_write = 1U << 20;
    // No splice: asking libfuse 3.14 to splice requests measured no faster
    // than reading them into its buffer (docs/performance.md, "Lab disks").
    conn->want &= ~(FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE);
    fs->signalReady();
}

void onLookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Read))
        return (void)fuse_reply_err(req, err);
    fuse_entry_param entry{};
    if (const int err = lookupEntry(fs, inodeOf(req, parent), name, entry))
        return (void)fuse_reply_err(req, err);
    if (fuse_reply_entry(req, &entry) != 0)
        fs.inodes().forget(entry.ino, 1);
}

void onForget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    fsOf(req).inodes().forget(ino, nlookup);
    fuse_reply_none(req);
}

void onForgetMulti(fuse_req_t req, size_t count, fuse_forget_data *forgets)
{
    for (size_t i = 0; i < count; ++i)
        fsOf(req).inodes().forget(forgets[i].ino, forgets[i].nlookup);
    fuse_reply_none(req);
}

int statOf(const Inode &inode, const fuse_file_info *fi, struct stat &st)
{
    const int rc = fi != nullptr ? ::fstat(static_cast<int>(fi->fh), &st)
                                 : ::fstatat(inode.fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
    return rc == 0 ? 0 : errno;
}

void onGetattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Read))
        return (void)fuse_reply_err(req, err);
    struct stat st {};
    if (const int err = statOf(inodeOf(req, ino), fi, st))
        return (void)fuse_reply_err(req, err);
    fuse_reply_attr(req, &st, kCacheTimeout);
}

int truncateTo(LabFilesystem &fs, Inode &inode, const fuse_file_info *fi, off_t size)
{
    // Growing a file leaves a hole (nothing allocated, as on ext4: Kafka
    // preallocates its indexes this way); shrinking frees blocks.
    std::lock_guard lock(inode.io);
    struct stat before {};
    if (const int err = statOf(inode, fi, before))
        return err;
    const int rc =
        fi != nullptr ? ::ftruncate(static_cast<int>(fi->fh), size) : ::truncate(procPath(inode.fd).c_str(), size);
    const int err = rc == 0 ? 0 : errno;
    struct stat after {};
    if (statOf(inode, fi, after) == 0)
        fs.ledger().adjust(allocatedBytes(after) - allocatedBytes(before));
    return err;
}

timespec timeFor(int toSet, int setFlag, int nowFlag, const timespec &value)
{
    if ((toSet & nowFlag) != 0)
        return {0, UTIME_NOW};
    if ((toSet & setFlag) != 0)
        return value;
    return {0, UTIME_OMIT};
}

void onSetattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int toSet, fuse_file_info *fi)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Modify))
        return (void)fuse_reply_err(req, err);
    Inode &inode = inodeOf(req, ino);
    const int fh = fi != nullptr ? static_cast<int>(fi->fh) : -1;
    if ((toSet & FUSE_SET_ATTR_MODE) != 0) {
        const int rc = fh >= 0 ? ::fchmod(fh, attr->st_mode) : ::chmod(procPath(inode.fd).c_str(), attr->st_mode);
        if (rc != 0)
            return (void)fuse_reply_err(req, errno);
    }
    if ((toSet & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) != 0) {
        const uid_t uid = (toSet & FUSE_SET_ATTR_UID) != 0 ? attr->st_uid : static_cast<uid_t>(-1);
        const gid_t gid = (toSet & FUSE_SET_ATTR_GID) != 0 ? attr->st_gid : static_cast<gid_t>(-1);
        if (::fchownat(inode.fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
            return (void)fuse_reply_err(req, errno);
    }
    if ((toSet & FUSE_SET_ATTR_SIZE) != 0) {
        if (const int err = truncateTo(fs, inode, fi, attr->st_size))
            return (void)fuse_reply_err(req, err);
    }
    if ((toSet & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) != 0) {
        const timespec times[2] = {
            timeFor(toSet, FUSE_SET_ATTR_ATIME, FUSE_SET_ATTR_ATIME_NOW, attr->st_atim),
            timeFor(toSet, FUSE_SET_ATTR_MTIME, FUSE_SET_ATTR_MTIME_NOW, attr->st_mtim),
        };
        const int rc = fh >= 0 ? ::futimens(fh, times) : ::utimensat(AT_FDCWD, procPath(inode.fd).c_str(), times, 0);
        if (rc != 0)
            return (void)fuse_reply_err(req, errno);
    }
    struct stat st {};
    if (const int err = statOf(inode, fi, st))
        return (void)fuse_reply_err(req, err);
    fuse_reply_attr(req, &st, kCacheTimeout);
}

void onStatfs(fuse_req_t req, fuse_ino_t /*ino*/)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Read))
        return (void)fuse_reply_err(req, err);
    const auto blocks = static_cast<fsblkcnt_t>(fs.ledger().capacity() / kBlockSize);
    const auto freeBlocks = std::min(blocks, static_cast<fsblkcnt_t>(fs.ledger().free() / kBlockSize));
    // One inode per 16 KiB of capacity, as mke2fs's default ratio; not enforced.
    const auto used = static_cast<fsfilcnt_t>(std::max<std::int64_t>(0, fs.entries.load()));
    const auto files = std::max(static_cast<fsfilcnt_t>(fs.ledger().capacity() / 16384), used);
    struct statvfs sv {};
    sv.f_bsize = kBlockSize;
    sv.f_frsize = kBlockSize;
    sv.f_blocks = blocks;
    sv.f_bfree = freeBlocks;
    sv.f_bavail = freeBlocks;
    sv.f_files = files;
    sv.f_ffree = files - used;
    sv.f_favail = files - used;
    sv.f_namemax = 255;
    fuse_reply_statfs(req, &sv);
}

void onReadlink(fuse_req_t req, fuse_ino_t /*ino*/)
{
    // Symlinks are not part of a lab disk (Kafka needs none), and one that
    // was planted in the backing directory must not lead out of it.
    if (const int err = fsOf(req).enter(Access::Read))
        return (void)fuse_reply_err(req, err);
    fuse_reply_err(req, EPERM);
}

} // namespace

void addNodeOps(fuse_lowlevel_ops &ops)
{
    ops.init = onInit;
    ops.lookup = onLookup;
    ops.forget = onForget;
    ops.forget_multi = onForgetMulti;
    ops.getattr = onGetattr;
    ops.setattr = onSetattr;
    ops.statfs = onStatfs;
    ops.readlink = onReadlink;
}

const fuse_lowlevel_ops &operations()
{
    static const fuse_lowlevel_ops ops = [] {
        fuse_lowlevel_ops o{};
        addNodeOps(o);
        addDirOps(o);
        addFileOps(o);
        return o;
    }();
    return ops;
}

} // namespace spillway::labfs::fuseops
