// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/logdir/producer_snapshot.h"

#include "core/common/fileio.h"
#include "core/storage/format/byte_reader.h"
#include "core/storage/format/crc32c.h"

#include <cstdio>
#include <string>

namespace spillway::core {
namespace {

constexpr std::size_t kCrcOffset = 2;
constexpr std::size_t kCountOffset = 6;

std::string hex32(std::uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

Error snapshotError(std::string_view fileLabel, const std::string &what)
{
    return makeError(Errc::Corrupt, std::string(fileLabel) + ": " + what,
                     "Kafka deletes a corrupt snapshot at startup and rebuilds producer state from the log");
}

} // namespace

Result<ProducerSnapshot> ProducerSnapshot::parse(std::span<const std::byte> data, std::string_view fileLabel)
{
    if (data.size() < kHeaderSize)
        return snapshotError(fileLabel, std::to_string(data.size()) + " bytes, shorter than the 10-byte header");
    const auto version = loadBigEndian<std::int16_t>(data.data());
    if (version != kVersion)
        return snapshotError(fileLabel, "version " + std::to_string(version) + " at byte 0, expected 1");
    const auto stored = loadBigEndian<std::uint32_t>(data.data() + kCrcOffset);
    const auto computed = crc32c(data.subspan(kCountOffset));
    if (stored != computed)
        return snapshotError(fileLabel, "CRC-32C mismatch at byte 2: stored " + hex32(stored) + ", computed " +
                                            hex32(computed) + " over bytes [6, " + std::to_string(data.size()) + ")");
    const auto count = loadBigEndian<std::int32_t>(data.data() + kCountOffset);
    const std::size_t payload = data.size() - kHeaderSize;
    if (count < 0 || payload % kEntrySize != 0 || payload / kEntrySize != static_cast<std::size_t>(count))
        return snapshotError(fileLabel, "entry count " + std::to_string(count) + " at byte 6 does not match the " +
                                            std::to_string(payload) + " bytes of entries (46 bytes each)");
    std::vector<ProducerSnapshotEntry> entries;
    entries.reserve(static_cast<std::size_t>(count));
    ByteReader reader(data.subspan(kHeaderSize));
    for (std::int32_t i = 0; i < count; ++i) {
        ProducerSnapshotEntry e;
        std::int64_t lastOffset = 0;
        std::int64_t timestamp = 0;
        std::int64_t txnFirst = 0;
        // The size check above guarantees every read succeeds.
        const bool ok = reader.read(e.producerId) && reader.read(e.producerEpoch) && reader.read(e.lastSequence) &&
                        reader.read(lastOffset) && reader.read(e.offsetDelta) && reader.read(timestamp) &&
                        reader.read(e.coordinatorEpoch) && reader.read(txnFirst);
        if (!ok)
            return snapshotError(fileLabel, "truncated entry " + std::to_string(i));
        e.lastOffset = Offset(lastOffset);
        e.timestamp = Timestamp(timestamp);
        e.currentTxnFirstOffset = Offset(txnFirst);
        entries.push_back(e);
    }
    return ProducerSnapshot(std::move(entries));
}

Result<ProducerSnapshot> ProducerSnapshot::read(const std::filesystem::path &file)
{
    auto mapped = MappedFile::open(file);
    if (!mapped)
        return mapped.error();
    return parse(mapped->bytes(), file.string());
}

std::vector<std::byte> ProducerSnapshot::serialize() const
{
    std::vector<std::byte> out(kHeaderSize + kEntrySize * m_entries.size());
    storeBigEndian<std::int16_t>(out.data(), kVersion);
    storeBigEndian<std::int32_t>(out.data() + kCountOffset, static_cast<std::int32_t>(m_entries.size()));
    std::byte *p = out.data() + kHeaderSize;
    for (const auto &e : m_entries) {
        storeBigEndian(p, e.producerId);
        storeBigEndian(p + 8, e.producerEpoch);
        storeBigEndian(p + 10, e.lastSequence);
        storeBigEndian(p + 14, e.lastOffset.get());
        storeBigEndian(p + 22, e.offsetDelta);
        storeBigEndian(p + 26, e.timestamp.get());
        storeBigEndian(p + 34, e.coordinatorEpoch);
        storeBigEndian(p + 38, e.currentTxnFirstOffset.get());
        p += kEntrySize;
    }
    const auto crc = crc32c(std::span<const std::byte>(out).subspan(kCountOffset));
    storeBigEndian(out.data() + kCrcOffset, crc);
    return out;
}

Status ProducerSnapshot::write(const std::filesystem::path &file) const
{
    const auto bytes = serialize();
    return writeFileAtomic(file, std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()), ".tmp");
}

} // namespace spillway::core
