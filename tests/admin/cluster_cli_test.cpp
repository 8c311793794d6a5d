// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli cluster ...` as a user runs it: the real binary against the
// real spillway-broker, --json output read back with Python's json module,
// exit codes 0 (ok), 1 (Kafka reported a problem) and 2 (usage, connection).
#include "core/admin/admin_client.h"
#include "tests/admin/lab_broker.h"

#include <catch2/catch.hpp>

using namespace spillway;
using test::AdminLabBroker;

namespace {

struct CliRun {
    int exitCode = -1;
    std::string out;
    std::string err;
};

CliRun cli(const AdminLabBroker &broker, std::vector<std::string> args)
{
    std::vector<std::string> argv{AdminLabBroker::binary("spillway-cli"), "cluster"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = test::runProcessSplit(argv, broker.dir().path().string());
    return {r.exitCode, r.out, r.err};
}

/// Evaluates a Python expression over the JSON document `d`; "INVALID" when
/// the text is not JSON.
std::string query(const std::string &json, const std::string &expression)
{
    const std::string script = "import json,sys\n"
                               "try:\n"
                               "    d = json.loads(sys.argv[1])\n"
                               "except ValueError:\n"
                               "    print('INVALID'); sys.exit(0)\n"
                               "print(" +
                               expression + ")\n";
    const auto r = test::runProcess({"python3", "-c", script, json});
    INFO(r.out);
    REQUIRE(r.exitCode == 0);
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

void createTopic(const AdminLabBroker &broker, const std::string &name, int partitions)
{
    core::admin::AdminOptions options;
    options.bootstrap = broker.bootstrap();
    auto client = core::admin::AdminClient::create(options);
    REQUIRE(client.ok());
    auto created = (*client)->createTopics({{name, partitions, 1, {}}});
    REQUIRE(created.ok());
    REQUIRE(created->front().error == core::KafkaError::None);
}

std::int64_t segmentBytesIn(const std::filesystem::path &logDir)
{
    std::int64_t total = 0;
    for (const auto &f : std::filesystem::recursive_directory_iterator(logDir))
        if (f.path().extension() == ".log")
            total += static_cast<std::int64_t>(f.file_size());
    return total;
}

} // namespace

TEST_CASE("cluster brokers and topics print the cluster as JSON", "[admin][cli]")
{
    AdminLabBroker broker(2);
    createTopic(broker, "orders", 3);
    const std::string bootstrap = "--bootstrap=" + broker.bootstrap();

    auto brokers = cli(broker, {"brokers", bootstrap, "--json"});
    INFO(brokers.err);
    CHECK(brokers.exitCode == 0);
    CHECK(query(brokers.out, "d['command']") == "cluster brokers");
    CHECK(query(brokers.out, "d['controller']") == "1");
    CHECK(query(brokers.out, "[(b['id'], b['host'], b['port'], b['controller']) for b in d['brokers']]") ==
          "[(1, '127.0.0.1', " + std::to_string(broker.port()) + ", True)]");

    auto topics = cli(broker, {"topics", "--bootstrap", broker.bootstrap(), "--json"});
    CHECK(topics.exitCode == 0);
    CHECK(query(topics.out, "[t['name'] for t in d['topics']]") == "['orders']");
    CHECK(query(topics.out,
                "[(p['partition'], p['leader'], p['replicas'], p['isr']) for p in "
                "d['topics'][0]['partitions']]") == "[(0, 1, [1], [1]), (1, 1, [1], [1]), (2, 1, [1], [1])]");
    CHECK(query(topics.out, "d['problems']") == "0");

    auto unknown = cli(broker, {"topics", bootstrap, "--topic", "no-such-topic", "--json"});
    CHECK(unknown.exitCode == 1);
    CHECK(query(unknown.out, "d['topics'][0]['error']") == "UNKNOWN_TOPIC_OR_PARTITION");

    auto table = cli(broker, {"topics", bootstrap});
    CHECK(table.exitCode == 0);
    CHECK(table.out.find("TOPIC   PARTITION  LEADER  REPLICAS  ISR  OFFLINE  STATUS\n") == 0);
    CHECK(table.out.find("orders          2       1  1         1    -        ok\n") != std::string::npos);
}

TEST_CASE("cluster log-dirs reports each log dir with the bytes on disk", "[admin][cli]")
{
    AdminLabBroker broker(3);
    createTopic(broker, "sized", 3);
    for (int p = 0; p < 3; ++p)
        broker.produce("sized", p, 300);

    auto r = cli(broker, {"log-dirs", "--bootstrap", broker.bootstrap(), "--json"});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(query(r.out, "len(d['brokers'][0]['log_dirs'])") == "3");
    CHECK(query(r.out, "d['problems']") == "0");
    for (std::size_t i = 0; i < broker.logDirs().size(); ++i) {
        const auto &dir = broker.logDirs()[i];
        const std::string pick = "[x for x in d['brokers'][0]['log_dirs'] if x['path'] == '" + dir.string() + "'][0]";
        INFO(dir);
        CHECK(query(r.out, pick + "['kafka_bytes']") == std::to_string(segmentBytesIn(dir)));
        CHECK(query(r.out, pick + "['error']") == "None");
        CHECK(query(r.out, pick + "['total_bytes'] >= " + pick + "['usable_bytes'] > 0") == "True");
    }
    CHECK(query(r.out, "sum(len(x['partitions']) for x in d['brokers'][0]['log_dirs'])") == "3");

    auto one = cli(broker, {"log-dirs", "--bootstrap", broker.bootstrap(), "--broker", "1", "--partitions"});
    CHECK(one.exitCode == 0);
    CHECK(one.out.find("sized-0") != std::string::npos);
    auto missing = cli(broker, {"log-dirs", "--bootstrap", broker.bootstrap(), "--broker", "7"});
    CHECK(missing.exitCode == 2);
    CHECK(missing.err.find("broker 7 is not in the cluster") != std::string::npos);
}

TEST_CASE("cluster set-config changes a topic and configs shows the source", "[admin][cli]")
{
    AdminLabBroker broker(1);
    createTopic(broker, "configured", 1);
    const std::string bootstrap = "--bootstrap=" + broker.bootstrap();
    const std::string retention = "[c for c in d['configs'] if c['name'] == 'retention.ms'][0]";

    auto set = cli(broker, {"set-config", bootstrap, "--topic", "configured", "retention.ms=3600000",
                            "segment.bytes=1048576", "--json"});
    INFO(set.err);
    CHECK(set.exitCode == 0);
    CHECK(query(set.out, "(d['error'], d['via_alter_configs'], len(d['changes']))") == "(None, False, 2)");
    auto shown = cli(broker, {"configs", bootstrap, "--topic", "configured", "--json"});
    CHECK(shown.exitCode == 0);
    CHECK(query(shown.out, "(" + retention + "['value'], " + retention + "['source'])") ==
          "('3600000', 'DYNAMIC_TOPIC_CONFIG')");

    // The AlterConfigs path rewrites the whole set: segment.bytes must survive.
    auto fallback = cli(broker, {"set-config", bootstrap, "--topic", "configured", "--delete", "retention.ms",
                                 "--alter-configs", "--json"});
    CHECK(fallback.exitCode == 0);
    CHECK(query(fallback.out, "d['via_alter_configs']") == "True");
    shown = cli(broker, {"configs", bootstrap, "--topic", "configured", "--json"});
    CHECK(query(shown.out, retention + "['source'] != 'DYNAMIC_TOPIC_CONFIG'") == "True");
    CHECK(query(shown.out, "[c['value'] for c in d['configs'] if c['name'] == 'segment.bytes']") == "['1048576']");

    auto bad = cli(broker, {"set-config", bootstrap, "--topic", "configured", "retention.ms=soon", "--json"});
    CHECK(bad.exitCode == 1);
    CHECK(query(bad.out, "d['error']") == "INVALID_CONFIG");

    auto brokerConfigs = cli(broker, {"configs", bootstrap, "--broker", "1", "--json"});
    CHECK(brokerConfigs.exitCode == 0);
    CHECK(query(brokerConfigs.out, "[c['source'] for c in d['configs'] if c['name'] == 'log.dirs']") ==
          "['STATIC_BROKER_CONFIG']");

    auto unknown = cli(broker, {"configs", bootstrap, "--topic", "no-such-topic"});
    CHECK(unknown.exitCode == 1);
    CHECK(unknown.out.find("UNKNOWN_TOPIC_OR_PARTITION") != std::string::npos);
}

TEST_CASE("cluster groups shows lag per partition", "[admin][cli]")
{
    AdminLabBroker broker(1);
    createTopic(broker, "lagging", 2);
    broker.produce("lagging", 0, 12);
    broker.produce("lagging", 1, 8);
    REQUIRE(broker.consumeAsGroup("cli-group", "lagging") == 20);
    broker.produce("lagging", 1, 3, "later");

    auto r = cli(broker, {"groups", "--bootstrap", broker.bootstrap(), "--json"});
    INFO(r.err);
    CHECK(r.exitCode == 0);
    const std::string g = "[x for x in d['groups'] if x['group'] == 'cli-group'][0]";
    CHECK(query(r.out, g + "['total_lag']") == "3");
    CHECK(query(r.out, "[(p['partition'], p['committed'], p['log_end'], p['lag']) for p in " + g + "['partitions']]") ==
          "[(0, 12, 12, 0), (1, 8, 11, 3)]");
    CHECK(query(r.out, "d['errors']") == "[]");

    auto table = cli(broker, {"groups", "--bootstrap", broker.bootstrap(), "--group", "cli-group"});
    CHECK(table.exitCode == 0);
    CHECK(table.out.find("cli-group: Empty, coordinator 1, total lag 3") != std::string::npos);
}

TEST_CASE("cluster move answers for the current dir and for a dir the broker lacks", "[admin][cli]")
{
    AdminLabBroker broker(2);
    createTopic(broker, "movable", 1);
    std::string current;
    for (const auto &d : broker.logDirs())
        if (std::filesystem::exists(d / "movable-0"))
            current = d.string();
    REQUIRE_FALSE(current.empty());
    const std::vector<std::string> base{"move",    "--bootstrap", broker.bootstrap(), "--broker", "1",
                                        "--topic", "movable",     "--partition",      "0"};

    auto same = base;
    same.insert(same.end(), {"--dir", current, "--json"});
    auto r = cli(broker, same);
    INFO(r.out << r.err);
    if (r.exitCode == 2 && r.err.find("does not support AlterReplicaLogDirs") != std::string::npos) {
        // PENDING: the lab broker does not serve AlterReplicaLogDirs yet.
        WARN("spillway-broker has no AlterReplicaLogDirs yet: only the CLI's refusal is checked");
        return;
    }
    CHECK(r.exitCode == 0);
    CHECK(query(r.out, "(d['topic'], d['partition'], d['error'])") == "('movable', 0, None)");

    auto bogus = base;
    bogus.insert(bogus.end(), {"--dir", (broker.dir() / "nowhere").string(), "--json"});
    r = cli(broker, bogus);
    CHECK(r.exitCode == 1);
    CHECK(query(r.out, "d['error']") == "LOG_DIR_NOT_FOUND");
}

TEST_CASE("cluster exits 2 on usage and connection errors", "[admin][cli]")
{
    AdminLabBroker broker(1);
    const int dead = test::freePort();
    auto refused = cli(broker, {"brokers", "--bootstrap", "127.0.0.1:" + std::to_string(dead), "--json"});
    CHECK(refused.exitCode == 2);
    CHECK(refused.err.find("cannot connect to bootstrap server 127.0.0.1:" + std::to_string(dead) +
                           ": Connection refused") != std::string::npos);
    CHECK(query(refused.out, "d['error']['message']") ==
          "cannot connect to bootstrap server 127.0.0.1:" + std::to_string(dead) +
              ": Connection refused (for DescribeCluster)");

    for (const auto &args : std::vector<std::vector<std::string>>{
             {"brokers"},
             {"no-such-subcommand", "--bootstrap", broker.bootstrap()},
             {"configs", "--bootstrap", broker.bootstrap()},
             {"configs", "--bootstrap", broker.bootstrap(), "--topic", "a", "--broker", "1"},
             {"set-config", "--bootstrap", broker.bootstrap(), "--topic", "a"},
             {"set-config", "--bootstrap", broker.bootstrap(), "--topic", "a", "novalue"},
             {"move", "--bootstrap", broker.bootstrap(), "--broker", "1"},
             {"log-dirs", "--bootstrap", broker.bootstrap(), "--broker", "one"},
             {"brokers", "--bootstrap", "no-port"},
             {"brokers", "--bootstrap", broker.bootstrap(), "--what"}}) {
        auto r = cli(broker, args);
        INFO(args.front() << " " << r.err);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("spillway-cli cluster") == 0);
    }
}
