// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/fetch/fetch_session_cache.h"
#include "core/protocol/messages/fetch.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace spillway::broker {

/// One partition a fetch reads, with what the client asked for it.
struct FetchTarget {
    SessionPartitionKey key; ///< by name (v7-12) or by topic id (v13+), as the request names it
    std::int64_t fetchOffset = 0;
    std::int32_t maxBytes = 0;
    std::int64_t logStartOffset = -1;
    std::int32_t currentLeaderEpoch = -1;
    std::int32_t lastFetchedEpoch = -1;
};

/// What the broker read for one target: the fields a session compares.
struct FetchedPartition {
    std::int16_t errorCode = 0;
    std::int64_t highWatermark = 0;
    std::int64_t logStartOffset = -1;
    std::int64_t recordBytes = 0;
};

/// What a fetch request means for fetch sessions (KIP-227), decided when the
/// request arrives as Kafka's FetchManager.newContext does:
///  - v0-6, or session id 0 with epoch -1: sessionless, the request's partitions;
///  - epoch 0: a full fetch that opens a session (closing the one named, if any);
///  - epoch -1 with a session id: closes that session, answered sessionless;
///  - epoch > 0: an incremental fetch of the session's partitions, after
///    adding/updating the ones in the request and removing the forgotten ones;
///    an unknown session is FETCH_SESSION_ID_NOT_FOUND, a wrong epoch
///    INVALID_FETCH_SESSION_EPOCH, names vs ids not as the session began
///    FETCH_SESSION_TOPIC_ID_ERROR (no partitions read in these cases).
/// finish() then shapes the response once the partitions are read (perhaps
/// much later, for a long poll). Loop thread.
class FetchContext {
public:
    enum class Kind { Sessionless, Full, Incremental, SessionError };

    static FetchContext create(FetchSessionCache &cache, const core::FetchRequest &request, std::int16_t version,
                               std::int64_t nowMs);

    [[nodiscard]] Kind kind() const noexcept { return m_kind; }
    /// The partitions to read, in response order.
    [[nodiscard]] const std::vector<FetchTarget> &targets() const noexcept { return m_targets; }

    /// The response's session fields, and which targets it carries.
    struct Response {
        std::int16_t errorCode = 0;
        std::int32_t sessionId = 0;
        std::vector<std::size_t> include; ///< indexes into targets(), in order
    };
    /// `read[i]` is what was read for targets()[i]. A full fetch creates its
    /// session here (id 0 when the cache has no slot); an incremental one
    /// leaves out the partitions with no records whose high watermark, log
    /// start offset and error did not change since they were last sent.
    Response finish(FetchSessionCache &cache, const std::vector<FetchedPartition> &read, std::int64_t nowMs);

private:
    Kind m_kind = Kind::Sessionless;
    std::int16_t m_error = 0;
    bool m_privileged = false;
    bool m_usesTopicIds = false;
    std::vector<FetchTarget> m_targets;
    std::shared_ptr<FetchSession> m_session; ///< incremental: kept even if evicted meanwhile, as Kafka does
    std::int32_t m_expectedEpoch = 0;        ///< incremental: the session's epoch after this request
};

} // namespace spillway::broker
