// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/index/index_rebuilder.h"

#include "core/common/fileio.h"
#include "core/storage/index/index_verifier.h"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace spillway::core {
namespace {

std::string utcStamp()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

/// Who owns the segment: a rebuild run as root must not leave index files
/// the broker's user cannot open.
struct Ownership {
    uid_t uid = 0;
    gid_t gid = 0;
};

std::optional<Ownership> ownershipOf(const std::filesystem::path &path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    return Ownership{st.st_uid, st.st_gid};
}

/// Replaces one index file as described on IndexRebuilder.
class IndexFileReplacer {
public:
    IndexFileReplacer(const RebuildOptions &options, std::string stamp, std::optional<Ownership> owner)
        : m_options(options)
        , m_stamp(std::move(stamp))
        , m_owner(owner)
    {}

    Status replace(const std::filesystem::path &path, const std::vector<std::byte> &bytes, std::int64_t entries,
                   RebuildStep backedUp, RebuildStep replaced, RebuiltFile &out)
    {
        out.path = path;
        out.entries = entries;
        std::error_code ec;
        out.existed = std::filesystem::exists(path, ec);
        if (ec)
            return Error::fromErrno(ec.value(), "cannot stat " + path.string());

        if (out.existed && !m_options.writeUnchanged) {
            auto old = MappedFile::open(path);
            if (!old)
                return old.error();
            const auto oldBytes = old->bytes();
            if (std::equal(oldBytes.begin(), oldBytes.end(), bytes.begin(), bytes.end()))
                return {};
        }
        out.changed = true;
        if (out.existed && m_options.keepBackup) {
            auto backup = backupPath(path);
            // A hard link: the old file stays in place until the rename below.
            if (::link(path.c_str(), backup.c_str()) != 0)
                return Error::fromErrno(errno, "cannot keep a backup of " + path.string() + " as " + backup.string(),
                                        "pass --no-backup to replace it without one");
            out.backup = std::move(backup);
        }
        step(backedUp);
        auto written = writeFileAtomic(
            path, std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()), ".spillway-tmp");
        if (!written)
            return written;
        if (m_owner && ::geteuid() == 0)
            (void)!::chown(path.c_str(), m_owner->uid, m_owner->gid); // best effort
        step(replaced);
        return {};
    }

    void step(RebuildStep s) const
    {
        if (m_options.afterStep)
            m_options.afterStep(s);
    }

private:
    std::filesystem::path backupPath(const std::filesystem::path &path) const
    {
        std::filesystem::path candidate = path;
        candidate += ".corrupt-" + m_stamp;
        for (int n = 2; std::filesystem::exists(candidate); ++n) {
            candidate = path;
            candidate += ".corrupt-" + m_stamp + "-" + std::to_string(n);
        }
        return candidate;
    }

    const RebuildOptions &m_options;
    std::string m_stamp;
    std::optional<Ownership> m_owner;
};

} // namespace

std::filesystem::path IndexRebuilder::logDirOf(const SegmentFiles &segment)
{
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(segment.partitionDir, ec);
    if (ec)
        dir = segment.partitionDir;
    return dir.lexically_normal().parent_path();
}

Result<RebuildReport> IndexRebuilder::rebuild(const SegmentFiles &segment, const RebuildOptions &options)
{
    if (options.indexIntervalBytes < 0)
        return makeError(Errc::InvalidArgument, "index interval bytes must not be negative");
    if (!options.force) {
        const std::filesystem::path lockFile = logDirOf(segment) / ".lock";
        auto locked = isFileLockedByOtherProcess(lockFile);
        if (!locked)
            return locked.error();
        if (*locked)
            return makeError(Errc::Locked,
                             "refusing to rebuild the indexes of " + segment.log().string() + ": a broker holds " +
                                 lockFile.string(),
                             "stop broker first, or pass --force");
    }

    auto log = MappedFile::open(segment.log());
    if (!log)
        return log.error();

    RecoveryIndexBuilder builder(segment.baseOffset, options.indexIntervalBytes);
    ParseOptions parseOptions;
    parseOptions.mode = ParseMode::Recovery;
    const ParseOutcome outcome = SegmentParser::parse(log->bytes(), builder, parseOptions);
    if (!builder.error())
        builder.finish();
    if (builder.error()) {
        Error e = *builder.error();
        e.message = segment.log().string() + ": " + e.message;
        return e;
    }

    const std::vector<std::byte> offsetBytes = builder.offsetIndex().serialize();
    const std::vector<std::byte> timeBytes = builder.timeIndex().serialize();
    // The walk above checked every CRC up to validBytes; checking the new
    // indexes against exactly those bytes needs no second CRC pass.
    VerifyOptions verifyOptions;
    verifyOptions.verifyLogCrc = false;
    const auto validLog = log->bytes().first(static_cast<std::size_t>(outcome.validBytes));
    const SegmentVerdict check =
        IndexVerifier::verify({segment.baseOffset, validLog, offsetBytes, timeBytes}, verifyOptions);
    if (!check.indexesOk()) {
        const IndexFinding *f = check.offsetIndex.firstProblem();
        if (!f)
            f = check.timeIndex.firstProblem();
        return makeError(Errc::Corrupt,
                         "the rebuilt indexes of " + segment.log().string() +
                             " failed verification: " + (f ? f->describe("index byte") : std::string("unknown reason")),
                         "nothing was written; please report this as a bug");
    }

    RebuildReport report;
    report.segment = segment;
    report.logSize = static_cast<std::int64_t>(log->size());
    report.validBytes = outcome.validBytes;
    report.logTail = outcome.tail;
    report.logProblem = outcome.problem;

    IndexFileReplacer replacer(options, utcStamp(), ownershipOf(segment.log()));
    replacer.step(RebuildStep::Verified);
    if (auto s = replacer.replace(
            segment.offsetIndex(), offsetBytes, static_cast<std::int64_t>(builder.offsetIndex().size()),
            RebuildStep::OffsetIndexBackedUp, RebuildStep::OffsetIndexReplaced, report.offsetIndex);
        !s)
        return s.error();
    if (auto s = replacer.replace(segment.timeIndex(), timeBytes, static_cast<std::int64_t>(builder.timeIndex().size()),
                                  RebuildStep::TimeIndexBackedUp, RebuildStep::TimeIndexReplaced, report.timeIndex);
        !s)
        return s.error();
    return report;
}

} // namespace spillway::core
