// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/group/consumer_group.h"

#include <algorithm>

namespace spillway::broker {

std::string_view toString(GroupState state) noexcept
{
    switch (state) {
    case GroupState::Empty: return "Empty";
    case GroupState::PreparingRebalance: return "PreparingRebalance";
    case GroupState::CompletingRebalance: return "CompletingRebalance";
    case GroupState::Stable: return "Stable";
    case GroupState::Dead: return "Dead";
    }
    return "Unknown";
}

const core::Bytes *GroupMember::metadataFor(const std::string &protocol) const
{
    for (const auto &[name, metadata] : protocols)
        if (name == protocol)
            return &metadata;
    return nullptr;
}

bool GroupMember::sameProtocols(const std::vector<core::JoinGroupRequest::JoinGroupRequestProtocol> &p) const
{
    if (p.size() != protocols.size())
        return false;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (p[i].Name != protocols[i].first || p[i].Metadata != protocols[i].second)
            return false;
    return true;
}

GroupMember *ConsumerGroup::member(const std::string &memberId)
{
    const auto it = m_members.find(memberId);
    return it == m_members.end() ? nullptr : &it->second;
}

void ConsumerGroup::add(GroupMember member)
{
    // As Kafka: the first member to join leads until it leaves.
    if (m_leaderId.empty())
        m_leaderId = member.memberId;
    if (member.groupInstanceId)
        m_staticMembers[*member.groupInstanceId] = member.memberId;
    const std::string id = member.memberId;
    m_members.insert_or_assign(id, std::move(member));
}

void ConsumerGroup::remove(const std::string &memberId)
{
    const auto it = m_members.find(memberId);
    if (it == m_members.end())
        return;
    if (it->second.groupInstanceId) {
        const auto s = m_staticMembers.find(*it->second.groupInstanceId);
        if (s != m_staticMembers.end() && s->second == memberId)
            m_staticMembers.erase(s);
    }
    m_members.erase(it);
    if (m_leaderId == memberId)
        m_leaderId = m_members.empty() ? std::string() : m_members.begin()->first;
}

std::optional<std::string> ConsumerGroup::staticMemberId(const std::string &instanceId) const
{
    const auto it = m_staticMembers.find(instanceId);
    if (it == m_staticMembers.end())
        return std::nullopt;
    return it->second;
}

bool ConsumerGroup::supportsProtocols(const std::string &protocolType,
                                      const std::vector<core::JoinGroupRequest::JoinGroupRequestProtocol> &p) const
{
    if (m_members.empty())
        return !protocolType.empty() && !p.empty();
    if (!m_protocolType || *m_protocolType != protocolType)
        return false;
    // Some protocol of the candidate must be supported by every member.
    return std::any_of(p.begin(), p.end(), [this](const auto &candidate) {
        return std::all_of(m_members.begin(), m_members.end(),
                           [&](const auto &m) { return m.second.metadataFor(candidate.Name) != nullptr; });
    });
}

bool ConsumerGroup::allMembersJoined() const
{
    return m_pendingMembers.empty() &&
           std::all_of(m_members.begin(), m_members.end(), [](const auto &m) { return bool(m.second.awaitingJoin); });
}

std::string ConsumerGroup::selectProtocol() const
{
    // Candidates are the protocols every member supports; each member votes
    // for its most preferred candidate and the most votes win (Kafka's
    // GroupMetadata.selectProtocol). Ties go to the leader's preference.
    std::vector<std::string> candidates;
    const GroupMember &leader = m_members.count(m_leaderId) ? m_members.at(m_leaderId) : m_members.begin()->second;
    for (const auto &[name, metadata] : leader.protocols)
        if (std::all_of(m_members.begin(), m_members.end(),
                        [&, &n = name](const auto &m) { return m.second.metadataFor(n) != nullptr; }))
            candidates.push_back(name);
    if (candidates.empty())
        return {};
    std::map<std::string, int> votes;
    for (const auto &[id, m] : m_members)
        for (const auto &[name, metadata] : m.protocols)
            if (std::find(candidates.begin(), candidates.end(), name) != candidates.end()) {
                ++votes[name];
                break;
            }
    std::string best = candidates.front();
    for (const auto &c : candidates)
        if (votes[c] > votes[best])
            best = c;
    return best;
}

void ConsumerGroup::initNextGeneration()
{
    ++m_generationId;
    if (m_members.empty()) {
        m_protocolName.reset();
        m_state = GroupState::Empty;
        return;
    }
    m_protocolName = selectProtocol();
    m_state = GroupState::CompletingRebalance;
}

} // namespace spillway::broker
