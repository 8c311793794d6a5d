// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli log`: argument handling, deciding whether a path is a
// segment, a partition directory or a log dir, and shared formatters.
#include "app/cli/log_command.h"

#include "app/cli/cli_command.h"
#include "app/cli/log_inspect.h"
#include "core/storage/logdir/log_dir_scan.h"
#include "core/storage/logdir/meta_properties.h"
#include "core/storage/logdir/offset_checkpoint.h"
#include "core/storage/logdir/topic_name.h"

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <sys/stat.h>

namespace spillway::app {
namespace {

constexpr const char *kUsage =
    "Usage: spillway-cli log inspect <segment.log | partition dir | log dir> [--json] [--records]\n"
    "\n"
    "Shows what is on disk, the way Kafka reads it:\n"
    "  a segment (.log)   its batches (position, offsets, records, codec, timestamps, size, CRC)\n"
    "                     and where valid data ends after an unclean stop\n"
    "  a partition dir    its segments with offset ranges, sizes and record counts, snapshots,\n"
    "                     leftovers, and this partition's values in the log dir's checkpoints\n"
    "  a log dir          meta.properties, the .lock, the clean-shutdown marker, the checkpoints,\n"
    "                     and every partition's size and segment count\n"
    "\n"
    "Options:\n"
    "  --json      one JSON document on stdout\n"
    "  --records   decompress batches to count records exactly (legacy compressed wrappers)\n"
    "\n"
    "Exit status: 0 all good, 1 problems found (corrupt batch, bad checkpoint, ...),\n"
    "2 usage or I/O error.\n";

/// A log dir announces itself by its broker-level files; a partition dir
/// by its name. "kafka-logs-1" parses as a partition name, hence the order.
bool looksLikeLogDir(const std::filesystem::path &dir)
{
    for (std::string_view name : {core::kMetaPropertiesFile, core::kLockFile, core::kRecoveryPointCheckpointFile,
                                  core::kReplicationCheckpointFile, core::kLogStartOffsetCheckpointFile,
                                  core::kCleanerOffsetCheckpointFile, core::kCleanShutdownFile}) {
        struct stat st {};
        if (::stat((dir / name).c_str(), &st) == 0)
            return true;
    }
    return !core::parsePartitionDirName(dir.filename().string()).ok();
}

int runInspect(std::vector<std::string> args)
{
    const bool json = takeFlag(args, "--json");
    const bool records = takeFlag(args, "--records");
    if (args.size() != 1 || args[0].starts_with("--")) {
        std::fputs(args.size() == 1 ? "spillway-cli log inspect: unknown option\n" : "", stderr);
        std::fputs(kUsage, stderr);
        return ExitUsage;
    }
    std::filesystem::path path(args[0]);
    if (path.filename().empty())
        path = path.parent_path();
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        printError(core::Error::fromErrno(errno, "cannot open " + path.string()));
        return ExitUsage;
    }
    if (S_ISDIR(st.st_mode))
        return looksLikeLogDir(path) ? inspectLogDirCommand(path, json) : inspectPartitionCommand(path, json, records);
    if (path.extension() == ".log")
        return inspectSegmentCommand(path, json, records);
    printError(core::makeError(core::Errc::InvalidArgument, path.string() + " is not a segment (.log) file",
                               "for .index and .timeindex files use `spillway-cli index verify`"));
    return ExitUsage;
}

} // namespace

int runLogCommand(std::span<const std::string> args)
{
    std::vector<std::string> rest(args.begin(), args.end());
    if (rest.empty()) {
        std::fputs(kUsage, stderr);
        return ExitUsage;
    }
    if (rest[0] == "--help" || rest[0] == "-h" || rest[0] == "help") {
        std::fputs(kUsage, stdout);
        return ExitOk;
    }
    if (rest[0] == "inspect") {
        rest.erase(rest.begin());
        if (takeFlag(rest, "--help") || takeFlag(rest, "-h")) {
            std::fputs(kUsage, stdout);
            return ExitOk;
        }
        return runInspect(std::move(rest));
    }
    std::fprintf(stderr, "spillway-cli log: unknown subcommand '%s'\n\n%s", rest[0].c_str(), kUsage);
    return ExitUsage;
}

std::string formatBytes(std::int64_t bytes)
{
    static constexpr const char *kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 1024)
        return std::to_string(bytes) + " B";
    double value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
        value /= 1024.0;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, value < 10.0 ? "%.1f %s" : "%.0f %s", value, kUnits[unit]);
    return buf;
}

std::string formatTimestamp(core::Timestamp ts)
{
    if (ts.get() < 0)
        return "-";
    const std::time_t seconds = static_cast<std::time_t>(ts.get() / 1000);
    std::tm tm{};
    ::gmtime_r(&seconds, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ts.get() % 1000));
    return buf;
}

std::string pad(std::string_view text, std::size_t width, bool right)
{
    if (text.size() >= width)
        return std::string(text);
    const std::string fill(width - text.size(), ' ');
    return right ? fill + std::string(text) : std::string(text) + fill;
}

void printError(const core::Error &error) { std::fprintf(stderr, "spillway-cli log: %s\n", error.describe().c_str()); }

} // namespace spillway::app
