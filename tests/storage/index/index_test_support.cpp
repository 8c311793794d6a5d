// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/storage/index/index_test_support.h"

#include "core/storage/format/batch_builder.h"
#include "core/storage/format/segment_parser.h"
#include "core/storage/index/recovery_index_builder.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace spillway::test {
using namespace spillway::core;

namespace {

std::string valueOf(int seed, int size)
{
    std::string v(static_cast<std::size_t>(size), 'x');
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = static_cast<char>('a' + (static_cast<std::size_t>(seed) * 7 + i) % 26);
    return v;
}

/// Records where each batch of `bytes` starts, from the parser itself.
class BatchRecorder final : public BatchConsumer {
public:
    explicit BatchRecorder(std::vector<BuiltBatch> &out) : m_out(out) {}
    bool onBatch(const BatchInfo &b) override
    {
        m_out.push_back({b.position, b.baseOffset, b.lastOffset, b.maxTimestamp, b.sizeInBytes});
        return true;
    }

private:
    std::vector<BuiltBatch> &m_out;
};

void recordBatches(BuiltSegment &segment)
{
    BatchRecorder recorder(segment.batches);
    const ParseOutcome outcome = SegmentParser::parse(segment.log, recorder);
    REQUIRE(outcome.tail == TailState::Clean);
}

} // namespace

BuiltSegment buildV2Segment(Offset base, int batchCount, int recordsPerBatch, int valueSize,
                            const TimestampFn &timestamps)
{
    BuiltSegment segment;
    segment.baseOffset = base;
    std::int64_t next = base.get();
    for (int b = 0; b < batchCount; ++b) {
        RecordBatchSpec spec;
        spec.baseOffset = Offset(next);
        for (int r = 0; r < recordsPerBatch; ++r) {
            Record rec;
            rec.key = "key-" + std::to_string(next + r);
            rec.value = valueOf(b * recordsPerBatch + r, valueSize);
            rec.timestampMs = timestamps ? timestamps(b, r) : 1'700'000'000'000 + 10 * b + r;
            spec.records.push_back(std::move(rec));
        }
        auto bytes = buildRecordBatch(spec);
        REQUIRE(bytes.ok());
        segment.log.insert(segment.log.end(), bytes->begin(), bytes->end());
        next += recordsPerBatch;
    }
    recordBatches(segment);
    return segment;
}

BuiltSegment buildLegacySegment(std::int8_t magic, Offset base, int setCount, int recordsPerSet,
                                Compression compression, int valueSize)
{
    BuiltSegment segment;
    segment.baseOffset = base;
    std::int64_t next = base.get();
    for (int s = 0; s < setCount; ++s) {
        std::vector<Record> records;
        for (int r = 0; r < recordsPerSet; ++r) {
            Record rec;
            rec.value = valueOf(s * recordsPerSet + r, valueSize);
            rec.timestampMs = magic == 0 ? -1 : 1'600'000'000'000 + 10 * s + r;
            records.push_back(std::move(rec));
        }
        auto bytes = buildLegacyMessageSet(magic, Offset(next), compression, records);
        REQUIRE(bytes.ok());
        segment.log.insert(segment.log.end(), bytes->begin(), bytes->end());
        next += recordsPerSet;
    }
    recordBatches(segment);
    return segment;
}

void writeBytes(const std::filesystem::path &path, const std::vector<std::byte> &bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

std::vector<std::byte> readBytes(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(chars.size());
    std::transform(chars.begin(), chars.end(), out.begin(), [](char c) { return static_cast<std::byte>(c); });
    return out;
}

SegmentFiles writeSegment(const std::filesystem::path &dir, const BuiltSegment &segment,
                          std::int64_t indexIntervalBytes)
{
    std::filesystem::create_directories(dir);
    const SegmentFiles files{dir, segment.baseOffset};
    writeBytes(files.log(), segment.log);
    RecoveryIndexBuilder builder(segment.baseOffset, indexIntervalBytes);
    const ParseOutcome outcome = SegmentParser::parse(segment.log, builder);
    REQUIRE(outcome.tail == TailState::Clean);
    builder.finish();
    REQUIRE(!builder.error());
    REQUIRE(builder.offsetIndex().writeFile(files.offsetIndex()).ok());
    REQUIRE(builder.timeIndex().writeFile(files.timeIndex()).ok());
    return files;
}

void appendOffsetEntry(std::vector<std::byte> &out, std::int32_t relativeOffset, std::int32_t position)
{
    for (const std::int32_t v : {relativeOffset, position}) {
        const auto u = static_cast<std::uint32_t>(v);
        for (int shift = 24; shift >= 0; shift -= 8)
            out.push_back(static_cast<std::byte>((u >> shift) & 0xff));
    }
}

void appendTimeEntry(std::vector<std::byte> &out, std::int64_t timestamp, std::int32_t relativeOffset)
{
    const auto t = static_cast<std::uint64_t>(timestamp);
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::byte>((t >> shift) & 0xff));
    const auto r = static_cast<std::uint32_t>(relativeOffset);
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::byte>((r >> shift) & 0xff));
}

LockHolder::LockHolder(const std::filesystem::path &lockFile)
{
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(ready[0]);
        const int fd = ::open(lockFile.c_str(), O_RDWR | O_CREAT, 0644);
        struct flock fl {};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        const bool locked = fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0;
        const char status = locked ? 'y' : 'n';
        (void)!::write(ready[1], &status, 1);
        ::pause(); // until the parent kills us
        ::_exit(0);
    }
    ::close(ready[1]);
    char status = 0;
    const ssize_t n = ::read(ready[0], &status, 1);
    ::close(ready[0]);
    m_pid = pid;
    if (n != 1 || status != 'y') {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        m_pid = -1;
        FAIL("the child could not lock " << lockFile);
    }
}

LockHolder::~LockHolder()
{
    if (m_pid > 0) {
        ::kill(m_pid, SIGKILL);
        int st = 0;
        ::waitpid(m_pid, &st, 0);
    }
}

} // namespace spillway::test
