// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/metadata/topic_registry.h"

#include "core/common/fileio.h"

#include <functional>
#include <sstream>

namespace spillway::broker {
namespace {

using core::Errc;
using core::makeError;

constexpr const char *kHeader = "# spillway-broker metadata v1";

/// Values may hold any byte; the file is line-based, so escape \, newline, space.
std::string escape(const std::string &s)
{
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == ' ')
            out += "\\s";
        else
            out += c;
    }
    return out;
}

std::string unescape(const std::string &s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char n = s[++i];
            out += n == 'n' ? '\n' : n == 's' ? ' ' : n;
        } else {
            out += s[i];
        }
    }
    return out;
}

} // namespace

core::Result<TopicRegistry> TopicRegistry::open(std::filesystem::path file)
{
    TopicRegistry r;
    r.m_file = std::move(file);
    auto text = core::readFile(r.m_file);
    if (!text.ok()) {
        if (text.error().code == Errc::NotFound)
            return r;
        return text.error();
    }
    std::istringstream in(*text);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream fields(line);
        std::string kind;
        fields >> kind;
        const auto bad = [&] {
            return makeError(Errc::Corrupt,
                             r.m_file.string() + ":" + std::to_string(lineNo) + ": malformed line '" + line + "'");
        };
        if (kind == "topic") {
            TopicInfo t;
            std::string name, id;
            if (!(fields >> name >> id >> t.partitions >> t.replicationFactor))
                return bad();
            t.name = unescape(name);
            const auto uuid = core::KafkaUuid::fromString(id);
            if (!uuid.ok() || t.partitions <= 0)
                return bad();
            t.id = *uuid;
            r.m_topics[t.name] = t;
        } else if (kind == "config" || kind == "broker-config") {
            std::string a, b, c;
            if (kind == "config") {
                if (!(fields >> a >> b >> c))
                    return bad();
                const auto it = r.m_topics.find(unescape(a));
                if (it == r.m_topics.end())
                    return bad();
                it->second.configs[unescape(b)] = unescape(c);
            } else {
                if (!(fields >> a >> b))
                    return bad();
                r.m_brokerConfigs[unescape(a)] = unescape(b);
            }
        } else {
            return bad();
        }
    }
    return r;
}

core::Status TopicRegistry::commit(Topics topics, Configs brokerConfigs)
{
    std::ostringstream out;
    out << kHeader << "\n";
    for (const auto &[name, t] : topics) {
        out << "topic " << escape(name) << ' ' << t.id.toString() << ' ' << t.partitions << ' ' << t.replicationFactor
            << "\n";
        for (const auto &[k, v] : t.configs)
            out << "config " << escape(name) << ' ' << escape(k) << ' ' << escape(v) << "\n";
    }
    for (const auto &[k, v] : brokerConfigs)
        out << "broker-config " << escape(k) << ' ' << escape(v) << "\n";
    // Adopt the new state only once it is on disk: a failed write changes nothing.
    if (auto st = core::writeFileAtomic(m_file, out.str()); !st.ok())
        return st;
    m_topics = std::move(topics);
    m_brokerConfigs = std::move(brokerConfigs);
    return {};
}

const TopicInfo *TopicRegistry::find(const std::string &name) const
{
    const auto it = m_topics.find(name);
    return it == m_topics.end() ? nullptr : &it->second;
}

const TopicInfo *TopicRegistry::findById(const core::KafkaUuid &id) const
{
    for (const auto &[name, t] : m_topics)
        if (t.id == id)
            return &t;
    return nullptr;
}

std::vector<const TopicInfo *> TopicRegistry::topics() const
{
    std::vector<const TopicInfo *> out;
    for (const auto &[name, t] : m_topics)
        out.push_back(&t);
    return out;
}

core::Result<TopicInfo> TopicRegistry::create(const std::string &name, std::int32_t partitions,
                                              std::int16_t replicationFactor,
                                              std::map<std::string, std::string> configs)
{
    if (m_topics.count(name) != 0)
        return makeError(Errc::InvalidArgument, "topic '" + name + "' already exists");
    auto id = core::KafkaUuid::random();
    if (!id.ok())
        return id.error();
    TopicInfo t{name, *id, partitions, replicationFactor, std::move(configs)};
    Topics topics = m_topics;
    topics[name] = t;
    if (auto st = commit(std::move(topics), m_brokerConfigs); !st.ok())
        return st.error();
    return t;
}

core::Status TopicRegistry::changeTopic(const std::string &name,
                                        const std::function<void(Topics &, Topics::iterator)> &change)
{
    Topics topics = m_topics;
    const auto it = topics.find(name);
    if (it == topics.end())
        return makeError(Errc::NotFound, "no topic '" + name + "'");
    change(topics, it);
    return commit(std::move(topics), m_brokerConfigs);
}

core::Status TopicRegistry::remove(const std::string &name)
{
    return changeTopic(name, [](Topics &topics, Topics::iterator it) { topics.erase(it); });
}

core::Status TopicRegistry::setPartitionCount(const std::string &name, std::int32_t partitions)
{
    return changeTopic(name, [partitions](Topics &, Topics::iterator it) { it->second.partitions = partitions; });
}

core::Status TopicRegistry::setConfigs(const std::string &name, std::map<std::string, std::string> configs)
{
    return changeTopic(name, [&configs](Topics &, Topics::iterator it) { it->second.configs = std::move(configs); });
}

core::Status TopicRegistry::setBrokerConfigs(std::map<std::string, std::string> configs)
{
    return commit(m_topics, std::move(configs));
}

} // namespace spillway::broker
