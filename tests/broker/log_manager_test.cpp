// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/log/log_manager.h"
#include "core/common/fileio.h"
#include "core/storage/logdir/meta_properties.h"
#include "core/storage/logdir/offset_checkpoint.h"
#include "tests/broker/log_test_support.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace spillway;
using namespace spillway::broker;
using core::Offset;
using core::PartitionId;
using spillway::test::TempDir;

namespace {

LogManagerOptions optionsFor(std::vector<std::filesystem::path> dirs)
{
    LogManagerOptions o;
    o.logDirs = std::move(dirs);
    o.brokerId = core::BrokerId(1);
    o.logConfig = test::smallLogConfig();
    o.fileDeleteDelayMs = 1000;
    return o;
}

core::KafkaUuid topicId()
{
    auto id = core::KafkaUuid::random();
    REQUIRE(id.ok());
    return id.value();
}

bool mentions(const std::vector<std::string> &messages, const std::string &text)
{
    for (const auto &m : messages) {
        if (m.find(text) != std::string::npos)
            return true;
    }
    return false;
}

/// A tmpfs of `size` mounted on `dir` for the test's lifetime, unmounted even
/// when a REQUIRE fails.
class TmpfsMount {
public:
    TmpfsMount(const std::filesystem::path &dir, const std::string &size) : m_dir(dir)
    {
        std::filesystem::create_directories(dir);
        const std::string opts = "size=" + size;
        m_mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) == 0;
    }
    ~TmpfsMount()
    {
        if (m_mounted)
            ::umount2(m_dir.c_str(), MNT_DETACH);
    }
    TmpfsMount(const TmpfsMount &) = delete;
    TmpfsMount &operator=(const TmpfsMount &) = delete;
    [[nodiscard]] bool mounted() const { return m_mounted; }

private:
    std::filesystem::path m_dir;
    bool m_mounted = false;
};

} // namespace

TEST_CASE("LogManager writes and checks meta.properties", "[broker][log][manager]")
{
    TempDir a;
    TempDir b;
    std::string cluster;
    {
        auto m = LogManager::open(optionsFor({a.path(), b.path()}), 0);
        REQUIRE(m.ok());
        cluster = m.value()->clusterId();
        CHECK(cluster.size() == 22);
        for (const auto *d : {&a, &b}) {
            auto meta = core::MetaProperties::read(d->path() / "meta.properties");
            REQUIRE(meta.ok());
            CHECK(meta->version == 0);
            CHECK(meta->nodeId == core::BrokerId(1));
            CHECK(meta->clusterId == cluster);
        }
        REQUIRE(m.value()->shutdown().ok());
    }
    {
        auto m = LogManager::open(optionsFor({a.path(), b.path()}), 0);
        REQUIRE(m.ok());
        CHECK(m.value()->clusterId() == cluster);
    }
    SECTION("broker.id mismatch names the file")
    {
        auto opts = optionsFor({a.path()});
        opts.brokerId = core::BrokerId(2);
        auto m = LogManager::open(opts, 0);
        REQUIRE_FALSE(m.ok());
        CHECK(m.error().message.find((a.path() / "meta.properties").string()) != std::string::npos);
    }
    SECTION("cluster.id mismatch between dirs")
    {
        core::MetaProperties other;
        other.version = 0;
        other.nodeId = core::BrokerId(1);
        other.clusterId = "AAAAAAAAAAAAAAAAAAAAAA";
        REQUIRE(other.write(b.path() / "meta.properties").ok());
        auto m = LogManager::open(optionsFor({a.path(), b.path()}), 0);
        REQUIRE_FALSE(m.ok());
        CHECK(m.error().message.find("cluster.id") != std::string::npos);
        CHECK(m.error().message.find((b.path() / "meta.properties").string()) != std::string::npos);
    }
}

TEST_CASE("LogManager keeps a missing log dir offline", "[broker][log][manager]")
{
    TempDir a;
    const auto missing = a.path() / "not-mounted" / "kafka-logs";
    auto m = LogManager::open(optionsFor({a.path(), missing}), 0);
    REQUIRE(m.ok());
    CHECK_FALSE(std::filesystem::exists(missing));
    CHECK_FALSE(m.value()->isOnline(missing));
    CHECK(m.value()->isOnline(a.path()));
    const auto dirs = m.value()->describeLogDirs();
    REQUIRE(dirs.size() == 2);
    CHECK(dirs[0].online);
    CHECK(dirs[0].totalBytes > 0);
    CHECK(dirs[0].usableBytes > 0);
    CHECK_FALSE(dirs[1].online);
    REQUIRE(dirs[1].error.has_value());
    CHECK(dirs[1].error->code == core::Errc::NotFound);
    CHECK(mentions(m.value()->startupMessages(), missing.string()));
    // Every new partition lands on the online dir.
    for (int p = 0; p < 3; ++p)
        REQUIRE(m.value()->createPartition("t", PartitionId(p), topicId(), 0).ok());
    CHECK(std::filesystem::exists(a.path() / "t-2"));

    SECTION("only missing dirs: startup fails")
    {
        auto none = LogManager::open(optionsFor({missing}), 0);
        REQUIRE_FALSE(none.ok());
    }
    SECTION("created when the operator asks for it")
    {
        m.value().reset();
        auto opts = optionsFor({a.path(), missing});
        opts.createMissingLogDirs = true;
        auto created = LogManager::open(opts, 0);
        REQUIRE(created.ok());
        CHECK(created.value()->isOnline(missing));
    }
}

