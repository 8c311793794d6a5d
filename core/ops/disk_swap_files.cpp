// SPDX-License-Identifier: GPL-3.0-or-later
// The file edits of a disk swap: log.dirs in server.properties (backup and
// atomic replace), the spare's meta.properties, the spare's checks and the
// scan of a log dir's partitions.
#include "core/common/fileio.h"
#include "core/common/kafka_uuid.h"
#include "core/common/properties.h"
#include "core/ops/disk_swap.h"
#include "core/storage/logdir/meta_properties.h"
#include "core/storage/logdir/topic_name.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <system_error>

namespace spillway::core::ops::swapfiles {
namespace fs = std::filesystem;
namespace {

std::string trim(std::string s)
{
    s.erase(0, s.find_first_not_of(" \t"));
    const auto end = s.find_last_not_of(" \t");
    s.erase(end == std::string::npos ? 0 : end + 1);
    return s;
}

std::vector<std::string> splitList(const std::string &value)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto end = value.find(',', start);
        if (end == std::string::npos)
            end = value.size();
        out.push_back(value.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool samePath(const fs::path &a, const fs::path &b)
{
    return fs::path(a).lexically_normal() == fs::path(b).lexically_normal() ||
           (a.lexically_normal() / "") == (b.lexically_normal() / "");
}

} // namespace

Result<LogDirsSetting> readLogDirs(const std::string &text)
{
    auto doc = PropertiesDocument::parse(text);
    if (!doc)
        return doc.error();
    LogDirsSetting s;
    for (const char *key : {"log.dirs", "log.dir"}) {
        if (auto v = doc->get(key)) {
            s.key = key;
            s.value = *v;
            break;
        }
    }
    if (s.key.empty())
        return makeError(Errc::InvalidArgument, "server.properties sets neither log.dirs nor log.dir",
                         "Kafka then uses /tmp/kafka-logs; set log.dirs first");
    for (const auto &item : splitList(s.value))
        if (auto t = trim(item); !t.empty())
            s.dirs.emplace_back(fs::path(t).lexically_normal());
    return s;
}

Result<std::string> replaceLogDir(const std::string &value, const fs::path &from, const fs::path &to)
{
    auto items = splitList(value);
    int found = 0;
    for (auto &item : items) {
        const auto t = trim(item);
        if (t.empty())
            continue;
        if (samePath(t, to))
            return makeError(Errc::InvalidArgument, to.string() + " is already in log.dirs",
                             "the spare must be a dir the broker does not use yet");
        if (samePath(t, from)) {
            // Keep the entry's surrounding whitespace, replace the path.
            const auto at = item.find(t);
            item.replace(at, t.size(), to.string());
            ++found;
        }
    }
    if (found == 0)
        return makeError(Errc::InvalidArgument, from.string() + " is not in log.dirs (" + value + ")");
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? "," : "") + items[i];
    return out;
}

Result<fs::path> replaceFileWithBackup(const fs::path &file, const std::string &expected, const std::string &text)
{
    return replaceFileKeepingBackup(file, expected, text, {"since the plan was made", "make the plan again"});
}

Result<std::optional<std::string>> spareMetaProperties(const std::vector<fs::path> &dirs)
{
    for (const auto &dir : dirs) {
        auto meta = MetaProperties::read(dir / std::string(kMetaPropertiesFile));
        if (!meta)
            continue; // unreadable (the failed disk) or absent: ask the next one
        MetaProperties out;
        out.version = meta->version;
        out.nodeId = meta->nodeId;
        out.clusterId = meta->clusterId;
        out.otherKeys = meta->otherKeys;
        if (meta->directoryId) {
            auto id = KafkaUuid::random();
            if (!id)
                return id.error();
            out.directoryId = id->toString();
        }
        return std::optional<std::string>(out.serialize(std::time(nullptr)));
    }
    return std::optional<std::string>();
}

Result<std::map<std::string, std::int64_t>> scanLogDir(const fs::path &dir)
{
    std::map<std::string, std::int64_t> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        std::error_code inner;
        if (!it->is_directory(inner))
            continue;
        auto parsed = parsePartitionDirName(name);
        if (!parsed || parsed->kind != PartitionDirKind::Live)
            continue;
        std::int64_t bytes = 0;
        // What the files take on the disk (st_blocks), as the console counts
        // Kafka bytes: the active segment's sparse preallocated indexes
        // (10 MiB of st_size each) take only what is written.
        for (fs::directory_iterator f(it->path(), inner), fend; !inner && f != fend; f.increment(inner)) {
            struct stat st {};
            if (::stat(f->path().c_str(), &st) == 0 && S_ISREG(st.st_mode))
                bytes += static_cast<std::int64_t>(st.st_blocks) * 512;
        }
        if (inner)
            return Error::fromErrno(inner.value(), "cannot list " + it->path().string());
        out[name] = bytes;
    }
    if (ec)
        return Error::fromErrno(ec.value(), "cannot list " + dir.string());
    return out;
}

Status checkSpare(const fs::path &spare, const std::string &ourMeta, const std::vector<fs::path> &others,
                  std::vector<std::string> &notes)
{
    std::error_code ec;
    if (!fs::exists(spare, ec))
        return makeError(Errc::NotFound, "the spare " + spare.string() + " does not exist",
                         "mount the new disk there first (an unmounted path would put Kafka's data on the parent "
                         "filesystem)");
    if (!fs::is_directory(spare, ec))
        return makeError(Errc::InvalidArgument, "the spare " + spare.string() + " is not a directory");
    for (fs::directory_iterator it(spare, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name == "lost+found")
            continue;
        if (name == kMetaPropertiesFile && !ourMeta.empty()) {
            auto text = readFile(it->path());
            if (text && *text == ourMeta)
                continue;
        }
        return makeError(Errc::InvalidArgument, "the spare " + spare.string() + " is not empty: it holds " + name,
                         "a spare must be empty (lost+found aside); Spillway never deletes what is there");
    }
    if (ec)
        return Error::fromErrno(ec.value(), "cannot list the spare " + spare.string());
    const fs::path probe = spare / (".spillway-write-test-" + std::to_string(::getpid()));
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error::fromErrno(errno, "the spare " + spare.string() + " is not writable");
    const bool synced = ::write(fd, "x", 1) == 1 && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    ::unlink(probe.c_str());
    if (!synced)
        return Error::fromErrno(err, "cannot write to the spare " + spare.string());
    struct stat sp {};
    struct stat parent {};
    if (::stat(spare.c_str(), &sp) == 0 && ::stat(spare.parent_path().c_str(), &parent) == 0 &&
        sp.st_dev == parent.st_dev)
        notes.push_back(spare.string() + " is not a mount point: it is on the same filesystem as " +
                        spare.parent_path().string() + " (no disk of its own)");
    for (const auto &other : others) {
        struct stat o {};
        if (::stat(other.c_str(), &o) == 0 && o.st_dev == sp.st_dev)
            notes.push_back(spare.string() + " shares a filesystem with the log dir " + other.string());
    }
    return {};
}

} // namespace spillway::core::ops::swapfiles
