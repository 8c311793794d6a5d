// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/partition_move.h"

#include "core/common/fileio.h"
#include "core/ops/journal_steps.h"
#include "core/storage/format/crc32c.h"
#include "core/storage/logdir/offset_checkpoint.h"
#include "core/storage/logdir/topic_name.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <random>
#include <system_error>

namespace spillway::core::ops {
namespace fs = std::filesystem;
namespace {

constexpr std::array<std::string_view, 3> kCheckpointFiles = {
    kRecoveryPointCheckpointFile, kLogStartOffsetCheckpointFile, kReplicationCheckpointFile};
constexpr std::int64_t kChunk = 1 << 20;
constexpr std::int64_t kMinMargin = 16LL << 20;

std::string newUuidHex()
{
    std::random_device rd;
    std::string out;
    for (int i = 0; i < 4; ++i) {
        char buf[9];
        std::snprintf(buf, sizeof buf, "%08x", rd());
        out += buf;
    }
    return out;
}

/// The regular files of a partition dir, with their sizes; a subdirectory is
/// not something Kafka puts there, so it is refused rather than skipped.
Result<std::vector<std::pair<std::string, std::int64_t>>> listFiles(const fs::path &dir)
{
    std::vector<std::pair<std::string, std::int64_t>> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec))
            return makeError(Errc::Unsupported, "not a regular file: " + it->path().string());
        const auto size = it->file_size(ec);
        if (ec)
            break;
        out.emplace_back(it->path().filename().string(), static_cast<std::int64_t>(size));
    }
    if (ec)
        return Error::fromErrno(ec.value(), "cannot list " + dir.string());
    std::sort(out.begin(), out.end());
    return out;
}

bool sameDir(const fs::path &a, const fs::path &b)
{
    std::error_code ec;
    return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
};

