// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/log/partition_log.h"
#include "tests/broker/log_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <unistd.h>

using namespace spillway;
using namespace spillway::broker;
using core::Offset;
using spillway::test::TempDir;

namespace {

/// Writes `batches` batches of 2 records and "crashes": the object goes away
/// without close(), leaving the active indexes preallocated and untrimmed.
std::vector<Offset> writeAndCrash(const std::filesystem::path &logDir, int batches)
{
    auto id = core::KafkaUuid::random();
    REQUIRE(id.ok());
    auto created = PartitionLog::create(logDir, "t", core::PartitionId(0), id.value(), test::smallLogConfig(), 0);
    REQUIRE(created.ok());
    for (int i = 0; i < batches; ++i)
        REQUIRE(created.value()->append(test::makeBatch(2, 150, 1000 + i), core::LeaderEpoch(3), 0).ok());
    return created.value()->segmentBaseOffsets();
}

std::filesystem::path segmentPath(const std::filesystem::path &pdir, Offset base, const char *suffix)
{
    return pdir / (core::formatOffsetFileStem(base) + suffix);
}

core::Result<std::unique_ptr<PartitionLog>> reopen(const std::filesystem::path &pdir, bool clean, Offset recoveryPoint)
{
    PartitionOpenOptions opts;
    opts.config = test::smallLogConfig();
    opts.cleanShutdown = clean;
    opts.recoveryPoint = recoveryPoint;
    return PartitionLog::open(pdir, opts);
}

bool mentions(const std::vector<std::string> &messages, const std::string &text)
{
    for (const auto &m : messages) {
        if (m.find(text) != std::string::npos)
            return true;
    }
    return false;
}

} // namespace

TEST_CASE("PartitionLog recovers after a crash", "[broker][log][recovery]")
{
    TempDir dir;
    const auto pdir = dir.path() / "t-0";
    const auto bases = writeAndCrash(dir.path(), 40); // offsets 0..79
    REQUIRE(bases.size() >= 3);
    const auto activeLog = segmentPath(pdir, bases.back(), ".log");
    const auto batchSize = static_cast<std::int64_t>(test::makeBatch(2, 150, 0).size());
    std::int64_t expectRecords = 80;
    std::string expectMessage = "recovered segment";

    SECTION("untouched files") {}
    SECTION("torn last batch")
    {
        std::filesystem::resize_file(activeLog, std::filesystem::file_size(activeLog) - 7);
        expectRecords = 78;
        expectMessage = "truncated";
    }
    SECTION("zero-filled tail")
    {
        std::ofstream(activeLog, std::ios::app | std::ios::binary) << std::string(3000, '\0');
        expectMessage = "truncated";
    }
    SECTION("missing active index")
    {
        std::filesystem::remove(segmentPath(pdir, bases.back(), ".index"));
        expectMessage = "has no index";
    }

    auto opened = reopen(pdir, false, Offset(0));
    REQUIRE(opened.ok());
    auto &log = *opened.value();
    CAPTURE(log.loadMessages());
    CHECK(mentions(log.loadMessages(), expectMessage));
    CHECK(log.logEndOffset().get() == expectRecords);
    CHECK(log.recoveryPoint() == log.logEndOffset());
    CHECK(std::filesystem::file_size(activeLog) % static_cast<std::uintmax_t>(batchSize) == 0);
    auto back = test::readAll(log);
    REQUIRE(back.problem.empty());
    CHECK(back.records == expectRecords);
    CHECK(test::contiguous(back, Offset(0)));
    CHECK(test::verifyAllSegments(pdir).empty());
    // The active segment is preallocated again and takes new data in order.
    CHECK(std::filesystem::file_size(segmentPath(pdir, bases.back(), ".index")) == 1024);
    auto r = log.append(test::makeBatch(1, 10, 5), core::LeaderEpoch(3), 0);
    REQUIRE(r.ok());
    CHECK(r->baseOffset.get() == expectRecords);
    REQUIRE(log.close().ok());
    CHECK(test::verifyAllSegments(pdir).empty());
}

