// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/fileio.h"
#include "core/storage/logdir/leader_epoch_checkpoint.h"
#include "core/storage/logdir/offset_checkpoint.h"
#include "core/storage/logdir/partition_metadata.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace spillway::core;

namespace {

std::string errorOf(std::string_view text)
{
    auto parsed = OffsetCheckpoint::parse(text, "recovery-point-offset-checkpoint");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == Errc::Corrupt);
    return parsed.error().message;
}

} // namespace

TEST_CASE("offset checkpoints round-trip in Kafka's exact bytes", "[logdir][checkpoint]")
{
    OffsetCheckpoint cp;
    cp.set("orders", PartitionId(0), Offset(1200));
    cp.set("my-topic.v2", PartitionId(3), Offset(0));
    cp.set("orders", PartitionId(0), Offset(1300)); // replaces
    const std::string text = cp.serialize();
    CHECK(text == "0\n2\norders 0 1300\nmy-topic.v2 3 0\n");
    CHECK(OffsetCheckpoint().serialize() == "0\n0\n");

    auto parsed = OffsetCheckpoint::parse(text, "x");
    REQUIRE(parsed.ok());
    CHECK(parsed->entries() == cp.entries());
    CHECK(parsed->find("orders", PartitionId(0)) == Offset(1300));
    CHECK_FALSE(parsed->find("orders", PartitionId(1)));
    CHECK(cp.remove("orders", PartitionId(0)));
    CHECK_FALSE(cp.remove("orders", PartitionId(0)));
}

TEST_CASE("offset checkpoints are written atomically through <name>.tmp", "[logdir][checkpoint]")
{
    spillway::test::TempDir dir;
    const auto file = dir / "replication-offset-checkpoint";
    OffsetCheckpoint cp({{"orders", PartitionId(1), Offset(42)}});
    REQUIRE(cp.write(file).ok());
    CHECK(readFile(file).value() == "0\n1\norders 1 42\n");
    CHECK_FALSE(std::filesystem::exists(dir / "replication-offset-checkpoint.tmp"));
    auto back = OffsetCheckpoint::read(file);
    REQUIRE(back.ok());
    CHECK(back->find("orders", PartitionId(1)) == Offset(42));
    CHECK(OffsetCheckpoint::read(dir / "missing").error().code == Errc::NotFound);
}

TEST_CASE("offset checkpoints - what Kafka's reader accepts", "[logdir][checkpoint]")
{
    // Empty file and a file that stops after the version are empty sets.
    CHECK(OffsetCheckpoint::parse("", "x")->entries().empty());
    CHECK(OffsetCheckpoint::parse("0\n", "x")->entries().empty());
    // Any whitespace separates fields; trailing whitespace and CRLF are fine.
    auto loose = OffsetCheckpoint::parse("0\r\n2\r\na\t1   5 \r\nb 2 -1\r\n", "x");
    REQUIRE(loose.ok());
    CHECK(loose->find("a", PartitionId(1)) == Offset(5));
    CHECK(loose->find("b", PartitionId(2)) == Offset(-1));
    // No final newline.
    CHECK(OffsetCheckpoint::parse("0\n1\na 0 7", "x")->find("a", PartitionId(0)) == Offset(7));
}

