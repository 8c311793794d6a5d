// SPDX-License-Identifier: GPL-3.0-or-later
// The broker registry: entries persisted and read back, what the console
// learns from server.properties, validation errors, capabilities.
#include "core/common/fileio.h"
#include "core/services/broker_registry.h"
#include "tests/core/broker_test_support.h"

#include <catch2/catch.hpp>

#include <fstream>

using namespace spillway;
using namespace spillway::core;
using spillway::test::TempDir;

namespace {

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

/// A fake Apache Kafka installation: bin/kafka-server-start.sh and
/// config/server.properties (Kafka's own KRaft example file).
struct FakeKafkaInstall {
    TempDir dir;
    FakeKafkaInstall()
    {
        std::filesystem::create_directories(dir / "bin");
        std::filesystem::create_directories(dir / "config");
        std::ofstream(dir / "bin/kafka-server-start.sh") << "#!/bin/sh\nexit 0\n";
        std::filesystem::permissions(dir / "bin/kafka-server-start.sh", std::filesystem::perms::owner_all);
        std::filesystem::copy_file(SPILLWAY_TEST_DATA_DIR "/server.properties", dir / "config/server.properties");
    }
    BrokerEntry entry() const
    {
        BrokerEntry e;
        e.id = "kafka-1";
        e.kind = BrokerKind::KafkaInstall;
        e.serverProperties = dir / "config/server.properties";
        e.startCommand = {(dir / "bin/kafka-server-start.sh").string(), e.serverProperties.string()};
        e.environment = {{"KAFKA_HEAP_OPTS", "-Xmx512M"}};
        return e;
    }
};

} // namespace

TEST_CASE("Broker registry round-trips lab, kafka-install and remote entries", "[core][brokers]")
{
    test::LabBrokerFiles lab;
    FakeKafkaInstall kafka;
    TempDir data;
    BrokerRegistry registry(data.path());

    REQUIRE(registry.load()->empty());
    REQUIRE(registry.add(lab.entry()).ok());
    REQUIRE(registry.add(kafka.entry()).ok());
    BrokerEntry remote;
    remote.id = "far-away";
    remote.kind = BrokerKind::Remote;
    remote.bootstrapServers = {{"kafka1.example.com", 9092}, {"::1", 9093}};
    REQUIRE(registry.add(remote).ok());

    // A second registry object reads the file written by the first.
    auto loaded = BrokerRegistry(data.path()).load();
    REQUIRE(loaded.ok());
    REQUIRE(loaded->size() == 3);
    const auto &l = (*loaded)[0];
    CHECK(l.id == "lab");
    CHECK(l.kind == BrokerKind::Lab);
    CHECK(l.startCommand == std::vector<std::string>{test::kBrokerBinary, lab.properties().string()});
    REQUIRE(l.facts);
    CHECK(l.facts->brokerId == 3);
    CHECK(l.bootstrapServers == std::vector<HostPort>{{"127.0.0.1", static_cast<std::uint16_t>(lab.port)}});

    const auto &k = (*loaded)[1];
    CHECK(k.kind == BrokerKind::KafkaInstall);
    CHECK(k.workingDir == kafka.dir / "config"); // defaults to the config's directory
    CHECK(k.environment == std::vector<std::pair<std::string, std::string>>{{"KAFKA_HEAP_OPTS", "-Xmx512M"}});
    REQUIRE(k.facts);
    CHECK(k.facts->kraft());

    const auto &r = (*loaded)[2];
    CHECK(r.kind == BrokerKind::Remote);
    CHECK(r.bootstrapServers.size() == 2);
    CHECK(r.bootstrapServers[1].toString() == "[::1]:9093");
    CHECK(!r.facts);

    REQUIRE(registry.remove("kafka-1").ok());
    CHECK(registry.load()->size() == 2);
    CHECK(registry.find("kafka-1").error().code == Errc::NotFound);
    CHECK(registry.remove("kafka-1").error().code == Errc::NotFound);
}

