// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/fix_action.h"

namespace spillway::core::measure {

std::string_view toString(FixKind kind) noexcept
{
    switch (kind) {
    case FixKind::None: return "none";
    case FixKind::SwapDisk: return "swap-disk";
    case FixKind::ShrinkRetention: return "shrink-retention";
    case FixKind::RebuildIndex: return "rebuild-index";
    case FixKind::MovePartitions: return "move-partitions";
    case FixKind::Rebalance: return "rebalance";
    case FixKind::StartBroker: return "start-broker";
    case FixKind::AddReplicas: return "add-replicas";
    case FixKind::InspectConsumer: return "inspect-consumer";
    case FixKind::MountDisk: return "mount-disk";
    }
    return "unknown";
}

std::string FixAction::describe() const
{
    const std::string onBroker = broker ? " on broker " + std::to_string(broker->get()) : std::string();
    std::string text;
    switch (kind) {
    case FixKind::None: return "no action";
    case FixKind::SwapDisk: text = "swap disk " + dir + onBroker + " for a spare"; break;
    case FixKind::ShrinkRetention:
        text = "shrink retention" + (topic.empty() ? " of the topics on " + dir : " of topic " + topic) + onBroker;
        break;
    case FixKind::RebuildIndex:
        text = "rebuild the indexes of " + topic + "-" + std::to_string(partition ? partition->get() : 0) + " in " +
               dir + onBroker;
        break;
    case FixKind::MovePartitions: text = "move partitions off " + dir + onBroker; break;
    case FixKind::Rebalance:
        text = "reassign replicas away from broker " + std::to_string(broker ? broker->get() : 0);
        break;
    case FixKind::StartBroker: text = "start broker " + std::to_string(broker ? broker->get() : 0); break;
    case FixKind::AddReplicas: text = "raise the replication factor of topic " + topic; break;
    case FixKind::InspectConsumer: text = "inspect consumer group " + group; break;
    case FixKind::MountDisk: text = "mount the disk for " + dir + onBroker; break;
    }
    if (adviceOnly)
        text += " (advice only: Spillway does not do this for you)";
    return text;
}

FixAction FixAction::swapDisk(BrokerId broker, std::string dir)
{
    FixAction f;
    f.kind = FixKind::SwapDisk;
    f.broker = broker;
    f.dir = std::move(dir);
    return f;
}

FixAction FixAction::shrinkRetention(BrokerId broker, std::string dir, std::string topic)
{
    FixAction f;
    f.kind = FixKind::ShrinkRetention;
    f.broker = broker;
    f.dir = std::move(dir);
    f.topic = std::move(topic);
    return f;
}

FixAction FixAction::rebuildIndex(BrokerId broker, std::string dir, std::string topic, PartitionId partition)
{
    FixAction f;
    f.kind = FixKind::RebuildIndex;
    f.broker = broker;
    f.dir = std::move(dir);
    f.topic = std::move(topic);
    f.partition = partition;
    return f;
}

FixAction FixAction::movePartitions(BrokerId broker, std::string fromDir)
{
    FixAction f;
    f.kind = FixKind::MovePartitions;
    f.broker = broker;
    f.dir = std::move(fromDir);
    return f;
}

FixAction FixAction::rebalance(BrokerId broker)
{
    FixAction f;
    f.kind = FixKind::Rebalance;
    f.broker = broker;
    f.adviceOnly = true;
    return f;
}

FixAction FixAction::startBroker(BrokerId broker)
{
    FixAction f;
    f.kind = FixKind::StartBroker;
    f.broker = broker;
    return f;
}

FixAction FixAction::addReplicas(std::string topic)
{
    FixAction f;
    f.kind = FixKind::AddReplicas;
    f.topic = std::move(topic);
    f.adviceOnly = true;
    return f;
}

FixAction FixAction::inspectConsumer(std::string group)
{
    FixAction f;
    f.kind = FixKind::InspectConsumer;
    f.group = std::move(group);
    return f;
}

FixAction FixAction::mountDisk(std::optional<BrokerId> broker, std::string dir)
{
    FixAction f;
    f.kind = FixKind::MountDisk;
    f.broker = broker;
    f.dir = std::move(dir);
    return f;
}

} // namespace spillway::core::measure