TEST_CASE("offset checkpoints - every malformed variant is an error naming the line", "[logdir][checkpoint]")
{
    CHECK(errorOf("1\n0\n") == "recovery-point-offset-checkpoint line 1: unrecognised version 1, expected 0");
    CHECK(errorOf("x\n0\n").find("line 1: malformed version 'x'") != std::string::npos);
    CHECK(errorOf("0\ntwo\n").find("line 2: malformed entry count 'two'") != std::string::npos);
    CHECK(errorOf("0\n1\norders 0\n").find("line 3: malformed line 'orders 0'") != std::string::npos);
    CHECK(errorOf("0\n1\norders 0 1 2\n").find("line 3: malformed line") != std::string::npos);
    CHECK(errorOf("0\n1\n orders 0 1\n").find("line 3: malformed line") != std::string::npos); // leading space
    CHECK(errorOf("0\n2\na 0 1\n\n").find("line 4: malformed line ''") != std::string::npos);  // blank line
    CHECK(errorOf("0\n1\norders x 1\n").find("line 3: partition 'x'") != std::string::npos);
    CHECK(errorOf("0\n1\norders 0 1.5\n").find("line 3: offset '1.5'") != std::string::npos);
    CHECK(errorOf("0\n1\norders 9999999999 1\n").find("line 3: partition") != std::string::npos);
    CHECK(errorOf("0\n3\na 0 1\nb 0 2\n") ==
          "recovery-point-offset-checkpoint: expected 3 entries (line 2) but found 2");
    CHECK(errorOf("0\n0\na 0 1\n").find("expected 0 entries") != std::string::npos);
}

TEST_CASE("leader-epoch-checkpoint round-trip and checks", "[logdir][checkpoint]")
{
    LeaderEpochCheckpoint cp(
        {{LeaderEpoch(0), Offset(0)}, {LeaderEpoch(2), Offset(150)}, {LeaderEpoch(5), Offset(900)}});
    CHECK(cp.serialize() == "0\n3\n0 0\n2 150\n5 900\n");
    auto parsed = LeaderEpochCheckpoint::parse(cp.serialize(), "x");
    REQUIRE(parsed.ok());
    CHECK(parsed->entries() == cp.entries());
    CHECK(parsed->checkMonotonic("x").ok());

    auto bad = LeaderEpochCheckpoint::parse("0\n1\n3 10 extra\n", "leader-epoch-checkpoint");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("line 3: malformed line") != std::string::npos);
    CHECK_FALSE(LeaderEpochCheckpoint::parse("0\n1\nx 10\n", "x").ok());

    const LeaderEpochCheckpoint backwards({{LeaderEpoch(3), Offset(100)}, {LeaderEpoch(2), Offset(200)}});
    const auto mono = backwards.checkMonotonic("leader-epoch-checkpoint");
    REQUIRE_FALSE(mono.ok());
    CHECK(mono.error().message.find("line 4") != std::string::npos);

    spillway::test::TempDir dir;
    REQUIRE(cp.write(dir / "leader-epoch-checkpoint").ok());
    CHECK(LeaderEpochCheckpoint::read(dir / "leader-epoch-checkpoint")->entries() == cp.entries());
}

TEST_CASE("partition.metadata is exactly 43 bytes without a trailing newline", "[logdir][checkpoint]")
{
    const std::string text = "version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ";
    auto parsed = PartitionMetadata::parse(text, "partition.metadata");
    REQUIRE(parsed.ok());
    CHECK(parsed->topicId.toHex() == "00000000000000000000000000000001");
    CHECK(parsed->serialize() == text);
    CHECK(parsed->serialize().size() == PartitionMetadata::kFileSize);

    spillway::test::TempDir dir;
    REQUIRE(parsed->write(dir / "partition.metadata").ok());
    CHECK(readFile(dir / "partition.metadata").value() == text);

    CHECK(PartitionMetadata::parse(text + "\n", "x").ok()); // a stray newline is harmless
    CHECK(PartitionMetadata::parse("version:\t0\ntopic_id:  AAAAAAAAAAAAAAAAAAAAAQ", "x").ok());
    for (const std::string bad : {"version: 1\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ", "version:0\ntopic_id: x",
                                  "version: 0\ntopic: AAAAAAAAAAAAAAAAAAAAAQ", "version: 0\ntopic_id: short",
                                  "version: 0", "", "version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ\nmore"}) {
        INFO(bad);
        const auto r = PartitionMetadata::parse(bad, "partition.metadata");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.starts_with("partition.metadata line "));
    }
}