/// Copies one file, fsyncs it; checks the cancel flag between chunks.
Status copyFile(const fs::path &from, const fs::path &to, const RunOptions &options, std::int64_t &done,
                std::int64_t total)
{
    Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.fd < 0)
        return Error::fromErrno(errno, "cannot open " + from.string());
    Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (out.fd < 0)
        return Error::fromErrno(errno, "cannot create " + to.string());
    std::vector<char> buf(kChunk);
    while (true) {
        if (options.cancelled())
            return makeError(Errc::Cancelled, "cancelled while copying " + from.string());
        const ssize_t n = ::read(in.fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return Error::fromErrno(errno, "cannot read " + from.string());
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            const ssize_t w = ::write(out.fd, buf.data() + off, static_cast<std::size_t>(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                return Error::fromErrno(errno, "cannot write " + to.string());
            off += w;
        }
        done += n;
        options.report(total > 0 ? 0.9 * static_cast<double>(done) / static_cast<double>(total) : 0.0,
                       "copying " + from.filename().string());
    }
    if (::fsync(out.fd) != 0)
        return Error::fromErrno(errno, "cannot fsync " + to.string());
    return {};
}

Result<std::uint32_t> fileCrc(const fs::path &file)
{
    Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.fd < 0)
        return Error::fromErrno(errno, "cannot open " + file.string());
    std::vector<std::byte> buf(kChunk);
    std::uint32_t crc = 0;
    while (true) {
        const ssize_t n = ::read(in.fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return Error::fromErrno(errno, "cannot read " + file.string());
        if (n == 0)
            return crc;
        crc = crc32c(std::span<const std::byte>(buf.data(), static_cast<std::size_t>(n)), crc);
    }
}

/// Everything recover() and execute() need, from the journaled params.
struct Move {
    fs::path srcDir;
    fs::path dstDir;
    std::string topic;
    PartitionId partition{0};
    std::string uuid;
    std::map<std::string, std::string> params;

    [[nodiscard]] std::string name() const { return partitionDirName(topic, partition); }
    [[nodiscard]] fs::path source() const { return srcDir / name(); }
    [[nodiscard]] fs::path deleted() const { return srcDir / (name() + "." + uuid + "-delete"); }
    [[nodiscard]] fs::path future() const { return dstDir / (name() + "." + uuid + "-future"); }
    [[nodiscard]] fs::path target() const { return dstDir / name(); }

    static Result<Move> from(const std::map<std::string, std::string> &params)
    {
        Move m;
        m.params = params;
        auto get = [&](const char *k) {
            auto it = params.find(k);
            return it == params.end() ? std::string() : it->second;
        };
        m.srcDir = get("source");
        m.dstDir = get("destination");
        m.topic = get("topic");
        m.uuid = get("uuid");
        const std::string p = get("partition");
        if (m.srcDir.empty() || m.dstDir.empty() || m.uuid.size() != 32 || p.empty() || !validateTopicName(m.topic))
            return makeError(Errc::InvalidArgument, "journal entry is not a partition move: " + paramsToJson(params));
        m.partition = PartitionId{static_cast<std::int32_t>(std::stol(p))};
        return m;
    }
};

/// Reads the partition's entry in each checkpoint file of the source.
Status recordCheckpoints(Move &m)
{
    for (auto file : kCheckpointFiles) {
        auto cp = OffsetCheckpoint::read(m.srcDir / file);
        if (!cp && cp.error().code != Errc::NotFound)
            return cp.error();
        if (cp)
            if (auto off = cp->find(m.topic, m.partition))
                m.params["checkpoint:" + std::string(file)] = std::to_string(off->get());
    }
    return {};
}

/// Idempotent: removes the entry from the source's files and sets the
/// recorded value in the destination's (each file written atomically).
Status moveCheckpoints(const Move &m)
{
    for (auto file : kCheckpointFiles) {
        auto it = m.params.find("checkpoint:" + std::string(file));
        auto src = OffsetCheckpoint::read(m.srcDir / file);
        if (!src && src.error().code != Errc::NotFound)
            return src.error();
        if (src && src->remove(m.topic, m.partition))
            if (auto st = src->write(m.srcDir / file); !st)
                return st;
        if (it == m.params.end())
            continue;
        auto dst = OffsetCheckpoint::read(m.dstDir / file);
        if (!dst && dst.error().code != Errc::NotFound)
            return dst.error();
        OffsetCheckpoint out = dst ? std::move(*dst) : OffsetCheckpoint();
        out.set(m.topic, m.partition, Offset{std::stoll(it->second)});
        if (auto st = out.write(m.dstDir / file); !st)
            return st;
    }
    return {};
}

Status removeTree(const fs::path &dir)
{
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec)
        return Error::fromErrno(ec.value(), "cannot remove " + dir.string());
    return fsyncDirectory(dir.parent_path());
}

Status renameDurably(const fs::path &from, const fs::path &to)
{
    if (::rename(from.c_str(), to.c_str()) != 0)
        return Error::fromErrno(errno, "cannot rename " + from.string() + " to " + to.string());
    if (auto st = fsyncDirectory(from.parent_path()); !st)
        return st;
    return fsyncDirectory(to.parent_path());
}

/// From the source rename on: the future becomes live, checkpoints follow,
/// the old copy goes. Each part checks the disk first, so it can be re-run.
Status rollForward(JournalSteps &steps, const Move &m, const RunOptions &options)
{
    std::error_code ec;
    if (fs::exists(m.future(), ec) && !fs::exists(m.target(), ec)) {
        if (auto st = steps.run("rename-future", [&] { return renameDurably(m.future(), m.target()); }); !st)
            return st;
    }
    if (!fs::exists(m.target(), ec))
        return makeError(Errc::NotFound, "neither " + m.future().string() + " nor " + m.target().string() + " exists",
                         "the verified copy is missing; the source is kept as " + m.deleted().string());
    options.report(0.95, "updating checkpoints");
    if (auto st = steps.run("checkpoints", [&] { return moveCheckpoints(m); }); !st)
        return st;
    return steps.run("remove-source", [&]() -> Status {
        if (!fs::exists(m.deleted(), ec))
            return {};
        return removeTree(m.deleted());
    });
}

} // namespace

