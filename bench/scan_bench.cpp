// SPDX-License-Identifier: GPL-3.0-or-later
// spillway_scan_bench: the log dir scan over generated log dirs with 100k
// partitions and 300k segments, next to `du -s` of the same tree. Wall and
// CPU time (best of N, warm cache unless --drop-caches) and peak RSS, each
// measured in a child process of its own (wait4: ru_maxrss, ru_utime +
// ru_stime), so that generating the tree does not count. Two scans:
// LogDirScanner::scanLogDir over the dirs one after another, and
// measure::scanLogDirs, which scans them in parallel as the console does.
// Asserts nothing; the figures are in docs/performance.md.
//
// Usage: spillway_scan_bench [dir] [--partitions N] [--segments N] [--log-dirs N] [--runs N] [--drop-caches]
//   dir defaults to $TMPDIR/spillway-scan-bench (or /tmp/...); generated once, reused.
//   --segments is per partition (default 3: 100k partitions, 300k segments).
#include "core/common/fileio.h"
#include "core/measure/local_snapshot.h"
#include "core/storage/format/segment_file_name.h"
#include "core/storage/logdir/log_dir_scan.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace spillway::core;
namespace measure = spillway::core::measure;

namespace {

struct Config {
    std::filesystem::path dir;
    int partitions = 100'000;
    int segments = 3;
    int logDirs = 4;
    int runs = 5;
    bool dropCaches = false;

    [[nodiscard]] std::string signature() const
    {
        return "partitions=" + std::to_string(partitions) + " segments=" + std::to_string(segments) +
               " logDirs=" + std::to_string(logDirs) + " v1\n";
    }
    [[nodiscard]] std::filesystem::path logDir(int i) const { return dir / ("data" + std::to_string(i)); }
    [[nodiscard]] std::filesystem::path marker() const { return dir / ".spillway-scan-bench-complete"; }
};

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "spillway_scan_bench: %s\n", what.c_str());
    std::exit(2);
}

/// A file of `size` bytes: `content` written, the rest a sparse hole.
void makeFile(int dirFd, const std::string &name, std::int64_t size, std::string_view content = {})
{
    const int fd = ::openat(dirFd, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die("cannot create " + name + ": " + std::strerror(errno));
    if (!content.empty() && ::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()))
        die("cannot write " + name);
    if (size > static_cast<std::int64_t>(content.size()) && ::ftruncate(fd, size) != 0)
        die("cannot size " + name);
    ::close(fd);
}

/// Kafka-shaped log dirs: meta.properties and checkpoints, then partitions
/// (100 per topic, round robin over the dirs), each with `segments` segments
/// (.log sized by ftruncate, so sparse; .index/.timeindex trimmed as Kafka
/// leaves rolled segments, the active one preallocated to 10 MiB), a
/// leader-epoch-checkpoint and partition.metadata: 11 files per partition.
/// The scan reads names and sizes, not content.
void generate(const Config &cfg)
{
    std::error_code ec;
    std::filesystem::remove_all(cfg.dir, ec);
    for (int d = 0; d < cfg.logDirs; ++d) {
        std::filesystem::create_directories(cfg.logDir(d));
        std::ofstream(cfg.logDir(d) / "meta.properties") << "version=1\nnode.id=1\ncluster.id=bench\n";
        for (const char *cp : {"recovery-point-offset-checkpoint", "replication-offset-checkpoint",
                               "log-start-offset-checkpoint", "cleaner-offset-checkpoint"})
            std::ofstream(cfg.logDir(d) / cp) << "0\n0\n";
    }
    const int topics = std::max(1, cfg.partitions / 100);
    const int perTopic = (cfg.partitions + topics - 1) / topics;
    int made = 0;
    for (int t = 0; t < topics && made < cfg.partitions; ++t) {
        for (int p = 0; p < perTopic && made < cfg.partitions; ++p, ++made) {
            const auto path =
                cfg.logDir(made % cfg.logDirs) / ("bench-topic-" + std::to_string(t) + "-" + std::to_string(p));
            if (::mkdir(path.c_str(), 0755) != 0)
                die("cannot mkdir " + path.string() + ": " + std::strerror(errno));
            const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0)
                die("cannot open " + path.string());
            for (int s = 0; s < cfg.segments; ++s) {
                const bool active = s + 1 == cfg.segments;
                const std::string stem = formatOffsetFileStem(Offset(std::int64_t{s} * 1'000'000));
                makeFile(fd, stem + ".log", active ? 123'456 : 1'073'741'000 - s);
                makeFile(fd, stem + ".index", active ? 10 << 20 : 8 * 4096);
                makeFile(fd, stem + ".timeindex", active ? 10 << 20 : 12 * 4096);
            }
            makeFile(fd, "leader-epoch-checkpoint", 0, "0\n1\n0 0\n");
            makeFile(fd, "partition.metadata", 0, "version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ");
            ::close(fd);
        }
    }
    std::ofstream(cfg.marker()) << cfg.signature();
}

