// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to `spillway-cli cluster`: the parsed arguments and one function
// per subcommand (cluster_views.cpp, cluster_log_dirs.cpp, cluster_configs.cpp).
#pragma once

#include "core/admin/admin_client.h"
#include "core/common/json_writer.h"

#include <optional>
#include <string>
#include <vector>

namespace spillway::app::cluster {

/// What the command line said, after the subcommand name.
struct ClusterArgs {
    std::string subcommand;
    std::string bootstrap;
    bool json = false;
    std::optional<std::int32_t> broker;    ///< --broker N
    std::optional<std::string> topic;      ///< --topic T
    std::optional<std::int32_t> partition; ///< --partition P
    std::optional<std::string> dir;        ///< --dir PATH
    std::optional<std::string> group;      ///< --group G
    std::vector<std::string> deletes;      ///< --delete KEY (repeatable)
    std::vector<std::string> positional;   ///< key=value for set-config
    bool alterConfigs = false;             ///< --alter-configs: force the fallback
    bool partitions = false;               ///< --partitions: log-dirs lists partitions
};

/// One subcommand run: the client, the arguments and the JSON document
/// being built ({"command": ..., then the subcommand's keys}).
struct Context {
    core::admin::AdminClient &client;
    const ClusterArgs &args;
    core::JsonWriter &json;
};

/// Each prints its result (table or JSON body) and returns the exit code:
/// 0 ok, 1 problems found or reported by Kafka, 2 connection error (the
/// caller prints the Error).
using Outcome = core::Result<int>;
Outcome showBrokers(Context &ctx);
Outcome showTopics(Context &ctx);
Outcome showGroups(Context &ctx);
Outcome showLogDirs(Context &ctx);
Outcome moveReplica(Context &ctx);
Outcome showConfigs(Context &ctx);
Outcome setConfig(Context &ctx);

/// Kafka's error name, or JSON null / "" for NONE.
void jsonKafkaError(core::JsonWriter &json, core::KafkaError error);
std::string kafkaErrorText(core::KafkaError error);

} // namespace spillway::app::cluster
