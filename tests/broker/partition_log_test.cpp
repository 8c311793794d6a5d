// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/log/partition_log.h"
#include "core/common/fileio.h"
#include "core/storage/logdir/leader_epoch_checkpoint.h"
#include "core/storage/logdir/partition_metadata.h"
#include "tests/broker/log_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace spillway;
using namespace spillway::broker;
using core::Offset;
using spillway::test::TempDir;

namespace {

core::KafkaUuid someTopicId()
{
    auto id = core::KafkaUuid::random();
    REQUIRE(id.ok());
    return id.value();
}

std::int64_t fileSize(const std::filesystem::path &p)
{
    return static_cast<std::int64_t>(std::filesystem::file_size(p));
}

std::vector<std::filesystem::path> filesWithSuffix(const std::filesystem::path &dir, const std::string &suffix)
{
    std::vector<std::filesystem::path> out;
    for (const auto &e : std::filesystem::directory_iterator(dir)) {
        const auto name = e.path().filename().string();
        if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            out.push_back(e.path());
    }
    return out;
}

} // namespace

TEST_CASE("PartitionLog creates Kafka's partition files", "[broker][log]")
{
    TempDir dir;
    const auto id = someTopicId();
    auto log = PartitionLog::create(dir.path(), "orders", core::PartitionId(3), id, test::smallLogConfig(), 1000);
    REQUIRE(log.ok());
    const auto pdir = dir.path() / "orders-3";
    auto meta = core::PartitionMetadata::read(pdir / "partition.metadata");
    REQUIRE(meta.ok());
    CHECK(meta->topicId == id);
    CHECK(fileSize(pdir / "partition.metadata") == 43);
    CHECK(core::readFile(pdir / "leader-epoch-checkpoint").value() == "0\n0\n");
    CHECK(fileSize(pdir / "00000000000000000000.log") == 0);
    // Active segment indexes preallocated to segment.index.bytes rounded down.
    CHECK(fileSize(pdir / "00000000000000000000.index") == 1024);
    CHECK(fileSize(pdir / "00000000000000000000.timeindex") == 1020);
    CHECK_FALSE(PartitionLog::create(dir.path(), "orders", core::PartitionId(3), id, test::smallLogConfig(), 1).ok());
    CHECK_FALSE(PartitionLog::create(dir.path(), "bad/name", core::PartitionId(0), id, test::smallLogConfig(), 1).ok());
}

TEST_CASE("PartitionLog assigns contiguous offsets across appends and rolls", "[broker][log]")
{
    TempDir dir;
    auto created =
        PartitionLog::create(dir.path(), "t", core::PartitionId(0), someTopicId(), test::smallLogConfig(), 0);
    REQUIRE(created.ok());
    auto &log = *created.value();
    std::int64_t expected = 0;
    for (int i = 0; i < 40; ++i) {
        const int n = 1 + i % 4;
        auto batch = test::makeBatch(n, 100, 1000 + i * 10);
        auto r = log.append(batch, core::LeaderEpoch(i < 20 ? 1 : 2), 5000);
        REQUIRE(r.ok());
        CHECK(r->baseOffset.get() == expected);
        CHECK(r->lastOffset.get() == expected + n - 1);
        CHECK(r->recordCount == n);
        expected += n;
    }
    CHECK(log.logEndOffset().get() == expected);
    CHECK(log.highWatermark().get() == expected);
    CHECK(log.segmentCount() > 3); // 4096-byte segments
    const auto bases = log.segmentBaseOffsets();
    for (const auto base : bases) {
        const auto name = core::formatOffsetFileStem(base);
        CHECK(fileSize(dir.path() / "t-0" / (name + ".log")) <= 4096);
    }
    // Leader epochs recorded where they start.
    REQUIRE(log.leaderEpochs().size() == 2);
    CHECK(log.leaderEpochs()[1].epoch.get() == 2);

    auto back = test::readAll(log);
    INFO(back.problem);
    REQUIRE(back.problem.empty());
    CHECK(back.records == expected);
    CHECK(test::contiguous(back, Offset(0)));

    // Rolled segments have trimmed, valid indexes while the log is open.
    CHECK(test::verifyAllSegments(dir.path() / "t-0").empty());
    const auto firstIndex = dir.path() / "t-0" / "00000000000000000000.index";
    CHECK(fileSize(firstIndex) % 8 == 0);
    CHECK(fileSize(firstIndex) < 1024);
    CHECK(fileSize(firstIndex) > 0); // 256-byte index interval: entries were written

    REQUIRE(log.close().ok());
    const auto activeName = core::formatOffsetFileStem(bases.back());
    CHECK(fileSize(dir.path() / "t-0" / (activeName + ".index")) < 1024);
    CHECK(fileSize(dir.path() / "t-0" / (activeName + ".timeindex")) % 12 == 0);
    CHECK(test::verifyAllSegments(dir.path() / "t-0").empty());
    CHECK_FALSE(log.append(test::makeBatch(1, 1, 1), core::LeaderEpoch(2), 1).ok());
}

