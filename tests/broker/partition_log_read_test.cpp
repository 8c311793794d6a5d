// SPDX-License-Identifier: GPL-3.0-or-later
// PartitionLog::read against a model of the segments: the region a fetch
// gets (whole batches, at least one, within maxBytes and before the limit)
// must not depend on how the read finds its ends (offset index jumps, header
// chunks of 16 KiB).
#include "broker/log/partition_log.h"
#include "core/common/big_endian.h"
#include "tests/broker/log_test_support.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

using namespace spillway;
using namespace spillway::broker;
using core::Offset;
using spillway::test::TempDir;

namespace {

struct ModelBatch {
    Offset base{0};
    Offset last{0};
    std::int64_t position = 0;
    std::int64_t size = 0;
    Offset segment{0};
};

/// The region read() must return, computed from the batches written.
std::pair<std::int64_t, std::int64_t> expectedRegion(const std::vector<ModelBatch> &batches, Offset fetchOffset,
                                                     std::int64_t maxBytes, Offset limit)
{
    if (fetchOffset >= limit)
        return {0, 0};
    std::size_t i = 0;
    while (i < batches.size() && batches[i].last < fetchOffset)
        ++i;
    if (i == batches.size() || batches[i].base >= limit)
        return {0, 0};
    const std::int64_t start = batches[i].position;
    std::int64_t length = batches[i].size;
    for (std::size_t j = i + 1; j < batches.size() && batches[j].segment == batches[i].segment; ++j) {
        if (batches[j].base >= limit || length + batches[j].size > maxBytes)
            break;
        length += batches[j].size;
    }
    return {start, length};
}

} // namespace

TEST_CASE("PartitionLog read finds the same whole batches through index jumps and header chunks", "[broker][log]")
{
    TempDir dir;
    LogConfig config;
    config.segmentBytes = 96 * 1024; // a few segments, each with hundreds of batches
    config.indexIntervalBytes = 1024;
    auto id = core::KafkaUuid::random();
    REQUIRE(id.ok());
    auto created = PartitionLog::create(dir.path(), "t", core::PartitionId(0), *id, config, 0);
    REQUIRE(created.ok());
    auto &log = *created.value();

    std::vector<ModelBatch> batches;
    std::int64_t segmentBase = 0;
    for (int i = 0; i < 700; ++i) {
        // Sizes from 80 bytes to ~2 KiB; every fifth append carries two batches.
        const int records = 1 + i % 3;
        auto a = test::makeBatch(records, static_cast<std::size_t>(10 + (i * 37) % 600), 1000 + i);
        std::vector<std::byte> chunk = a;
        std::vector<std::int64_t> sizes{static_cast<std::int64_t>(a.size())};
        std::vector<int> counts{records};
        if (i % 5 == 0) {
            auto b = test::makeBatch(2, 50, 1000 + i);
            // After the first batch (base 999), as a producer's request has them.
            core::storeBigEndian<std::int64_t>(b.data(), 999 + records);
            chunk.insert(chunk.end(), b.begin(), b.end());
            sizes.push_back(static_cast<std::int64_t>(b.size()));
            counts.push_back(2);
        }
        auto appended = log.append(chunk, core::LeaderEpoch(0), 0);
        INFO((appended.ok() ? std::string() : appended.error().describe()));
        REQUIRE(appended.ok());
        const auto segments = log.segmentBaseOffsets();
        if (segments.back().get() != segmentBase)
            segmentBase = segments.back().get();
        std::int64_t position = 0;
        if (!batches.empty() && batches.back().segment.get() == segmentBase)
            position = batches.back().position + batches.back().size;
        Offset next = appended->baseOffset;
        for (std::size_t k = 0; k < sizes.size(); ++k) {
            batches.push_back({next, Offset(next.get() + counts[k] - 1), position, sizes[k], Offset(segmentBase)});
            position += sizes[k];
            next = Offset(next.get() + counts[k]);
        }
    }
    REQUIRE(log.segmentCount() >= 3);
    const Offset end = log.logEndOffset();

    int checked = 0;
    for (std::int64_t offset = 0; offset < end.get(); offset += 7) {
        for (const std::int64_t maxBytes : {1, 500, 3000, 20000, 1 << 20}) {
            for (const std::int64_t limitBack : {0, 1, 40}) {
                const Offset limit(std::max<std::int64_t>(offset, end.get() - limitBack));
                const auto [position, length] = expectedRegion(batches, Offset(offset), maxBytes, limit);
                auto region = log.read(Offset(offset), static_cast<std::int32_t>(maxBytes), limit);
                REQUIRE(region.ok());
                INFO("offset " << offset << ", maxBytes " << maxBytes << ", limit " << limit.get());
                CHECK(region->length == length);
                if (length > 0)
                    CHECK(region->position.get() == position);
                ++checked;
            }
        }
    }
    CHECK(checked > 1000);
    // And the whole log reads back contiguous through small fetches.
    const auto back = test::readAll(log, 700);
    CHECK(back.problem.empty());
    CHECK(test::contiguous(back, Offset(0)));
    CHECK(back.batchBases.size() == batches.size());
}