TEST_CASE("LogManager refuses a log dir locked by another process", "[broker][log][manager]")
{
    TempDir a;
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        const int fd = ::open((a.path() / ".lock").c_str(), O_RDWR | O_CREAT, 0644);
        struct flock fl {};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        const char ok = (fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0) ? 'y' : 'n';
        (void)::write(ready[1], &ok, 1);
        ::pause();
        ::_exit(0);
    }
    char ok = 0;
    REQUIRE(::read(ready[0], &ok, 1) == 1);
    REQUIRE(ok == 'y');
    auto m = LogManager::open(optionsFor({a.path()}), 0);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    ::close(ready[0]);
    ::close(ready[1]);
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().code == core::Errc::Locked);
    CHECK(m.error().message.find("process " + std::to_string(child)) != std::string::npos);
    CHECK(m.error().message.find((a.path() / ".lock").string()) != std::string::npos);
    // Once the holder is gone the dir can be used.
    auto again = LogManager::open(optionsFor({a.path()}), 0);
    CHECK(again.ok());
}

TEST_CASE("LogManager clean shutdown writes checkpoints and the marker", "[broker][log][manager]")
{
    TempDir a;
    TempDir b;
    {
        auto opts = optionsFor({a.path(), b.path()});
        opts.placement = PlacementPolicy::FewestPartitions;
        auto m = LogManager::open(opts, 0);
        REQUIRE(m.ok());
        for (int p = 0; p < 4; ++p) {
            auto log = m.value()->createPartition("orders", PartitionId(p), topicId(), 0);
            REQUIRE(log.ok());
            for (int i = 0; i <= p * 10; ++i)
                REQUIRE(log.value()->append(test::makeBatch(2, 150, 1000 + i), core::LeaderEpoch(0), 0).ok());
        }
        // Kafka's rule alternates between the two dirs.
        CHECK(m.value()->logDirOf("orders", PartitionId(0)) == a.path());
        CHECK(m.value()->logDirOf("orders", PartitionId(1)) == b.path());
        CHECK(m.value()->logDirOf("orders", PartitionId(2)) == a.path());
        REQUIRE(m.value()->find("orders", PartitionId(2))->deleteRecordsBefore(Offset(30), 0, 0).ok());
        REQUIRE(m.value()->shutdown().ok());
    }
    CHECK(std::filesystem::exists(a.path() / ".kafka_cleanshutdown"));
    CHECK(std::filesystem::file_size(a.path() / ".kafka_cleanshutdown") == 0);
    auto rp = core::OffsetCheckpoint::read(a.path() / "recovery-point-offset-checkpoint");
    REQUIRE(rp.ok());
    CHECK(rp->find("orders", PartitionId(2)) == Offset(42));
    CHECK(rp->find("orders", PartitionId(1)) == std::nullopt); // lives in b
    auto hw = core::OffsetCheckpoint::read(b.path() / "replication-offset-checkpoint");
    REQUIRE(hw.ok());
    CHECK(hw->find("orders", PartitionId(3)) == Offset(62));
    auto ls = core::OffsetCheckpoint::read(a.path() / "log-start-offset-checkpoint");
    REQUIRE(ls.ok());
    CHECK(ls->find("orders", PartitionId(2)) == Offset(30));

    auto m = LogManager::open(optionsFor({a.path(), b.path()}), 0);
    REQUIRE(m.ok());
    CAPTURE(m.value()->startupMessages());
    CHECK_FALSE(std::filesystem::exists(a.path() / ".kafka_cleanshutdown"));
    CHECK_FALSE(mentions(m.value()->startupMessages(), "not shut down cleanly"));
    REQUIRE(m.value()->partitions().size() == 4);
    auto *p2 = m.value()->find("orders", PartitionId(2));
    REQUIRE(p2 != nullptr);
    CHECK(p2->logStartOffset() == Offset(30));
    CHECK(p2->logEndOffset() == Offset(42));
    auto back = test::readAll(*m.value()->find("orders", PartitionId(3)));
    REQUIRE(back.problem.empty());
    CHECK(back.records == 62);
}

