// SPDX-License-Identifier: GPL-3.0-or-later
// AdminClient: DescribeLogDirs and AlterReplicaLogDirs, sent to the broker
// that hosts the log dirs.
#include "core/admin/admin_client.h"
#include "core/admin/cluster_link.h"
#include "core/protocol/messages/alter_replica_log_dirs.h"
#include "core/protocol/messages/describe_log_dirs.h"

#include <algorithm>
#include <map>

namespace spillway::core::admin {

Result<std::vector<LogDirInfo>> AdminClient::describeLogDirs(BrokerId broker)
{
    std::lock_guard lock(m_mutex);
    auto answer = m_link->request<DescribeLogDirsRequest, DescribeLogDirsResponse>(broker, [](std::int16_t) {
        DescribeLogDirsRequest req;
        req.Topics = std::nullopt; // every partition
        return req;
    });
    if (!answer)
        return answer.error();
    const auto &r = answer->response;
    if (r.ErrorCode != 0)
        return kafkaError("DescribeLogDirs v" + std::to_string(answer->version) + " from " + answer->from.describe(),
                          static_cast<KafkaError>(r.ErrorCode));
    std::vector<LogDirInfo> out;
    for (const auto &result : r.Results) {
        LogDirInfo dir;
        dir.path = result.LogDir;
        dir.error = static_cast<KafkaError>(result.ErrorCode);
        dir.totalBytes = answer->version >= 4 ? result.TotalBytes : -1;
        dir.usableBytes = answer->version >= 4 ? result.UsableBytes : -1;
        for (const auto &t : result.Topics)
            for (const auto &p : t.Partitions)
                dir.partitions.push_back(
                    {t.Name, PartitionId(p.PartitionIndex), p.PartitionSize, p.OffsetLag, p.IsFutureKey});
        std::sort(dir.partitions.begin(), dir.partitions.end(), [](const auto &a, const auto &b) {
            return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
        });
        out.push_back(std::move(dir));
    }
    return out;
}

Result<std::vector<ReplicaLogDirResult>> AdminClient::alterReplicaLogDirs(BrokerId broker,
                                                                          const std::vector<ReplicaLogDirMove> &moves)
{
    std::lock_guard lock(m_mutex);
    if (moves.empty())
        return std::vector<ReplicaLogDirResult>{};
    // One entry per target dir, each with its topics and partitions.
    std::map<std::string, std::map<std::string, std::vector<std::int32_t>>> byDir;
    for (const auto &m : moves)
        byDir[m.path][m.topic].push_back(m.partition.get());
    auto answer = m_link->request<AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse>(broker, [&](std::int16_t) {
        AlterReplicaLogDirsRequest req;
        for (const auto &[path, topics] : byDir) {
            AlterReplicaLogDirsRequest::AlterReplicaLogDir dir;
            dir.Path = path;
            for (const auto &[topic, partitions] : topics)
                dir.Topics.push_back({topic, partitions});
            req.Dirs.push_back(std::move(dir));
        }
        return req;
    });
    if (!answer)
        return answer.error();
    std::vector<ReplicaLogDirResult> out;
    for (const auto &t : answer->response.Results)
        for (const auto &p : t.Partitions)
            out.push_back({t.TopicName, PartitionId(p.PartitionIndex), static_cast<KafkaError>(p.ErrorCode)});
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) {
        return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
    });
    return out;
}

} // namespace spillway::core::admin
