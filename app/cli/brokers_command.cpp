// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli brokers ...`: the broker registry (list, add, add-remote,
// remove), supervision (start, stop, restart, status: brokers_control.cpp),
// the captured process log, and server.properties edits with a backup.
#include "app/cli/brokers_command.h"

#include "app/cli/brokers_control.h"
#include "app/cli/cli_command.h"
#include "core/common/json_writer.h"
#include "core/services/app_paths.h"
#include "core/services/broker_log_tail.h"
#include "core/services/broker_registry.h"

#include <charconv>
#include <cstdio>
#include <optional>
#include <unistd.h>
#include <vector>

namespace spillway::app {
using namespace spillway::core;

namespace {

constexpr const char *kHelp =
    "Usage: spillway-cli brokers list [--json]\n"
    "       spillway-cli brokers add --name N --config <server.properties> [--kind lab|kafka-install]\n"
    "                                [--arg A]... [--workdir D] [--env NAME=VALUE]... [--json]\n"
    "       spillway-cli brokers add-remote --name N --bootstrap HOST:PORT [--bootstrap HOST:PORT]... [--json]\n"
    "       spillway-cli brokers remove N\n"
    "       spillway-cli brokers start N [--timeout SECONDS] [--json]\n"
    "       spillway-cli brokers stop N [--timeout SECONDS] [--json]\n"
    "       spillway-cli brokers restart N [--json]\n"
    "       spillway-cli brokers status N [--json]\n"
    "       spillway-cli brokers log N [--lines K] [--json]\n"
    "       spillway-cli brokers config get N KEY | set N KEY=VALUE... | unset N KEY... [--json]\n"
    "\n"
    "The brokers Spillway owns: lab brokers, Apache Kafka installations on this host (added by their\n"
    "server.properties and start command), and remote brokers reached only over the network.\n"
    "\n"
    "add        the start command is an argument list, one --arg per argument, never a shell string.\n"
    "           Default for --kind kafka-install: <kafka>/bin/kafka-server-start.sh <server.properties>\n"
    "           (found next to the config); for --kind lab: spillway-broker <server.properties>.\n"
    "start      starts the broker in its own session (it keeps running when Spillway exits) and waits\n"
    "           until it answers ApiVersions (--timeout, default 120 s). Refused when another process\n"
    "           holds its log dirs: it is running, not started by Spillway.\n"
    "stop       SIGTERM to that broker's own pid, SIGKILL after --timeout (default 30 s). Never a stop\n"
    "           script: kafka-server-stop.sh signals every Kafka on the host.\n"
    "config set edits server.properties keeping comments and order; the old file is kept as\n"
    "           server.properties.spillway-backup-<UTC time>. Restart the broker to apply.\n"
    "\n"
    "Options:\n"
    "  --data-dir DIR  where the registry and broker logs live (default $XDG_DATA_HOME/spillway)\n"
    "  --json          one JSON document on stdout\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 all good, 1 problems (crashed, unresponsive, refused), 2 usage or I/O error.\n";

std::optional<std::int64_t> parsePositive(const std::string &text)
{
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size() || v <= 0)
        return std::nullopt;
    return v;
}

std::filesystem::path selfDir()
{
    std::error_code ec;
    return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
}

/// kafka-server-start.sh of the installation that holds `config`
/// (<kafka>/config/server.properties or <kafka>/config/kraft/server.properties).
std::optional<std::filesystem::path> findKafkaStartScript(const std::filesystem::path &config)
{
    std::error_code ec;
    auto dir = std::filesystem::absolute(config, ec).parent_path();
    for (int up = 0; up < 3 && !dir.empty(); ++up, dir = dir.parent_path()) {
        const auto script = dir / "bin" / "kafka-server-start.sh";
        if (std::filesystem::exists(script, ec))
            return script;
        if (dir == dir.root_path())
            break;
    }
    return std::nullopt;
}

void writeEntry(JsonWriter &w, const BrokerEntry &e, const BrokerStatus *status)
{
    w.beginObject();
    w.key("id").value(e.id);
    w.key("kind").value(toString(e.kind));
    w.key("serverProperties").value(e.serverProperties.string());
    w.key("startCommand").beginArray();
    for (const auto &a : e.startCommand)
        w.value(a);
    w.endArray();
    w.key("workingDir").value(e.workingDir.string());
    w.key("environment").beginObject();
    for (const auto &[k, v] : e.environment)
        w.key(k).value(v);
    w.endObject();
    w.key("bootstrapServers").beginArray();
    for (const auto &hp : e.bootstrapServers)
        w.value(hp.toString());
    w.endArray();
    w.key("facts");
    if (e.facts) {
        const auto &f = *e.facts;
        w.beginObject();
        w.key("brokerId");
        f.brokerId ? w.value(*f.brokerId) : w.null();
        w.key("brokerIdKey").value(f.brokerIdKey);
        w.key("mode").value(f.kraft() ? "kraft" : "zookeeper");
        w.key("processRoles").beginArray();
        for (const auto &r : f.processRoles)
            w.value(r);
        w.endArray();
        w.key("logDirs").beginArray();
        for (const auto &d : f.logDirs)
            w.value(d.string());
        w.endArray();
        w.key("logDirsKey").value(f.logDirsKey);
        w.key("healthAddress");
        f.probeAddress ? w.value(f.probeAddress->toString()) : w.null();
        w.key("warnings").beginArray();
        for (const auto &warning : f.warnings)
            w.value(warning);
        w.endArray();
        w.endObject();
    } else {
        w.null();
    }
    w.key("problem").value(e.problem);
    w.key("capabilities").beginArray();
    for (const auto &c : capabilitiesOf(e).operations) {
        w.beginObject();
        w.key("operation").value(toString(c.operation));
        w.key("available").value(c.available);
        w.key("reason").value(c.reason);
        w.endObject();
    }
    w.endArray();
    if (status)
        writeStatusMembers(w, *status);
    w.endObject();
}

int list(const BrokerRegistry &registry, bool json)
{
    auto entries = registry.load();
    if (!entries)
        return brokersFail(entries.error(), json);
    std::vector<BrokerStatus> statuses;
    for (const auto &e : *entries)
        statuses.push_back(observeBroker(registry, e));
    if (json) {
        JsonWriter w;
        w.beginObject();
        w.key("brokers").beginArray();
        for (std::size_t i = 0; i < entries->size(); ++i)
            writeEntry(w, (*entries)[i], (*entries)[i].isLocal() ? &statuses[i] : nullptr);
        w.endArray();
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return ExitOk;
    }
    if (entries->empty())
        std::printf("no brokers yet (spillway-cli brokers add --name N --config server.properties)\n");
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const auto &e = (*entries)[i];
        std::string servers;
        for (const auto &hp : e.bootstrapServers)
            servers += (servers.empty() ? "" : ",") + hp.toString();
        std::printf("%-20s %-14s %-24s %s\n", e.id.c_str(), std::string(toString(e.kind)).c_str(), servers.c_str(),
                    e.isLocal() ? statuses[i].describe().c_str() : "remote");
        if (!e.problem.empty())
            std::printf("  problem: %s\n", e.problem.c_str());
    }
    return ExitOk;
}

