// SPDX-License-Identifier: GPL-3.0-or-later
#include "labfs/lab_filesystem.h"

#include "labfs/backing_scan.h"
#include "labfs/fuse_ops.h"

#include <cerrno>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

namespace spillway::labfs {

using core::Error;

LabFilesystem::LabFilesystem(DiskConfig config, std::unique_ptr<Inode> root, std::int64_t used)
    : m_config(std::move(config))
    , m_ledger(m_config.capacity, used)
    , m_inodes(std::move(root))
{}

core::Result<std::unique_ptr<LabFilesystem>> LabFilesystem::open(DiskConfig config)
{
    const int fd = ::open(config.backing.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot open the backing directory " + config.backing.string());
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return Error::fromErrno(err, "cannot stat the backing directory " + config.backing.string());
    }
    auto root = std::make_unique<Inode>(fd, st);
    auto usage = scanBacking(config.backing);
    if (!usage)
        return usage.error();
    std::unique_ptr<LabFilesystem> fs(new LabFilesystem(std::move(config), std::move(root), usage->usedBytes));
    fs->entries = usage->files + usage->dirs;
    return fs;
}

int LabFilesystem::enter(Access access) const
{
    const auto fault = m_fault.get();
    if (fault.mode == FaultMode::Slow && fault.slowMs > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(fault.slowMs));
    if (fault.mode == FaultMode::Failed)
        return EIO;
    if (fault.mode == FaultMode::ReadOnly && access == Access::Modify)
        return EROFS;
    return 0;
}

void LabFilesystem::setFault(FaultMode mode, int slowMs)
{
    m_fault.set(mode, slowMs);
    fuse_session *session = m_session.load();
    if (mode != FaultMode::Failed || session == nullptr)
        return;
    // A dead disk fails stat and lookups too, not only reads and writes: drop
    // the attributes the kernel caches (offset -1: attributes only). Pages
    // already cached stay readable through open descriptors, as they do on a
    // real disk that dies under a running program.
    for (const std::uint64_t id : m_inodes.ids())
        (void)fuse_lowlevel_notify_inval_inode(session, id, -1, 0);
}

DiskStatus LabFilesystem::status() const
{
    const auto fault = m_fault.get();
    DiskStatus s;
    s.name = m_config.name;
    s.mode = fault.mode;
    s.slowMs = fault.slowMs;
    s.capacity = m_ledger.capacity();
    s.used = m_ledger.used();
    s.free = m_ledger.free();
    s.mountpoint = m_config.mountpoint.string();
    s.backing = m_config.backing.string();
    s.pid = ::getpid();
    return s;
}

std::string LabFilesystem::handleControl(std::string_view line)
{
    auto request = parseControlRequest(line);
    if (!request)
        return errorReply(request.error().message + " (" + request.error().hint + ")");
    if (request->kind == ControlRequest::Kind::SetFault)
        setFault(request->mode, request->slowMs);
    return statusReply(status());
}

void LabFilesystem::signalReady()
{
    if (m_ready) {
        auto ready = std::move(m_ready);
        m_ready = nullptr;
        ready();
    }
}

} // namespace spillway::labfs
