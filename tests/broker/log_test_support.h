// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Helpers shared by the broker/log tests: batches from the builder, reading a
// partition back through PartitionLog::read, verifying every segment's
// indexes with the index library.

#include "broker/log/partition_log.h"
#include "core/storage/format/batch_builder.h"
#include "core/storage/format/segment_file_name.h"
#include "core/storage/format/segment_parser.h"
#include "core/storage/index/index_verifier.h"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace spillway::test {

/// A magic-2 batch of `records` records with `valueSize`-byte values; record
/// i has timestamp ts + i. Its base offset is deliberately wrong (the broker
/// assigns offsets).
inline std::vector<std::byte> makeBatch(int records, std::size_t valueSize, std::int64_t ts)
{
    core::RecordBatchSpec spec;
    spec.baseOffset = core::Offset(999);
    for (int i = 0; i < records; ++i)
        spec.records.push_back({std::string("k") + std::to_string(i), std::string(valueSize, 'v'), ts + i, {}});
    auto bytes = core::buildRecordBatch(spec);
    if (!bytes)
        throw std::runtime_error(bytes.error().describe());
    return std::move(bytes.value());
}

/// A small configuration so tests roll segments and write index entries quickly.
inline broker::LogConfig smallLogConfig()
{
    broker::LogConfig c;
    c.segmentBytes = 4096;
    c.indexIntervalBytes = 256;
    c.indexSizeMaxBytes = 1024;
    return c;
}

/// Every batch as the fetch path returns it, from the log start to the end.
struct ReadBack {
    std::vector<core::Offset> batchBases;
    std::vector<core::Offset> batchLasts;
    std::int64_t records = 0;
    std::string problem;
};

class CollectBatches final : public core::BatchConsumer {
public:
    explicit CollectBatches(ReadBack &out) : m_out(out) {}
    bool onBatch(const core::BatchInfo &b) override
    {
        m_out.batchBases.push_back(b.baseOffset);
        m_out.batchLasts.push_back(b.lastOffset);
        m_out.records += b.recordCount;
        return true;
    }

private:
    ReadBack &m_out;
};

inline ReadBack readAll(broker::PartitionLog &log, std::int32_t maxBytes = 1000)
{
    ReadBack out;
    core::Offset next = log.logStartOffset();
    while (true) {
        auto region = log.read(next, maxBytes);
        if (!region) {
            out.problem = region.error().describe();
            return out;
        }
        if (region->length == 0)
            return out;
        std::vector<std::byte> buf(static_cast<std::size_t>(region->length));
        if (::pread(region->fd(), buf.data(), buf.size(), region->position.get()) != static_cast<ssize_t>(buf.size())) {
            out.problem = "short pread";
            return out;
        }
        CollectBatches collect(out);
        const auto before = out.batchLasts.size();
        const auto outcome = core::SegmentParser::parse(buf, collect);
        if (!outcome.ok() || outcome.validBytes != region->length) {
            out.problem = "region is not whole valid batches: " + outcome.tailDetail;
            return out;
        }
        if (out.batchLasts.size() == before) {
            out.problem = "empty region";
            return out;
        }
        next = core::Offset(out.batchLasts.back().get() + 1);
    }
}

/// "" when every segment's indexes in `partitionDir` verify, else the problems.
inline std::string verifyAllSegments(const std::filesystem::path &partitionDir)
{
    std::string problems;
    int segments = 0;
    for (const auto &entry : std::filesystem::directory_iterator(partitionDir)) {
        const auto name = core::parseSegmentFileName(entry.path().filename().string());
        if (!name || name->type != core::SegmentFileType::Log || name->suffix != core::TempSuffix::None)
            continue;
        ++segments;
        auto verdict = core::IndexVerifier::verifyFiles(core::SegmentFiles{partitionDir, name->offset});
        if (!verdict) {
            problems += verdict.error().describe() + "\n";
            continue;
        }
        for (const auto *file : {&verdict->log, &verdict->offsetIndex, &verdict->timeIndex}) {
            if (!file->ok())
                problems += file->path.string() + ": " + file->firstProblem()->describe() + "\n";
        }
    }
    if (segments == 0)
        problems += "no segment in " + partitionDir.string();
    return problems;
}

inline bool contiguous(const ReadBack &r, core::Offset from)
{
    core::Offset expect = from;
    for (std::size_t i = 0; i < r.batchBases.size(); ++i) {
        if (r.batchBases[i] != expect)
            return false;
        expect = core::Offset(r.batchLasts[i].get() + 1);
    }
    return true;
}

} // namespace spillway::test