int printAdded(const Result<BrokerEntry> &added, bool json)
{
    if (!added)
        return brokersFail(added.error(), json);
    if (json) {
        JsonWriter w;
        writeEntry(w, *added, nullptr);
        std::printf("%s\n", w.str().c_str());
        return ExitOk;
    }
    std::printf("added %s (%s)\n", added->id.c_str(), std::string(toString(added->kind)).c_str());
    if (added->facts)
        for (const auto &warning : added->facts->warnings)
            std::printf("  warning: %s\n", warning.c_str());
    return ExitOk;
}

int add(BrokerRegistry &registry, std::vector<std::string> args, bool json)
{
    bool missing = false;
    const auto name = takeValue(args, "--name", missing);
    const auto config = takeValue(args, "--config", missing);
    const auto kindText = takeValue(args, "--kind", missing);
    const auto workdir = takeValue(args, "--workdir", missing);
    const auto argv = takeValues(args, "--arg", missing);
    const auto env = takeValues(args, "--env", missing);
    if (missing)
        return brokersUsageError("an option is missing its value");
    if (!args.empty())
        return brokersUsageError("unexpected argument '" + args.front() + "'");
    if (!name || !config)
        return brokersUsageError("add needs --name and --config");
    BrokerEntry e;
    e.id = *name;
    const auto kind = brokerKindFromString(kindText.value_or("kafka-install"));
    if (!kind || *kind == BrokerKind::Remote)
        return brokersUsageError("--kind is lab or kafka-install (remote brokers: brokers add-remote)");
    e.kind = *kind;
    e.serverProperties = *config;
    e.workingDir = workdir.value_or("");
    for (const auto &kv : env) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
            return brokersUsageError("--env takes NAME=VALUE, not '" + kv + "'");
        e.environment.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    e.startCommand = argv;
    if (e.startCommand.empty()) {
        std::error_code ec;
        const auto props = std::filesystem::absolute(*config, ec).string();
        if (e.kind == BrokerKind::Lab) {
            const auto broker = selfDir() / "spillway-broker";
            e.startCommand = {std::filesystem::exists(broker, ec) ? broker.string() : "spillway-broker", props};
        } else if (auto script = findKafkaStartScript(*config)) {
            e.startCommand = {script->string(), props};
        } else {
            return brokersFail(
                makeError(Errc::NotFound, "no bin/kafka-server-start.sh found near " + props,
                          "give the start command: --arg /opt/kafka/bin/kafka-server-start.sh --arg " + props),
                json);
        }
    }
    return printAdded(registry.add(std::move(e)), json);
}