bool upToDate(const Config &cfg)
{
    const auto text = readFile(cfg.marker());
    return text.ok() && *text == cfg.signature();
}

/// The scan itself, run in the child: every log dir, one after another or
/// in parallel (scanLogDirs), all results held as the console holds them.
int childScan(int argc, char **argv, bool parallel)
{
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::filesystem::path> dirs(argv + 2, argv + argc);
    std::vector<LogDirScan> scans;
    if (parallel) {
        for (auto &scan : measure::scanLogDirs(dirs)) {
            if (!scan)
                die(scan.error().describe());
            scans.push_back(std::move(scan).value());
        }
    } else {
        for (const auto &dir : dirs) {
            auto scan = LogDirScanner::scanLogDir(dir);
            if (!scan)
                die(scan.error().describe());
            scans.push_back(std::move(scan).value());
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    long long partitions = 0, segments = 0, bytes = 0, problems = 0;
    for (const auto &scan : scans) {
        partitions += static_cast<long long>(scan.partitions.size());
        segments += static_cast<long long>(scan.segmentCount());
        bytes += scan.totalBytes;
        problems += static_cast<long long>(scan.problemCount());
    }
    std::printf("%.6f %lld %lld %lld %lld\n", seconds, partitions, segments, bytes, problems);
    return 0;
}

struct ChildRun {
    double wallSeconds = 0;
    double cpuSeconds = 0; ///< user + system
    long maxRssKiB = 0;
    std::string out;
};

/// fork + exec, stdout captured, timed from fork to reaping; wait4's rusage.
ChildRun runChild(const std::vector<std::string> &argv)
{
    int pipeFds[2];
    if (::pipe(pipeFds) != 0)
        die("pipe failed");
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0)
        die("fork failed");
    if (pid == 0) {
        ::dup2(pipeFds[1], STDOUT_FILENO);
        ::close(pipeFds[0]);
        ::close(pipeFds[1]);
        std::vector<char *> args;
        for (const auto &a : argv)
            args.push_back(const_cast<char *>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(pipeFds[1]);
    ChildRun run;
    char buf[4096];
    for (ssize_t n; (n = ::read(pipeFds[0], buf, sizeof buf)) > 0;)
        run.out.append(buf, static_cast<std::size_t>(n));
    ::close(pipeFds[0]);
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    run.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.maxRssKiB = usage.ru_maxrss;
    run.cpuSeconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die(argv[0] + " failed");
    return run;
}

void dropCaches()
{
    ::sync();
    std::ofstream("/proc/sys/vm/drop_caches") << "3\n";
}

/// The best (lowest) time and the highest peak RSS over the runs.
struct Best {
    double inside = 1e9;
    double wall = 1e9;
    double cpu = 1e9;
    long rssKiB = 0;

    void add(const ChildRun &run, double insideSeconds)
    {
        inside = std::min(inside, insideSeconds);
        wall = std::min(wall, run.wallSeconds);
        cpu = std::min(cpu, run.cpuSeconds);
        rssKiB = std::max(rssKiB, run.maxRssKiB);
    }
};

void printRow(const char *what, const Best &b, bool inside)
{
    char in[32] = "-";
    if (inside)
        std::snprintf(in, sizeof in, "%.3f", b.inside);
    std::printf("%-36s %8.3f %8.3f %9s %13.1f\n", what, b.wall, b.cpu, in, static_cast<double>(b.rssKiB) / 1024.0);
}

Config parseArgs(int argc, char **argv)
{
    Config cfg;
    const char *tmp = std::getenv("TMPDIR");
    cfg.dir = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") / "spillway-scan-bench";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> int {
            if (i + 1 >= argc)
                die(a + " needs a value");
            return std::atoi(argv[++i]);
        };
        if (a == "--partitions")
            cfg.partitions = next();
        else if (a == "--segments")
            cfg.segments = next();
        else if (a == "--log-dirs")
            cfg.logDirs = next();
        else if (a == "--runs")
            cfg.runs = next();
        else if (a == "--drop-caches")
            cfg.dropCaches = true;
        else if (!a.starts_with("--"))
            cfg.dir = a;
        else
            die("unknown option " + a);
    }
    return cfg;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 2 && std::string_view(argv[1]) == "--child-scan")
        return childScan(argc, argv, false);
    if (argc >= 2 && std::string_view(argv[1]) == "--child-scan-parallel")
        return childScan(argc, argv, true);
    const Config cfg = parseArgs(argc, argv);
    if (!upToDate(cfg)) {
        std::printf("generating %d partitions x %d segments in %d log dirs under %s ...\n", cfg.partitions,
                    cfg.segments, cfg.logDirs, cfg.dir.c_str());
        std::fflush(stdout);
        const auto start = std::chrono::steady_clock::now();
        generate(cfg);
        std::printf("generated in %.1f s\n",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }

    std::vector<std::string> sequentialArgv{"/proc/self/exe", "--child-scan"};
    for (int d = 0; d < cfg.logDirs; ++d)
        sequentialArgv.push_back(cfg.logDir(d).string());
    std::vector<std::string> parallelArgv = sequentialArgv;
    parallelArgv[1] = "--child-scan-parallel";
    const std::vector<std::string> duArgv{"du", "-s", cfg.dir.string()};

    Best sequential;
    Best parallel;
    Best du;
    std::string totals;
    auto scanOnce = [&](const std::vector<std::string> &childArgv, Best &best) {
        if (cfg.dropCaches)
            dropCaches();
        const ChildRun run = runChild(childArgv);
        double inside = 0;
        long long partitions = 0, segments = 0, bytes = 0, problems = 0;
        if (std::sscanf(run.out.c_str(), "%lf %lld %lld %lld %lld", &inside, &partitions, &segments, &bytes,
                        &problems) != 5)
            die("unexpected child output: " + run.out);
        best.add(run, inside);
        char line[256];
        std::snprintf(line, sizeof line, "%lld partitions, %lld segments, %.1f GiB apparent, %lld problems", partitions,
                      segments, static_cast<double>(bytes) / (1 << 30), problems);
        totals = line;
    };
    if (!cfg.dropCaches) { // warm the cache for all, uncounted
        runChild(sequentialArgv);
        runChild(duArgv);
    }
    for (int r = 0; r < cfg.runs; ++r) {
        scanOnce(sequentialArgv, sequential);
        scanOnce(parallelArgv, parallel);
        if (cfg.dropCaches)
            dropCaches();
        const ChildRun run = runChild(duArgv);
        du.add(run, run.wallSeconds);
    }

    std::printf("tree: %s (%s)\n", cfg.dir.c_str(), totals.c_str());
    std::printf("cache: %s; best of %d runs; %u cores\n\n", cfg.dropCaches ? "dropped before every run" : "warm",
                cfg.runs, std::max(1U, std::thread::hardware_concurrency()));
    std::printf("%-36s %8s %8s %9s %13s\n", "what", "wall s", "cpu s", "inside s", "peak RSS MiB");
    printRow("scanLogDir, one dir after another", sequential, true);
    printRow("scanLogDirs, the dirs in parallel", parallel, true);
    printRow("du -s", du, false);
    std::printf("\nwall: sequential/du %.2f, parallel/du %.2f (goal <= 1.00); cpu: sequential/du %.2f; "
                "peak RSS %.1f MiB (goal < 200)\n",
                sequential.wall / du.wall, parallel.wall / du.wall, sequential.cpu / du.cpu,
                static_cast<double>(std::max(sequential.rssKiB, parallel.rssKiB)) / 1024.0);
    return 0;
}
