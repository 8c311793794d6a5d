// SPDX-License-Identifier: GPL-3.0-or-later
// Builds small but real Kafka log dirs for the logdir tests: segments made of
// batches from the format library's builder, the broker files, and the odd
// leftovers an operator finds after crashes.
#pragma once

#include "core/storage/format/batch_builder.h"
#include "core/storage/format/segment_file_name.h"

#include <catch2/catch.hpp>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::test {

inline void writeBytes(const std::filesystem::path &file, std::string_view data)
{
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    REQUIRE(out.good());
}

inline std::string asString(const std::vector<std::byte> &bytes)
{
    return {reinterpret_cast<const char *>(bytes.data()), bytes.size()};
}

/// `batches` uncompressed v2 batches of `perBatch` records each, offsets from
/// `baseOffset` on; returns the segment's bytes.
inline std::string makeSegmentBytes(std::int64_t baseOffset, int batches, int perBatch)
{
    std::string out;
    std::int64_t offset = baseOffset;
    for (int b = 0; b < batches; ++b) {
        core::RecordBatchSpec spec;
        spec.baseOffset = core::Offset(offset);
        spec.leaderEpoch = core::LeaderEpoch(3);
        for (int r = 0; r < perBatch; ++r)
            spec.records.push_back(core::Record{std::string("key-") + std::to_string(offset + r),
                                                std::string(100, 'v'),
                                                1700000000000 + offset + r,
                                                {}});
        auto batch = core::buildRecordBatch(spec);
        REQUIRE(batch.ok());
        out += asString(*batch);
        offset += perBatch;
    }
    return out;
}

/// Writes `<base>.log` (and empty .index/.timeindex, as Kafka leaves a
/// segment too small for an index entry) into `dir`; returns the .log size.
inline std::int64_t writeSegment(const std::filesystem::path &dir, std::int64_t baseOffset, int batches, int perBatch)
{
    const std::string stem = core::formatOffsetFileStem(core::Offset(baseOffset));
    const std::string bytes = makeSegmentBytes(baseOffset, batches, perBatch);
    writeBytes(dir / (stem + ".log"), bytes);
    writeBytes(dir / (stem + ".index"), "");
    writeBytes(dir / (stem + ".timeindex"), "");
    return static_cast<std::int64_t>(bytes.size());
}

} // namespace spillway::test