TEST_CASE("PartitionLog rewrites only base offset and leader epoch", "[broker][log]")
{
    TempDir dir;
    auto created =
        PartitionLog::create(dir.path(), "t", core::PartitionId(0), someTopicId(), test::smallLogConfig(), 0);
    REQUIRE(created.ok());
    auto &log = *created.value();
    REQUIRE(log.append(test::makeBatch(3, 10, 100), core::LeaderEpoch(7), 0).ok());
    const auto batch = test::makeBatch(2, 10, 200);
    REQUIRE(log.append(batch, core::LeaderEpoch(7), 0).ok());
    auto region = log.read(Offset(3), 1 << 20);
    REQUIRE(region.ok());
    REQUIRE(region->length == static_cast<std::int64_t>(batch.size()));
    std::vector<std::byte> stored(batch.size());
    REQUIRE(::pread(region->fd(), stored.data(), stored.size(), region->position.get()) ==
            static_cast<ssize_t>(stored.size()));
    CHECK(core::loadBigEndian<std::uint64_t>(stored.data()) == 3);
    CHECK(core::loadBigEndian<std::uint32_t>(stored.data() + 12) == 7);
    CHECK(std::equal(stored.begin() + 16, stored.end(), batch.begin() + 16));
    CHECK(std::equal(stored.begin() + 8, stored.begin() + 12, batch.begin() + 8));
}

TEST_CASE("PartitionLog refuses invalid produce data", "[broker][log]")
{
    TempDir dir;
    auto created =
        PartitionLog::create(dir.path(), "t", core::PartitionId(0), someTopicId(), test::smallLogConfig(), 0);
    REQUIRE(created.ok());
    auto &log = *created.value();
    auto batch = test::makeBatch(2, 10, 100);
    auto corrupt = batch;
    corrupt.back() ^= std::byte{0xff};
    CHECK(log.append(corrupt, core::LeaderEpoch(0), 0).error().code == core::Errc::Corrupt);
    auto torn = batch;
    torn.resize(torn.size() - 3);
    CHECK_FALSE(log.append(torn, core::LeaderEpoch(0), 0).ok());
    auto legacy = core::buildLegacyMessageSet(1, Offset(0), core::Compression::None, {{"k", "v", 5, {}}});
    REQUIRE(legacy.ok());
    CHECK_FALSE(log.append(legacy.value(), core::LeaderEpoch(0), 0).ok());
    CHECK_FALSE(log.append({}, core::LeaderEpoch(0), 0).ok());
    CHECK(log.logEndOffset().get() == 0);
    CHECK(log.offlineError() == std::nullopt); // bad input is not a disk failure
}

