// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/storage/format/batch_builder.h"
#include "core/storage/format/segment_parser.h"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace spillway::test {

inline std::span<const std::byte> asBytes(std::string_view s)
{
    return {reinterpret_cast<const std::byte *>(s.data()), s.size()};
}

inline std::string asString(std::span<const std::byte> b)
{
    return {reinterpret_cast<const char *>(b.data()), b.size()};
}

/// n records "key-i" / "value-i..." with timestamps base + i.
inline std::vector<core::Record> makeRecords(int n, std::int64_t baseTimestamp = 1'700'000'000'000, int valueSize = 20)
{
    std::vector<core::Record> records;
    for (int i = 0; i < n; ++i) {
        core::Record r;
        r.key = "key-" + std::to_string(i);
        r.value = "value-" + std::to_string(i) + std::string(static_cast<std::size_t>(valueSize), 'x');
        r.timestampMs = baseTimestamp + i;
        records.push_back(r);
    }
    return records;
}

inline void append(std::vector<std::byte> &segment, const core::Result<std::vector<std::byte>> &batch)
{
    REQUIRE(batch.ok());
    segment.insert(segment.end(), batch->begin(), batch->end());
}

/// Records everything the parser hands over.
class CollectingConsumer : public core::BatchConsumer {
public:
    bool onBatch(const core::BatchInfo &batch) override
    {
        batches.push_back(batch);
        batches.back().bytes = {};
        return true;
    }
    std::vector<core::BatchInfo> batches;
};

} // namespace spillway::test
