// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/kafka_uuid.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace spillway::broker {

/// A partition as a fetch session names it: by topic name (Fetch v7-v12) or
/// by topic id (v13+); the other member stays empty.
struct SessionPartitionKey {
    core::KafkaUuid topicId;
    std::string topic;
    std::int32_t partition = 0;
    bool operator==(const SessionPartitionKey &) const = default;
    bool operator<(const SessionPartitionKey &o) const
    {
        return std::tie(topicId.bytes(), topic, partition) < std::tie(o.topicId.bytes(), o.topic, o.partition);
    }
};

/// One partition of a fetch session (Kafka's CachedPartition): what the
/// client last asked for it, and what the broker last answered, so that an
/// incremental response can leave it out when nothing changed.
struct CachedPartition {
    SessionPartitionKey key;
    std::int64_t fetchOffset = 0;
    std::int32_t maxBytes = 0;
    std::int64_t fetcherLogStartOffset = -1;
    std::int32_t currentLeaderEpoch = -1;
    std::int32_t lastFetchedEpoch = -1;
    std::int64_t highWatermark = -1;       ///< last sent; -1 after an error, so it is sent again
    std::int64_t localLogStartOffset = -1; ///< last sent
};

/// An incremental fetch session (KIP-227): its partitions in fetch order
/// (a partition that returned records moves to the end, so that the others
/// get the byte budget next time) and the epoch its next request must carry.
class FetchSession {
public:
    FetchSession(std::int32_t id, bool privileged, bool usesTopicIds, std::int64_t nowMs);

    [[nodiscard]] std::int32_t id() const noexcept { return m_id; }
    [[nodiscard]] bool privileged() const noexcept { return m_privileged; }
    [[nodiscard]] bool usesTopicIds() const noexcept { return m_usesTopicIds; }
    [[nodiscard]] std::int64_t creationMs() const noexcept { return m_creationMs; }
    [[nodiscard]] std::int64_t lastUsedMs() const noexcept { return m_lastUsedMs; }
    /// The epoch the next incremental request must carry.
    [[nodiscard]] std::int32_t epoch() const noexcept { return m_epoch; }
    void advanceEpoch() noexcept { m_epoch = nextEpoch(m_epoch); }

    [[nodiscard]] std::size_t size() const noexcept { return m_partitions.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_partitions.empty(); }
    [[nodiscard]] const std::list<CachedPartition> &partitions() const noexcept { return m_partitions; }
    [[nodiscard]] CachedPartition *find(const SessionPartitionKey &key);

    /// Adds a partition, or updates the request fields of one already there.
    void upsert(const CachedPartition &requested);
    /// Removes a partition; false when it was not in the session.
    bool forget(const SessionPartitionKey &key);
    /// Moves a partition to the end of the fetch order.
    void moveToEnd(const SessionPartitionKey &key);

    /// Kafka's FetchMetadata.nextEpoch: 1 after 0, wraps to 1 after INT32_MAX.
    [[nodiscard]] static std::int32_t nextEpoch(std::int32_t epoch) noexcept;

private:
    friend class FetchSessionCache;
    std::int32_t m_id;
    bool m_privileged;
    bool m_usesTopicIds;
    std::int64_t m_creationMs;
    std::int64_t m_lastUsedMs;
    std::int32_t m_epoch = 1;
    std::size_t m_cachedSize = 0; ///< size when last touched (the eviction key)
    bool m_indexed = false;       ///< in the cache's eviction sets
    std::list<CachedPartition> m_partitions;
    std::map<SessionPartitionKey, std::list<CachedPartition>::iterator> m_index;
};

/// The broker's fetch sessions, bounded as Kafka's FetchSessionCache is
/// (max.incremental.fetch.session.cache.slots, 1000 by default). When full, a
/// new session takes the slot of one unused for `evictionMs` (2 minutes,
/// Kafka's minimum eviction time), else of the least valuable one that has
/// lived that long and is not bigger (fewer partitions; a follower's session
/// outranks a consumer's), else gets no session (id 0: the client keeps
/// sending full requests). Loop thread only.
class FetchSessionCache {
public:
    static constexpr std::int64_t kDefaultEvictionMs = 120000;

    explicit FetchSessionCache(std::size_t maxSlots, std::int64_t evictionMs = kDefaultEvictionMs,
                               std::function<std::int32_t()> randomId = {});

    /// Kafka's maybeCreateSession: a new session holding `partitions` (in
    /// order), or nullptr when there is no slot for it.
    std::shared_ptr<FetchSession> create(std::int64_t nowMs, bool privileged, bool usesTopicIds,
                                         const std::vector<CachedPartition> &partitions);
    [[nodiscard]] std::shared_ptr<FetchSession> find(std::int32_t id) const;
    /// Marks a session used now (and re-sizes its eviction key).
    void touch(FetchSession &session, std::int64_t nowMs);
    bool remove(std::int32_t id);

    [[nodiscard]] std::size_t size() const noexcept { return m_sessions.size(); }
    [[nodiscard]] std::size_t maxSlots() const noexcept { return m_maxSlots; }
    /// Partitions over every session (Kafka's NumIncrementalFetchPartitionsCached).
    [[nodiscard]] std::size_t totalPartitions() const noexcept { return m_partitionCount; }
    [[nodiscard]] std::uint64_t evictions() const noexcept { return m_evictions; }

private:
    using LastUsedKey = std::pair<std::int64_t, std::int32_t>;        ///< (last used, id)
    using EvictableKey = std::tuple<bool, std::size_t, std::int32_t>; ///< (privileged, size, id)
    [[nodiscard]] static EvictableKey evictableKey(const FetchSession &s)
    {
        return {s.m_privileged, s.m_cachedSize, s.m_id};
    }
    bool tryEvict(bool privileged, const EvictableKey &candidate, std::int64_t nowMs);
    void unindex(const FetchSession &session);
    std::int32_t newId() const;

    std::size_t m_maxSlots;
    std::int64_t m_evictionMs;
    std::function<std::int32_t()> m_randomId;
    std::map<std::int32_t, std::shared_ptr<FetchSession>> m_sessions;
    std::set<LastUsedKey> m_lastUsed;
    std::set<EvictableKey> m_evictableByAll;        ///< lived evictionMs: any new session may take the slot
    std::set<EvictableKey> m_evictableByPrivileged; ///< consumers' sessions (and old followers')
    std::size_t m_partitionCount = 0;
    std::uint64_t m_evictions = 0;
};

} // namespace spillway::broker