Result<Plan> PartitionMove::plan(const MoveRequest &request)
{
    if (auto st = validateTopicName(request.topic); !st)
        return st.error();
    if (request.partition.get() < 0)
        return makeError(Errc::InvalidArgument, "partition must be >= 0");
    const std::string name = partitionDirName(request.topic, request.partition);
    fs::path dst;
    std::vector<fs::path> holders;
    std::error_code ec;
    for (const auto &dir : request.logDirs) {
        if (sameDir(dir, request.destination))
            dst = dir;
        if (fs::is_directory(dir / name, ec))
            holders.push_back(dir);
    }
    if (dst.empty())
        return makeError(Errc::InvalidArgument, request.destination.string() + " is not one of the log dirs",
                         "--to must name one of --log-dirs");
    if (holders.empty())
        return makeError(Errc::NotFound, name + " is in none of the log dirs");
    if (holders.size() > 1)
        return makeError(Errc::Corrupt, name + " is live in " + holders[0].string() + " and " + holders[1].string(),
                         "Kafka refuses to start with two live copies; resolve that first");
    const fs::path src = holders.front();
    if (sameDir(src, dst))
        return makeError(Errc::InvalidArgument, name + " is already in " + dst.string());
    for (const auto &dir : {src, dst})
        if (auto st = refuseIfLocked(dir, "stop the broker first; an offline move needs it stopped"); !st)
            return st.error();

    auto files = listFiles(src / name);
    if (!files)
        return files.error();
    std::int64_t bytes = 0;
    for (const auto &f : *files)
        bytes += f.second;
    auto srcFree = freeBytes(src);
    auto dstFree = freeBytes(dst);
    if (!srcFree)
        return srcFree.error();
    if (!dstFree)
        return dstFree.error();
    const std::int64_t needed = bytes + std::max(kMinMargin, bytes / 20);
    if (*dstFree < needed)
        return makeError(Errc::NoSpace, dst.string() + " has " + std::to_string(*dstFree) +
                                            " bytes free; the move needs " + std::to_string(needed) + " (" +
                                            std::to_string(bytes) + " plus a margin)");

    Plan plan;
    plan.kind = std::string(kKind);
    plan.summary = "move " + name + " (" + std::to_string(files->size()) + " files, " + std::to_string(bytes) +
                   " bytes) from " + src.string() + " to " + dst.string();
    plan.disks.push_back({src, bytes, 0, *srcFree, *srcFree + bytes});
    plan.disks.push_back({dst, 0, bytes, *dstFree, *dstFree - bytes});
    plan.steps = {"copy every file into " + name + ".<uuid>-future in " + dst.string() + ", fsync",
                  "verify sizes and CRC32C of every file",
                  "rename the source to " + name + ".<uuid>-delete",
                  "rename the copy to " + name,
                  "move the checkpoint entries from " + src.string() + " to " + dst.string(),
                  "remove the -delete dir"};
    plan.params = std::map<std::string, std::string>{
        {"source", src.string()},        {"destination", dst.string()},
        {"topic", request.topic},        {"partition", std::to_string(request.partition.get())},
        {"uuid", newUuidHex()},          {"broker", request.broker},
        {"bytes", std::to_string(bytes)}};
    return plan;
}

