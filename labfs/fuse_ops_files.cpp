// SPDX-License-Identifier: GPL-3.0-or-later
// Operations on open files: open/create, read, write (with the capacity
// check), flush/release, fsync, fallocate.
#include "labfs/allocation_plan.h"
#include "labfs/fuse_ops.h"

#include <cerrno>
#include <fcntl.h>
#include <mutex>
#include <unistd.h>

namespace spillway::labfs::fuseops {

using Access = LabFilesystem::Access;

namespace {

int fhOf(const fuse_file_info *fi) { return static_cast<int>(fi->fh); }

/// The flags the backing file is opened with. The kernel already placed
/// every write (O_APPEND included) and creates nothing through open;
/// O_DIRECT would demand aligned buffers from libfuse.
int backingFlags(int flags)
{
    return (flags & ~(O_APPEND | O_DIRECT | O_CREAT | O_EXCL | O_NOCTTY | O_NOFOLLOW)) | O_CLOEXEC;
}

bool writes(int flags) { return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0; }

/// Truncates an open backing file to 0 (O_TRUNC) and settles the space freed.
int truncateOpened(LabFilesystem &fs, int fd)
{
    struct stat before {};
    struct stat after {};
    if (::fstat(fd, &before) != 0 || ::ftruncate(fd, 0) != 0 || ::fstat(fd, &after) != 0)
        return errno;
    fs.ledger().adjust(allocatedBytes(after) - allocatedBytes(before));
    return 0;
}

void onOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(writes(fi->flags) ? Access::Modify : Access::Read))
        return (void)fuse_reply_err(req, err);
    Inode &inode = inodeOf(req, ino);
    std::lock_guard lock(inode.io);
    const int flags = backingFlags(fi->flags);
    const int fd = ::open(procPath(inode.fd).c_str(), flags & ~O_TRUNC);
    if (fd < 0)
        return (void)fuse_reply_err(req, errno);
    if ((flags & O_TRUNC) != 0) {
        if (const int err = truncateOpened(fs, fd)) {
            ::close(fd);
            return (void)fuse_reply_err(req, err);
        }
    }
    fi->fh = static_cast<std::uint64_t>(fd);
    fi->direct_io = 0;  // the page cache stays: mmap works
    fi->keep_cache = 0; // but each open starts from what the disk holds
    ++inode.openCount;
    if (fuse_reply_open(req, fi) != 0) {
        --inode.openCount;
        ::close(fd);
    }
}

void onCreate(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, fuse_file_info *fi)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Modify))
        return (void)fuse_reply_err(req, err);
    if (!validName(name))
        return (void)fuse_reply_err(req, EINVAL);
    const Inode &dir = inodeOf(req, parent);
    const int flags = backingFlags(fi->flags) | O_NOFOLLOW;
    if (!fs.ledger().tryReserve(kFileOverhead))
        return (void)fuse_reply_err(req, ENOSPC);
    int fd = ::openat(dir.fd, name, (flags & ~O_TRUNC) | O_CREAT | O_EXCL, mode);
    if (fd >= 0) {
        ++fs.entries;
    } else {
        const int err = errno;
        fs.ledger().adjust(-kFileOverhead);
        // The name appeared since the kernel looked: open it as open(2) would.
        if (err != EEXIST || (fi->flags & O_EXCL) != 0)
            return (void)fuse_reply_err(req, err);
        fd = ::openat(dir.fd, name, flags & ~O_TRUNC);
        if (fd < 0)
            return (void)fuse_reply_err(req, errno);
        if ((flags & O_TRUNC) != 0) {
            if (const int terr = truncateOpened(fs, fd)) {
                ::close(fd);
                return (void)fuse_reply_err(req, terr);
            }
        }
    }
    struct stat st {};
    const int pathFd = ::open(procPath(fd).c_str(), O_PATH | O_CLOEXEC);
    if (pathFd < 0 || ::fstat(fd, &st) != 0) {
        const int err = errno;
        if (pathFd >= 0)
            ::close(pathFd);
        ::close(fd);
        return (void)fuse_reply_err(req, err);
    }
    Inode &inode = fs.inodes().ref(pathFd, st);
    fuse_entry_param entry{};
    entry.ino = fs.inodes().idOf(inode);
    entry.attr = st;
    entry.attr_timeout = kCacheTimeout;
    entry.entry_timeout = kCacheTimeout;
    fi->fh = static_cast<std::uint64_t>(fd);
    fi->direct_io = 0;
    fi->keep_cache = 0;
    bool replied = false;
    {
        std::lock_guard lock(inode.io);
        ++inode.openCount;
        replied = fuse_reply_create(req, &entry, fi) == 0;
        if (!replied)
            --inode.openCount;
    }
    if (!replied) {
        ::close(fd);
        // After unlocking `inode.io`: this may drop the last reference and free the inode.
        fs.inodes().forget(entry.ino, 1);
    }
}

void onRead(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t offset, fuse_file_info *fi)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Read))
        return (void)fuse_reply_err(req, err);
    fuse_bufvec buf{};
    buf.count = 1;
    buf.buf[0].size = size;
    buf.buf[0].flags = static_cast<fuse_buf_flags>(FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK);
    buf.buf[0].fd = fhOf(fi);
    buf.buf[0].pos = offset;
    fuse_reply_data(req, &buf, fuse_buf_copy_flags{});
}

