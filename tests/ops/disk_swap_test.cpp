// SPDX-License-Identifier: GPL-3.0-or-later
// The disk swap (core/ops/disk_swap.h): its file edits on real files
// (log.dirs replaced with comments kept and a backup, the spare's
// meta.properties, the spare's checks), and the operation itself against a
// real spillway-broker process with two log dirs and a spare: execute,
// --accept-loss, cancel before the stop and after the edit.
#include "core/admin/admin_client.h"
#include "core/common/fileio.h"
#include "core/ops/disk_swap.h"
#include "core/storage/logdir/meta_properties.h"
#include "tests/ops/ops_test_support.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>

using namespace spillway;
using namespace spillway::core;
using namespace spillway::core::ops;
using spillway::test::BackgroundProcess;
using spillway::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kBroker = SPILLWAY_BINARY_DIR "/app/spillway-broker";

std::string read(const fs::path &file) { return test::slurp(file.string()); }

/// The `.log` segments of a partition dir, name -> bytes (the data; the
/// broker itself adds producer snapshots at a clean shutdown).
std::map<std::string, std::string> segments(const fs::path &dir)
{
    auto all = test::snapshotDir(dir);
    std::erase_if(all, [](const auto &kv) { return fs::path(kv.first).extension() != ".log"; });
    return all;
}

/// A real spillway-broker on two log dirs with an empty spare, driven as a
/// BrokerControl: started and stopped as a process, described through the
/// admin client.
class ProcessBrokerControl final : public BrokerControl {
public:
    ProcessBrokerControl()
    {
        for (const char *d : {"data0", "data1", "data2"})
            fs::create_directories(m_dir / d);
        std::ofstream(m_dir / "server.properties")
            << "# test broker: keep this comment\nbroker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << m_port
            << "\n# the log dirs\nlog.dirs=" << (m_dir / "data0").string() << "," << (m_dir / "data1").string()
            << "\nnum.partitions=1\n";
        ::chmod((m_dir / "server.properties").c_str(), 0640);
    }
    [[nodiscard]] std::string label() const override { return "test broker"; }
    [[nodiscard]] std::map<std::string, std::string> identity() const override { return {{"control", "test"}}; }
    [[nodiscard]] fs::path serverProperties() const override { return m_dir / "server.properties"; }
    [[nodiscard]] bool placesByFreeSpace() const override { return true; }
    Result<bool> running() override { return m_process && m_process->running(); }
    Status stop() override
    {
        if (m_process && m_process->running())
            m_process->stop(SIGTERM);
        m_process.reset();
        return {};
    }
    Status start() override
    {
        m_process =
            std::make_unique<BackgroundProcess>(std::vector<std::string>{kBroker, serverProperties().string()},
                                                (m_dir / ("broker-" + std::to_string(m_starts++) + ".log")).string());
        if (!test::waitForPort(m_port, std::chrono::seconds(20)))
            return makeError(Errc::Io, "the test broker does not listen");
        return {};
    }
    Status waitHealthy(std::chrono::milliseconds timeout) override
    {
        return test::waitForPort(m_port, timeout) ? Status{} : makeError(Errc::Io, "no answer");
    }
    Result<BrokerView> describe(std::int32_t brokerId) override
    {
        auto client = admin::AdminClient::create({bootstrap(), {}, false});
        if (!client)
            return client.error();
        auto md = (*client)->metadata();
        if (!md)
            return md.error();
        BrokerView view;
        view.brokerId = brokerId;
        for (const auto &t : md->topics)
            for (const auto &p : t.partitions) {
                PartitionReplicasView r{t.name, p.partition.get(), {}, {}, {}};
                for (auto id : p.replicas)
                    r.replicas.push_back(id.get());
                for (auto id : p.isr)
                    r.isr.push_back(id.get());
                view.partitions.push_back(r);
            }
        auto dirs = (*client)->describeLogDirs(BrokerId{brokerId});
        if (!dirs)
            return dirs.error();
        for (const auto &d : *dirs) {
            BrokerLogDirView v;
            v.path = d.path;
            v.online = d.error == KafkaError::None;
            for (const auto &p : d.partitions)
                v.partitions[p.topic + "-" + std::to_string(p.partition.get())] = p.sizeBytes;
            view.dirs.push_back(v);
        }
        return view;
    }

    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] fs::path dir(const std::string &name) const { return m_dir / name; }

