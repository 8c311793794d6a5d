// SPDX-License-Identifier: GPL-3.0-or-later
// Private to labfs: the FUSE low-level operations of a lab disk, split by
// what they touch (fuse_ops_nodes.cpp, fuse_ops_dirs.cpp, fuse_ops_files.cpp).
#pragma once

#include "labfs/lab_filesystem.h"

#include <fuse_lowlevel.h>
#include <string>
#include <sys/stat.h>

namespace spillway::labfs::fuseops {

/// How long the kernel may cache attributes and names (seconds). Writes are
/// never cached (no writeback cache), so this only saves lookups and getattrs;
/// switching to `failed` drops the cached attributes at once.
inline constexpr double kCacheTimeout = 1.0;

/// The complete operation table (all three groups).
const fuse_lowlevel_ops &operations();
void addNodeOps(fuse_lowlevel_ops &ops);
void addDirOps(fuse_lowlevel_ops &ops);
void addFileOps(fuse_lowlevel_ops &ops);

[[nodiscard]] inline LabFilesystem &fsOf(fuse_req_t req)
{
    return *static_cast<LabFilesystem *>(fuse_req_userdata(req));
}
[[nodiscard]] inline Inode &inodeOf(fuse_req_t req, fuse_ino_t ino) { return fsOf(req).inodes().get(ino); }

/// "/proc/self/fd/N": reopens an O_PATH descriptor's inode itself (never a
/// path lookup, so it cannot lead anywhere else).
[[nodiscard]] std::string procPath(int fd);

/// A single name component the kernel may send: not empty, ".", ".." or with '/'.
[[nodiscard]] bool validName(const char *name) noexcept;

/// Looks `name` up under `parent`, adds a kernel reference and fills `entry`.
/// Returns 0 or an errno (nothing referenced then).
[[nodiscard]] int lookupEntry(LabFilesystem &fs, const Inode &parent, const char *name, fuse_entry_param &entry);

/// Gives the space of a directory entry that was just removed (unlink,
/// rmdir, rename over it) back to the ledger: `st` is its stat before
/// removal, `node` its inode if the kernel holds it (with `node->io` locked
/// by the caller). A file still open keeps its blocks until its last close.
void releaseRemovedEntry(LabFilesystem &fs, const struct stat &st, Inode *node);

} // namespace spillway::labfs::fuseops
