// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/cluster_snapshot.h"

namespace spillway::core::measure {

std::string_view toString(BrokerLiveness state) noexcept
{
    switch (state) {
    case BrokerLiveness::Unknown: return "unknown";
    case BrokerLiveness::Up: return "up";
    case BrokerLiveness::Down: return "down";
    case BrokerLiveness::Crashed: return "crashed";
    }
    return "unknown";
}

std::string_view toString(MeasurementSource source) noexcept
{
    switch (source) {
    case MeasurementSource::LocalScan: return "local-scan";
    case MeasurementSource::DescribeLogDirs: return "describe-log-dirs";
    }
    return "unknown";
}

std::optional<FilesystemUsage> usageFromDescribeLogDirs(std::int64_t totalBytes, std::int64_t usableBytes)
{
    if (totalBytes < 0 || usableBytes < 0)
        return std::nullopt;
    FilesystemUsage u;
    u.capacityBytes = totalBytes;
    u.freeBytes = usableBytes;
    u.usedBytes = totalBytes > usableBytes ? totalBytes - usableBytes : 0;
    return u;
}

std::string BrokerSnapshot::displayName() const { return name.empty() ? "broker " + std::to_string(id.get()) : name; }

BrokerLoad BrokerSnapshot::diskLoad() const
{
    BrokerLoad load;
    load.broker = id;
    for (const auto &d : dirs) {
        if (!d.exists || d.offline || !d.ioErrors.empty() || d.notMounted)
            continue;
        DiskLoad disk{d.path, d.kafkaBytes, d.partitionCount, std::nullopt};
        if (d.usage)
            disk.capacityBytes = d.usage->capacityBytes;
        load.disks.push_back(std::move(disk));
    }
    return load;
}

const BrokerSnapshot *ClusterSnapshot::broker(BrokerId id) const
{
    for (const auto &b : brokers) {
        if (b.id == id)
            return &b;
    }
    return nullptr;
}

} // namespace spillway::core::measure