private:
    TempDir m_dir;
    int m_port = test::freePort();
    int m_starts = 0;
    std::unique_ptr<BackgroundProcess> m_process;
};

/// Produces `count` messages to each of `partitions` partitions of `topic` with kcat.
void produce(const ProcessBrokerControl &broker, const std::string &topic, int partitions, int count)
{
    const auto file = broker.dir("messages.txt").string();
    {
        std::ofstream out(file);
        for (int i = 0; i < count; ++i)
            out << "message-" << i << "-" << std::string(200, 'x') << "\n";
    }
    for (int p = 0; p < partitions; ++p) {
        const auto r = test::runProcess({"kcat", "-b", broker.bootstrap(), "-P", "-t", topic, "-p", std::to_string(p),
                                         "-l", file, "-X", "message.timeout.ms=10000"},
                                        std::chrono::seconds(60));
        REQUIRE(r.exitCode == 0);
    }
}

/// The broker with topic `swap` (4 partitions) written, then stopped.
void prepareTopic(ProcessBrokerControl &broker)
{
    REQUIRE(broker.start().ok());
    auto client = admin::AdminClient::create({broker.bootstrap(), {}, false});
    REQUIRE(client.ok());
    admin::NewTopic topic;
    topic.name = "swap";
    topic.partitions = 4;
    topic.replicationFactor = 1;
    auto made = (*client)->createTopics({topic});
    REQUIRE(made.ok());
    produce(broker, "swap", 4, 50);
}

} // namespace

TEST_CASE("replaceLogDir swaps one entry of log.dirs and keeps the others as written", "[ops][swap]")
{
    auto v = swapfiles::replaceLogDir("/d/data0, /d/data1,/d/data3", "/d/data3", "/d/data4");
    REQUIRE(v.ok());
    CHECK(*v == "/d/data0, /d/data1,/d/data4");
    auto trailing = swapfiles::replaceLogDir("/d/data0,/d/data3/", "/d/data3", "/d/data4");
    REQUIRE(trailing.ok());
    CHECK(*trailing == "/d/data0,/d/data4");
    CHECK(swapfiles::replaceLogDir("/d/data0,/d/data1", "/d/data3", "/d/data4").error().code == Errc::InvalidArgument);
    CHECK(swapfiles::replaceLogDir("/d/data0,/d/data4", "/d/data0", "/d/data4").error().code == Errc::InvalidArgument);
    auto s = swapfiles::readLogDirs("# c\nlog.dir=/x\n");
    REQUIRE(s.ok());
    CHECK(s->key == "log.dir");
    CHECK(s->dirs == std::vector<fs::path>{"/x"});
    CHECK_FALSE(swapfiles::readLogDirs("broker.id=1\n").ok());
}

