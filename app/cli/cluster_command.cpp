// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli cluster ...`: a live cluster through Spillway's admin client
// (core/admin). Parses the arguments, opens the client and hands over to one
// function per subcommand; prints the error of a call that failed.
#include "app/cli/cluster_command.h"

#include "app/cli/cli_command.h"
#include "app/cli/cluster_subcommands.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace spillway::app {
using namespace spillway::app::cluster;
using namespace spillway::core;

namespace {

constexpr const char *kHelp =
    "Usage: spillway-cli cluster <subcommand> --bootstrap HOST:PORT[,HOST:PORT...] [--json] [--timeout MS]\n"
    "\n"
    "Asks a running Kafka cluster (Apache Kafka 2.x to 4.x, or the lab broker) through\n"
    "Kafka's protocol. Subcommands:\n"
    "\n"
    "  brokers                         brokers, controller and cluster id\n"
    "  topics [--topic T]              partitions with leader, replicas, ISR and offline replicas\n"
    "  log-dirs [--broker N] [--partitions]\n"
    "                                  every log dir: status, capacity, usable and Kafka bytes\n"
    "                                  (--partitions: and the partitions in each)\n"
    "  configs --topic T | --broker N  every config with its value and source\n"
    "  set-config --topic T | --broker N [key=value...] [--delete key...] [--alter-configs]\n"
    "                                  changes configs (IncrementalAlterConfigs; AlterConfigs on\n"
    "                                  brokers older than Kafka 2.3, or with --alter-configs)\n"
    "  move --broker N --topic T --partition P --dir PATH\n"
    "                                  moves a replica to another log dir of its broker\n"
    "  groups [--group G]              consumer groups with committed offset, log end and lag\n"
    "                                  per partition\n"
    "\n"
    "Options:\n"
    "  --bootstrap HOST:PORT  Kafka's bootstrap.servers (or $SPILLWAY_BOOTSTRAP)\n"
    "  --json                 one JSON document on stdout (see docs/cli-cluster.md)\n"
    "  --timeout MS           request timeout (default 30000)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: 0 all good; 1 a problem found or reported by Kafka (an offline log dir,\n"
    "an offline or under-replicated partition, an error answer); 2 usage or connection error.\n";

int usageError(const std::string &message)
{
    std::fprintf(stderr, "spillway-cli cluster: %s (see spillway-cli cluster --help)\n", message.c_str());
    return ExitUsage;
}

std::optional<std::int32_t> toInt(const std::string &text)
{
    std::int32_t n = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || n < 0)
        return std::nullopt;
    return n;
}

/// Parses everything after the subcommand; an error message on bad usage.
std::optional<ClusterArgs> parse(std::string subcommand, std::vector<std::string> args, std::string &error,
                                 std::int32_t &timeoutMs)
{
    ClusterArgs out;
    out.subcommand = std::move(subcommand);
    out.json = takeFlag(args, "--json");
    out.alterConfigs = takeFlag(args, "--alter-configs");
    out.partitions = takeFlag(args, "--partitions");
    bool bad = false;
    const auto value = [&](std::string_view flag) {
        auto v = takeValue(args, flag, bad);
        if (bad && error.empty())
            error = std::string(flag) + " needs a value";
        return v;
    };
    const auto number = [&](std::string_view flag) -> std::optional<std::int32_t> {
        const auto v = value(flag);
        if (!v)
            return std::nullopt;
        const auto n = toInt(*v);
        if (!n && error.empty())
            error = std::string(flag) + " needs a non-negative number, not '" + *v + "'";
        return n;
    };
    if (auto b = value("--bootstrap"))
        out.bootstrap = *b;
    out.broker = number("--broker");
    out.topic = value("--topic");
    out.partition = number("--partition");
    out.dir = value("--dir");
    out.group = value("--group");
    if (auto t = number("--timeout"))
        timeoutMs = *t;
    while (auto d = value("--delete"))
        out.deletes.push_back(*d);
    if (!error.empty())
        return std::nullopt;
    for (auto &a : args) {
        if (a.size() > 1 && a[0] == '-') {
            error = "unknown option '" + a + "'";
            return std::nullopt;
        }
        out.positional.push_back(std::move(a));
    }
    if (out.bootstrap.empty()) {
        if (const char *env = std::getenv("SPILLWAY_BOOTSTRAP"); env != nullptr && *env != '\0')
            out.bootstrap = env;
        else
            error = "no --bootstrap HOST:PORT given";
    }
    const std::string &s = out.subcommand;
    if (error.empty() && s != "set-config" && !out.positional.empty())
        error = "unexpected argument '" + out.positional.front() + "'";
    if (error.empty() && (s == "configs" || s == "set-config") && out.topic.has_value() == out.broker.has_value())
        error = s + " needs --topic T or --broker N";
    if (error.empty() && s == "set-config" && out.positional.empty() && out.deletes.empty())
        error = "set-config needs key=value or --delete key";
    if (error.empty() && s == "set-config")
        for (const auto &kv : out.positional)
            if (kv.find('=') == std::string::npos || kv.front() == '=')
                error = "expected key=value, not '" + kv + "'";
    if (error.empty() && s == "move" && (!out.broker || !out.topic || !out.partition || !out.dir))
        error = "move needs --broker N --topic T --partition P --dir PATH";
    if (!error.empty())
        return std::nullopt;
    return out;
}