TEST_CASE("Facts of Kafka's KRaft example server.properties", "[core][brokers]")
{
    auto facts = inspectServerPropertiesFile(SPILLWAY_TEST_DATA_DIR "/server.properties", "/opt/kafka");
    REQUIRE(facts.ok());
    CHECK(facts->kraft());
    CHECK(facts->processRoles == std::vector<std::string>{"broker", "controller"});
    CHECK(facts->brokerId == 1);
    CHECK(facts->brokerIdKey == "node.id");
    CHECK(facts->logDirs == std::vector<std::filesystem::path>{"/tmp/kraft-combined-logs"});
    // Clients bootstrap from advertised.listeners; the CONTROLLER listener is not a client listener.
    CHECK(facts->bootstrapServers == std::vector<HostPort>{{"localhost", 9092}});
    // The probe goes to the bound port; ":9092" (every interface) maps to 127.0.0.1.
    REQUIRE(facts->probeAddress);
    CHECK(*facts->probeAddress == HostPort{"127.0.0.1", 9092});
    CHECK(!facts->probeTls);
}

TEST_CASE("Facts in ZooKeeper mode, the log.dir fallback and Kafka's default log dir", "[core][brokers]")
{
    auto parse = [](const std::string &text) {
        auto doc = PropertiesDocument::parse(text);
        REQUIRE(doc.ok());
        return inspectServerProperties(*doc, "/opt/kafka");
    };
    auto zk = parse("broker.id=2\nzookeeper.connect=zk:2181\nlog.dir=/data/k\n"
                    "listeners=INTERNAL://0.0.0.0:9092,EXTERNAL://[::]:9094\n"
                    "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:SSL\n");
    REQUIRE(zk.ok());
    CHECK(!zk->kraft());
    CHECK(zk->brokerId == 2);
    CHECK(zk->logDirsKey == "log.dir");
    CHECK(zk->logDirs == std::vector<std::filesystem::path>{"/data/k"});
    CHECK(zk->bootstrapServers == std::vector<HostPort>{{"127.0.0.1", 9092}, {"127.0.0.1", 9094}});
    CHECK(*zk->probeAddress == HostPort{"127.0.0.1", 9092});

    auto defaults = parse("# nothing but a comment\n");
    REQUIRE(defaults.ok());
    CHECK(defaults->logDirs == std::vector<std::filesystem::path>{"/tmp/kafka-logs"});
    CHECK(defaults->logDirsKey.empty());
    CHECK(!defaults->brokerId);
    CHECK(*defaults->probeAddress == HostPort{"127.0.0.1", 9092});
    REQUIRE(!defaults->warnings.empty());
    CHECK(contains(defaults->warnings.front(), "/tmp/kafka-logs"));

    auto tlsOnly = parse("log.dirs=/d\nlisteners=SSL://:9093\n");
    REQUIRE(tlsOnly.ok());
    CHECK(tlsOnly->probeTls);

    auto relative = parse("log.dirs=data0\n");
    REQUIRE(relative.ok());
    CHECK(relative->logDirs == std::vector<std::filesystem::path>{"/opt/kafka/data0"});
}

