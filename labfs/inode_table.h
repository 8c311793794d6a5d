// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <sys/stat.h>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace spillway::labfs {

/// One file or directory of the backing tree that the kernel knows about.
/// Holds an O_PATH descriptor, so the backing inode (and its number) lives
/// as long as the kernel may name it, and every operation resolves relative
/// to it: nothing is ever looked up by a path string, so a rename elsewhere
/// or a `..` cannot lead out of the backing directory.
struct Inode {
    Inode(int pathFd, const struct stat &st);
    ~Inode();
    Inode(const Inode &) = delete;
    Inode &operator=(const Inode &) = delete;

    const int fd; ///< O_PATH | O_NOFOLLOW
    const ino_t ino;
    const dev_t dev;
    const mode_t type; ///< S_IFMT bits

    /// Serializes the operations that change this file's allocation (write,
    /// truncate, fallocate, unlink, release) so that each can measure its own
    /// effect with fstat before and after.
    std::mutex io;
    int openCount = 0;   ///< open handles through the mount; guarded by `io`
    bool orphan = false; ///< unlinked while open: its blocks stay used until the last close; guarded by `io`

    std::uint64_t nlookup = 0; ///< the kernel's references; guarded by the table
};

/// The inodes the kernel holds, keyed by the backing (st_ino, st_dev); the
/// FUSE node id of each is its address. The root is permanent (FUSE node 1).
/// Thread-safe.
class InodeTable {
public:
    static constexpr std::uint64_t kRootId = 1; // FUSE_ROOT_ID

    explicit InodeTable(std::unique_ptr<Inode> root);

    /// The inode for a node id the kernel sent (valid until it is forgotten).
    [[nodiscard]] Inode &get(std::uint64_t id) const noexcept;
    [[nodiscard]] std::uint64_t idOf(const Inode &inode) const noexcept;
    [[nodiscard]] Inode &root() const noexcept { return *m_root; }

    /// Adds one kernel reference to the backing inode `st` describes, taking
    /// ownership of `pathFd` when it is new (closing it otherwise).
    Inode &ref(int pathFd, const struct stat &st);
    /// Drops `n` references; the inode goes when none is left.
    void forget(std::uint64_t id, std::uint64_t n);
    /// The inode for a backing (st_ino, st_dev), if the kernel holds it.
    [[nodiscard]] std::shared_ptr<Inode> find(ino_t ino, dev_t dev) const;
    /// Node ids of every inode (for cache invalidation), root included.
    [[nodiscard]] std::vector<std::uint64_t> ids() const;

private:
    std::unique_ptr<Inode> m_root;
    mutable std::mutex m_mutex;
    std::map<std::pair<ino_t, dev_t>, std::shared_ptr<Inode>> m_inodes;
};

} // namespace spillway::labfs