TEST_CASE("PartitionLog read returns whole batches and at least one", "[broker][log]")
{
    TempDir dir;
    auto created =
        PartitionLog::create(dir.path(), "t", core::PartitionId(0), someTopicId(), test::smallLogConfig(), 0);
    REQUIRE(created.ok());
    auto &log = *created.value();
    const auto big = test::makeBatch(5, 200, 100);
    REQUIRE(log.append(big, core::LeaderEpoch(0), 0).ok()); // offsets 0..4
    const auto small = test::makeBatch(1, 10, 200);
    REQUIRE(log.append(small, core::LeaderEpoch(0), 0).ok()); // offset 5
    REQUIRE(log.append(small, core::LeaderEpoch(0), 0).ok()); // offset 6

    auto one = log.read(Offset(2), 10); // inside the first batch, maxBytes tiny
    REQUIRE(one.ok());
    CHECK(one->position.get() == 0);
    CHECK(one->length == static_cast<std::int64_t>(big.size()));
    auto two = log.read(Offset(5), static_cast<std::int32_t>(2 * small.size()));
    REQUIRE(two.ok());
    CHECK(two->position.get() == static_cast<std::int64_t>(big.size()));
    CHECK(two->length == static_cast<std::int64_t>(2 * small.size()));
    auto bounded = log.read(Offset(5), 1 << 20, Offset(6)); // high-watermark style limit
    REQUIRE(bounded.ok());
    CHECK(bounded->length == static_cast<std::int64_t>(small.size()));
    auto atEnd = log.read(Offset(7), 1 << 20);
    REQUIRE(atEnd.ok());
    CHECK(atEnd->length == 0);
    CHECK(atEnd->logEndOffset.get() == 7);
    CHECK(log.read(Offset(8), 100).error().hint == "OFFSET_OUT_OF_RANGE");
}

TEST_CASE("PartitionLog reopens after a clean close", "[broker][log]")
{
    TempDir dir;
    std::vector<Offset> basesBefore;
    {
        auto created =
            PartitionLog::create(dir.path(), "t", core::PartitionId(1), someTopicId(), test::smallLogConfig(), 0);
        REQUIRE(created.ok());
        for (int i = 0; i < 30; ++i)
            REQUIRE(created.value()->append(test::makeBatch(2, 150, 1000 + i), core::LeaderEpoch(4), 0).ok());
        basesBefore = created.value()->segmentBaseOffsets();
        REQUIRE(created.value()->close().ok());
    }
    PartitionOpenOptions opts;
    opts.config = test::smallLogConfig();
    opts.cleanShutdown = true;
    auto opened = PartitionLog::open(dir.path() / "t-1", opts);
    REQUIRE(opened.ok());
    auto &log = *opened.value();
    INFO(log.loadMessages().size());
    CHECK(log.loadMessages().empty());
    CHECK(log.logEndOffset().get() == 60);
    CHECK(log.segmentBaseOffsets() == basesBefore);
    CHECK(log.leaderEpochs().size() == 1);
    // The active segment grows back to the preallocated size.
    CHECK(fileSize(dir.path() / "t-1" / (core::formatOffsetFileStem(basesBefore.back()) + ".index")) == 1024);
    auto r = log.append(test::makeBatch(1, 10, 5000), core::LeaderEpoch(5), 0);
    REQUIRE(r.ok());
    CHECK(r->baseOffset.get() == 60);
    auto back = test::readAll(log);
    REQUIRE(back.problem.empty());
    CHECK(back.records == 61);
    CHECK(test::contiguous(back, Offset(0)));
    REQUIRE(log.close().ok());
    CHECK(test::verifyAllSegments(dir.path() / "t-1").empty());
}

TEST_CASE("PartitionLog finds offsets by timestamp", "[broker][log]")
{
    TempDir dir;
    auto created =
        PartitionLog::create(dir.path(), "t", core::PartitionId(0), someTopicId(), test::smallLogConfig(), 0);
    REQUIRE(created.ok());
    auto &log = *created.value();
    // Batch i holds 3 records with timestamps 1000*i + 0..2, offsets 3i..3i+2.
    for (int i = 1; i <= 30; ++i)
        REQUIRE(log.append(test::makeBatch(3, 100, 1000 * i), core::LeaderEpoch(0), 0).ok());
    auto exact = log.offsetForTimestamp(core::Timestamp(5001));
    REQUIRE(exact.ok());
    REQUIRE(exact->has_value());
    CHECK(exact->value().offset.get() == 13); // batch 5 starts at offset 12
    CHECK(exact->value().timestamp.get() == 5001);
    auto between = log.offsetForTimestamp(core::Timestamp(20500));
    REQUIRE(between.ok());
    REQUIRE(between->has_value());
    CHECK(between->value().offset.get() == 60); // first record of batch 21
    auto early = log.offsetForTimestamp(core::Timestamp(0));
    REQUIRE(early.ok());
    CHECK(early->value().offset.get() == 0);
    auto late = log.offsetForTimestamp(core::Timestamp(999999));
    REQUIRE(late.ok());
    CHECK_FALSE(late->has_value());
}