int addRemote(BrokerRegistry &registry, std::vector<std::string> args, bool json)
{
    bool missing = false;
    const auto name = takeValue(args, "--name", missing);
    const auto servers = takeValues(args, "--bootstrap", missing);
    if (missing)
        return brokersUsageError("an option is missing its value");
    if (!args.empty())
        return brokersUsageError("unexpected argument '" + args.front() + "'");
    if (!name || servers.empty())
        return brokersUsageError("add-remote needs --name and --bootstrap HOST:PORT");
    BrokerEntry e;
    e.id = *name;
    e.kind = BrokerKind::Remote;
    for (const auto &list : servers) {
        std::size_t start = 0;
        while (start <= list.size()) {
            const auto comma = list.find(',', start);
            const auto item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!item.empty()) {
                auto hp = HostPort::parse(item);
                if (!hp)
                    return brokersFail(hp.error(), json);
                e.bootstrapServers.push_back(*hp);
            }
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
    }
    return printAdded(registry.add(std::move(e)), json);
}

int showLog(const BrokerRegistry &registry, const BrokerEntry &entry, std::vector<std::string> args, bool json)
{
    bool missing = false;
    const auto linesText = takeValue(args, "--lines", missing);
    if (missing)
        return brokersUsageError("--lines needs a number");
    if (!args.empty())
        return brokersUsageError("unexpected argument '" + args.front() + "'");
    std::size_t n = 50;
    if (linesText) {
        const auto v = parsePositive(*linesText);
        if (!v)
            return brokersUsageError("--lines needs a positive number, not '" + *linesText + "'");
        n = static_cast<std::size_t>(*v);
    }
    if (!entry.isLocal())
        return brokersFail(
            makeError(Errc::Unsupported, "no process log for '" + entry.id +
                                             "': " + capabilitiesOf(entry).reason(BrokerOperation::ViewProcessLog)),
            json);
    const auto file = registry.stateDir(entry.id) / "broker.log";
    auto lines = BrokerLogTail::readLastLines(file, n);
    if (!lines)
        return brokersFail(lines.error(), json);
    if (json) {
        JsonWriter w;
        w.beginObject();
        w.key("id").value(entry.id);
        w.key("file").value(file.string());
        w.key("lines").beginArray();
        for (const auto &l : *lines)
            w.value(l);
        w.endArray();
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return ExitOk;
    }
    for (const auto &l : *lines)
        std::printf("%s\n", l.c_str());
    return ExitOk;
}

} // namespace

