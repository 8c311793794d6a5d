// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/fetch/fetch_session_cache.h"

#include <climits>
#include <random>

namespace spillway::broker {

FetchSession::FetchSession(std::int32_t id, bool privileged, bool usesTopicIds, std::int64_t nowMs)
    : m_id(id)
    , m_privileged(privileged)
    , m_usesTopicIds(usesTopicIds)
    , m_creationMs(nowMs)
    , m_lastUsedMs(nowMs)
    , m_epoch(nextEpoch(0))
{}

std::int32_t FetchSession::nextEpoch(std::int32_t epoch) noexcept
{
    if (epoch < 0)
        return -1; // the final epoch stays final
    return epoch == INT32_MAX ? 1 : epoch + 1;
}

CachedPartition *FetchSession::find(const SessionPartitionKey &key)
{
    const auto it = m_index.find(key);
    return it == m_index.end() ? nullptr : &*it->second;
}

void FetchSession::upsert(const CachedPartition &requested)
{
    if (CachedPartition *p = find(requested.key)) {
        // Kafka's updateRequestParams: what was last sent stays.
        p->fetchOffset = requested.fetchOffset;
        p->maxBytes = requested.maxBytes;
        p->fetcherLogStartOffset = requested.fetcherLogStartOffset;
        p->currentLeaderEpoch = requested.currentLeaderEpoch;
        p->lastFetchedEpoch = requested.lastFetchedEpoch;
        return;
    }
    m_partitions.push_back(requested);
    m_index.emplace(requested.key, std::prev(m_partitions.end()));
}

bool FetchSession::forget(const SessionPartitionKey &key)
{
    const auto it = m_index.find(key);
    if (it == m_index.end())
        return false;
    m_partitions.erase(it->second);
    m_index.erase(it);
    return true;
}

void FetchSession::moveToEnd(const SessionPartitionKey &key)
{
    const auto it = m_index.find(key);
    if (it != m_index.end())
        m_partitions.splice(m_partitions.end(), m_partitions, it->second);
}

FetchSessionCache::FetchSessionCache(std::size_t maxSlots, std::int64_t evictionMs,
                                     std::function<std::int32_t()> randomId)
    : m_maxSlots(maxSlots)
    , m_evictionMs(evictionMs)
    , m_randomId(std::move(randomId))
{
    if (!m_randomId) {
        m_randomId = [engine = std::mt19937(std::random_device{}())]() mutable {
            return std::uniform_int_distribution<std::int32_t>(1, INT32_MAX - 1)(engine);
        };
    }
}

std::int32_t FetchSessionCache::newId() const
{
    // Positive, never 0 (INVALID_SESSION_ID), unique on this broker.
    for (;;) {
        const std::int32_t id = m_randomId();
        if (id > 0 && m_sessions.count(id) == 0)
            return id;
    }
}

std::shared_ptr<FetchSession> FetchSessionCache::create(std::int64_t nowMs, bool privileged, bool usesTopicIds,
                                                        const std::vector<CachedPartition> &partitions)
{
    if (m_maxSlots == 0)
        return nullptr;
    if (m_sessions.size() >= m_maxSlots && !tryEvict(privileged, {privileged, partitions.size(), 0}, nowMs))
        return nullptr;
    auto session = std::make_shared<FetchSession>(newId(), privileged, usesTopicIds, nowMs);
    for (const auto &p : partitions)
        session->upsert(p);
    m_sessions.emplace(session->id(), session);
    touch(*session, nowMs);
    return session;
}

std::shared_ptr<FetchSession> FetchSessionCache::find(std::int32_t id) const
{
    const auto it = m_sessions.find(id);
    return it == m_sessions.end() ? nullptr : it->second;
}

bool FetchSessionCache::tryEvict(bool privileged, const EvictableKey &candidate, std::int64_t nowMs)
{
    if (m_lastUsed.empty())
        return false;
    // A session unused for the eviction time is stale: anyone may take its slot.
    if (const auto &[lastUsed, id] = *m_lastUsed.begin(); nowMs - lastUsed > m_evictionMs) {
        remove(id);
        ++m_evictions;
        return true;
    }
    // Otherwise the least valuable evictable one goes, if it is worth no more
    // than the candidate (privileged first, then more partitions).
    const auto &evictable = privileged ? m_evictableByPrivileged : m_evictableByAll;
    if (evictable.empty() || candidate < *evictable.begin())
        return false;
    remove(std::get<2>(*evictable.begin()));
    ++m_evictions;
    return true;
}

void FetchSessionCache::unindex(const FetchSession &session)
{
    m_lastUsed.erase({session.m_lastUsedMs, session.m_id});
    if (session.m_indexed) {
        m_evictableByAll.erase(evictableKey(session));
        m_evictableByPrivileged.erase(evictableKey(session));
        m_partitionCount -= session.m_cachedSize;
    }
}

void FetchSessionCache::touch(FetchSession &session, std::int64_t nowMs)
{
    unindex(session);
    session.m_lastUsedMs = nowMs;
    m_lastUsed.insert({nowMs, session.m_id});
    session.m_cachedSize = session.size();
    session.m_indexed = true;
    const bool lived = nowMs - session.m_creationMs > m_evictionMs;
    if (!session.m_privileged || lived)
        m_evictableByPrivileged.insert(evictableKey(session));
    if (lived)
        m_evictableByAll.insert(evictableKey(session));
    m_partitionCount += session.m_cachedSize;
}

bool FetchSessionCache::remove(std::int32_t id)
{
    const auto it = m_sessions.find(id);
    if (it == m_sessions.end())
        return false;
    unindex(*it->second);
    it->second->m_indexed = false;
    m_sessions.erase(it);
    return true;
}

} // namespace spillway::broker
