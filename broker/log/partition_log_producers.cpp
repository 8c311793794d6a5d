// SPDX-License-Identifier: GPL-3.0-or-later
// PartitionLog: idempotent-producer state. Rebuilt at load from the latest
// `<offset>.snapshot` (ON-DISK-FORMAT §8) plus the batch headers after it,
// written at roll and at clean shutdown, as Kafka's ProducerStateManager.
#include "broker/log/partition_log.h"

#include "core/common/fileio.h"
#include "core/storage/format/segment_file_name.h"
#include "core/storage/format/segment_parser.h"
#include "core/storage/logdir/producer_snapshot.h"

#include <algorithm>
#include <cerrno>
#include <unistd.h>

namespace spillway::broker {

using core::Error;
using core::Offset;
using core::Status;

namespace {

/// Feeds the producer batches at or after `from` into the state map.
class ProducerTracker final : public core::BatchConsumer {
public:
    ProducerTracker(ProducerStateMap &map, Offset from) : m_map(map), m_from(from) {}
    bool onBatch(const core::BatchInfo &b) override
    {
        if (b.magic == 2 && !b.control && b.producerId >= 0 && b.lastOffset >= m_from)
            m_map[b.producerId].record(b);
        return true;
    }

private:
    ProducerStateMap &m_map;
    Offset m_from;
};

/// The `.snapshot` files of a partition dir by offset.
std::vector<std::pair<Offset, std::filesystem::path>> listSnapshots(const std::filesystem::path &dir)
{
    std::vector<std::pair<Offset, std::filesystem::path>> out;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto parsed = core::parseSegmentFileName(entry.path().filename().string());
        if (parsed && parsed->type == core::SegmentFileType::Snapshot && parsed->suffix == core::TempSuffix::None)
            out.emplace_back(parsed->offset, entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

void PartitionLog::trackProducers(std::span<const std::byte> batches)
{
    ProducerTracker tracker(m_producers, Offset(0));
    core::ParseOptions options;
    options.verifyCrc = false; // validated before they were written
    (void)core::SegmentParser::parse(batches, tracker, options);
}

Status PartitionLog::loadProducerState()
{
    const std::string label = m_dir.string();
    const Offset end = logEndOffset();
    m_producers.clear();
    // Stale snapshots (above the log end after a truncation) and leftover temp files go.
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(m_dir, ec)) {
        const auto name = entry.path().filename().string();
        if (name.ends_with(".snapshot.tmp")) {
            if (::unlink(entry.path().c_str()) != 0 && errno != ENOENT)
                return Error::fromErrno(errno, "cannot delete " + entry.path().string());
        }
    }
    auto snapshots = listSnapshots(m_dir);
    Offset scanFrom(0);
    while (!snapshots.empty()) {
        const auto [offset, path] = snapshots.back();
        snapshots.pop_back();
        if (offset > end) {
            if (::unlink(path.c_str()) != 0 && errno != ENOENT)
                return Error::fromErrno(errno, "cannot delete " + path.string());
            m_loadMessages.push_back(label + ": deleted producer snapshot " + path.filename().string() +
                                     " above the log end " + std::to_string(end.get()));
            continue;
        }
        auto snapshot = core::ProducerSnapshot::read(path);
        if (!snapshot) {
            // Kafka deletes an unreadable snapshot and falls back to an older one.
            m_loadMessages.push_back(label + ": deleted unreadable producer snapshot " + path.filename().string() +
                                     " (" + snapshot.error().message + ")");
            if (::unlink(path.c_str()) != 0 && errno != ENOENT)
                return Error::fromErrno(errno, "cannot delete " + path.string());
            continue;
        }
        for (const auto &e : snapshot->entries()) {
            if (e.producerId < 0 || e.lastSequence < 0)
                continue;
            auto &state = m_producers[e.producerId];
            const std::int32_t first = e.lastSequence >= e.offsetDelta
                                           ? e.lastSequence - e.offsetDelta
                                           : static_cast<std::int32_t>(2147483648LL + e.lastSequence - e.offsetDelta);
            state.record(e.producerEpoch,
                         {first, e.lastSequence, Offset(e.lastOffset.get() - e.offsetDelta), e.offsetDelta});
        }
        scanFrom = offset;
        break;
    }
    // Then every batch from the snapshot (or the start of the log) to the end.
    // Without a snapshot this reads the whole log: fine for the lab's small
    // logs (Kafka bounds it by snapshotting at every roll, as we do too).
    for (auto it = m_segments.begin(); it != m_segments.end(); ++it) {
        const auto next = std::next(it);
        if (next != m_segments.end() && next->first <= scanFrom)
            continue;
        ProducerTracker tracker(m_producers, scanFrom);
        core::ParseOptions options;
        options.mode = core::ParseMode::Recovery; // recovery already cut the log at its last valid batch
        options.verifyCrc = false;
        auto outcome = core::SegmentParser::parseFile(it->second->files().log(), tracker, options);
        if (!outcome)
            return outcome.error();
    }
    return {};
}

Status PartitionLog::writeProducerSnapshot()
{
    std::vector<core::ProducerSnapshotEntry> entries;
    for (const auto &[id, state] : m_producers) {
        if (state.recent.empty())
            continue;
        const auto &last = state.recent.back();
        core::ProducerSnapshotEntry e;
        e.producerId = id;
        e.producerEpoch = state.epoch;
        e.lastSequence = last.lastSeq;
        e.lastOffset = Offset(last.baseOffset.get() + last.offsetDelta);
        e.offsetDelta = last.offsetDelta;
        entries.push_back(e);
    }
    const Offset end = logEndOffset();
    const auto file = m_dir / (core::formatOffsetFileStem(end) + ".snapshot");
    if (auto st = core::ProducerSnapshot(std::move(entries)).write(file); !st)
        return st;
    // Kafka keeps the latest two (the older one lets a truncation fall back).
    auto snapshots = listSnapshots(m_dir);
    std::erase_if(snapshots, [end](const auto &s) { return s.first > end; });
    while (snapshots.size() > 2) {
        if (::unlink(snapshots.front().second.c_str()) != 0 && errno != ENOENT)
            return Error::fromErrno(errno, "cannot delete " + snapshots.front().second.string());
        snapshots.erase(snapshots.begin());
    }
    return core::fsyncDirectory(m_dir);
}

} // namespace spillway::broker
