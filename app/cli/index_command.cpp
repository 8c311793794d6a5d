// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli index verify|rebuild`: the index doctor. Parses arguments,
// turns paths into segments and feeds core's verifier/rebuilder; all output
// goes through IndexReport.
#include "app/cli/index_command.h"

#include "app/cli/cli_command.h"
#include "app/cli/index_report.h"
#include "core/storage/index/index_rebuilder.h"
#include "core/storage/index/index_verifier.h"
#include "core/storage/index/segment_locator.h"

#include <charconv>
#include <cstdio>
#include <optional>
#include <vector>

namespace spillway::app {
using namespace spillway::core;

namespace {

constexpr const char *kHelp =
    "Usage: spillway-cli index verify [--json] <path>...\n"
    "       spillway-cli index rebuild [--force] [--no-backup] [--index-interval-bytes N] [--json] <path>...\n"
    "\n"
    "Checks or rebuilds Kafka's offset indexes (.index) and time indexes (.timeindex)\n"
    "against their segment logs (.log). A <path> is a segment file (.log, .index or\n"
    ".timeindex), a partition directory (<topic>-<n>) or a log dir (every partition in it).\n"
    "\n"
    "verify   walks each .log once and checks both indexes: whole entries, monotonic\n"
    "         offsets/positions/timestamps, every position on a batch start inside the log,\n"
    "         the right offset for it, time entries matching the batches' max timestamps.\n"
    "         A damaged .log (CRC failure, torn tail) is reported on its own line.\n"
    "rebuild  rebuilds both indexes by Kafka's recovery rule, verifies them, then replaces\n"
    "         each changed file atomically (temp file, fsync, rename). The old file is kept\n"
    "         as <name>.corrupt-<UTC time>. The .log is never modified.\n"
    "\n"
    "Options:\n"
    "  --json                    one JSON document on stdout instead of lines\n"
    "  --force                   rebuild even though a broker holds <log dir>/.lock\n"
    "  --no-backup               do not keep the old index files\n"
    "  --index-interval-bytes N  log.index.interval.bytes of the topic (default 4096)\n"
    "  -h, --help                show this help\n"
    "\n"
    "Exit status: 0 all good, 1 problems found, 2 usage or I/O error.\n";

int usageError(const std::string &message)
{
    std::fprintf(stderr, "spillway-cli index: %s (see spillway-cli index --help)\n", message.c_str());
    return ExitUsage;
}

struct IndexArgs {
    bool json = false;
    RebuildOptions rebuild;
    std::vector<std::string> paths;
};

std::optional<IndexArgs> parseArgs(std::vector<std::string> args, bool rebuild, std::string &error)
{
    IndexArgs out;
    out.json = takeFlag(args, "--json");
    if (rebuild) {
        out.rebuild.force = takeFlag(args, "--force");
        out.rebuild.keepBackup = !takeFlag(args, "--no-backup");
        bool bad = false;
        if (auto v = takeValue(args, "--index-interval-bytes", bad)) {
            std::int64_t n = 0;
            const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
            if (ec != std::errc{} || ptr != v->data() + v->size() || n < 0) {
                error = "--index-interval-bytes needs a non-negative number, not '" + *v + "'";
                return std::nullopt;
            }
            out.rebuild.indexIntervalBytes = n;
        } else if (bad) {
            error = "--index-interval-bytes needs a value";
            return std::nullopt;
        }
    }
    for (auto &a : args) {
        if (a.size() > 1 && a[0] == '-') {
            error = "unknown option '" + a + "'";
            return std::nullopt;
        }
        out.paths.push_back(std::move(a));
    }
    if (out.paths.empty()) {
        error = "no path given";
        return std::nullopt;
    }
    return out;
}

bool fileExists(const std::filesystem::path &p)
{
    std::error_code ec;
    return std::filesystem::exists(p, ec);
}

int run(const IndexArgs &args, IndexReport::Mode mode)
{
    IndexReport report(mode, args.json, args.paths);
    for (const std::string &path : args.paths) {
        auto located = SegmentLocator::locate(path);
        if (!located) {
            report.addError(path, located.error());
            continue;
        }
        for (const LocatedPartition &partition : *located) {
            report.notePartition(partition.dir);
            for (const SegmentFiles &segment : partition.segments) {
                if (mode == IndexReport::Mode::Verify) {
                    auto verdict = IndexVerifier::verifyFiles(segment);
                    if (verdict)
                        report.addVerdict(*verdict);
                    else
                        report.addError(segment.log().string(), verdict.error());
                } else if (!fileExists(segment.log())) {
                    report.addOrphan(segment);
                } else {
                    auto rebuilt = IndexRebuilder::rebuild(segment, args.rebuild);
                    if (rebuilt)
                        report.addRebuild(*rebuilt);
                    else
                        report.addError(segment.log().string(), rebuilt.error());
                }
            }
        }
    }
    return report.finish();
}

} // namespace

int runIndexCommand(std::span<const std::string> args)
{
    if (args.empty())
        return usageError("expected 'verify' or 'rebuild'");
    const std::string &sub = args.front();
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (sub == "-h" || sub == "--help" || sub == "help" || takeFlag(rest, "--help") || takeFlag(rest, "-h")) {
        std::fputs(kHelp, stdout);
        return ExitOk;
    }
    if (sub != "verify" && sub != "rebuild")
        return usageError("unknown subcommand '" + sub + "': expected 'verify' or 'rebuild'");
    const bool rebuild = sub == "rebuild";
    std::string error;
    const auto parsed = parseArgs(std::move(rest), rebuild, error);
    if (!parsed)
        return usageError(error);
    return run(*parsed, rebuild ? IndexReport::Mode::Rebuild : IndexReport::Mode::Verify);
}

} // namespace spillway::app
