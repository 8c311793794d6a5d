// SPDX-License-Identifier: GPL-3.0-or-later
// The disk drills: labfs faults, filler files, lazy unmount.
#include "core/lab/drill_steps.h"

#include "core/lab/disk_filler.h"
#include "core/lab/lab_units.h"
#include "core/lab/labfs_control.h"
#include "core/storage/index/segment_locator.h"

#include <algorithm>
#include <sys/statvfs.h>

namespace spillway::lab {
namespace {

std::string joinNames(const std::vector<std::string> &names)
{
    std::string out;
    for (const auto &n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? std::string("no partitions") : out;
}

} // namespace

Result<DrillResult> DrillSteps::run()
{
    const std::string &n = m_r.name;
    Status st;
    if (n == "fail-disk")
        st = labfsMode("fail", "failed");
    else if (n == "readonly-disk")
        st = labfsMode("readonly", "readonly");
    else if (n == "slow-disk")
        st = m_r.slowMs && *m_r.slowMs >= 0
                 ? labfsMode("slow " + std::to_string(*m_r.slowMs), "slow")
                 : Status(makeError(Errc::InvalidArgument, "slow-disk needs --ms N (milliseconds per operation)"));
    else if (n == "heal-disk")
        st = healDisks();
    else if (n == "fill-disk")
        st = m_r.remove ? removeFillers() : fillDisk();
    else if (n == "unmount-disk")
        st = unmountDisk();
    else if (n == "corrupt-index")
        st = corruptIndex();
    else if (n == "slow-consumer")
        st = slowConsumer();
    else if (n == "restore")
        st = restore();
    else if (n == "restart-broker")
        st = restartBroker();
    if (!st)
        return st.error();
    return m_result;
}

Result<int> DrillSteps::requireDisk() const
{
    if (!m_r.disk)
        return makeError(Errc::InvalidArgument, "drill " + m_r.name + " needs --disk dataK");
    return LabLayout::parseDiskName(*m_r.disk, m_s.config()->totalDisks());
}

std::filesystem::path DrillSteps::socketOf(int disk) const { return m_s.layout().controlSocket(m_r.broker, disk); }

std::string DrillSteps::diskLabel(int disk) const
{
    return LabLayout::diskName(disk) + " of broker " + std::to_string(m_r.broker);
}

std::vector<std::string> DrillSteps::partitionsOn(int disk) const
{
    const auto dir = m_s.config()->mode == DiskMode::Labfs ? m_s.layout().backingDir(m_r.broker, disk)
                                                           : m_s.layout().diskPath(m_r.broker, disk);
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto name = entry.path().filename().string();
        if (entry.is_directory(ec) && core::SegmentLocator::looksLikePartitionDirName(name))
            names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

Status DrillSteps::labfsMode(const std::string &command, const std::string &mode)
{
    auto disk = requireDisk();
    if (!disk)
        return disk.error();
    if (auto st = LabfsControl::command(socketOf(*disk), command); !st)
        return st;
    const auto partitions = partitionsOn(*disk);
    fact("disk", LabLayout::diskName(*disk));
    fact("path", m_s.layout().diskPath(m_r.broker, *disk).string());
    fact("mode", mode);
    fact("partitions", joinNames(partitions));
    if (mode == "failed") {
        m_s.say(diskLabel(*disk) + " now fails every read and write with EIO (labfs)");
        m_s.say("it holds " + joinNames(partitions) +
                ": at its next I/O the broker takes the log dir offline (KIP-112) and those partitions answer "
                "KAFKA_STORAGE_ERROR, while the other log dirs keep serving");
    } else if (mode == "readonly") {
        m_s.say(diskLabel(*disk) + " is now read-only: writes fail with EROFS, reads work (labfs)");
        m_s.say("the broker's next append to " + joinNames(partitions) +
                " fails; it takes the log dir offline as for any I/O error");
    } else {
        m_s.say("every operation on " + diskLabel(*disk) + " now waits " + std::to_string(*m_r.slowMs) +
                " ms (labfs): produce latency on " + joinNames(partitions) + " grows");
    }
    m_s.say("undo: spillway-cli lab drill heal-disk --disk " + LabLayout::diskName(*disk) +
            (mode == "slow" ? std::string()
                            : "; then lab drill restore, because the broker keeps a failed dir "
                              "offline until it restarts (as Kafka)"));
    return {};
}

Status DrillSteps::healDisks()
{
    std::vector<int> disks;
    if (m_r.disk) {
        auto d = requireDisk();
        if (!d)
            return d.error();
        disks.push_back(*d);
    } else {
        for (int d = 0; d < m_s.config()->totalDisks(); ++d)
            disks.push_back(d);
    }
    for (int d : disks) {
        auto before = LabfsControl::status(socketOf(d));
        if (!before) {
            m_s.say(diskLabel(d) + " is not reachable (unmounted?): lab drill restore remounts it");
            continue;
        }
        if (auto st = LabfsControl::command(socketOf(d), "healthy"); !st)
            return st;
        m_s.say(diskLabel(d) +
                (before->mode == "healthy" ? " was healthy" : " is healthy again (was " + before->mode + ")"));
        fact(LabLayout::diskName(d), "healthy");
    }
    m_s.say("a log dir the broker took offline stays offline until the broker restarts (as Kafka): lab drill "
            "restart-broker or lab drill restore");
    return {};
}

Status DrillSteps::fillDisk()
{
    auto disk = requireDisk();
    if (!disk)
        return disk.error();
    const auto path = m_s.layout().diskPath(m_r.broker, *disk);
    auto status = LabfsControl::status(socketOf(*disk));
    if (!status)
        return status.error();
    if (status->mode == "failed")
        return makeError(Errc::InvalidArgument, diskLabel(*disk) + " has failed; nothing can be written to it",
                         "lab drill heal-disk --disk " + LabLayout::diskName(*disk));
    std::int64_t capacity = status->capacity;
    std::int64_t used = status->used;
    struct statvfs vfs {};
    if ((capacity < 0 || used < 0) && ::statvfs(path.c_str(), &vfs) == 0) {
        capacity = static_cast<std::int64_t>(vfs.f_blocks * vfs.f_frsize);
        used = capacity - static_cast<std::int64_t>(vfs.f_bavail * vfs.f_frsize);
    }
    std::uint64_t toWrite = DiskFiller::kUntilFull;
    std::string target = "until the disk is full";
    if (m_r.percent) {
        if (*m_r.percent < 1 || *m_r.percent > 100)
            return makeError(Errc::InvalidArgument, "--percent must be between 1 and 100");
        const std::int64_t goal = capacity / 100 * *m_r.percent;
        toWrite = goal > used ? static_cast<std::uint64_t>(goal - used) : 0;
        target = "to " + std::to_string(*m_r.percent) + "% used";
        if (*m_r.percent == 100)
            toWrite = DiskFiller::kUntilFull;
    } else if (m_r.leaveBytes && *m_r.leaveBytes > 0) {
        const std::int64_t free = capacity - used;
        const auto leave = static_cast<std::int64_t>(*m_r.leaveBytes);
        toWrite = free > leave ? static_cast<std::uint64_t>(free - leave) : 0;
        target = "leaving " + formatBytes(*m_r.leaveBytes) + " free";
    }
    if (toWrite == 0) {
        m_s.say(diskLabel(*disk) + " is already past the target (" + formatBytes(static_cast<std::uint64_t>(used)) +
                " of " + formatBytes(static_cast<std::uint64_t>(capacity)) + " used): nothing written");
        return {};
    }
    auto filled = DiskFiller::fill(path, toWrite);
    if (!filled)
        return filled.error();
    auto after = LabfsControl::status(socketOf(*disk));
    const std::int64_t usedAfter =
        after && after->used >= 0 ? after->used : used + static_cast<std::int64_t>(filled->written);
    fact("disk", LabLayout::diskName(*disk));
    fact("file", filled->file.string());
    fact("written", std::to_string(filled->written));
    fact("enospc", filled->hitNoSpace ? "true" : "false");
    m_s.say("wrote " + formatBytes(filled->written) + " to " + filled->file.string() + " (" + target + ", fsynced)" +
            (filled->hitNoSpace ? ": the disk answered ENOSPC, it is full" : ""));
    if (capacity > 0)
        m_s.say(diskLabel(*disk) + " now holds " + formatBytes(static_cast<std::uint64_t>(usedAfter)) + " of " +
                formatBytes(static_cast<std::uint64_t>(capacity)));
    if (filled->hitNoSpace)
        m_s.say("the broker's next write to " + joinNames(partitionsOn(*disk)) +
                " fails with ENOSPC; Kafka treats that as an I/O error (KIP-112) and takes the log dir offline");
    m_s.say("undo: spillway-cli lab drill fill-disk --disk " + LabLayout::diskName(*disk) +
            " --remove, then lab drill restore if the broker took the dir offline");
    return {};
}

Status DrillSteps::removeFillers()
{
    std::vector<int> disks;
    if (m_r.disk) {
        auto d = requireDisk();
        if (!d)
            return d.error();
        disks.push_back(*d);
    } else {
        for (int d = 0; d < m_s.config()->totalDisks(); ++d)
            disks.push_back(d);
    }
    std::uint64_t total = 0;
    for (int d : disks) {
        std::vector<std::filesystem::path> removed;
        auto freed = DiskFiller::removeFillers(m_s.layout().diskPath(m_r.broker, d), removed);
        if (!freed)
            return freed.error();
        for (const auto &f : removed)
            m_s.say("deleted " + f.string());
        if (!removed.empty())
            m_s.say("freed " + formatBytes(*freed) + " on " + diskLabel(d));
        total += *freed;
    }
    if (total == 0)
        m_s.say("no filler files to delete");
    fact("freed", std::to_string(total));
    return {};
}

Status DrillSteps::unmountDisk()
{
    auto disk = requireDisk();
    if (!disk)
        return disk.error();
    const auto path = m_s.layout().diskPath(m_r.broker, *disk);
    DiskRun *run = m_s.state()->disk(m_r.broker, *disk);
    if (run == nullptr || !run->mounted)
        return makeError(Errc::InvalidArgument, diskLabel(*disk) + " is not mounted",
                         "lab drill restore mounts it again");
    const auto partitions = partitionsOn(*disk);
    if (auto st = m_s.unmountDisk(m_r.broker, *disk, true); !st)
        return st;
    run = m_s.state()->disk(m_r.broker, *disk);
    run->unmountedByDrill = true;
    if (auto st = m_s.saveState(); !st)
        return st;
    fact("disk", LabLayout::diskName(*disk));
    fact("path", path.string());
    fact("partitions", joinNames(partitions));
    m_s.say(path.string() + " is now an empty directory on the parent filesystem: " + diskLabel(*disk) + " (holding " +
            joinNames(partitions) + ") is detached");
    m_s.say("the broker's open files still reach the detached disk until it closes them; whatever it creates in "
            "that path from now on lands on the parent filesystem (scenario A's hazard), and after a restart it "
            "would find an empty log dir");
    m_s.say("undo: spillway-cli lab drill restore (stops the broker, remounts the disk, starts the broker)");
    return {};
}

} // namespace spillway::lab
