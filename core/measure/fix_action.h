// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"

#include <optional>
#include <string>
#include <string_view>

namespace spillway::core::measure {

/// The operation that fixes an alert; the console turns it into a button.
enum class FixKind {
    None,
    SwapDisk,        ///< broker + dir: replace a failed/retiring/misplaced log dir by a spare
    ShrinkRetention, ///< broker + dir (or topic): free space now, restorable later
    RebuildIndex,    ///< broker + dir + topic/partition: verify and rebuild the indexes
    MovePartitions,  ///< broker (+ the fullest dir): move partitions between its disks
    Rebalance,       ///< broker: reassign replicas across brokers (advice only)
    StartBroker,     ///< broker
    AddReplicas,     ///< topic: raise the replication factor (advice only)
    InspectConsumer, ///< group: open the consumer's lag view
    MountDisk,       ///< dir: mount the disk (or create the dir) it belongs on
};
std::string_view toString(FixKind kind) noexcept;

/// A fix with its parameters. `adviceOnly`: Spillway explains what to do
/// but does not run it (cross-broker reassignment, replication factor).
struct FixAction {
    FixKind kind = FixKind::None;
    std::optional<BrokerId> broker;
    std::string dir;
    std::string topic;
    std::optional<PartitionId> partition;
    std::string group;
    bool adviceOnly = false;

    /// "swap disk /data3 on broker 3", "add replicas to topic orders (advice)".
    [[nodiscard]] std::string describe() const;

    static FixAction swapDisk(BrokerId broker, std::string dir);
    static FixAction shrinkRetention(BrokerId broker, std::string dir, std::string topic = {});
    static FixAction rebuildIndex(BrokerId broker, std::string dir, std::string topic, PartitionId partition);
    static FixAction movePartitions(BrokerId broker, std::string fromDir);
    static FixAction rebalance(BrokerId broker);
    static FixAction startBroker(BrokerId broker);
    static FixAction addReplicas(std::string topic);
    static FixAction inspectConsumer(std::string group);
    static FixAction mountDisk(std::optional<BrokerId> broker, std::string dir);

    bool operator==(const FixAction &) const = default;
};

} // namespace spillway::core::measure
