// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/group/offset_store.h"

#include "core/common/fileio.h"
#include "core/protocol/wire.h"
#include "core/storage/format/crc32c.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace spillway::broker {

namespace {

constexpr std::string_view kMagic = "SPWYOFS1"; // identifies the file and its record format
constexpr std::int8_t kOffsetRecord = 1;
constexpr std::int8_t kGroupRecord = 2;
constexpr std::size_t kRecordHeader = 8; // int32 payload length + uint32 crc32c(payload)

void putString(core::WireWriter &w, const std::optional<std::string> &s)
{
    if (!s) {
        w.i32(-1);
        return;
    }
    w.i32(static_cast<std::int32_t>(s->size()));
    w.raw(std::string_view(*s));
}

std::optional<std::string> getString(core::WireReader &r)
{
    const std::int32_t n = r.i32();
    if (n < 0)
        return std::nullopt;
    const auto bytes = r.raw(static_cast<std::size_t>(n));
    return std::string(reinterpret_cast<const char *>(bytes.data()), bytes.size());
}

/// Frames one payload as a record: length, CRC, payload.
void putRecord(std::vector<std::byte> &out, const core::WireWriter &payload)
{
    core::WireWriter header;
    header.i32(static_cast<std::int32_t>(payload.size()));
    header.u32(core::crc32c(payload.buffer()));
    out.insert(out.end(), header.buffer().begin(), header.buffer().end());
    out.insert(out.end(), payload.buffer().begin(), payload.buffer().end());
}

void putOffset(std::vector<std::byte> &out, const std::string &group, const TopicPartition &tp,
               const CommittedOffset &o)
{
    core::WireWriter w;
    w.i8(kOffsetRecord);
    putString(w, group);
    putString(w, tp.first);
    w.i32(tp.second);
    w.i64(o.offset);
    w.i32(o.leaderEpoch);
    w.i64(o.commitTimestampMs);
    putString(w, o.metadata);
    putRecord(out, w);
}

void putGroup(std::vector<std::byte> &out, const std::string &group, const StoredGroup &g)
{
    core::WireWriter w;
    w.i8(kGroupRecord);
    putString(w, group);
    putString(w, g.protocolType);
    w.i32(g.generationId);
    putRecord(out, w);
}

} // namespace

OffsetStore::OffsetStore(OffsetStore &&other) noexcept
    : m_path(std::move(other.m_path))
    , m_fd(std::exchange(other.m_fd, -1))
    , m_fileBytes(other.m_fileBytes)
    , m_compactAfterBytes(other.m_compactAfterBytes)
    , m_compactThreshold(other.m_compactThreshold)
    , m_offsets(std::move(other.m_offsets))
    , m_groups(std::move(other.m_groups))
    , m_recoveryNote(std::move(other.m_recoveryNote))
{}

OffsetStore &OffsetStore::operator=(OffsetStore &&other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_path = std::move(other.m_path);
        m_fd = std::exchange(other.m_fd, -1);
        m_fileBytes = other.m_fileBytes;
        m_compactAfterBytes = other.m_compactAfterBytes;
        m_compactThreshold = other.m_compactThreshold;
        m_offsets = std::move(other.m_offsets);
        m_groups = std::move(other.m_groups);
        m_recoveryNote = std::move(other.m_recoveryNote);
    }
    return *this;
}

OffsetStore::~OffsetStore()
{
    if (m_fd >= 0) {
        // A clean stop makes the appends durable; errors have nowhere to go.
        (void)::fsync(m_fd);
        ::close(m_fd);
    }
}