TEST_CASE("Broker registry refuses bad entries with errors that name the problem", "[core][brokers]")
{
    test::LabBrokerFiles lab;
    TempDir data;
    BrokerRegistry registry(data.path());
    auto refused = [&](BrokerEntry e) {
        auto r = registry.add(std::move(e));
        REQUIRE(!r.ok());
        return r.error();
    };
    auto base = [&] {
        BrokerEntry e;
        e.id = "b";
        e.kind = BrokerKind::Lab;
        e.serverProperties = lab.properties();
        e.startCommand = {test::kBrokerBinary, lab.properties().string()};
        return e;
    };

    SECTION("missing server.properties")
    {
        auto e = base();
        e.serverProperties = lab.dir / "nope.properties";
        const auto err = refused(e);
        CHECK(err.code == Errc::NotFound);
        CHECK(contains(err.message, "nope.properties"));
    }
    SECTION("unparsable properties")
    {
        std::ofstream(lab.properties(), std::ios::app) << "bad.escape=\\u12G4\n";
        const auto err = refused(base());
        CHECK(err.code == Errc::Corrupt);
        CHECK(contains(err.message, lab.properties().string()));
    }
    SECTION("empty log.dirs")
    {
        std::ofstream(lab.properties(), std::ios::app) << "log.dirs=\n";
        const auto err = refused(base());
        CHECK(contains(err.message, "log.dirs is empty"));
    }
    SECTION("KRaft without node.id")
    {
        std::ofstream(lab.properties(), std::ios::app) << "process.roles=broker\n";
        CHECK(contains(refused(base()).message, "node.id is missing"));
    }
    SECTION("a listener without a port")
    {
        std::ofstream(lab.properties(), std::ios::app) << "listeners=PLAINTEXT://localhost\n";
        CHECK(contains(refused(base()).message, "not NAME://host:port"));
    }
    SECTION("a start command that detaches")
    {
        auto e = base();
        e.startCommand = {"/bin/sh", "-daemon", lab.properties().string()};
        CHECK(contains(refused(e).message, "-daemon"));
    }
    SECTION("a start command that does not exist")
    {
        auto e = base();
        e.startCommand = {"no-such-kafka-start-script"};
        CHECK(refused(e).code == Errc::NotFound);
    }
    SECTION("names that cannot be a directory")
    {
        for (const char *id : {"", "../x", "-x", ".hidden", "a b"}) {
            auto e = base();
            e.id = id;
            CHECK(refused(e).code == Errc::InvalidArgument);
        }
    }
    SECTION("a duplicate name")
    {
        REQUIRE(registry.add(base()).ok());
        CHECK(contains(refused(base()).message, "already registered"));
    }
    SECTION("a remote broker without bootstrap servers")
    {
        BrokerEntry e;
        e.id = "r";
        e.kind = BrokerKind::Remote;
        CHECK(contains(refused(e).message, "bootstrap"));
        CHECK(!HostPort::parse("kafka1.example.com").ok());
        CHECK(!HostPort::parse("host:0").ok());
    }
    CHECK(registry.load().ok());
}

TEST_CASE("A damaged registry file is reported, not overwritten", "[core][brokers]")
{
    TempDir data;
    const std::string damaged = "{\"version\":1,\"brokers\":[{\"id\":";
    std::ofstream(data / "brokers.json") << damaged;
    BrokerRegistry registry(data.path());
    auto loaded = registry.load();
    REQUIRE(!loaded.ok());
    CHECK(loaded.error().code == Errc::Corrupt);
    CHECK(contains(loaded.error().message, "brokers.json"));
    BrokerEntry remote;
    remote.id = "r";
    remote.kind = BrokerKind::Remote;
    remote.bootstrapServers = {{"h", 9092}};
    CHECK(!registry.add(remote).ok());
    CHECK(*readFile(data / "brokers.json") == damaged);
}

TEST_CASE("A remote broker offers only network operations and says why", "[core][brokers]")
{
    BrokerEntry remote;
    remote.id = "r";
    remote.kind = BrokerKind::Remote;
    remote.bootstrapServers = {{"kafka1.example.com", 9092}};
    const auto caps = capabilitiesOf(remote);
    CHECK(caps.can(BrokerOperation::OnlineAdmin));
    for (const auto op : {BrokerOperation::StartStop, BrokerOperation::ViewProcessLog, BrokerOperation::EditConfig,
                          BrokerOperation::ScanLogDirs, BrokerOperation::OfflineRepair}) {
        CHECK(!caps.can(op));
        CHECK(caps.reason(op) == "needs the broker's files; Spillway reaches this broker only over the network");
    }

    test::LabBrokerFiles lab;
    auto local = lab.entry();
    for (const auto &c : capabilitiesOf(local).operations)
        CHECK(c.available);
    // A local broker whose server.properties vanished cannot be started; the reason says so.
    std::filesystem::remove(lab.properties());
    refreshFacts(local);
    const auto broken = capabilitiesOf(local);
    CHECK(!broken.can(BrokerOperation::StartStop));
    CHECK(contains(broken.reason(BrokerOperation::StartStop), "server.properties"));
}
