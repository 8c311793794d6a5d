// SPDX-License-Identifier: GPL-3.0-or-later
// AdminClient: DescribeConfigs, IncrementalAlterConfigs and the AlterConfigs
// fallback (read-modify-write of a resource's whole set of overrides).
#include "core/admin/admin_client.h"
#include "core/admin/cluster_link.h"
#include "core/protocol/messages/alter_configs.h"
#include "core/protocol/messages/describe_configs.h"
#include "core/protocol/messages/incremental_alter_configs.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace spillway::core::admin {

namespace {

/// BROKER and BROKER_LOGGER resources naming a broker are answered by that
/// broker only; the rest (topics, the cluster-wide broker default) by any.
std::optional<BrokerId> targetOf(const ConfigResource &resource)
{
    if (resource.type != ResourceType::Broker && resource.type != ResourceType::BrokerLogger)
        return std::nullopt;
    std::int32_t id = -1;
    const auto &n = resource.name;
    const auto [ptr, ec] = std::from_chars(n.data(), n.data() + n.size(), id);
    if (n.empty() || ec != std::errc{} || ptr != n.data() + n.size())
        return std::nullopt;
    return BrokerId(id);
}

std::string describeResource(const ConfigResource &r) { return std::string(toString(r.type)) + " '" + r.name + "'"; }

ConfigEntry toEntry(const DescribeConfigsResponse::DescribeConfigsResult::DescribeConfigsResourceResult &c,
                    ResourceType type, std::int16_t version)
{
    ConfigEntry e;
    e.name = c.Name;
    e.value = c.Value;
    e.readOnly = c.ReadOnly;
    e.sensitive = c.IsSensitive;
    if (version == 0) {
        // v0 has IsDefault only; a non-default topic value is an override.
        e.isDefault = c.IsDefault;
        e.source = c.IsDefault                   ? ConfigSource::Default
                   : type == ResourceType::Topic ? ConfigSource::DynamicTopic
                                                 : ConfigSource::Unknown;
    } else {
        e.source = static_cast<ConfigSource>(c.ConfigSource);
        e.isDefault = e.source == ConfigSource::Default;
    }
    for (const auto &s : c.Synonyms)
        e.synonyms.push_back({s.Name, s.Value, static_cast<ConfigSource>(s.Source)});
    return e;
}

/// The source of a value set on this very resource (what AlterConfigs replaces).
ConfigSource overrideSource(const ConfigResource &r)
{
    switch (r.type) {
    case ResourceType::Topic: return ConfigSource::DynamicTopic;
    case ResourceType::Broker: return r.name.empty() ? ConfigSource::DynamicDefaultBroker : ConfigSource::DynamicBroker;
    case ResourceType::BrokerLogger: return ConfigSource::DynamicBrokerLogger;
    case ResourceType::Unknown: break;
    }
    return ConfigSource::Unknown;
}

std::vector<std::string> splitList(const std::string &value)
{
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= value.size() && !value.empty()) {
        const auto comma = value.find(',', start);
        const auto item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty())
            items.push_back(item);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return items;
}

std::string joinList(const std::vector<std::string> &items)
{
    std::string out;
    for (const auto &i : items)
        out += (out.empty() ? "" : ",") + i;
    return out;
}

Status checkChanges(const ConfigAlteration &a)
{
    for (const auto &c : a.changes) {
        if (c.name.empty())
            return makeError(Errc::InvalidArgument,
                             "a config change of " + describeResource(a.resource) + " has no name");
        if (c.op != ConfigOp::Delete && !c.value)
            return makeError(Errc::InvalidArgument,
                             "config change '" + c.name + "' of " + describeResource(a.resource) + " needs a value");
    }
    return {};
}

} // namespace

Result<std::vector<ConfigResourceResult>> AdminClient::describeConfigs(const std::vector<ConfigResource> &resources)
{
    std::lock_guard lock(m_mutex);
    return describeConfigsLocked(resources);
}

Result<std::vector<ConfigResourceResult>>
AdminClient::describeConfigsLocked(const std::vector<ConfigResource> &resources)
{
    std::vector<ConfigResourceResult> out(resources.size());
    std::map<std::optional<BrokerId>, std::vector<std::size_t>> byTarget;
    for (std::size_t i = 0; i < resources.size(); ++i) {
        out[i].resource = resources[i];
        byTarget[targetOf(resources[i])].push_back(i);
    }
    for (const auto &[target, indexes] : byTarget) {
        auto answer = m_link->request<DescribeConfigsRequest, DescribeConfigsResponse>(target, [&](std::int16_t) {
            DescribeConfigsRequest req;
            req.IncludeSynonyms = true;
            for (std::size_t i : indexes)
                req.Resources.push_back({static_cast<std::int8_t>(resources[i].type), resources[i].name, std::nullopt});
            return req;
        });
        if (!answer)
            return answer.error();
        std::vector<bool> answered(resources.size(), false);
        for (const auto &result : answer->response.Results) {
            for (std::size_t i : indexes) {
                if (answered[i] || static_cast<std::int8_t>(resources[i].type) != result.ResourceType ||
                    resources[i].name != result.ResourceName)
                    continue;
                answered[i] = true;
                out[i].error = static_cast<KafkaError>(result.ErrorCode);
                out[i].errorMessage = result.ErrorMessage.value_or("");
                for (const auto &c : result.Configs)
                    out[i].entries.push_back(toEntry(c, resources[i].type, answer->version));
                break;
            }
        }
        for (std::size_t i : indexes)
            if (!answered[i])
                return makeError(Errc::Corrupt, "DescribeConfigs v" + std::to_string(answer->version) + " from " +
                                                    answer->from.describe() + ": no answer for " +
                                                    describeResource(resources[i]));
    }
    return out;
}

