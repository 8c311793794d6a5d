// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/fetch/delayed_fetches.h"

#include <algorithm>

namespace spillway::broker {

DelayedFetches::Id DelayedFetches::add(std::vector<Watch> watches, std::int64_t bytesNeeded,
                                       std::function<void()> complete)
{
    const Id id = m_nextId++;
    for (const auto &w : watches)
        m_byPartition[{w.topic, w.partition}].push_back(id);
    m_waiting.emplace(id, Waiting{std::move(watches), bytesNeeded, std::move(complete)});
    return id;
}

void DelayedFetches::onAppend(const std::string &topic, std::int32_t partition, std::int64_t bytes)
{
    const auto it = m_byPartition.find({topic, partition});
    if (it == m_byPartition.end())
        return;
    // A request may name a partition twice: count each fetch once per watch.
    std::vector<Id> ids = it->second;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<Id> ready;
    for (const Id id : ids) {
        Waiting &w = m_waiting.at(id);
        for (auto &watch : w.watches) {
            if (watch.partition != partition || watch.topic != topic)
                continue;
            const std::int64_t counted = std::min(bytes, watch.maxBytes);
            watch.maxBytes -= counted;
            w.needed -= counted;
        }
        if (w.needed <= 0)
            ready.push_back(id);
    }
    // Completing runs callbacks that may park new fetches: not while iterating.
    for (const Id id : ready)
        finish(id);
}

void DelayedFetches::expire(Id id) { finish(id); }

void DelayedFetches::finish(Id id)
{
    const auto it = m_waiting.find(id);
    if (it == m_waiting.end())
        return;
    Waiting w = std::move(it->second);
    m_waiting.erase(it);
    for (const auto &watch : w.watches) {
        const auto list = m_byPartition.find({watch.topic, watch.partition});
        if (list == m_byPartition.end())
            continue;
        auto &ids = list->second;
        ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
        if (ids.empty())
            m_byPartition.erase(list);
    }
    w.complete();
}

} // namespace spillway::broker
