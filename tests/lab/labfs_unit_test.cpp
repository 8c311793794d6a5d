// SPDX-License-Identifier: GPL-3.0-or-later
// The parts of spillway-labfs that need no mount: size parsing, the space
// ledger, allocation plans, the control protocol, the mount checks.
#include "labfs/allocation_plan.h"
#include "labfs/commands.h"
#include "labfs/control_protocol.h"
#include "labfs/size_parse.h"
#include "labfs/space_ledger.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <fstream>
#include <unistd.h>

using namespace spillway;
using namespace spillway::labfs;
using spillway::test::TempDir;

TEST_CASE("labfs parses capacities in bytes and binary and decimal units", "[labfs][unit]")
{
    CHECK(*parseSize("268435456") == 268435456U);
    CHECK(*parseSize("16M") == 16U << 20);
    CHECK(*parseSize("16MiB") == 16U << 20);
    CHECK(*parseSize("16mib") == 16U << 20);
    CHECK(*parseSize("512K") == 512U << 10);
    CHECK(*parseSize("2G") == 2ULL << 30);
    CHECK(*parseSize("1GiB") == 1ULL << 30);
    CHECK(*parseSize("1T") == 1ULL << 40);
    CHECK(*parseSize("500MB") == 500000000U);
    CHECK(*parseSize("4096B") == 4096U);
    for (const char *bad : {"", "M", "-1", "12X", "1.5G", "99999999999999999999", "20000000000T"}) {
        INFO(bad);
        auto r = parseSize(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == core::Errc::InvalidArgument);
    }
}

TEST_CASE("labfs ledger never reserves past the capacity", "[labfs][unit]")
{
    SpaceLedger ledger(10 * kBlockSize, kBlockSize);
    CHECK(ledger.free() == 9 * kBlockSize);
    CHECK(ledger.tryReserve(9 * kBlockSize));
    CHECK_FALSE(ledger.tryReserve(1));
    CHECK(ledger.free() == 0);
    ledger.adjust(-4 * kBlockSize);
    // Only whole blocks are handed out, and never more than is free.
    CHECK(ledger.reserveUpTo(10 * kBlockSize) == 4 * kBlockSize);
    CHECK(ledger.reserveUpTo(1) == 0);
    ledger.adjust(-kBlockSize - 100);
    CHECK(ledger.reserveUpTo(1) == kBlockSize);
    // More used than the capacity (a backing tree that was already too big) reads as full.
    SpaceLedger over(kBlockSize * 4, kBlockSize * 5);
    CHECK(over.free() == 0);
    CHECK_FALSE(over.tryReserve(1));
    CHECK(over.reserveUpTo(kBlockSize) == 0);
}

TEST_CASE("labfs allocation plan cuts a write where the first block that does not fit begins", "[labfs][unit]")
{
    CHECK(AllocationPlan::upperBoundBytes(0, 1) == kBlockSize);
    CHECK(AllocationPlan::upperBoundBytes(4095, 2) == 2 * kBlockSize);
    CHECK(AllocationPlan::upperBoundBytes(4096, 8192) == 2 * kBlockSize);
    CHECK(AllocationPlan::upperBoundBytes(10, 0) == 0);

    // A write of 3 blocks + 100 bytes starting 100 bytes into block 1 (block 1 already allocated).
    const std::int64_t offset = kBlockSize + 100;
    const std::int64_t length = 3 * kBlockSize + 100;
    const AllocationPlan plan(offset, length, {{2, 5}});
    CHECK(plan.newBytes() == 3 * kBlockSize);
    CHECK(plan.prefixWithin(3 * kBlockSize) == length);
    CHECK(plan.prefixWithin(0) == kBlockSize - 100); // the rest of block 1 costs nothing
    CHECK(plan.prefixWithin(kBlockSize) == 2 * kBlockSize - 100);
    CHECK(plan.prefixWithin(kBlockSize + 10) == 2 * kBlockSize - 100);
    // A write that starts in a new block and gets nothing writes nothing.
    const AllocationPlan fresh(2 * kBlockSize, kBlockSize, {{2, 3}});
    CHECK(fresh.prefixWithin(kBlockSize - 1) == 0);
}

