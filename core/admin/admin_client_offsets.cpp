// SPDX-License-Identifier: GPL-3.0-or-later
// AdminClient: ListOffsets (earliest, latest, by timestamp), sent to each
// partition's leader.
#include "core/admin/admin_client.h"
#include "core/admin/cluster_link.h"
#include "core/protocol/messages/list_offsets.h"

#include <map>
#include <set>

namespace spillway::core::admin {

namespace {

std::int64_t wireTimestamp(const OffsetSpec &spec)
{
    switch (spec.kind) {
    case OffsetSpec::Kind::Earliest: return -2;
    case OffsetSpec::Kind::Latest: return -1;
    case OffsetSpec::Kind::ByTimestamp: return spec.timestamp.get();
    }
    return -1;
}

bool staleLeader(KafkaError e)
{
    return e == KafkaError::NotLeaderOrFollower || e == KafkaError::LeaderNotAvailable ||
           e == KafkaError::UnknownLeaderEpoch || e == KafkaError::FencedLeaderEpoch;
}

} // namespace

Result<std::vector<PartitionOffset>> AdminClient::listOffsets(const std::vector<OffsetQuery> &queries)
{
    std::lock_guard lock(m_mutex);
    return listOffsetsLocked(queries);
}

Result<std::vector<PartitionOffset>> AdminClient::listOffsetsLocked(const std::vector<OffsetQuery> &queries)
{
    std::vector<PartitionOffset> out(queries.size());
    for (std::size_t i = 0; i < queries.size(); ++i) {
        out[i].topic = queries[i].topic;
        out[i].partition = queries[i].partition;
    }
    std::vector<std::size_t> pending(queries.size());
    for (std::size_t i = 0; i < queries.size(); ++i)
        pending[i] = i;

    // A moved leader answers NOT_LEADER_OR_FOLLOWER: look again once.
    for (int attempt = 0; attempt < 2 && !pending.empty(); ++attempt) {
        std::set<std::string> names;
        for (std::size_t i : pending)
            names.insert(queries[i].topic);
        auto cluster = m_link->fetchMetadata(std::vector<std::string>(names.begin(), names.end()));
        if (!cluster)
            return cluster.error();

        // Leader -> requests; a partition asked twice goes into a second round
        // (Kafka refuses duplicate partitions in one request).
        std::map<std::pair<BrokerId, int>, std::vector<std::size_t>> batches;
        std::map<std::pair<std::string, std::int32_t>, int> seen;
        for (std::size_t i : pending) {
            const auto &q = queries[i];
            const TopicInfo *topic = cluster->topic(q.topic);
            if (topic == nullptr || topic->error != KafkaError::None) {
                out[i].error = topic ? topic->error : KafkaError::UnknownTopicOrPartition;
                continue;
            }
            const PartitionInfo *partition = nullptr;
            for (const auto &p : topic->partitions)
                if (p.partition == q.partition)
                    partition = &p;
            if (partition == nullptr) {
                out[i].error = KafkaError::UnknownTopicOrPartition;
                continue;
            }
            if (partition->leader == kNoBroker) {
                out[i].error = partition->error != KafkaError::None ? partition->error : KafkaError::LeaderNotAvailable;
                continue;
            }
            const int round = seen[{q.topic, q.partition.get()}]++;
            batches[{partition->leader, round}].push_back(i);
        }

        std::vector<std::size_t> retry;
        const auto timeoutMs = static_cast<std::int32_t>(m_options.connection.requestTimeout.count());
        for (const auto &[key, indexes] : batches) {
            auto answer = m_link->request<ListOffsetsRequest, ListOffsetsResponse>(key.first, [&](std::int16_t) {
                ListOffsetsRequest req;
                req.ReplicaId = -1; // a client, not a follower
                req.IsolationLevel = 0;
                req.TimeoutMs = timeoutMs;
                std::map<std::string, std::vector<ListOffsetsRequest::ListOffsetsTopic::ListOffsetsPartition>> byTopic;
                for (std::size_t i : indexes)
                    byTopic[queries[i].topic].push_back(
                        {queries[i].partition.get(), -1, wireTimestamp(queries[i].spec), 1});
                for (auto &[name, partitions] : byTopic)
                    req.Topics.push_back({name, std::move(partitions)});
                return req;
            });
            if (!answer) {
                for (std::size_t i : indexes) {
                    out[i].error = KafkaError::NetworkException;
                    out[i].errorMessage = answer.error().message;
                }
                continue;
            }
            for (std::size_t i : indexes) {
                bool found = false;
                for (const auto &t : answer->response.Topics) {
                    if (t.Name != queries[i].topic)
                        continue;
                    for (const auto &p : t.Partitions) {
                        if (p.PartitionIndex != queries[i].partition.get())
                            continue;
                        found = true;
                        out[i].error = static_cast<KafkaError>(p.ErrorCode);
                        out[i].offset = Offset(p.Offset);
                        out[i].timestamp = Timestamp(p.Timestamp);
                        out[i].leaderEpoch = LeaderEpoch(p.LeaderEpoch);
                    }
                }
                if (!found) {
                    out[i].error = KafkaError::UnknownServerError;
                    out[i].errorMessage = "ListOffsets v" + std::to_string(answer->version) + " from " +
                                          answer->from.describe() + " did not answer for this partition";
                }
                if (staleLeader(out[i].error))
                    retry.push_back(i);
            }
        }
        pending = std::move(retry);
    }
    return out;
}

} // namespace spillway::core::admin