TEST_CASE("PartitionLog deleteRecordsBefore advances the log start", "[broker][log]")
{
    TempDir dir;
    auto created =
        PartitionLog::create(dir.path(), "t", core::PartitionId(0), someTopicId(), test::smallLogConfig(), 0);
    REQUIRE(created.ok());
    auto &log = *created.value();
    for (int i = 0; i < 40; ++i)
        REQUIRE(log.append(test::makeBatch(2, 150, 1000 + i), core::LeaderEpoch(0), 0).ok());
    const auto bases = log.segmentBaseOffsets();
    REQUIRE(bases.size() >= 4);
    const Offset target(bases[2].get() + 1);
    auto start = log.deleteRecordsBefore(target, 10, 500);
    REQUIRE(start.ok());
    CHECK(start.value() == target);
    CHECK(log.logStartOffset() == target);
    CHECK(log.segmentBaseOffsets().front() == bases[2]);
    CHECK(log.read(Offset(0), 100).error().hint == "OFFSET_OUT_OF_RANGE");
    auto region = log.read(target, 100);
    REQUIRE(region.ok());
    CHECK(region->length > 0);
    // Renamed, still on disk until the delay has passed.
    CHECK(filesWithSuffix(dir.path() / "t-0", ".log.deleted").size() == 2);
    REQUIRE(log.purgeDeleted(509).ok());
    CHECK(filesWithSuffix(dir.path() / "t-0", ".deleted").size() == 6);
    REQUIRE(log.purgeDeleted(510).ok());
    CHECK(filesWithSuffix(dir.path() / "t-0", ".deleted").empty());
    CHECK_FALSE(log.deleteRecordsBefore(Offset(log.highWatermark().get() + 1), 10, 0).ok());
    auto back = test::readAll(log);
    REQUIRE(back.problem.empty());
    CHECK(back.batchLasts.back().get() == 79);
}

TEST_CASE("PartitionLog retention deletes a prefix of closed segments after the delay", "[broker][log]")
{
    TempDir dir;
    auto created =
        PartitionLog::create(dir.path(), "t", core::PartitionId(0), someTopicId(), test::smallLogConfig(), 0);
    REQUIRE(created.ok());
    auto &log = *created.value();
    // Timestamps grow by 1000 per batch, so segments have increasing largest timestamps.
    for (int i = 0; i < 60; ++i)
        REQUIRE(log.append(test::makeBatch(2, 150, 1000 * (i + 1)), core::LeaderEpoch(0), 0).ok());
    const auto bases = log.segmentBaseOffsets();
    REQUIRE(bases.size() >= 6);

    SECTION("by time")
    {
        // Keep everything newer than 20500 ms: segments whose largest timestamp is older go.
        auto n = log.applyRetention(60000 - 20500, -1, 60000, 1000);
        REQUIRE(n.ok());
        REQUIRE(n.value() >= 1);
        const auto after = log.segmentBaseOffsets();
        CHECK(after.front() == bases[static_cast<std::size_t>(n.value())]);
        CHECK(log.logStartOffset() == after.front());
        // The first survivor still holds a record at or after the cut.
        auto hit = log.offsetForTimestamp(core::Timestamp(20500));
        REQUIRE(hit.ok());
        CHECK(hit->value().offset >= log.logStartOffset());
        CHECK_FALSE(filesWithSuffix(dir.path() / "t-0", ".log.deleted").empty());
        REQUIRE(log.purgeDeleted(60999).ok());
        CHECK_FALSE(filesWithSuffix(dir.path() / "t-0", ".log.deleted").empty());
        REQUIRE(log.purgeDeleted(61000).ok());
        CHECK(filesWithSuffix(dir.path() / "t-0", ".deleted").empty());
    }
    SECTION("by size")
    {
        const auto total = log.sizeInBytes();
        auto n = log.applyRetention(-1, 5000, 0, 0);
        REQUIRE(n.ok());
        CHECK(n.value() >= 1);
        CHECK(log.sizeInBytes() >= 5000);
        CHECK(log.sizeInBytes() < total);
        CHECK(log.segmentBaseOffsets().size() == bases.size() - static_cast<std::size_t>(n.value()));
        CHECK(log.segmentBaseOffsets().front() == bases[static_cast<std::size_t>(n.value())]);
    }
    SECTION("never the active segment")
    {
        auto n = log.applyRetention(0, 0, 10'000'000, 0);
        REQUIRE(n.ok());
        CHECK(log.segmentCount() == 1);
        CHECK(log.segmentBaseOffsets().front() == bases.back());
        CHECK(log.logEndOffset().get() == 120);
        auto r = log.append(test::makeBatch(1, 10, 1), core::LeaderEpoch(0), 0);
        REQUIRE(r.ok());
        CHECK(r->baseOffset.get() == 120);
    }
}