/// Reserves space for writing [offset, offset+length) to `fd` (of `fileSize`
/// bytes). Returns how many bytes may be written (0: ENOSPC) and sets
/// `reserved`. Far from full, an upper bound suffices; near full, the file's
/// holes are asked for, and a write that fits only partly is cut where the
/// first block that does not fit begins, as a full disk does.
std::int64_t reserveForWrite(LabFilesystem &fs, int fd, std::int64_t fileSize, std::int64_t offset, std::int64_t length,
                             std::int64_t &reserved, int &err)
{
    reserved = AllocationPlan::upperBoundBytes(offset, length);
    if (fs.ledger().tryReserve(reserved))
        return length;
    auto plan = AllocationPlan::forRange(fd, fileSize, offset, length);
    if (!plan) {
        reserved = 0;
        err = plan.error().sysErrno != 0 ? plan.error().sysErrno : EIO;
        return 0;
    }
    const std::int64_t needed = plan->newBytes();
    reserved = fs.ledger().reserveUpTo(needed);
    const std::int64_t allowed = reserved >= needed ? length : plan->prefixWithin(reserved);
    if (allowed == 0)
        err = ENOSPC;
    return allowed;
}

void onWriteBuf(fuse_req_t req, fuse_ino_t ino, fuse_bufvec *in, off_t offset, fuse_file_info *fi)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Modify))
        return (void)fuse_reply_err(req, err);
    Inode &inode = inodeOf(req, ino);
    const int fd = fhOf(fi);
    const auto length = static_cast<std::int64_t>(fuse_buf_size(in));
    std::lock_guard lock(inode.io);
    struct stat before {};
    if (::fstat(fd, &before) != 0)
        return (void)fuse_reply_err(req, errno);
    std::int64_t reserved = 0;
    int err = 0;
    const std::int64_t allowed = reserveForWrite(fs, fd, before.st_size, offset, length, reserved, err);
    if (allowed == 0) {
        fs.ledger().adjust(-reserved);
        return (void)fuse_reply_err(req, err);
    }
    fuse_bufvec out{};
    out.count = 1;
    out.buf[0].size = static_cast<size_t>(allowed);
    out.buf[0].flags = static_cast<fuse_buf_flags>(FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK);
    out.buf[0].fd = fd;
    out.buf[0].pos = offset;
    const ssize_t written = fuse_buf_copy(&out, in, fuse_buf_copy_flags{});
    struct stat after {};
    const std::int64_t change = ::fstat(fd, &after) == 0 ? allocatedBytes(after) - allocatedBytes(before) : 0;
    fs.ledger().adjust(change - reserved);
    if (written < 0)
        return (void)fuse_reply_err(req, static_cast<int>(-written));
    fuse_reply_write(req, static_cast<size_t>(written));
}

void onFlush(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info * /*fi*/)
{
    // close(2) on a dead disk reports the error too.
    fuse_reply_err(req, fsOf(req).enter(Access::Read));
}

void onRelease(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi)
{
    // Not subject to faults: the kernel needs it to let go of the file.
    LabFilesystem &fs = fsOf(req);
    Inode &inode = inodeOf(req, ino);
    const int fd = fhOf(fi);
    {
        std::lock_guard lock(inode.io);
        if (--inode.openCount == 0 && inode.orphan) {
            struct stat st {};
            if (::fstat(fd, &st) == 0)
                fs.ledger().adjust(-entryCost(st));
            inode.orphan = false;
        }
    }
    ::close(fd);
    fuse_reply_err(req, 0);
}

void onFsync(fuse_req_t req, fuse_ino_t /*ino*/, int datasync, fuse_file_info *fi)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Read))
        return (void)fuse_reply_err(req, err);
    const int rc = datasync != 0 ? ::fdatasync(fhOf(fi)) : ::fsync(fhOf(fi));
    fuse_reply_err(req, rc == 0 ? 0 : errno);
}

void onFallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset, off_t length, fuse_file_info *fi)
{
    LabFilesystem &fs = fsOf(req);
    if (const int err = fs.enter(Access::Modify))
        return (void)fuse_reply_err(req, err);
    Inode &inode = inodeOf(req, ino);
    const int fd = fhOf(fi);
    std::lock_guard lock(inode.io);
    struct stat before {};
    if (::fstat(fd, &before) != 0)
        return (void)fuse_reply_err(req, errno);
    // Preallocation is all or nothing, as on a real filesystem.
    std::int64_t reserved = 0;
    if ((mode & FALLOC_FL_PUNCH_HOLE) == 0) {
        auto plan = AllocationPlan::forRange(fd, before.st_size, offset, length);
        if (!plan)
            return (void)fuse_reply_err(req, plan.error().sysErrno != 0 ? plan.error().sysErrno : EIO);
        reserved = plan->newBytes();
        if (!fs.ledger().tryReserve(reserved))
            return (void)fuse_reply_err(req, ENOSPC);
    }
    const int rc = ::fallocate(fd, mode, offset, length);
    const int err = rc == 0 ? 0 : errno;
    struct stat after {};
    const std::int64_t change = ::fstat(fd, &after) == 0 ? allocatedBytes(after) - allocatedBytes(before) : 0;
    fs.ledger().adjust(change - reserved);
    fuse_reply_err(req, err);
}

} // namespace

void addFileOps(fuse_lowlevel_ops &ops)
{
    ops.open = onOpen;
    ops.create = onCreate;
    ops.read = onRead;
    ops.write_buf = onWriteBuf;
    ops.flush = onFlush;
    ops.release = onRelease;
    ops.fsync = onFsync;
    ops.fallocate = onFallocate;
}

} // namespace spillway::labfs::fuseops
