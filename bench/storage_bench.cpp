// SPDX-License-Identifier: GPL-3.0-or-later
// spillway_storage_bench: index verify and rebuild throughput next to the raw
// read rate of the same segment files, single-threaded, data in page cache.
// Generates ~1 GiB of segments (1 KiB records, ~16 KiB batches) once and
// reuses them. Prints a table; asserts nothing (see docs/performance.md).
//
// Usage: spillway_storage_bench [dir] [--segments N] [--segment-mib N] [--runs N]
//   dir defaults to $TMPDIR/spillway-storage-bench (or /tmp/...).
#include "core/common/fileio.h"
#include "core/storage/format/batch_builder.h"
#include "core/storage/format/segment_parser.h"
#include "core/storage/index/index_rebuilder.h"
#include "core/storage/index/index_verifier.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

using namespace spillway::core;

namespace {

struct BenchConfig {
    std::filesystem::path dir;
    int segments = 8;
    std::int64_t segmentBytes = std::int64_t{128} << 20;
    int recordBytes = 1024;
    int recordsPerBatch = 16;
    int runs = 3;

    [[nodiscard]] std::string signature() const
    {
        return "segments=" + std::to_string(segments) + " segmentBytes=" + std::to_string(segmentBytes) +
               " recordBytes=" + std::to_string(recordBytes) + " recordsPerBatch=" + std::to_string(recordsPerBatch) +
               "\n";
    }
    [[nodiscard]] std::filesystem::path partitionDir() const { return dir / "bench-0"; }
    [[nodiscard]] std::filesystem::path marker() const { return partitionDir() / ".spillway-bench-complete"; }
};

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "spillway_storage_bench: %s\n", what.c_str());
    std::exit(2);
}

std::uint64_t g_sink = 0; // keeps measured reads from being optimised away

/// Writes the segments with the format library's batch builder, then their
/// indexes with the rebuilder. Returns the segments.
std::vector<SegmentFiles> generate(const BenchConfig &cfg)
{
    std::filesystem::remove_all(cfg.partitionDir());
    std::filesystem::create_directories(cfg.partitionDir());
    std::vector<SegmentFiles> out;
    std::int64_t nextOffset = 0;
    std::int64_t timestamp = 1'700'000'000'000;
    std::uint64_t rng = 0x9e3779b97f4a7c15ULL;
    for (int s = 0; s < cfg.segments; ++s) {
        const SegmentFiles files{cfg.partitionDir(), Offset(nextOffset)};
        std::ofstream log(files.log(), std::ios::binary | std::ios::trunc);
        std::int64_t written = 0;
        for (;;) {
            RecordBatchSpec spec;
            spec.baseOffset = Offset(nextOffset);
            for (int r = 0; r < cfg.recordsPerBatch; ++r) {
                Record rec;
                std::string value(static_cast<std::size_t>(cfg.recordBytes), '\0');
                for (std::size_t i = 0; i + 8 <= value.size(); i += 8) {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    std::memcpy(value.data() + i, &rng, 8);
                }
                rec.key = "key-" + std::to_string(nextOffset + r);
                rec.value = std::move(value);
                rec.timestampMs = timestamp++;
                spec.records.push_back(std::move(rec));
            }
            auto batch = buildRecordBatch(spec);
            if (!batch)
                die(batch.error().describe());
            if (written + static_cast<std::int64_t>(batch->size()) > cfg.segmentBytes)
                break;
            log.write(reinterpret_cast<const char *>(batch->data()), static_cast<std::streamsize>(batch->size()));
            written += static_cast<std::int64_t>(batch->size());
            nextOffset += cfg.recordsPerBatch;
        }
        if (!log.good())
            die("cannot write " + files.log().string());
        out.push_back(files);
    }
    RebuildOptions options;
    options.keepBackup = false;
    for (const auto &files : out) {
        if (auto r = IndexRebuilder::rebuild(files, options); !r)
            die(r.error().describe());
    }
    std::ofstream(cfg.marker()) << cfg.signature();
    return out;
}

std::vector<SegmentFiles> prepare(const BenchConfig &cfg)
{
    auto existing = readFile(cfg.marker());
    if (existing && *existing == cfg.signature()) {
        std::vector<SegmentFiles> out;
        for (const auto &e : std::filesystem::directory_iterator(cfg.partitionDir())) {
            if (e.path().extension() == ".log")
                out.push_back(*SegmentFiles::fromPath(e.path()));
        }
        std::sort(out.begin(), out.end(),
                  [](const SegmentFiles &a, const SegmentFiles &b) { return a.baseOffset < b.baseOffset; });
        if (static_cast<int>(out.size()) == cfg.segments) {
            std::printf("reusing segments in %s\n", cfg.partitionDir().c_str());
            return out;
        }
    }
    std::printf("generating %d segments of %lld MiB in %s ...\n", cfg.segments,
                static_cast<long long>(cfg.segmentBytes >> 20), cfg.partitionDir().c_str());
    std::fflush(stdout);
    return generate(cfg);
}

void readAll(const std::filesystem::path &path, std::vector<char> &buffer)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("cannot open " + path.string());
    ssize_t n;
    while ((n = ::read(fd, buffer.data(), buffer.size())) > 0)
        g_sink += static_cast<unsigned char>(buffer[static_cast<std::size_t>(n) - 1]);
    ::close(fd);
}