core::Result<OffsetStore> OffsetStore::open(const std::filesystem::path &file, std::size_t compactAfterBytes)
{
    OffsetStore store;
    store.m_path = file;
    store.m_compactAfterBytes = compactAfterBytes;
    store.m_compactThreshold = compactAfterBytes;

    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        std::string fresh(kMagic);
        if (auto st = core::writeFileAtomic(file, fresh); !st.ok())
            return st.error();
    }
    auto text = core::readFile(file);
    if (!text.ok())
        return text.error();
    const std::span<const std::byte> data(reinterpret_cast<const std::byte *>(text->data()), text->size());
    if (text->size() < kMagic.size() || std::string_view(*text).substr(0, kMagic.size()) != kMagic)
        return core::makeError(core::Errc::Corrupt, file.string() + " is not a Spillway consumer offsets file",
                               "move it away to start without committed offsets");

    std::size_t pos = kMagic.size();
    while (pos < data.size()) {
        if (data.size() - pos < kRecordHeader)
            break;
        core::WireReader header(data.subspan(pos, kRecordHeader));
        const std::int32_t length = header.i32();
        const std::uint32_t crc = header.u32();
        if (length < 1 || data.size() - pos - kRecordHeader < static_cast<std::size_t>(length))
            break;
        const auto payload = data.subspan(pos + kRecordHeader, static_cast<std::size_t>(length));
        if (core::crc32c(payload) != crc)
            break;
        core::WireReader r(payload);
        const std::int8_t type = r.i8();
        const std::string group = getString(r).value_or(std::string());
        if (type == kOffsetRecord) {
            TopicPartition tp;
            tp.first = getString(r).value_or(std::string());
            tp.second = r.i32();
            CommittedOffset o;
            o.offset = r.i64();
            o.leaderEpoch = r.i32();
            o.commitTimestampMs = r.i64();
            o.metadata = getString(r);
            if (r.ok())
                store.m_offsets[group][tp] = std::move(o);
        } else if (type == kGroupRecord) {
            StoredGroup g;
            g.protocolType = getString(r).value_or(std::string());
            g.generationId = r.i32();
            if (r.ok())
                store.m_groups[group] = g;
        }
        if (!r.ok() || (type != kOffsetRecord && type != kGroupRecord))
            break;
        pos += kRecordHeader + static_cast<std::size_t>(length);
    }
    if (pos < data.size()) {
        // Only the tail can be torn (appends are sequential); what follows
        // the first bad record was never acknowledged as a whole.
        store.m_recoveryNote = file.string() + ": valid up to byte " + std::to_string(pos) + " of " +
                               std::to_string(data.size()) + "; cut off " + std::to_string(data.size() - pos) +
                               " bytes of a torn or damaged tail";
        if (::truncate(file.c_str(), static_cast<off_t>(pos)) != 0)
            return core::Error::fromErrno(errno, "cannot truncate " + file.string());
    }
    store.m_fileBytes = pos;
    if (auto st = store.openForAppend(); !st.ok())
        return st.error();
    return store;
}

core::Status OffsetStore::openForAppend()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (m_fd < 0)
        return core::Error::fromErrno(errno, "cannot open " + m_path.string() + " for appending");
    return {};
}

core::Status OffsetStore::append(const std::vector<std::byte> &records)
{
    if (m_fd < 0)
        return core::makeError(core::Errc::Io, "the consumer offsets file is not open");
    std::size_t done = 0;
    while (done < records.size()) {
        const ssize_t n = ::write(m_fd, records.data() + done, records.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = errno;
            // Cut a partial append off so that the file stays a sequence of
            // whole records and later appends are not hidden behind it.
            (void)::ftruncate(m_fd, static_cast<off_t>(m_fileBytes));
            return core::Error::fromErrno(err, "cannot append to " + m_path.string());
        }
        done += static_cast<std::size_t>(n);
    }
    m_fileBytes += records.size();
    if (m_fileBytes > m_compactThreshold) {
        const std::size_t live = snapshot().size();
        m_compactThreshold = std::max(m_compactAfterBytes, 4 * live);
        // The records are already appended: a failed compaction leaves the
        // longer log, which is still correct, and is retried later.
        if (m_fileBytes > 4 * live)
            (void)compact();
    }
    return {};
}

core::Status OffsetStore::commit(const std::string &group,
                                 const std::vector<std::pair<TopicPartition, CommittedOffset>> &offsets)
{
    if (offsets.empty())
        return {};
    std::vector<std::byte> records;
    for (const auto &[tp, o] : offsets)
        putOffset(records, group, tp, o);
    // Memory follows the file: an offset is visible only once written.
    if (auto st = append(records); !st.ok())
        return st;
    auto &live = m_offsets[group];
    for (const auto &[tp, o] : offsets)
        live[tp] = o;
    return {};
}

core::Status OffsetStore::recordGroup(const std::string &group, const StoredGroup &info)
{
    std::vector<std::byte> records;
    putGroup(records, group, info);
    if (auto st = append(records); !st.ok())
        return st;
    m_groups[group] = info;
    return {};
}

const OffsetStore::GroupOffsets *OffsetStore::offsets(const std::string &group) const
{
    const auto it = m_offsets.find(group);
    return it == m_offsets.end() ? nullptr : &it->second;
}

std::vector<std::byte> OffsetStore::snapshot() const
{
    std::vector<std::byte> out;
    for (const auto &[group, info] : m_groups)
        putGroup(out, group, info);
    for (const auto &[group, offsets] : m_offsets)
        for (const auto &[tp, o] : offsets)
            putOffset(out, group, tp, o);
    return out;
}

core::Status OffsetStore::compact()
{
    const std::vector<std::byte> live = snapshot();
    std::string content(kMagic);
    content.append(reinterpret_cast<const char *>(live.data()), live.size());
    if (auto st = core::writeFileAtomic(m_path, content); !st.ok())
        return st;
    m_fileBytes = content.size();
    m_compactThreshold = std::max(m_compactAfterBytes, 4 * content.size());
    return openForAppend();
}

} // namespace spillway::broker
