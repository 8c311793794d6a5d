// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/admin/cluster_sampler.h"
#include "core/measure/cluster_snapshot.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace spillway::core {

struct IndexWatchOptions {
    /// `.log` bytes read per round to verify indexes; a round stops at the
    /// first segment past it (and always verifies at least one), so a big
    /// broker is covered over several rounds and no round takes long.
    std::int64_t logBytesPerRound = std::int64_t{64} << 20;
    /// Partition dirs listed per round, round-robin over every local one.
    std::size_t partitionsPerRound = 2048;
};

/// The measurement loop's index check: verifies the `.index`/`.timeindex` of
/// the closed segments of local brokers' partitions against their `.log`
/// (IndexVerifier, the same check as `spillway-cli index verify`), a budget
/// per round, and only segments whose files changed (size or mtime) since
/// they were last verified; the active segment, which the broker is writing,
/// is left alone. Every bad index still on disk becomes a CorruptIndexFinding
/// of the snapshot, so the CorruptIndex alert (fix: rebuild index) holds until
/// the index is rebuilt or the segment is gone. Remote brokers and offline
/// dirs are skipped. Blocking; one owner thread (the monitor's worker).
class IndexWatch {
public:
    explicit IndexWatch(IndexWatchOptions options = {}) : m_options(options) {}

    /// Verifies what the budget allows and fills `snapshot.corruptIndexes`.
    /// `brokers` says which brokers are local (parallel to snapshot.brokers).
    void run(measure::ClusterSnapshot &snapshot, const std::vector<admin::SampledBroker> &brokers);

    /// Segments verified so far (for tests and diagnostics).
    [[nodiscard]] std::size_t verifiedSegments() const { return m_segments.size(); }

private:
    struct Signature {
        std::int64_t logSize = -1, logMtimeNs = 0;
        std::int64_t indexSize = -1, indexMtimeNs = 0;
        std::int64_t timeIndexSize = -1, timeIndexMtimeNs = 0;
        bool operator==(const Signature &) const = default;
    };
    struct Verified {
        Signature signature;
        std::optional<measure::CorruptIndexFinding> bad;
    };
    struct Target {
        BrokerId broker{0};
        std::string dir;
        std::string topic;
        PartitionId partition{0};
    };
    /// Verifies the changed closed segments of one partition dir within the
    /// budget; false when the budget ran out before the dir was done.
    bool checkPartition(const Target &target, std::int64_t &budget, bool &verifiedAny);

    IndexWatchOptions m_options;
    /// The signature of a segment's three files now.
    static Signature signatureOf(const std::string &logPath);

    std::map<std::string, Verified> m_segments; ///< by the segment's .log path
    std::set<std::string> m_bad;                ///< keys of m_segments with a bad index
    std::size_t m_cursor = 0;
};

} // namespace spillway::core