void mmapTouch(const std::filesystem::path &path)
{
    auto mapped = MappedFile::open(path);
    if (!mapped)
        die(mapped.error().describe());
    const auto bytes = mapped->bytes();
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < bytes.size(); i += 4096)
        sum += std::to_integer<unsigned>(bytes[i]);
    g_sink += sum;
}

class CountingConsumer final : public BatchConsumer {
public:
    bool onBatch(const BatchInfo &b) override
    {
        m_records += b.recordCount;
        return true;
    }
    std::int64_t m_records = 0;
};

/// Best of `runs` wall-clock seconds of `body` over all segments.
double bestOf(int runs, const std::vector<SegmentFiles> &segments,
              const std::function<void(const SegmentFiles &)> &body)
{
    double best = 1e30;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        for (const auto &s : segments)
            body(s);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        best = std::min(best, took.count());
    }
    return best;
}

std::string cpuModel()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0)
            return line.substr(line.find(':') + 2);
    }
    return "unknown CPU";
}

} // namespace

int main(int argc, char **argv)
{
    BenchConfig cfg;
    const char *tmp = std::getenv("TMPDIR");
    cfg.dir = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") / "spillway-storage-bench";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&]() -> int {
            if (i + 1 >= argc)
                die(a + " needs a value");
            return std::atoi(argv[++i]);
        };
        if (a == "--segments")
            cfg.segments = next();
        else if (a == "--segment-mib")
            cfg.segmentBytes = std::int64_t{next()} << 20;
        else if (a == "--runs")
            cfg.runs = next();
        else if (a == "-h" || a == "--help") {
            std::printf("Usage: spillway_storage_bench [dir] [--segments N] [--segment-mib N] [--runs N]\n");
            return 0;
        } else
            cfg.dir = a;
    }
    if (cfg.segments < 1 || cfg.segmentBytes < (1 << 20) || cfg.runs < 1)
        die("bad arguments");

    const std::vector<SegmentFiles> segments = prepare(cfg);
    std::int64_t totalBytes = 0;
    for (const auto &s : segments)
        totalBytes += static_cast<std::int64_t>(std::filesystem::file_size(s.log()));

    std::vector<char> buffer(std::size_t{1} << 20);
    // Warm the page cache so every figure below is CPU/memory bound.
    for (const auto &s : segments)
        readAll(s.log(), buffer);

    const double readSecs = bestOf(cfg.runs, segments, [&](const SegmentFiles &s) { readAll(s.log(), buffer); });
    const double mmapSecs = bestOf(cfg.runs, segments, [&](const SegmentFiles &s) { mmapTouch(s.log()); });
    std::int64_t records = 0;
    const double parseSecs = bestOf(cfg.runs, segments, [&](const SegmentFiles &s) {
        CountingConsumer c;
        auto r = SegmentParser::parseFile(s.log(), c);
        if (!r || !r->ok())
            die("parse failed: " + s.log().string());
        records += c.m_records;
    });
    records /= cfg.runs;
    const double verifySecs = bestOf(cfg.runs, segments, [&](const SegmentFiles &s) {
        auto v = IndexVerifier::verifyFiles(s);
        if (!v || !v->ok())
            die("verify failed: " + s.log().string());
    });
    RebuildOptions rebuild;
    rebuild.keepBackup = false;
    rebuild.writeUnchanged = true; // measure the full job: walk, verify, write, fsync, rename
    const double rebuildSecs = bestOf(cfg.runs, segments, [&](const SegmentFiles &s) {
        auto r = IndexRebuilder::rebuild(s, rebuild);
        if (!r)
            die(r.error().describe());
    });

    const double gb = static_cast<double>(totalBytes) / 1e9;
    const double readRate = gb / readSecs;
    std::printf("\nStorage: %.2f GiB in %zu segments, %lld records of %d bytes, %d records/batch\n",
                static_cast<double>(totalBytes) / (1 << 30), segments.size(), static_cast<long long>(records),
                cfg.recordBytes, cfg.recordsPerBatch);
    std::printf("CPU: %s; single thread; page cache warm; best of %d\n\n", cpuModel().c_str(), cfg.runs);
    std::printf("%-34s %8s %12s\n", "operation", "GB/s", "% of read()");
    const auto row = [&](const char *name, double secs) {
        const double rate = gb / secs;
        std::printf("%-34s %8.2f %11.0f%%\n", name, rate, 100.0 * rate / readRate);
    };
    row("read() into a 1 MiB buffer", readSecs);
    row("mmap, touch 1 byte per 4 KiB page", mmapSecs);
    row("parse batches + CRC-32C", parseSecs);
    row("index verify (both indexes)", verifySecs);
    row("index rebuild (--no-backup)", rebuildSecs);

    const double verifyRate = gb / verifySecs;
    const double rebuildRate = gb / rebuildSecs;
    std::printf("\ngoal verify  >= 2.0 GB/s and >= 50%% of read(): %s\n",
                verifyRate >= 2.0 && verifyRate >= 0.5 * readRate ? "met" : "MISSED");
    std::printf("goal rebuild >= 1.5 GB/s and >= 50%% of read(): %s\n",
                rebuildRate >= 1.5 && rebuildRate >= 0.5 * readRate ? "met" : "MISSED");
    return g_sink == 42 ? 1 : 0; // never: only uses the sink
}