using Handler = Outcome (*)(Context &);

Handler handlerFor(const std::string &subcommand)
{
    if (subcommand == "brokers")
        return showBrokers;
    if (subcommand == "topics")
        return showTopics;
    if (subcommand == "log-dirs")
        return showLogDirs;
    if (subcommand == "configs")
        return showConfigs;
    if (subcommand == "set-config")
        return setConfig;
    if (subcommand == "move")
        return moveReplica;
    if (subcommand == "groups")
        return showGroups;
    return nullptr;
}

} // namespace

int runClusterCommand(std::span<const std::string> argv)
{
    if (argv.empty())
        return usageError("expected a subcommand");
    const std::string &sub = argv.front();
    std::vector<std::string> rest(argv.begin() + 1, argv.end());
    if (sub == "-h" || sub == "--help" || sub == "help" || takeFlag(rest, "--help") || takeFlag(rest, "-h")) {
        std::fputs(kHelp, stdout);
        return ExitOk;
    }
    const Handler handler = handlerFor(sub);
    if (handler == nullptr)
        return usageError("unknown subcommand '" + sub + "'");
    std::string error;
    std::int32_t timeoutMs = 30000;
    const auto args = parse(sub, std::move(rest), error, timeoutMs);
    if (!args)
        return usageError(error);

    admin::AdminOptions options;
    options.bootstrap = args->bootstrap;
    options.forceAlterConfigs = args->alterConfigs;
    options.connection.clientId = "spillway-cli";
    options.connection.requestTimeout = std::chrono::milliseconds(timeoutMs);
    auto client = admin::AdminClient::create(options);
    if (!client)
        return usageError(client.error().message);

    JsonWriter json;
    json.beginObject();
    json.key("command").value("cluster " + sub);
    json.key("bootstrap").value(args->bootstrap);
    Context ctx{**client, *args, json};
    const Outcome outcome = handler(ctx);
    if (!outcome.ok()) {
        // A failed call: the document says so too, so that scripts always
        // get JSON on stdout.
        std::fprintf(stderr, "spillway-cli cluster %s: %s\n", sub.c_str(), outcome.error().describe().c_str());
        if (args->json) {
            JsonWriter failed;
            failed.beginObject();
            failed.key("command").value("cluster " + sub);
            failed.key("bootstrap").value(args->bootstrap);
            failed.key("error").beginObject();
            failed.key("code").value(toString(outcome.error().code));
            failed.key("message").value(outcome.error().message);
            failed.endObject();
            failed.endObject();
            std::printf("%s\n", failed.str().c_str());
        }
        return ExitUsage;
    }
    if (args->json) {
        json.endObject();
        std::printf("%s\n", json.str().c_str());
    }
    return *outcome;
}

} // namespace spillway::app