Result<std::int64_t> PartitionMove::execute(Journal &journal, const Plan &plan, const RunOptions &options)
{
    auto parsed = Move::from(plan.params);
    if (!parsed)
        return parsed.error();
    Move m = std::move(*parsed);
    for (const auto &dir : {m.srcDir, m.dstDir})
        if (auto st = refuseIfLocked(dir, "stop the broker first; an offline move needs it stopped"); !st)
            return st.error();
    std::error_code ec;
    if (!fs::is_directory(m.source(), ec) || fs::exists(m.target(), ec))
        return makeError(Errc::InvalidArgument, "the plan is stale: " + m.source().string() + " is not live or " +
                                                    m.target().string() + " exists");
    if (auto st = recordCheckpoints(m); !st)
        return st.error();
    auto id = journal.begin(kKind, m.params["broker"], paramsToJson(m.params), plan.summary);
    if (!id)
        return id.error();
    JournalSteps steps(journal, *id, options, 0);

    auto files = listFiles(m.source());
    if (!files)
        return files.error();
    std::int64_t total = 0;
    for (const auto &f : *files)
        total += f.second;

    // Before the source rename every failure (or cancel) rolls back.
    auto beforeSwap = [&]() -> Status {
        if (auto st = steps.run("copy",
                                [&]() -> Status {
                                    if (::mkdir(m.future().c_str(), 0755) != 0)
                                        return Error::fromErrno(errno, "cannot create " + m.future().string());
                                    if (auto synced = fsyncDirectory(m.dstDir); !synced)
                                        return synced;
                                    std::int64_t done = 0;
                                    for (const auto &f : *files)
                                        if (auto copied = copyFile(m.source() / f.first, m.future() / f.first, options,
                                                                   done, total);
                                            !copied)
                                            return copied;
                                    return fsyncDirectory(m.future());
                                });
            !st)
            return st;
        if (options.cancelled())
            return makeError(Errc::Cancelled, "cancelled before verification");
        return steps.run("verify", [&]() -> Status {
            options.report(0.9, "verifying the copy");
            auto copied = listFiles(m.future());
            if (!copied)
                return copied.error();
            if (*copied != *files)
                return makeError(Errc::Corrupt, "the copy in " + m.future().string() + " differs in files or sizes");
            for (const auto &f : *files) {
                auto a = fileCrc(m.source() / f.first);
                auto b = fileCrc(m.future() / f.first);
                if (!a)
                    return a.error();
                if (!b)
                    return b.error();
                if (*a != *b)
                    return makeError(Errc::Corrupt, "CRC32C of " + (m.future() / f.first).string() + " differs");
            }
            if (options.cancelled())
                return makeError(Errc::Cancelled, "cancelled after verification");
            return {};
        });
    };
    if (auto st = beforeSwap(); !st) {
        (void)removeTree(m.future());
        const auto state = st.error().code == Errc::Cancelled ? OperationState::Cancelled : OperationState::RolledBack;
        (void)journal.finish(*id, state, "rolled back: " + st.error().describe());
        return st.error();
    }

    if (auto st = steps.run("rename-source", [&] { return renameDurably(m.source(), m.deleted()); }); !st) {
        (void)removeTree(m.future());
        (void)journal.finish(*id, OperationState::RolledBack, "rolled back: " + st.error().describe());
        return st.error();
    }
    // Past this point the copy is the partition: finish, never go back.
    if (auto st = rollForward(steps, m, options); !st) {
        (void)journal.finish(*id, OperationState::Failed, st.error().describe() + "; run `ops recover` to finish");
        return st.error();
    }
    options.report(1.0, "done");
    if (auto st = journal.finish(*id, OperationState::Done, plan.summary); !st)
        return st.error();
    return *id;
}

Result<OperationState> PartitionMove::recover(Journal &journal, const JournalEntry &entry, const RunOptions &options)
{
    auto parsed = Move::from(paramsFromJson(entry.params));
    if (!parsed)
        return parsed.error();
    const Move &m = *parsed;
    for (const auto &dir : {m.srcDir, m.dstDir})
        if (auto st = refuseIfLocked(dir, "stop the broker first; an offline move needs it stopped"); !st)
            return st.error();
    JournalSteps steps(journal, entry.id, options, nextStepSeq(entry));
    std::error_code ec;
    if (fs::exists(m.source(), ec)) {
        // Crashed before the source rename: the copy may be incomplete.
        if (auto st = steps.run("rollback", [&] { return removeTree(m.future()); }); !st)
            return st.error();
        if (auto st = journal.finish(entry.id, OperationState::RolledBack,
                                     "interrupted before the swap; the copy was removed, the source is untouched");
            !st)
            return st.error();
        return OperationState::RolledBack;
    }
    if (auto st = rollForward(steps, m, options); !st)
        return st.error();
    if (auto st = journal.finish(entry.id, OperationState::Done, "finished after an interruption: " + entry.summary);
        !st)
        return st.error();
    return OperationState::Done;
}

} // namespace spillway::core::ops