TEST_CASE("labfs allocation plan finds the holes of a real sparse file", "[labfs][unit]")
{
    TempDir dir;
    const auto file = dir / "sparse";
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    const std::string block(kBlockSize, 'x');
    // Data in blocks 0 and 4, a hole in 1..3, size 5 blocks + 10 bytes.
    REQUIRE(::pwrite(fd, block.data(), block.size(), 0) == kBlockSize);
    REQUIRE(::pwrite(fd, block.data(), block.size(), 4 * kBlockSize) == kBlockSize);
    REQUIRE(::pwrite(fd, block.data(), 10, 5 * kBlockSize) == 10);
    REQUIRE(::fsync(fd) == 0);
    const std::int64_t size = 5 * kBlockSize + 10;

    auto inside = AllocationPlan::forRange(fd, size, 0, size);
    REQUIRE(inside.ok());
    CHECK(inside->newBytes() == 3 * kBlockSize); // the hole only
    auto beyond = AllocationPlan::forRange(fd, size, 4 * kBlockSize, 4 * kBlockSize);
    REQUIRE(beyond.ok());
    CHECK(beyond->newBytes() == 2 * kBlockSize); // blocks 6 and 7; 4 and 5 hold data
    auto overwrite = AllocationPlan::forRange(fd, size, 0, kBlockSize);
    REQUIRE(overwrite.ok());
    CHECK(overwrite->newBytes() == 0);
    ::close(fd);
}

TEST_CASE("labfs control requests parse and answer one JSON line", "[labfs][unit]")
{
    auto healthy = parseControlRequest("healthy\r");
    REQUIRE(healthy.ok());
    CHECK(healthy->kind == ControlRequest::Kind::SetFault);
    CHECK(healthy->mode == FaultMode::Healthy);
    CHECK(parseControlRequest("fail")->mode == FaultMode::Failed);
    CHECK(parseControlRequest("  readonly ")->mode == FaultMode::ReadOnly);
    auto slow = parseControlRequest("slow 50");
    REQUIRE(slow.ok());
    CHECK(slow->mode == FaultMode::Slow);
    CHECK(slow->slowMs == 50);
    CHECK(parseControlRequest("slow 0")->mode == FaultMode::Healthy);
    CHECK(parseControlRequest("status")->kind == ControlRequest::Kind::Status);
    for (const char *bad : {"", "slow", "slow -1", "slow 60001", "slow 5x", "fail now", "explode"}) {
        INFO(bad);
        CHECK_FALSE(parseControlRequest(bad).ok());
    }

    DiskStatus s;
    s.name = "data0";
    s.mode = FaultMode::Slow;
    s.slowMs = 50;
    s.capacity = 268435456;
    s.used = 1234;
    s.free = 268434222;
    s.mountpoint = "/lab/data0";
    s.backing = "/lab/data0.\"b\"";
    s.pid = 42;
    CHECK(statusReply(s) == R"({"ok":true,"name":"data0","mode":"slow","slow_ms":50,"capacity":268435456,)"
                            R"("used":1234,"free":268434222,"mountpoint":"/lab/data0","backing":"/lab/data0.\"b\"",)"
                            R"("pid":42})");
    CHECK(errorReply("no such \"thing\"") == R"({"ok":false,"error":"no such \"thing\""})");

    FaultState state;
    state.set(FaultMode::Slow, 70000);
    CHECK(state.get().mode == FaultMode::Slow);
    CHECK(state.get().slowMs == FaultState::kMaxSlowMs);
    state.set(FaultMode::ReadOnly, 30);
    CHECK(state.get().slowMs == 0);
}

TEST_CASE("labfs mount checks refuse a missing, non-empty or nested mountpoint", "[labfs][unit]")
{
    TempDir dir;
    std::filesystem::create_directories(dir / "b");
    std::filesystem::create_directories(dir / "m");
    MountOptions o;
    o.backing = dir / "b";
    o.mountpoint = dir / "m";
    o.capacity = 16 << 20;

    auto ok = prepareDisk(o);
    REQUIRE(ok.ok());
    CHECK(ok->name == "m");
    CHECK(ok->control == std::filesystem::canonical(dir / "b").string() + ".ctl");
    CHECK(ok->capacity == 16 << 20);

    auto missing = o;
    missing.mountpoint = dir / "nope";
    REQUIRE_FALSE(prepareDisk(missing).ok());
    CHECK(prepareDisk(missing).error().message.find("does not exist") != std::string::npos);

    std::ofstream(dir / "m" / "file") << "x";
    REQUIRE_FALSE(prepareDisk(o).ok());
    CHECK(prepareDisk(o).error().message.find("not empty") != std::string::npos);
    std::filesystem::remove(dir / "m" / "file");

    auto nested = o;
    std::filesystem::create_directories(dir / "b" / "inner");
    nested.mountpoint = dir / "b" / "inner";
    REQUIRE_FALSE(prepareDisk(nested).ok());
    nested.mountpoint = dir / "b";
    REQUIRE_FALSE(prepareDisk(nested).ok());

    auto badName = o;
    badName.name = "a,allow_other";
    REQUIRE_FALSE(prepareDisk(badName).ok());

    auto tiny = o;
    tiny.capacity = 4096;
    REQUIRE_FALSE(prepareDisk(tiny).ok());

    auto controlInside = o;
    controlInside.control = dir / "m" / "ctl";
    REQUIRE_FALSE(prepareDisk(controlInside).ok());
}