TEST_CASE("replaceFileWithBackup keeps a backup with the old bytes and mode, and refuses a changed file", "[ops][swap]")
{
    TempDir dir;
    const auto file = dir / "server.properties";
    const std::string old = "# keep me\nbroker.id=1\nlog.dirs=/a,/b\n";
    std::ofstream(file) << old;
    ::chmod(file.c_str(), 0640);
    const std::string edited = "# keep me\nbroker.id=1\nlog.dirs=/a,/c\n";
    auto backup = swapfiles::replaceFileWithBackup(file, old, edited);
    REQUIRE(backup.ok());
    CHECK(read(file) == edited);
    CHECK(read(*backup) == old);
    CHECK(backup->filename().string().rfind("server.properties.spillway-backup-", 0) == 0);
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    REQUIRE(::stat(backup->c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    CHECK_FALSE(fs::exists(dir / "server.properties.spillway-tmp"));
    // The plan saw `old`; the file now holds `edited`: refused, untouched.
    auto stale = swapfiles::replaceFileWithBackup(file, old, "x=1\n");
    REQUIRE_FALSE(stale.ok());
    CHECK(read(file) == edited);
}

TEST_CASE("The spare's meta.properties copies cluster.id and node id, with a new directory.id for KRaft", "[ops][swap]")
{
    TempDir dir;
    fs::create_directories(dir / "failed");
    fs::create_directories(dir / "zk");
    fs::create_directories(dir / "kraft");
    MetaProperties zk;
    zk.version = 0;
    zk.nodeId = BrokerId{3};
    zk.clusterId = "AAAAAAAAAAAAAAAAAAAAAA";
    REQUIRE(zk.write(dir / "zk" / "meta.properties").ok());
    auto text = swapfiles::spareMetaProperties({dir / "failed", dir / "zk"});
    REQUIRE(text.ok());
    REQUIRE(text->has_value());
    auto parsed = MetaProperties::parse(**text, "spare");
    REQUIRE(parsed.ok());
    CHECK(parsed->version == 0);
    CHECK(parsed->nodeId == BrokerId{3});
    CHECK(parsed->clusterId == zk.clusterId);
    CHECK_FALSE(parsed->directoryId.has_value());

    MetaProperties kraft;
    kraft.version = 1;
    kraft.nodeId = BrokerId{4};
    kraft.clusterId = "BBBBBBBBBBBBBBBBBBBBBB";
    kraft.directoryId = "CCCCCCCCCCCCCCCCCCCCCA";
    REQUIRE(kraft.write(dir / "kraft" / "meta.properties").ok());
    auto k = swapfiles::spareMetaProperties({dir / "kraft"});
    REQUIRE(k.ok());
    auto kp = MetaProperties::parse(**k, "spare");
    REQUIRE(kp.ok());
    CHECK(kp->version == 1);
    CHECK(kp->nodeId == BrokerId{4});
    CHECK(kp->clusterId == kraft.clusterId);
    REQUIRE(kp->directoryId.has_value());
    CHECK(*kp->directoryId != *kraft.directoryId);

    auto none = swapfiles::spareMetaProperties({dir / "failed"});
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
}

TEST_CASE("The spare must exist, be empty but for lost+found, and be writable", "[ops][swap]")
{
    TempDir dir;
    std::vector<std::string> notes;
    CHECK(swapfiles::checkSpare(dir / "missing", "", {}, notes).error().code == Errc::NotFound);
    fs::create_directories(dir / "spare" / "lost+found");
    CHECK(swapfiles::checkSpare(dir / "spare", "", {dir / "other"}, notes).ok());
    CHECK(fs::is_empty(dir / "spare" / "lost+found"));
    CHECK(std::distance(fs::directory_iterator(dir / "spare"), fs::directory_iterator()) == 1);
    // A plain directory: no disk of its own, and the notes say so.
    CHECK_FALSE(notes.empty());
    std::ofstream(dir / "spare" / "meta.properties") << "ours";
    CHECK(swapfiles::checkSpare(dir / "spare", "ours", {}, notes).ok());
    CHECK(swapfiles::checkSpare(dir / "spare", "", {}, notes).error().code == Errc::InvalidArgument);
    std::ofstream(dir / "spare" / "orders-0") << "x";
    CHECK(swapfiles::checkSpare(dir / "spare", "ours", {}, notes).error().code == Errc::InvalidArgument);
}

TEST_CASE("A disk swap of a readable dir needs --accept-loss, then the broker re-creates its partitions on the "
          "spare and the old files stay",
          "[ops][swap][broker]")
{
    ProcessBrokerControl broker;
    prepareTopic(broker);
    const auto onData1 = test::entriesStartingWith(broker.dir("data1"), "swap-");
    REQUIRE_FALSE(onData1.empty());
    const auto before = segments(broker.dir("data1") / onData1.front());
    REQUIRE_FALSE(before.empty());
    TempDir work;
    auto journal = Journal::open(work / "journal.sqlite");
    REQUIRE(journal.ok());

    auto refused = DiskSwap::plan(broker, {broker.dir("data1"), broker.dir("data2"), false});
    REQUIRE(refused.ok());
    for (const auto &p : DiskSwap::partitionsOf(*refused)) {
        CHECK(p.lost);
        CHECK(p.why.find("replication factor 1") != std::string::npos);
        CHECK(p.predictedDir == broker.dir("data2").string());
    }
    CHECK(DiskSwap::partitionsOf(*refused).size() == onData1.size());
    auto noAccept = DiskSwap::execute(*journal, broker, *refused);
    REQUIRE_FALSE(noAccept.ok());
    CHECK(noAccept.error().hint.find("--accept-loss") != std::string::npos);
    CHECK(read(broker.serverProperties()).find("data1") != std::string::npos);

    auto plan = DiskSwap::plan(broker, {broker.dir("data1"), broker.dir("data2"), true});
    REQUIRE(plan.ok());
    auto report = DiskSwap::execute(*journal, broker, *plan);
    INFO((report ? report->summary : report.error().describe()));
    REQUIRE(report.ok());
    CHECK(report->state == OperationState::Done);
    CHECK(report->lost.size() == onData1.size());
    CHECK(report->missing.empty());
    REQUIRE(report->recreated.size() == onData1.size());
    for (const auto &[name, dir] : report->recreated)
        CHECK(dir == broker.dir("data2").string());
    const std::string config = read(broker.serverProperties());
    CHECK(config.find("# test broker: keep this comment\n") == 0);
    CHECK(config.find("# the log dirs\n") != std::string::npos);
    CHECK(config.find("log.dirs=" + broker.dir("data0").string() + "," + broker.dir("data2").string() + "\n") !=
          std::string::npos);
    CHECK(read(report->backup).find(broker.dir("data1").string()) != std::string::npos);
    // The spare has the broker's identity; the old dir's files are untouched.
    auto spareMeta = MetaProperties::read(broker.dir("data2") / "meta.properties");
    auto data0Meta = MetaProperties::read(broker.dir("data0") / "meta.properties");
    REQUIRE(spareMeta.ok());
    REQUIRE(data0Meta.ok());
    CHECK(spareMeta->clusterId == data0Meta->clusterId);
    CHECK(segments(broker.dir("data1") / onData1.front()) == before);
    CHECK(journal->get(report->id)->state == OperationState::Done);
    CHECK(journal->interrupted()->empty());
    // The broker takes writes on a re-created partition.
    produce(broker, "swap", 4, 5);
    REQUIRE(broker.stop().ok());
}

TEST_CASE("Cancelling a disk swap before the broker stops changes nothing, and after the edit puts the old config back",
          "[ops][swap][broker]")
{
    const std::string when = GENERATE(as<std::string>{}, "prepare-spare", "edit-config");
    INFO("cancelled after " << when);
    ProcessBrokerControl broker;
    prepareTopic(broker);
    const std::string config = read(broker.serverProperties());
    TempDir work;
    auto journal = Journal::open(work / "journal.sqlite");
    REQUIRE(journal.ok());
    auto plan = DiskSwap::plan(broker, {broker.dir("data1"), broker.dir("data2"), true});
    REQUIRE(plan.ok());
    CHECK(plan->params.at("was-running") == "true");
    std::atomic<bool> cancel{false};
    RunOptions options;
    options.cancel = &cancel;
    options.afterStep = [&](std::string_view step) {
        if (step == when)
            cancel = true;
    };
    auto report = DiskSwap::execute(*journal, broker, *plan, options);
    REQUIRE_FALSE(report.ok());
    CHECK(report.error().code == Errc::Cancelled);
    CHECK(read(broker.serverProperties()) == config);
    CHECK(fs::is_empty(broker.dir("data2")));
    CHECK(*broker.running());
    auto all = journal->list();
    REQUIRE(all->size() == 1);
    CHECK(all->front().state == OperationState::Cancelled);
    CHECK(broker.stop().ok());
}

namespace {

const std::string kCliBin = SPILLWAY_BINARY_DIR "/app/spillway-cli";

/// A lab broker added to a registry in a temp data dir, started and stopped
/// through `spillway-cli brokers`; stopped on destruction whatever happened.
class RegistryBroker {
public:
    RegistryBroker()
    {
        for (const char *d : {"data0", "data1", "data2"})
            fs::create_directories(m_dir / d);
        std::ofstream(config()) << "# registry broker\nbroker.id=1\nlisteners=PLAINTEXT://127.0.0.1:" << m_port
                                << "\nlog.dirs=" << (m_dir / "data0").string() << "," << (m_dir / "data1").string()
                                << "\nnum.partitions=1\n";
        const auto added = brokers({"add", "--name", "reg-1", "--config", config().string(), "--kind", "lab", "--arg",
                                    kBroker, "--arg", config().string()});
        INFO(added.out);
        REQUIRE(added.exitCode == 0);
        const auto started = brokers({"start", "reg-1"});
        INFO(started.out);
        REQUIRE(started.exitCode == 0);
    }
    ~RegistryBroker() { brokers({"stop", "reg-1", "--timeout", "10"}); }
    RegistryBroker(const RegistryBroker &) = delete;
    RegistryBroker &operator=(const RegistryBroker &) = delete;

    test::ProcessResult brokers(std::vector<std::string> args)
    {
        std::vector<std::string> argv{kCliBin, "brokers"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back("--data-dir");
        argv.push_back((m_dir / "spillway").string());
        return test::runProcess(argv, std::chrono::seconds(120));
    }
    test::ProcessResult swap(std::vector<std::string> extra)
    {
        std::vector<std::string> argv{kCliBin,     "ops",           "swap-disk",
                                      "--journal", journal(),       "--broker-name",
                                      "reg-1",     "--data-dir",    (m_dir / "spillway").string(),
                                      "--from",    "data1",         "--to",
                                      "data2",     "--accept-loss", "--json"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return test::runProcess(argv, std::chrono::seconds(240));
    }
    [[nodiscard]] std::string journal() const { return (m_dir / "journal.sqlite").string(); }
    [[nodiscard]] fs::path config() const { return m_dir / "server.properties"; }
    [[nodiscard]] fs::path dir(const std::string &name) const { return m_dir / name; }
    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(m_port); }

private:
    TempDir m_dir;
    int m_port = test::freePort();
};

void createAndProduce(const std::string &bootstrap)
{
    auto client = admin::AdminClient::create({bootstrap, {}, false});
    REQUIRE(client.ok());
    admin::NewTopic topic;
    topic.name = "swap";
    topic.partitions = 4;
    auto made = (*client)->createTopics({topic});
    REQUIRE(made.ok());
    for (int p = 0; p < 4; ++p)
        REQUIRE(test::runProcess({"kcat", "-b", bootstrap, "-P", "-t", "swap", "-p", std::to_string(p), "-l",
                                  SPILLWAY_SOURCE_DIR "/LICENSE", "-X", "message.timeout.ms=10000"},
                                 std::chrono::seconds(60))
                    .exitCode == 0);
}

} // namespace

TEST_CASE("ops swap-disk on a registry broker stops and starts it through its supervisor, and a swap killed with "
          "it stopped is rolled back by ops recover",
          "[ops][swap][registry]")
{
    RegistryBroker broker;
    createAndProduce(broker.bootstrap());
    const auto onData1 = test::entriesStartingWith(broker.dir("data1"), "swap-");
    REQUIRE_FALSE(onData1.empty());
    const std::string before = read(broker.config());

    ::setenv("SPILLWAY_OPS_TEST_KILL_AFTER", "stop-broker", 1);
    const auto killed = broker.swap({"--yes"});
    ::unsetenv("SPILLWAY_OPS_TEST_KILL_AFTER");
    INFO(killed.out);
    REQUIRE(killed.signal == SIGKILL);
    CHECK(broker.brokers({"status", "reg-1"}).out.find("stopped") != std::string::npos);
    const auto recovered = test::runProcess({kCliBin, "ops", "recover", "--journal", broker.journal(), "--json"},
                                            std::chrono::seconds(240));
    INFO(recovered.out);
    CHECK(recovered.exitCode == 0);
    CHECK(recovered.out.find("\"state\":\"rolled-back\"") != std::string::npos);
    CHECK(read(broker.config()) == before);
    CHECK(fs::is_empty(broker.dir("data2")));
    CHECK(broker.brokers({"status", "reg-1"}).exitCode == 0);

    const auto swapped = broker.swap({"--yes"});
    INFO(swapped.out);
    REQUIRE(swapped.exitCode == 0);
    CHECK(swapped.out.find("\"state\":\"done\"") != std::string::npos);
    for (const auto &name : onData1) {
        CHECK(swapped.out.find("{\"partition\":\"" + name + "\",\"dir\":\"" + broker.dir("data2").string() + "\"}") !=
              std::string::npos);
        CHECK(fs::exists(broker.dir("data2") / name));
        CHECK(fs::exists(broker.dir("data1") / name)); // left where it was
    }
    CHECK(read(broker.config()).find(broker.dir("data2").string()) != std::string::npos);
    CHECK(broker.brokers({"status", "reg-1"}).exitCode == 0);
    createAndProduce(broker.bootstrap()); // the topic exists: CreateTopics answers per topic, the writes go through
}

TEST_CASE("A swap of a vanished dir of a stopped broker learns after the start which partitions came back",
          "[ops][swap][broker]")
{
    ProcessBrokerControl broker;
    prepareTopic(broker);
    const auto onData1 = test::entriesStartingWith(broker.dir("data1"), "swap-");
    REQUIRE_FALSE(onData1.empty());
    REQUIRE(broker.stop().ok());
    // The disk is gone (an old Kafka exits then): neither it nor the broker can say what it held.
    fs::rename(broker.dir("data1"), broker.dir("data1.gone"));
    TempDir work;
    auto journal = Journal::open(work / "journal.sqlite");
    REQUIRE(journal.ok());
    auto plan = DiskSwap::plan(broker, {broker.dir("data1"), broker.dir("data2"), false});
    REQUIRE(plan.ok());
    CHECK(DiskSwap::partitionsOf(*plan).empty());
    CHECK(plan->params.at("was-running") == "false");
    const auto notes = DiskSwap::notesOf(*plan);
    CHECK(std::any_of(notes.begin(), notes.end(),
                      [](const std::string &n) { return n.find("is unknown until the broker runs again") != n.npos; }));
    auto report = DiskSwap::execute(*journal, broker, *plan);
    INFO((report ? report->summary : report.error().describe()));
    REQUIRE(report.ok());
    std::set<std::string> back;
    for (const auto &[name, dir] : report->recreated) {
        CHECK(dir == broker.dir("data2").string());
        back.insert(name);
    }
    CHECK(back == std::set<std::string>(onData1.begin(), onData1.end()));
    CHECK(report->lost.size() == onData1.size()); // replication factor 1, as the metadata says after the start
    CHECK(*broker.running());
    REQUIRE(broker.stop().ok());
}
