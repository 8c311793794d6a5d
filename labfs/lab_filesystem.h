// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "labfs/control_protocol.h"
#include "labfs/fault_state.h"
#include "labfs/inode_table.h"
#include "labfs/space_ledger.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

struct fuse_session;

namespace spillway::labfs {

/// Where a disk lives and how big it is. Paths are absolute and canonical.
struct DiskConfig {
    std::string name;
    std::filesystem::path backing;
    std::filesystem::path mountpoint;
    std::filesystem::path control;
    std::int64_t capacity = 0;
};

/// The state behind one mounted lab disk, shared by the FUSE worker threads
/// (the operations in fuse_ops_*.cpp) and the control thread: the backing
/// tree's inodes, the space ledger and the current fault. Thread-safe.
class LabFilesystem {
public:
    /// Opens the backing directory and counts what it already holds.
    static core::Result<std::unique_ptr<LabFilesystem>> open(DiskConfig config);

    [[nodiscard]] const DiskConfig &config() const noexcept { return m_config; }
    [[nodiscard]] SpaceLedger &ledger() noexcept { return m_ledger; }
    [[nodiscard]] InodeTable &inodes() noexcept { return m_inodes; }
    [[nodiscard]] FaultState::Snapshot fault() const noexcept { return m_fault.get(); }

    /// Switches the fault; the next operation sees it. Switching to failed
    /// also drops the kernel's cached attributes of every inode, so that
    /// stat and lookups reach the disk and fail.
    void setFault(FaultMode mode, int slowMs = 0);
    [[nodiscard]] DiskStatus status() const;
    /// One control request line in, one JSON reply line out.
    [[nodiscard]] std::string handleControl(std::string_view line);

    /// What an operation does to the disk, for the fault gate.
    enum class Access { Read, Modify };
    /// Run first by every operation: sleeps when slow, then returns the errno
    /// to fail with (EIO when failed, EROFS for a modification when
    /// read-only) or 0 to go on.
    [[nodiscard]] int enter(Access access) const;

    /// Files and directories on the disk (statvfs f_files - f_ffree).
    std::atomic<std::int64_t> entries{0};

    /// The session serving this filesystem, for cache invalidation.
    void attach(fuse_session *session) noexcept { m_session = session; }
    /// Called once, from the first operation (FUSE init): the mount is live.
    void setReadyCallback(std::function<void()> ready) { m_ready = std::move(ready); }
    void signalReady();

private:
    LabFilesystem(DiskConfig config, std::unique_ptr<Inode> root, std::int64_t used);

    DiskConfig m_config;
    SpaceLedger m_ledger;
    InodeTable m_inodes;
    FaultState m_fault;
    std::atomic<fuse_session *> m_session{nullptr};
    std::function<void()> m_ready;
};

} // namespace spillway::labfs