TEST_CASE("LogManager recovers after an unclean stop", "[broker][log][manager]")
{
    TempDir a;
    {
        auto m = LogManager::open(optionsFor({a.path()}), 0);
        REQUIRE(m.ok());
        auto log = m.value()->createPartition("t", PartitionId(0), topicId(), 0);
        REQUIRE(log.ok());
        for (int i = 0; i < 30; ++i)
            REQUIRE(log.value()->append(test::makeBatch(2, 150, 1000 + i), core::LeaderEpoch(0), 0).ok());
        // No shutdown(): the process "dies" here.
    }
    CHECK_FALSE(std::filesystem::exists(a.path() / ".kafka_cleanshutdown"));
    auto m = LogManager::open(optionsFor({a.path()}), 0);
    REQUIRE(m.ok());
    CAPTURE(m.value()->startupMessages());
    CHECK(mentions(m.value()->startupMessages(), "not shut down cleanly"));
    CHECK(mentions(m.value()->startupMessages(), "recovered segment"));
    auto *log = m.value()->find("t", PartitionId(0));
    REQUIRE(log != nullptr);
    auto back = test::readAll(*log);
    REQUIRE(back.problem.empty());
    CHECK(back.records == 60);
    CHECK(test::contiguous(back, Offset(0)));

    // The console's own doctor accepts the files, while running and after a clean stop.
    const std::string cli = std::string(SPILLWAY_BINARY_DIR) + "/app/spillway-cli";
    auto running = test::runProcess({cli, "index", "verify", a.path().string()});
    INFO(running.out);
    CHECK(running.exitCode == 0);
    CHECK(running.out.find("all indexes OK") != std::string::npos);
    REQUIRE(m.value()->shutdown().ok());
    auto stopped = test::runProcess({cli, "index", "verify", a.path().string()});
    INFO(stopped.out);
    CHECK(stopped.exitCode == 0);
    CHECK(stopped.out.find("all indexes OK") != std::string::npos);
}

TEST_CASE("LogManager deletes a partition after file.delete.delay.ms", "[broker][log][manager]")
{
    TempDir a;
    auto m = LogManager::open(optionsFor({a.path()}), 0);
    REQUIRE(m.ok());
    REQUIRE(m.value()->createPartition("gone", PartitionId(0), topicId(), 0).ok());
    REQUIRE(m.value()->deletePartition("gone", PartitionId(0), 100).ok());
    CHECK(m.value()->find("gone", PartitionId(0)) == nullptr);
    std::vector<std::string> names;
    for (const auto &e : std::filesystem::directory_iterator(a.path())) {
        if (e.is_directory())
            names.push_back(e.path().filename().string());
    }
    REQUIRE(names.size() == 1);
    CHECK(names[0].rfind("gone-0.", 0) == 0);
    CHECK(names[0].size() == std::string("gone-0.").size() + 32 + std::string("-delete").size());
    m.value()->tick(1099);
    CHECK(std::filesystem::exists(a.path() / names[0]));
    m.value()->tick(1100);
    CHECK_FALSE(std::filesystem::exists(a.path() / names[0]));
}

