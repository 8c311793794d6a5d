// SPDX-License-Identifier: GPL-3.0-or-later
#include "labfs/inode_table.h"

#include <unistd.h>

namespace spillway::labfs {

Inode::Inode(int pathFd, const struct stat &st) : fd(pathFd), ino(st.st_ino), dev(st.st_dev), type(st.st_mode & S_IFMT)
{}

Inode::~Inode()
{
    if (fd >= 0)
        ::close(fd);
}

InodeTable::InodeTable(std::unique_ptr<Inode> root) : m_root(std::move(root)) {}

Inode &InodeTable::get(std::uint64_t id) const noexcept
{
    if (id == kRootId)
        return *m_root;
    return *reinterpret_cast<Inode *>(static_cast<std::uintptr_t>(id));
}

std::uint64_t InodeTable::idOf(const Inode &inode) const noexcept
{
    if (&inode == m_root.get())
        return kRootId;
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&inode));
}

Inode &InodeTable::ref(int pathFd, const struct stat &st)
{
    std::lock_guard lock(m_mutex);
    auto &slot = m_inodes[{st.st_ino, st.st_dev}];
    if (slot) {
        ::close(pathFd);
    } else {
        slot = std::make_shared<Inode>(pathFd, st);
    }
    ++slot->nlookup;
    return *slot;
}

void InodeTable::forget(std::uint64_t id, std::uint64_t n)
{
    if (id == kRootId)
        return;
    std::shared_ptr<Inode> last; // destroyed (fd closed) outside the lock
    std::lock_guard lock(m_mutex);
    Inode &inode = get(id);
    inode.nlookup = n >= inode.nlookup ? 0 : inode.nlookup - n;
    if (inode.nlookup == 0) {
        auto it = m_inodes.find({inode.ino, inode.dev});
        if (it != m_inodes.end() && it->second.get() == &inode) {
            last = std::move(it->second);
            m_inodes.erase(it);
        }
    }
}

std::shared_ptr<Inode> InodeTable::find(ino_t ino, dev_t dev) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_inodes.find({ino, dev});
    return it == m_inodes.end() ? nullptr : it->second;
}

std::vector<std::uint64_t> InodeTable::ids() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::uint64_t> out{kRootId};
    out.reserve(m_inodes.size() + 1);
    for (const auto &[key, inode] : m_inodes)
        out.push_back(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(inode.get())));
    return out;
}

} // namespace spillway::labfs