Result<std::vector<AlterConfigsResult>>
AdminClient::incrementalAlterConfigs(const std::vector<ConfigAlteration> &alterations, bool validateOnly)
{
    std::lock_guard lock(m_mutex);
    std::vector<AlterConfigsResult> out;
    for (const auto &a : alterations) {
        if (auto st = checkChanges(a); !st.ok())
            return st.error();
        const auto target = targetOf(a.resource);
        auto picked = m_link->connection(target);
        if (!picked)
            return forApi(picked.error(), ApiKey::IncrementalAlterConfigs);
        if (m_options.forceAlterConfigs ||
            !picked->connection->apiVersions().supports(ApiKey::IncrementalAlterConfigs)) {
            auto viaAlter = alterViaAlterConfigs(a, validateOnly);
            if (!viaAlter)
                return viaAlter.error();
            out.push_back(std::move(*viaAlter));
            continue;
        }
        auto answer =
            m_link->request<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(target, [&](std::int16_t) {
                IncrementalAlterConfigsRequest req;
                req.ValidateOnly = validateOnly;
                IncrementalAlterConfigsRequest::AlterConfigsResource r;
                r.ResourceType = static_cast<std::int8_t>(a.resource.type);
                r.ResourceName = a.resource.name;
                for (const auto &c : a.changes)
                    r.Configs.push_back(
                        {c.name, static_cast<std::int8_t>(c.op), c.op == ConfigOp::Delete ? std::nullopt : c.value});
                req.Resources.push_back(std::move(r));
                return req;
            });
        if (!answer)
            return answer.error();
        AlterConfigsResult result{a.resource, KafkaError::None, {}, false};
        for (const auto &r : answer->response.Responses) {
            result.error = static_cast<KafkaError>(r.ErrorCode);
            result.errorMessage = r.ErrorMessage.value_or("");
        }
        out.push_back(std::move(result));
    }
    return out;
}

Result<AlterConfigsResult> AdminClient::alterViaAlterConfigs(const ConfigAlteration &a, bool validateOnly)
{
    auto described = describeConfigsLocked({a.resource});
    if (!described)
        return described.error();
    const ConfigResourceResult &current = described->front();
    if (current.error != KafkaError::None)
        return AlterConfigsResult{a.resource, current.error, current.errorMessage, true};

    // The resource's own overrides: AlterConfigs replaces exactly this set.
    std::map<std::string, std::optional<std::string>> overrides;
    for (const auto &e : current.entries)
        if (e.source == overrideSource(a.resource))
            overrides[e.name] = e.value;
    const auto effective = [&](const std::string &name) -> std::string {
        if (auto it = overrides.find(name); it != overrides.end())
            return it->second.value_or("");
        const ConfigEntry *e = current.entry(name);
        return e != nullptr ? e->value.value_or("") : std::string();
    };
    for (const auto &c : a.changes) {
        switch (c.op) {
        case ConfigOp::Set: overrides[c.name] = c.value; break;
        case ConfigOp::Delete: overrides.erase(c.name); break;
        case ConfigOp::Append:
        case ConfigOp::Subtract: {
            auto items = splitList(effective(c.name));
            for (const auto &item : splitList(c.value.value_or(""))) {
                const auto at = std::find(items.begin(), items.end(), item);
                if (c.op == ConfigOp::Append && at == items.end())
                    items.push_back(item);
                else if (c.op == ConfigOp::Subtract && at != items.end())
                    items.erase(at);
            }
            overrides[c.name] = joinList(items);
            break;
        }
        }
    }
    for (const auto &[name, value] : overrides)
        if (!value)
            return makeError(Errc::InvalidArgument,
                             "cannot change " + describeResource(a.resource) +
                                 " through AlterConfigs: the sensitive override '" + name +
                                 "' cannot be read back and would be lost",
                             "set '" + name + "' again in the same change");

    auto answer = m_link->request<AlterConfigsRequest, AlterConfigsResponse>(targetOf(a.resource), [&](std::int16_t) {
        AlterConfigsRequest req;
        req.ValidateOnly = validateOnly;
        AlterConfigsRequest::AlterConfigsResource r;
        r.ResourceType = static_cast<std::int8_t>(a.resource.type);
        r.ResourceName = a.resource.name;
        for (const auto &[name, value] : overrides)
            r.Configs.push_back({name, value});
        req.Resources.push_back(std::move(r));
        return req;
    });
    if (!answer)
        return answer.error();
    AlterConfigsResult result{a.resource, KafkaError::None, {}, true};
    for (const auto &r : answer->response.Responses) {
        result.error = static_cast<KafkaError>(r.ErrorCode);
        result.errorMessage = r.ErrorMessage.value_or("");
    }
    return result;
}

} // namespace spillway::core::admin
