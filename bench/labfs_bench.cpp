// SPDX-License-Identifier: GPL-3.0-or-later
// Large sequential writes through a spillway-labfs disk next to the same
// writes straight into its backing directory: N MiB in 1 MiB write() calls,
// then fdatasync, timed together (and the write() phase alone). Prints MB/s
// and the slowdown; never fails on timing. The goal: through the disk within
// ~3x of the backing directory.
//
// Two measurements, interleaved run by run so that both paths see the same
// machine load:
//   new file  create, write N MiB, fdatasync, delete (the page caches take
//             fresh pages: labfs needs two, its own and the backing's)
//   rewrite   overwrite the same N MiB in place through one open descriptor
//             (no page allocation: the cost of the FUSE round trips alone)
//
// Usage: spillway_labfs_bench [--dir DIR] [--mib N] [--runs R]
//   DIR defaults to $TMPDIR (or /tmp): the backing directory and the mount are
//   made under it. N defaults to 512, R to 5.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

const std::string kLabfs = SPILLWAY_BINARY_DIR "/app/spillway-labfs";

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Rate {
    double writeMBs = 0; ///< the write() calls alone
    double totalMBs = 0; ///< write() calls + fdatasync
};

[[noreturn]] void die(const char *what, const std::filesystem::path &file)
{
    std::fprintf(stderr, "%s %s: %s\n", what, file.c_str(), std::strerror(errno));
    std::exit(1);
}

/// Writes `mib` MiB at offset 0 of `fd` in 1 MiB pwrite() calls, then fdatasync.
Rate writeAll(int fd, const std::filesystem::path &file, int mib)
{
    std::vector<char> chunk(1 << 20);
    for (std::size_t i = 0; i < chunk.size(); ++i)
        chunk[i] = static_cast<char>(i * 31 + 7);
    const auto start = Clock::now();
    for (int i = 0; i < mib; ++i) {
        if (::pwrite(fd, chunk.data(), chunk.size(), static_cast<off_t>(i) << 20) != static_cast<ssize_t>(chunk.size()))
            die("write to", file);
    }
    const auto written = Clock::now();
    if (::fdatasync(fd) != 0)
        die("fdatasync of", file);
    const auto synced = Clock::now();
    const double mb = mib * 1048576.0 / 1e6;
    return {mb / seconds(written - start), mb / seconds(synced - start)};
}

/// One file: created fresh (and deleted) per run, or kept open for rewrites.
class Target {
public:
    explicit Target(std::filesystem::path file) : m_file(std::move(file)) {}
    ~Target()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Target(const Target &) = delete;
    Target &operator=(const Target &) = delete;

    Rate newFile(int mib)
    {
        const int fd = ::open(m_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            die("cannot create", m_file);
        const Rate r = writeAll(fd, m_file, mib);
        ::close(fd);
        std::filesystem::remove(m_file);
        return r;
    }
    Rate rewrite(int mib)
    {
        if (m_fd < 0) {
            m_fd = ::open(m_rewriteFile().c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
            if (m_fd < 0)
                die("cannot create", m_rewriteFile());
            (void)writeAll(m_fd, m_rewriteFile(), mib); // untimed: allocate once
        }
        return writeAll(m_fd, m_rewriteFile(), mib);
    }
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
        std::filesystem::remove(m_rewriteFile());
    }

private:
    std::filesystem::path m_rewriteFile() const { return m_file.string() + ".rewrite"; }
    std::filesystem::path m_file;
    int m_fd = -1;
};

int run(const std::vector<std::string> &argv)
{
    std::vector<char *> args;
    for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

/// Runs one measurement `runs` times on both targets and prints it.
template <class Measure>
void compare(const char *title, int runs, Target &direct, Target &labfs, Measure measure)
{
    std::printf("\n%s\n", title);
    std::vector<double> d, l, dw, lw, ratios;
    for (int r = 0; r < runs; ++r) {
        const Rate a = measure(direct);
        const Rate b = measure(labfs);
        d.push_back(a.totalMBs);
        l.push_back(b.totalMBs);
        dw.push_back(a.writeMBs);
        lw.push_back(b.writeMBs);
        ratios.push_back(a.totalMBs / b.totalMBs);
        std::printf("  run %d: backing dir %6.0f MB/s (write() %6.0f)   labfs %6.0f MB/s (write() %6.0f)   %5.2fx\n",
                    r + 1, a.totalMBs, a.writeMBs, b.totalMBs, b.writeMBs, ratios.back());
    }
    std::printf("  median: backing dir %6.0f MB/s (write() %6.0f)   labfs %6.0f MB/s (write() %6.0f)   %5.2fx"
                "  (median of the per-run ratios; goal <= ~3x)\n",
                median(d), median(dw), median(l), median(lw), median(ratios));
}

} // namespace

int main(int argc, char **argv)
{
    std::filesystem::path base = std::getenv("TMPDIR") != nullptr ? std::getenv("TMPDIR") : "/tmp";
    int mib = 512;
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--dir")
            base = argv[i + 1];
        else if (arg == "--mib")
            mib = std::max(1, std::atoi(argv[i + 1]));
        else if (arg == "--runs")
            runs = std::max(1, std::atoi(argv[i + 1]));
    }
    std::string tmpl = (base / "spillway-labfs-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
        std::fprintf(stderr, "cannot create a work dir under %s\n", base.c_str());
        return 1;
    }
    const std::filesystem::path work = tmpl;
    const auto backing = work / "disk.backing";
    const auto mountpoint = work / "disk";
    std::filesystem::create_directories(backing);
    std::filesystem::create_directories(mountpoint);
    const std::string capacity = std::to_string(3 * mib + 64) + "M";
    const int mounted = run({kLabfs, "mount", "--backing", backing.string(), "--mountpoint", mountpoint.string(),
                             "--capacity", capacity, "--name", "bench"});
    if (mounted != 0) {
        std::fprintf(stderr, "spillway-labfs mount failed (exit %d)%s\n", mounted,
                     mounted == 3 ? ": FUSE is unavailable here, nothing to measure" : "");
        std::filesystem::remove_all(work);
        return mounted == 3 ? 0 : 1;
    }
    std::printf("spillway-labfs: %d MiB in 1 MiB writes + fdatasync, %d runs each, under %s\n", mib, runs,
                base.c_str());
    {
        Target direct(backing / "direct.bin");
        Target labfs(mountpoint / "labfs.bin");
        compare("new file (create, write, fdatasync, delete):", runs, direct, labfs,
                [mib](Target &t) { return t.newFile(mib); });
        compare("rewrite in place (one open descriptor, no page allocation):", runs, direct, labfs,
                [mib](Target &t) { return t.rewrite(mib); });
        direct.close();
        labfs.close();
    }
    (void)run({"fusermount3", "-u", mountpoint.string()});
    // The daemon removes its control socket on the way out.
    const auto control = backing.string() + ".ctl";
    for (int i = 0; i < 500 && std::filesystem::exists(control); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::filesystem::remove_all(work);
    return 0;
}