int runBrokersCommand(std::span<const std::string> argsIn)
{
    std::vector<std::string> args(argsIn.begin(), argsIn.end());
    if (args.empty())
        return brokersUsageError(
            "expected a subcommand: list, add, add-remote, remove, start, stop, restart, status, log, "
            "config");
    if (takeFlag(args, "--help") || takeFlag(args, "-h") || args.front() == "help") {
        std::fputs(kHelp, stdout);
        return ExitOk;
    }
    const bool json = takeFlag(args, "--json");
    bool missing = false;
    const auto dataDir = takeValue(args, "--data-dir", missing);
    const auto timeoutText = takeValue(args, "--timeout", missing);
    if (missing)
        return brokersUsageError("an option is missing its value");
    BrokerRegistry registry(dataDir ? std::filesystem::path(*dataDir)
                                    : std::filesystem::path(AppPaths::fromEnvironment().dataDir.toStdString()));
    const std::string sub = args.front();
    std::vector<std::string> rest(args.begin() + 1, args.end());

    if (sub == "list")
        return rest.empty() ? list(registry, json) : brokersUsageError("list takes no argument");
    if (sub == "add")
        return add(registry, std::move(rest), json);
    if (sub == "add-remote")
        return addRemote(registry, std::move(rest), json);
    if (sub == "config")
        return runBrokersConfig(registry, std::move(rest), json);

    const bool control = sub == "start" || sub == "stop" || sub == "restart" || sub == "status";
    if (!control && sub != "remove" && sub != "log")
        return brokersUsageError("unknown subcommand '" + sub + "'");
    if (rest.empty())
        return brokersUsageError(sub + " needs a broker name");
    auto entry = registry.find(rest.front());
    if (!entry)
        return brokersFail(entry.error(), json);
    rest.erase(rest.begin());
    if (sub == "log")
        return showLog(registry, *entry, std::move(rest), json);
    if (!rest.empty())
        return brokersUsageError("unexpected argument '" + rest.front() + "'");
    if (sub == "remove") {
        const auto state = observeBroker(registry, *entry).state;
        if (entry->isLocal() &&
            (state == BrokerState::Starting || state == BrokerState::Running || state == BrokerState::Stopping))
            return brokersFail(makeError(Errc::InvalidArgument,
                                         "broker '" + entry->id + "' is " + std::string(toString(state)) +
                                             " under Spillway; removing it would leave it running unsupervised",
                                         "spillway-cli brokers stop " + entry->id + " first"),
                               json);
        if (auto st = registry.remove(entry->id); !st)
            return brokersFail(st.error(), json);
        if (json)
            std::printf("{\"removed\":%s}\n", JsonWriter::escape(entry->id).c_str());
        else
            std::printf("removed %s (its logs stay in %s)\n", entry->id.c_str(), registry.stateDir(entry->id).c_str());
        return ExitOk;
    }
    ControlOptions options;
    options.json = json;
    if (timeoutText) {
        const auto seconds = parsePositive(*timeoutText);
        if (!seconds)
            return brokersUsageError("--timeout needs a positive number of seconds, not '" + *timeoutText + "'");
        options.timeout = std::chrono::seconds(*seconds);
    }
    return runBrokerControl(sub, registry, *entry, options);
}

} // namespace spillway::app
