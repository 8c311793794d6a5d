// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli cluster log-dirs|move`: each broker's log dirs through
// DescribeLogDirs, and a replica moved between them (AlterReplicaLogDirs).
#include "app/cli/cli_command.h"
#include "app/cli/cluster_subcommands.h"
#include "app/cli/text_table.h"

#include <cstdio>

namespace spillway::app::cluster {
using namespace spillway::core;
using namespace spillway::core::admin;

namespace {

std::int64_t kafkaBytes(const LogDirInfo &d)
{
    std::int64_t total = 0;
    for (const auto &p : d.partitions)
        total += p.sizeBytes;
    return total;
}

void jsonLogDir(JsonWriter &j, const LogDirInfo &d)
{
    j.beginObject();
    j.key("path").value(d.path);
    j.key("error");
    jsonKafkaError(j, d.error);
    j.key("total_bytes").value(d.totalBytes);
    j.key("usable_bytes").value(d.usableBytes);
    j.key("kafka_bytes").value(kafkaBytes(d));
    j.key("partitions").beginArray();
    for (const auto &p : d.partitions) {
        j.beginObject();
        j.key("topic").value(p.topic);
        j.key("partition").value(static_cast<std::int64_t>(p.partition.get()));
        j.key("size_bytes").value(p.sizeBytes);
        j.key("offset_lag").value(p.offsetLag);
        j.key("is_future").value(p.isFuture);
        j.endObject();
    }
    j.endArray();
    j.endObject();
}

} // namespace

Outcome showLogDirs(Context &ctx)
{
    std::vector<BrokerId> brokers;
    if (ctx.args.broker) {
        brokers.emplace_back(*ctx.args.broker);
    } else {
        auto cluster = ctx.client.describeCluster();
        if (!cluster)
            return cluster.error();
        for (const auto &b : cluster->brokers)
            brokers.push_back(b.id);
    }
    int problems = 0;
    auto &j = ctx.json;
    TextTable dirs({"BROKER", "LOG DIR", "STATUS", "TOTAL", "USABLE", "KAFKA", "PARTITIONS"},
                   {true, false, false, true, true, true, true});
    TextTable partitions({"BROKER", "LOG DIR", "PARTITION", "SIZE", "OFFSET LAG", "FUTURE"},
                         {true, false, false, true, true, false});
    std::vector<std::string> unreachable;
    j.key("brokers").beginArray();
    for (const auto id : brokers) {
        auto described = ctx.client.describeLogDirs(id);
        // With one broker asked, failing to reach it is the command failing;
        // with several, it is one problem among the answers.
        if (!described && brokers.size() == 1)
            return described.error();
        j.beginObject();
        j.key("id").value(static_cast<std::int64_t>(id.get()));
        j.key("error");
        described ? j.null() : j.value(described.error().message);
        j.key("log_dirs").beginArray();
        if (!described) {
            ++problems;
            unreachable.push_back(described.error().message);
        } else {
            for (const auto &d : *described) {
                problems += d.error == KafkaError::None ? 0 : 1;
                jsonLogDir(j, d);
                dirs.row({std::to_string(id.get()), d.path,
                          d.error == KafkaError::None ? "online" : "offline (" + kafkaErrorText(d.error) + ")",
                          humanBytes(d.totalBytes), humanBytes(d.usableBytes), humanBytes(kafkaBytes(d)),
                          std::to_string(d.partitions.size())});
                for (const auto &p : d.partitions)
                    partitions.row({std::to_string(id.get()), d.path, p.topic + "-" + std::to_string(p.partition.get()),
                                    humanBytes(p.sizeBytes), std::to_string(p.offsetLag), p.isFuture ? "future" : ""});
            }
        }
        j.endArray();
        j.endObject();
    }
    j.endArray();
    j.key("problems").value(problems);
    if (!ctx.args.json) {
        dirs.print(stdout);
        if (ctx.args.partitions && !partitions.empty()) {
            std::printf("\n");
            partitions.print(stdout);
        }
        for (const auto &e : unreachable)
            std::printf("error: %s\n", e.c_str());
    }
    return problems > 0 ? ExitProblems : ExitOk;
}

Outcome moveReplica(Context &ctx)
{
    const BrokerId broker(*ctx.args.broker);
    const ReplicaLogDirMove move{*ctx.args.topic, PartitionId(*ctx.args.partition), *ctx.args.dir};
    auto moved = ctx.client.alterReplicaLogDirs(broker, {move});
    if (!moved)
        return moved.error();
    KafkaError error = KafkaError::None;
    for (const auto &r : *moved)
        if (r.topic == move.topic && r.partition == move.partition)
            error = r.error;
    if (moved->empty())
        error = KafkaError::UnknownServerError;
    auto &j = ctx.json;
    j.key("broker").value(static_cast<std::int64_t>(broker.get()));
    j.key("topic").value(move.topic);
    j.key("partition").value(static_cast<std::int64_t>(move.partition.get()));
    j.key("dir").value(move.path);
    j.key("error");
    jsonKafkaError(j, error);
    if (!ctx.args.json) {
        const std::string what = move.topic + "-" + std::to_string(move.partition.get()) + " on broker " +
                                 std::to_string(broker.get()) + " -> " + move.path;
        if (error == KafkaError::None)
            std::printf("%s: accepted (the broker copies into a -future replica and swaps it in)\n", what.c_str());
        else
            std::printf("%s: %s\n", what.c_str(), kafkaErrorText(error).c_str());
    }
    return error == KafkaError::None ? ExitOk : ExitProblems;
}

} // namespace spillway::app::cluster
