// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli cluster brokers|topics|groups`: what the cluster says about
// its brokers, partitions and consumer groups.
#include "app/cli/cli_command.h"
#include "app/cli/cluster_subcommands.h"
#include "app/cli/text_table.h"

#include <cstdio>

namespace spillway::app::cluster {
using namespace spillway::core;
using namespace spillway::core::admin;

void jsonKafkaError(JsonWriter &json, KafkaError error)
{
    if (error == KafkaError::None)
        json.null();
    else
        json.value(toString(error));
}

std::string kafkaErrorText(KafkaError error)
{
    return error == KafkaError::None ? std::string() : std::string(toString(error));
}

namespace {

std::string idList(const std::vector<BrokerId> &ids)
{
    if (ids.empty())
        return "-";
    std::string out;
    for (const auto &id : ids)
        out += (out.empty() ? "" : ",") + std::to_string(id.get());
    return out;
}

void jsonIds(JsonWriter &json, const std::vector<BrokerId> &ids)
{
    json.beginArray();
    for (const auto &id : ids)
        json.value(static_cast<std::int64_t>(id.get()));
    json.endArray();
}

/// What is wrong with a partition, "" when nothing.
std::string partitionProblem(const PartitionInfo &p)
{
    if (p.error != KafkaError::None)
        return std::string(toString(p.error));
    if (p.leader == kNoBroker)
        return "offline (no leader)";
    if (!p.offlineReplicas.empty())
        return "offline replicas";
    if (p.isr.size() < p.replicas.size())
        return "under-replicated";
    return {};
}

} // namespace

Outcome showBrokers(Context &ctx)
{
    auto cluster = ctx.client.describeCluster();
    if (!cluster)
        return cluster.error();
    if (ctx.args.json) {
        auto &j = ctx.json;
        j.key("cluster_id").value(cluster->clusterId);
        j.key("controller").value(static_cast<std::int64_t>(cluster->controller.get()));
        j.key("brokers").beginArray();
        for (const auto &b : cluster->brokers) {
            j.beginObject();
            j.key("id").value(static_cast<std::int64_t>(b.id.get()));
            j.key("host").value(b.host);
            j.key("port").value(static_cast<std::int64_t>(b.port));
            j.key("rack");
            b.rack ? j.value(*b.rack) : j.null();
            j.key("controller").value(b.id == cluster->controller);
            j.endObject();
        }
        j.endArray();
        return ExitOk;
    }
    std::printf("cluster %s, controller %d, %zu broker%s\n\n",
                cluster->clusterId.empty() ? "(no id)" : cluster->clusterId.c_str(), cluster->controller.get(),
                cluster->brokers.size(), cluster->brokers.size() == 1 ? "" : "s");
    TextTable table({"ID", "HOST", "PORT", "RACK", "ROLE"}, {true, false, true, false, false});
    for (const auto &b : cluster->brokers)
        table.row({std::to_string(b.id.get()), b.host, std::to_string(b.port), b.rack.value_or("-"),
                   b.id == cluster->controller ? "controller" : ""});
    table.print(stdout);
    return ExitOk;
}

Outcome showTopics(Context &ctx)
{
    auto cluster = ctx.args.topic ? ctx.client.metadata({*ctx.args.topic}) : ctx.client.metadata();
    if (!cluster)
        return cluster.error();
    int problems = 0;
    TextTable table({"TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR", "OFFLINE", "STATUS"},
                    {false, true, true, false, false, false, false});
    auto &j = ctx.json;
    j.key("topics").beginArray();
    for (const auto &t : cluster->topics) {
        j.beginObject();
        j.key("name").value(t.name);
        j.key("id").value(t.id.isZero() ? std::string() : t.id.toString());
        j.key("internal").value(t.internal);
        j.key("error");
        jsonKafkaError(j, t.error);
        if (t.error != KafkaError::None) {
            ++problems;
            table.row({t.name, "-", "-", "-", "-", "-", std::string(toString(t.error))});
        }
        j.key("partitions").beginArray();
        for (const auto &p : t.partitions) {
            const std::string problem = partitionProblem(p);
            problems += problem.empty() ? 0 : 1;
            table.row({t.name, std::to_string(p.partition.get()),
                       p.leader == kNoBroker ? "-" : std::to_string(p.leader.get()), idList(p.replicas), idList(p.isr),
                       idList(p.offlineReplicas), problem.empty() ? "ok" : problem});
            j.beginObject();
            j.key("partition").value(static_cast<std::int64_t>(p.partition.get()));
            j.key("leader").value(static_cast<std::int64_t>(p.leader.get()));
            j.key("leader_epoch").value(static_cast<std::int64_t>(p.leaderEpoch.get()));
            j.key("replicas");
            jsonIds(j, p.replicas);
            j.key("isr");
            jsonIds(j, p.isr);
            j.key("offline_replicas");
            jsonIds(j, p.offlineReplicas);
            j.key("error");
            jsonKafkaError(j, p.error);
            j.key("problem");
            problem.empty() ? j.null() : j.value(problem);
            j.endObject();
        }
        j.endArray();
        j.endObject();
    }
    j.endArray();
    j.key("problems").value(problems);
    if (!ctx.args.json) {
        if (table.empty())
            std::printf("no topics\n");
        else
            table.print(stdout);
        if (problems > 0)
            std::printf("\n%d problem%s\n", problems, problems == 1 ? "" : "s");
    }
    return problems > 0 ? ExitProblems : ExitOk;
}

Outcome showGroups(Context &ctx)
{
    std::vector<std::string> ids;
    std::vector<Error> errors;
    if (ctx.args.group) {
        ids.push_back(*ctx.args.group);
    } else {
        auto listed = ctx.client.listGroups();
        if (listed.groups.empty() && !listed.errors.empty())
            return listed.errors.front();
        for (const auto &g : listed.groups)
            ids.push_back(g.groupId);
        errors = std::move(listed.errors);
    }
    int problems = static_cast<int>(errors.size());
    auto &j = ctx.json;
    j.key("groups").beginArray();
    TextTable table({"GROUP", "TOPIC", "PARTITION", "COMMITTED", "LOG END", "LAG", "MEMBER", "STATUS"},
                    {false, false, true, true, true, true, false, false});
    std::vector<std::string> summaries;
    for (const auto &id : ids) {
        auto lag = ctx.client.groupLag(id);
        if (!lag)
            return lag.error();
        j.beginObject();
        j.key("group").value(id);
        j.key("state").value(lag->state);
        j.key("coordinator").value(static_cast<std::int64_t>(lag->coordinator.get()));
        j.key("total_lag").value(lag->totalLag());
        j.key("partitions").beginArray();
        for (const auto &p : lag->partitions) {
            problems += p.error == KafkaError::None ? 0 : 1;
            j.beginObject();
            j.key("topic").value(p.topic);
            j.key("partition").value(static_cast<std::int64_t>(p.partition.get()));
            j.key("committed").value(p.committed.get());
            j.key("log_end").value(p.logEnd.get());
            j.key("lag");
            p.lag ? j.value(*p.lag) : j.null();
            j.key("member");
            p.memberId.empty() ? j.null() : j.value(p.memberId);
            j.key("client_id");
            p.clientId.empty() ? j.null() : j.value(p.clientId);
            j.key("client_host");
            p.clientHost.empty() ? j.null() : j.value(p.clientHost);
            j.key("error");
            jsonKafkaError(j, p.error);
            j.endObject();
            table.row({id, p.topic, std::to_string(p.partition.get()),
                       p.committed.get() < 0 ? "-" : std::to_string(p.committed.get()),
                       p.logEnd.get() < 0 ? "-" : std::to_string(p.logEnd.get()), p.lag ? std::to_string(*p.lag) : "-",
                       p.clientId.empty() ? "-" : p.clientId + "@" + p.clientHost,
                       p.error == KafkaError::None ? "ok" : std::string(toString(p.error))});
        }
        j.endArray();
        j.endObject();
        summaries.push_back(id + ": " + (lag->state.empty() ? "unknown state" : lag->state) + ", coordinator " +
                            std::to_string(lag->coordinator.get()) + ", total lag " + std::to_string(lag->totalLag()));
    }
    j.endArray();
    j.key("errors").beginArray();
    for (const auto &e : errors)
        j.value(e.message);
    j.endArray();
    if (!ctx.args.json) {
        for (const auto &s : summaries)
            std::printf("%s\n", s.c_str());
        if (ids.empty())
            std::printf("no consumer groups\n");
        if (!table.empty()) {
            std::printf("\n");
            table.print(stdout);
        }
        for (const auto &e : errors)
            std::printf("error: %s\n", e.message.c_str());
    }
    return problems > 0 ? ExitProblems : ExitOk;
}

} // namespace spillway::app::cluster