TEST_CASE("PartitionLog flushes per flush.messages and moves the recovery point", "[broker][log]")
{
    TempDir dir;
    auto config = test::smallLogConfig();
    config.flushIntervalMessages = 5;
    config.flushIntervalMs = 1000;
    auto created = PartitionLog::create(dir.path(), "t", core::PartitionId(0), someTopicId(), config, 0);
    REQUIRE(created.ok());
    auto &log = *created.value();
    REQUIRE(log.append(test::makeBatch(3, 10, 1), core::LeaderEpoch(0), 0).ok());
    CHECK(log.recoveryPoint().get() == 0);
    REQUIRE(log.append(test::makeBatch(2, 10, 1), core::LeaderEpoch(0), 0).ok());
    CHECK(log.recoveryPoint().get() == 5);
    REQUIRE(log.append(test::makeBatch(1, 10, 1), core::LeaderEpoch(0), 0).ok());
    REQUIRE(log.maybeFlush(999).ok());
    CHECK(log.recoveryPoint().get() == 5);
    REQUIRE(log.maybeFlush(1000).ok());
    CHECK(log.recoveryPoint().get() == 6);
}

TEST_CASE("PartitionLog rolls by time and when an index is full", "[broker][log]")
{
    TempDir dir;
    auto config = test::smallLogConfig();
    config.segmentBytes = 1 << 20;

    SECTION("log.roll.ms since the first batch's timestamp")
    {
        config.rollMs = 1000;
        auto created = PartitionLog::create(dir.path(), "t", core::PartitionId(0), someTopicId(), config, 0);
        REQUIRE(created.ok());
        auto &log = *created.value();
        REQUIRE(log.append(test::makeBatch(1, 10, 5000), core::LeaderEpoch(0), 0).ok());
        REQUIRE(log.append(test::makeBatch(1, 10, 6000), core::LeaderEpoch(0), 0).ok());
        CHECK(log.segmentCount() == 1); // exactly roll.ms: not yet
        REQUIRE(log.append(test::makeBatch(1, 10, 6001), core::LeaderEpoch(0), 0).ok());
        CHECK(log.segmentBaseOffsets() == std::vector<Offset>{Offset(0), Offset(2)});
        CHECK(test::verifyAllSegments(dir.path() / "t-0").empty());
    }
    SECTION("a full offset index")
    {
        config.indexSizeMaxBytes = 16; // two offset entries, one time entry
        config.indexIntervalBytes = 1;
        auto created = PartitionLog::create(dir.path(), "t", core::PartitionId(0), someTopicId(), config, 0);
        REQUIRE(created.ok());
        auto &log = *created.value();
        CHECK(std::filesystem::file_size(dir.path() / "t-0" / "00000000000000000000.timeindex") == 12);
        for (int i = 0; i < 6; ++i)
            REQUIRE(log.append(test::makeBatch(1, 10, 100 + i), core::LeaderEpoch(0), 0).ok());
        CHECK(log.segmentCount() > 1);
        auto back = test::readAll(log);
        REQUIRE(back.problem.empty());
        CHECK(back.records == 6);
        REQUIRE(log.close().ok());
        CHECK(test::verifyAllSegments(dir.path() / "t-0").empty());
    }
}
