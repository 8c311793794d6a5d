// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/fetch/fetch_context.h"

#include "core/protocol/api.h"

namespace spillway::broker {

namespace {

constexpr std::int32_t kInvalidSessionId = 0;
constexpr std::int32_t kInitialEpoch = 0;
constexpr std::int32_t kFinalEpoch = -1;

std::vector<FetchTarget> targetsOf(const core::FetchRequest &request, bool byTopicId)
{
    std::vector<FetchTarget> out;
    for (const auto &t : request.Topics) {
        for (const auto &p : t.Partitions) {
            FetchTarget target;
            target.key = byTopicId ? SessionPartitionKey{t.TopicId, {}, p.Partition}
                                   : SessionPartitionKey{{}, t.Topic, p.Partition};
            target.fetchOffset = p.FetchOffset;
            target.maxBytes = p.PartitionMaxBytes;
            target.logStartOffset = p.LogStartOffset;
            target.currentLeaderEpoch = p.CurrentLeaderEpoch;
            target.lastFetchedEpoch = p.LastFetchedEpoch;
            out.push_back(std::move(target));
        }
    }
    return out;
}

CachedPartition cached(const FetchTarget &t)
{
    CachedPartition c;
    c.key = t.key;
    c.fetchOffset = t.fetchOffset;
    c.maxBytes = t.maxBytes;
    c.fetcherLogStartOffset = t.logStartOffset;
    c.currentLeaderEpoch = t.currentLeaderEpoch;
    c.lastFetchedEpoch = t.lastFetchedEpoch;
    return c;
}

FetchTarget target(const CachedPartition &c)
{
    return {c.key, c.fetchOffset, c.maxBytes, c.fetcherLogStartOffset, c.currentLeaderEpoch, c.lastFetchedEpoch};
}

/// Kafka's CachedPartition.maybeUpdateResponseData with updates on: whether
/// the partition goes into an incremental response, remembering what is sent.
bool mustRespond(CachedPartition &c, const FetchedPartition &read)
{
    bool must = read.recordBytes > 0;
    if (c.highWatermark != read.highWatermark) {
        must = true;
        c.highWatermark = read.highWatermark;
    }
    if (c.localLogStartOffset != read.logStartOffset) {
        must = true;
        c.localLogStartOffset = read.logStartOffset;
    }
    if (read.errorCode != 0) {
        // Sent again once the error is gone.
        c.highWatermark = -1;
        must = true;
    }
    return must;
}

} // namespace

FetchContext FetchContext::create(FetchSessionCache &cache, const core::FetchRequest &request, std::int16_t version,
                                  std::int64_t nowMs)
{
    FetchContext ctx;
    ctx.m_usesTopicIds = version >= 13;
    ctx.m_privileged = (version >= 15 ? request.ReplicaState.ReplicaId : request.ReplicaId) >= 0;
    if (version < 7) {
        ctx.m_targets = targetsOf(request, false);
        return ctx;
    }
    const std::int32_t id = request.SessionId;
    const std::int32_t epoch = request.SessionEpoch;
    if (epoch == kInitialEpoch || epoch == kFinalEpoch) {
        // Any session named in a full request is closed.
        if (id != kInvalidSessionId)
            cache.remove(id);
        ctx.m_kind = epoch == kInitialEpoch ? Kind::Full : Kind::Sessionless;
        ctx.m_targets = targetsOf(request, ctx.m_usesTopicIds);
        return ctx;
    }
    const auto session = cache.find(id);
    if (!session) {
        ctx.m_kind = Kind::SessionError;
        ctx.m_error = core::code(core::KafkaError::FetchSessionIdNotFound);
        return ctx;
    }
    if (session->epoch() != epoch) {
        ctx.m_kind = Kind::SessionError;
        ctx.m_error = core::code(core::KafkaError::InvalidFetchSessionEpoch);
        return ctx;
    }
    if (session->usesTopicIds() != ctx.m_usesTopicIds) {
        ctx.m_kind = Kind::SessionError;
        ctx.m_error = core::code(core::KafkaError::FetchSessionTopicIdError);
        return ctx;
    }
    for (const auto &t : targetsOf(request, ctx.m_usesTopicIds))
        session->upsert(cached(t));
    for (const auto &t : request.ForgottenTopicsData)
        for (const std::int32_t p : t.Partitions)
            session->forget(ctx.m_usesTopicIds ? SessionPartitionKey{t.TopicId, {}, p}
                                               : SessionPartitionKey{{}, t.Topic, p});
    if (session->empty()) {
        // Everything forgotten: the session ends and this fetch is sessionless.
        cache.remove(session->id());
        ctx.m_targets = targetsOf(request, ctx.m_usesTopicIds);
        return ctx;
    }
    cache.touch(*session, nowMs);
    session->advanceEpoch();
    ctx.m_kind = Kind::Incremental;
    ctx.m_session = session;
    ctx.m_expectedEpoch = session->epoch();
    for (const auto &c : session->partitions())
        ctx.m_targets.push_back(target(c));
    return ctx;
}

FetchContext::Response FetchContext::finish(FetchSessionCache &cache, const std::vector<FetchedPartition> &read,
                                            std::int64_t nowMs)
{
    Response r;
    switch (m_kind) {
    case Kind::SessionError: r.errorCode = m_error; return r;
    case Kind::Sessionless:
        for (std::size_t i = 0; i < m_targets.size(); ++i)
            r.include.push_back(i);
        return r;
    case Kind::Full: {
        std::vector<CachedPartition> partitions;
        for (std::size_t i = 0; i < m_targets.size(); ++i) {
            CachedPartition c = cached(m_targets[i]);
            c.highWatermark = read[i].errorCode != 0 ? -1 : read[i].highWatermark;
            c.localLogStartOffset = read[i].logStartOffset;
            partitions.push_back(std::move(c));
            r.include.push_back(i);
        }
        if (auto session = cache.create(nowMs, m_privileged, m_usesTopicIds, partitions))
            r.sessionId = session->id();
        return r;
    }
    case Kind::Incremental: break;
    }
    r.sessionId = m_session->id();
    if (m_session->epoch() != m_expectedEpoch) {
        // Another request of this session came in while this one waited.
        r.errorCode = core::code(core::KafkaError::InvalidFetchSessionEpoch);
        return r;
    }
    for (std::size_t i = 0; i < m_targets.size(); ++i) {
        CachedPartition *c = m_session->find(m_targets[i].key);
        if (c == nullptr || !mustRespond(*c, read[i]))
            continue;
        r.include.push_back(i);
        // A partition that used the byte budget goes last next time.
        if (read[i].recordBytes > 0)
            m_session->moveToEnd(m_targets[i].key);
    }
    return r;
}

} // namespace spillway::broker