TEST_CASE("PartitionLog recovery truncates a corrupt segment and drops later ones", "[broker][log][recovery]")
{
    TempDir dir;
    const auto pdir = dir.path() / "t-0";
    const auto bases = writeAndCrash(dir.path(), 40);
    REQUIRE(bases.size() >= 4);
    // Flip a byte in the last record of segment 1: its last batch fails its CRC.
    const auto victim = segmentPath(pdir, bases[1], ".log");
    const auto size = std::filesystem::file_size(victim);
    {
        std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(size - 2));
        f.put('X');
    }
    auto opened = reopen(pdir, false, Offset(0));
    REQUIRE(opened.ok());
    auto &log = *opened.value();
    CAPTURE(log.loadMessages());
    CHECK(mentions(log.loadMessages(), "truncated"));
    CHECK(mentions(log.loadMessages(), "after the truncation point"));
    REQUIRE(log.segmentCount() == 2);
    CHECK(log.logEndOffset().get() == bases[2].get() - 2);
    CHECK_FALSE(std::filesystem::exists(segmentPath(pdir, bases[2], ".log")));
    auto back = test::readAll(log);
    REQUIRE(back.problem.empty());
    CHECK(test::contiguous(back, Offset(0)));
    CHECK(test::verifyAllSegments(pdir).empty());
}

TEST_CASE("PartitionLog recovers only from the recovery point", "[broker][log][recovery]")
{
    TempDir dir;
    const auto pdir = dir.path() / "t-0";
    const auto bases = writeAndCrash(dir.path(), 40);
    REQUIRE(bases.size() >= 4);
    auto opened = reopen(pdir, false, Offset(bases[2].get() + 1));
    REQUIRE(opened.ok());
    const auto &messages = opened.value()->loadMessages();
    CAPTURE(messages);
    CHECK_FALSE(mentions(messages, core::formatOffsetFileStem(bases[1]) + ".log"));
    CHECK(mentions(messages, core::formatOffsetFileStem(bases[2]) + ".log"));
    CHECK(mentions(messages, core::formatOffsetFileStem(bases.back()) + ".log"));
    CHECK(opened.value()->logEndOffset().get() == 80);
}

TEST_CASE("PartitionLog rebuilds missing or unsound indexes after a clean stop", "[broker][log][recovery]")
{
    TempDir dir;
    const auto pdir = dir.path() / "t-0";
    std::vector<Offset> bases;
    {
        auto id = core::KafkaUuid::random();
        REQUIRE(id.ok());
        auto created =
            PartitionLog::create(dir.path(), "t", core::PartitionId(0), id.value(), test::smallLogConfig(), 0);
        REQUIRE(created.ok());
        for (int i = 0; i < 40; ++i)
            REQUIRE(created.value()->append(test::makeBatch(2, 150, 1000 + i), core::LeaderEpoch(3), 0).ok());
        bases = created.value()->segmentBaseOffsets();
        REQUIRE(created.value()->close().ok());
    }
    REQUIRE(bases.size() >= 3);
    std::filesystem::remove(segmentPath(pdir, bases[0], ".index"));
    std::ofstream(segmentPath(pdir, bases[1], ".timeindex"), std::ios::app | std::ios::binary) << "junk5";
    // Stray temporary files and an orphan index are removed at load.
    std::ofstream(pdir / "00000000000000000000.log.deleted") << "x";
    std::ofstream(pdir / "00000000000000000007.index.cleaned") << "x";
    std::ofstream(pdir / "00000000000099999999.index") << "x";

    auto opened = reopen(pdir, true, Offset(0));
    REQUIRE(opened.ok());
    const auto &messages = opened.value()->loadMessages();
    CAPTURE(messages);
    CHECK(mentions(messages, core::formatOffsetFileStem(bases[0]) + ".log has no index"));
    CHECK(mentions(messages, "index of segment " + core::formatOffsetFileStem(bases[1]) + ".log is unsound"));
    CHECK(mentions(messages, "deleted orphan index 00000000000099999999.index"));
    CHECK_FALSE(std::filesystem::exists(pdir / "00000000000000000000.log.deleted"));
    CHECK_FALSE(std::filesystem::exists(pdir / "00000000000000000007.index.cleaned"));
    CHECK_FALSE(std::filesystem::exists(pdir / "00000000000099999999.index"));
    CHECK(std::filesystem::exists(segmentPath(pdir, bases[0], ".index")));
    CHECK(opened.value()->logEndOffset().get() == 80);
    CHECK(test::verifyAllSegments(pdir).empty());
}