TEST_CASE("LogManager takes a full disk offline and keeps the other dir working", "[broker][log][manager][tmpfs]")
{
    TempDir root;
    const auto small = root.path() / "small";
    const auto big = root.path() / "big";
    std::filesystem::create_directories(big);
    TmpfsMount mount(small, "2m");
    REQUIRE(mount.mounted());

    auto opts = optionsFor({small, big});
    opts.placement = PlacementPolicy::MostFreeSpace;
    opts.logConfig.segmentBytes = 512 * 1024;
    std::vector<std::string> events;
    std::string allOffline;
    auto m = LogManager::open(opts, 0);
    REQUIRE(m.ok());
    m.value()->setMessageSink([&](const std::string &s) { events.push_back(s); });
    m.value()->setAllDirsOfflineHandler([&](const std::string &s) { allOffline = s; });

    // Most free space: the first partition avoids the 2 MiB tmpfs.
    auto first = m.value()->createPartition("a", PartitionId(0), topicId(), 0);
    REQUIRE(first.ok());
    CHECK(m.value()->logDirOf("a", PartitionId(0)) == big);
    // Kafka's rule would put the next one on the small dir; force that here.
    m.value().reset();
    opts.placement = PlacementPolicy::FewestPartitions;
    m = LogManager::open(opts, 0);
    REQUIRE(m.ok());
    m.value()->setMessageSink([&](const std::string &s) { events.push_back(s); });
    m.value()->setAllDirsOfflineHandler([&](const std::string &s) { allOffline = s; });
    auto onSmall = m.value()->createPartition("b", PartitionId(0), topicId(), 0);
    REQUIRE(onSmall.ok());
    REQUIRE(m.value()->logDirOf("b", PartitionId(0)) == small);

    const auto batch = test::makeBatch(10, 1000, 1);
    core::Error failure;
    bool failed = false;
    for (int i = 0; i < 400 && !failed; ++i) {
        auto r = onSmall.value()->append(batch, core::LeaderEpoch(0), 0);
        if (!r) {
            failed = true;
            failure = r.error();
        }
    }
    REQUIRE(failed);
    CHECK(failure.sysErrno == ENOSPC);
    CHECK_FALSE(m.value()->isOnline(small));
    CHECK(m.value()->isOnline(big));
    CHECK(mentions(events, small.string()));
    CHECK(allOffline.empty());
    REQUIRE(onSmall.value()->offlineError().has_value());
    CHECK(onSmall.value()->offlineError()->message.find("KAFKA_STORAGE_ERROR") != std::string::npos);
    CHECK_FALSE(onSmall.value()->read(Offset(0), 100).ok());

    auto *onBig = m.value()->find("a", PartitionId(0));
    REQUIRE(onBig != nullptr);
    REQUIRE(onBig->append(batch, core::LeaderEpoch(0), 0).ok());
    CHECK(onBig->read(Offset(0), 100).ok());
    const auto dirs = m.value()->describeLogDirs();
    CHECK_FALSE(dirs[0].online);
    CHECK(dirs[1].online);
    // New partitions go to the dir that still works.
    auto next = m.value()->createPartition("c", PartitionId(0), topicId(), 0);
    REQUIRE(next.ok());
    CHECK(m.value()->logDirOf("c", PartitionId(0)) == big);
    REQUIRE(m.value()->shutdown().ok());
    CHECK(std::filesystem::exists(big / ".kafka_cleanshutdown"));
    CHECK_FALSE(std::filesystem::exists(small / ".kafka_cleanshutdown"));
}

TEST_CASE("LogManager reports when every log dir is offline", "[broker][log][manager][tmpfs]")
{
    TempDir root;
    const auto small = root.path() / "small";
    TmpfsMount mount(small, "1m");
    REQUIRE(mount.mounted());
    auto opts = optionsFor({small});
    opts.logConfig.segmentBytes = 256 * 1024;
    auto m = LogManager::open(opts, 0);
    REQUIRE(m.ok());
    std::string allOffline;
    m.value()->setAllDirsOfflineHandler([&](const std::string &s) { allOffline = s; });
    auto log = m.value()->createPartition("b", PartitionId(0), topicId(), 0);
    REQUIRE(log.ok());
    const auto batch = test::makeBatch(10, 1000, 1);
    std::optional<core::Error> failure;
    for (int i = 0; i < 200 && !failure; ++i) {
        auto r = log.value()->append(batch, core::LeaderEpoch(0), 0);
        if (!r)
            failure = r.error();
    }
    REQUIRE(failure.has_value());
    CHECK(failure->sysErrno == ENOSPC);
    CHECK(allOffline.find("every log dir is offline") != std::string::npos);
    CHECK(allOffline.find(small.string()) != std::string::npos);
}

TEST_CASE("LogManager takes a removed log dir offline", "[broker][log][manager]")
{
    TempDir a;
    TempDir b;
    auto opts = optionsFor({a.path(), b.path()});
    opts.placement = PlacementPolicy::FewestPartitions;
    auto m = LogManager::open(opts, 0);
    REQUIRE(m.ok());
    auto onA = m.value()->createPartition("x", PartitionId(0), topicId(), 0);
    auto onB = m.value()->createPartition("x", PartitionId(1), topicId(), 0);
    REQUIRE(onA.ok());
    REQUIRE(onB.ok());
    REQUIRE(m.value()->logDirOf("x", PartitionId(1)) == b.path());
    std::filesystem::remove_all(b.path());
    // Writes into open files still succeed; the roll (a new file) cannot.
    std::optional<core::Error> failure;
    for (int i = 0; i < 50 && !failure; ++i) {
        auto r = onB.value()->append(test::makeBatch(2, 150, 1), core::LeaderEpoch(0), 0);
        if (!r)
            failure = r.error();
    }
    REQUIRE(failure.has_value());
    CHECK(failure->sysErrno == ENOENT);
    CHECK_FALSE(m.value()->isOnline(b.path()));
    CHECK(m.value()->isOnline(a.path()));
    CHECK(onB.value()->offlineError().has_value());
    REQUIRE(onA.value()->append(test::makeBatch(2, 150, 1), core::LeaderEpoch(0), 0).ok());
    CHECK(m.value()->writeCheckpoints().ok()); // only the online dir is written
    CHECK(std::filesystem::exists(a.path() / "recovery-point-offset-checkpoint"));
}
