// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace spillway::broker {

/// Fetches waiting for data (Kafka's fetch purgatory, for MaxWaitMs and
/// MinBytes). Each watches its partitions and counts the bytes appended to
/// them, at most each partition's max bytes, as Kafka's DelayedFetch does; an
/// append touches only the fetches watching that partition and reads no log.
/// A fetch completes (its callback runs, once) when the count reaches the
/// bytes it still needs, or when expire() is called for it at its deadline.
/// Loop thread.
class DelayedFetches {
public:
    using Id = std::uint64_t;
    struct Watch {
        std::string topic;
        std::int32_t partition = 0;
        std::int64_t maxBytes = 0; ///< what this partition may contribute
    };

    /// Parks a fetch that needs `bytesNeeded` more bytes on its partitions.
    Id add(std::vector<Watch> watches, std::int64_t bytesNeeded, std::function<void()> complete);
    /// `bytes` were appended to a partition.
    void onAppend(const std::string &topic, std::int32_t partition, std::int64_t bytes);
    /// The deadline of a fetch passed: completes it unless it already did.
    void expire(Id id);

    [[nodiscard]] std::size_t size() const noexcept { return m_waiting.size(); }

private:
    struct Waiting {
        std::vector<Watch> watches;
        std::int64_t needed = 0;
        std::function<void()> complete;
    };
    void finish(Id id);

    Id m_nextId = 1;
    std::map<Id, Waiting> m_waiting;
    std::map<std::pair<std::string, std::int32_t>, std::vector<Id>> m_byPartition;
};

} // namespace spillway::broker
