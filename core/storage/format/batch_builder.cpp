// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/batch_builder.h"

#include "core/storage/format/byte_reader.h"
#include "core/storage/format/compression.h"
#include "core/storage/format/crc32.h"
#include "core/storage/format/crc32c.h"

#include <algorithm>
#include <limits>
#include <span>

namespace spillway::core {
namespace {

using Bytes = std::vector<std::byte>;

template <class T>
void appendBigEndian(Bytes &out, T value)
{
    const std::size_t at = out.size();
    out.resize(at + sizeof(T));
    storeBigEndian<T>(out.data() + at, value);
}

void appendRaw(Bytes &out, std::string_view s)
{
    const auto *p = reinterpret_cast<const std::byte *>(s.data());
    out.insert(out.end(), p, p + s.size());
}

bool fitsInt32(std::size_t n) { return n <= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()); }

void appendVarintBytes(Bytes &out, const std::optional<std::string> &s)
{
    if (!s) {
        appendVarint(out, -1);
        return;
    }
    appendVarint(out, static_cast<std::int32_t>(s->size()));
    appendRaw(out, *s);
}

void appendInt32Bytes(Bytes &out, const std::optional<std::string> &s)
{
    if (!s) {
        appendBigEndian<std::int32_t>(out, -1);
        return;
    }
    appendBigEndian<std::int32_t>(out, static_cast<std::int32_t>(s->size()));
    appendRaw(out, *s);
}

bool recordFits(const Record &r)
{
    if ((r.key && !fitsInt32(r.key->size())) || (r.value && !fitsInt32(r.value->size()))) {
        return false;
    }
    return std::all_of(r.headers.begin(), r.headers.end(), [](const RecordHeader &h) {
        return fitsInt32(h.key.size()) && (!h.value || fitsInt32(h.value->size()));
    });
}

void appendV2Record(Bytes &out, const Record &r, std::int32_t offsetDelta, std::int64_t baseTimestamp, Bytes &scratch)
{
    scratch.clear();
    scratch.push_back(std::byte{0}); // attributes, unused
    appendVarlong(scratch, r.timestampMs - baseTimestamp);
    appendVarint(scratch, offsetDelta);
    appendVarintBytes(scratch, r.key);
    appendVarintBytes(scratch, r.value);
    appendVarint(scratch, static_cast<std::int32_t>(r.headers.size()));
    for (const RecordHeader &h : r.headers) {
        appendVarint(scratch, static_cast<std::int32_t>(h.key.size()));
        appendRaw(scratch, h.key);
        appendVarintBytes(scratch, h.value);
    }
    appendVarint(out, static_cast<std::int32_t>(scratch.size()));
    out.insert(out.end(), scratch.begin(), scratch.end());
}

/// One legacy log entry; CRC-32 over [16, end).
void appendLegacyMessage(Bytes &out, std::int64_t offset, std::int8_t magic, std::uint8_t attributes,
                         std::int64_t timestamp, const std::optional<std::string> &key,
                         const std::optional<std::string> &value)
{
    const std::size_t start = out.size();
    appendBigEndian<std::int64_t>(out, offset);
    appendBigEndian<std::int32_t>(out, 0);  // size, patched below
    appendBigEndian<std::uint32_t>(out, 0); // crc, patched below
    out.push_back(static_cast<std::byte>(magic));
    out.push_back(static_cast<std::byte>(attributes));
    if (magic == 1) {
        appendBigEndian<std::int64_t>(out, timestamp);
    }
    appendInt32Bytes(out, key);
    appendInt32Bytes(out, value);
    const auto size = static_cast<std::int32_t>(out.size() - start - static_cast<std::size_t>(kLogOverhead));
    storeBigEndian<std::int32_t>(out.data() + start + 8, size);
    const auto crc = crc32Ieee(std::span<const std::byte>(out).subspan(start + static_cast<std::size_t>(kMagicOffset)));
    storeBigEndian<std::uint32_t>(out.data() + start + 12, crc);
}

} // namespace

Result<std::vector<std::byte>> buildRecordBatch(const RecordBatchSpec &spec)
{
    if (!fitsInt32(spec.records.size()) ||
        !std::all_of(spec.records.begin(), spec.records.end(), [](const Record &r) { return recordFits(r); })) {
        return makeError(Errc::InvalidArgument, "record batch too large for Kafka's int32 sizes");
    }
    const auto count = static_cast<std::int32_t>(spec.records.size());
    const std::int64_t baseTimestamp = spec.records.empty() ? -1 : spec.records.front().timestampMs;
    std::int64_t maxTimestamp = -1;
    Bytes section;
    Bytes scratch;
    for (std::int32_t i = 0; i < count; ++i) {
        const Record &r = spec.records[static_cast<std::size_t>(i)];
        maxTimestamp = std::max(maxTimestamp, r.timestampMs);
        appendV2Record(section, r, i, baseTimestamp, scratch);
    }
    if (spec.compression != Compression::None) {
        auto compressed = compress(spec.compression, section);
        if (!compressed) {
            return compressed.error();
        }
        section = std::move(compressed).value();
    }

    std::uint16_t attributes = static_cast<std::uint16_t>(spec.compression);
    if (spec.timestampType == TimestampType::LogAppendTime) {
        attributes |= 0x8u;
    }
    if (spec.transactional) {
        attributes |= 0x10u;
    }
    if (spec.control) {
        attributes |= 0x20u;
    }
    const std::size_t total = static_cast<std::size_t>(kRecordBatchV2HeaderSize) + section.size();
    if (!fitsInt32(total)) {
        return makeError(Errc::InvalidArgument, "record batch too large for Kafka's int32 sizes");
    }
    Bytes out;
    out.reserve(total);
    appendBigEndian<std::int64_t>(out, spec.baseOffset.get());
    appendBigEndian<std::int32_t>(out, static_cast<std::int32_t>(total - static_cast<std::size_t>(kLogOverhead)));
    appendBigEndian<std::int32_t>(out, spec.leaderEpoch.get());
    out.push_back(std::byte{2});
    appendBigEndian<std::uint32_t>(out, 0); // crc, patched below
    appendBigEndian<std::uint16_t>(out, attributes);
    appendBigEndian<std::int32_t>(out, count == 0 ? 0 : count - 1);
    appendBigEndian<std::int64_t>(out, baseTimestamp);
    appendBigEndian<std::int64_t>(out, maxTimestamp);
    appendBigEndian<std::int64_t>(out, spec.producerId);
    appendBigEndian<std::int16_t>(out, spec.producerEpoch);
    appendBigEndian<std::int32_t>(out, spec.baseSequence);
    appendBigEndian<std::int32_t>(out, count);
    out.insert(out.end(), section.begin(), section.end());
    storeBigEndian<std::uint32_t>(out.data() + 17, crc32c(std::span<const std::byte>(out).subspan(21)));
    return out;
}

Result<std::vector<std::byte>> buildLegacyMessageSet(std::int8_t magic, Offset firstOffset, Compression compression,
                                                     const std::vector<Record> &records)
{
    if (magic != 0 && magic != 1) {
        return makeError(Errc::InvalidArgument, "legacy message sets have magic 0 or 1, not " + std::to_string(magic));
    }
    if (compression == Compression::Zstd) {
        return makeError(Errc::Unsupported, "zstd needs magic 2; legacy messages support gzip, snappy and lz4");
    }
    for (const Record &r : records) {
        if (!r.headers.empty()) {
            return makeError(Errc::InvalidArgument, "legacy messages cannot carry record headers");
        }
        if (!recordFits(r)) {
            return makeError(Errc::InvalidArgument, "message too large for Kafka's int32 sizes");
        }
    }
    Bytes out;
    if (compression == Compression::None) {
        for (std::size_t i = 0; i < records.size(); ++i) {
            const Record &r = records[i];
            appendLegacyMessage(out, firstOffset.get() + static_cast<std::int64_t>(i), magic, 0,
                                magic == 1 ? r.timestampMs : -1, r.key, r.value);
        }
        return out;
    }
    if (records.empty()) {
        return makeError(Errc::InvalidArgument, "a compressed wrapper needs at least one message");
    }
    Bytes inner;
    std::int64_t maxTimestamp = -1;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const Record &r = records[i];
        const auto relative = static_cast<std::int64_t>(i);
        appendLegacyMessage(inner, magic == 0 ? firstOffset.get() + relative : relative, magic, 0,
                            magic == 1 ? r.timestampMs : -1, r.key, r.value);
        maxTimestamp = std::max(maxTimestamp, r.timestampMs);
    }
    auto compressed =
        compress(compression, inner, magic == 0 ? Lz4HeaderChecksum::Kafka3160 : Lz4HeaderChecksum::Standard);
    if (!compressed) {
        return compressed.error();
    }
    const std::string value(reinterpret_cast<const char *>(compressed->data()), compressed->size());
    appendLegacyMessage(out, firstOffset.get() + static_cast<std::int64_t>(records.size()) - 1, magic,
                        static_cast<std::uint8_t>(compression), magic == 1 ? maxTimestamp : -1, std::nullopt, value);
    return out;
}

Record makeEndTxnMarker(bool commit, std::int32_t coordinatorEpoch, std::int64_t timestampMs)
{
    Bytes key;
    appendBigEndian<std::int16_t>(key, 0);
    appendBigEndian<std::int16_t>(key, commit ? 1 : 0);
    Bytes value;
    appendBigEndian<std::int16_t>(value, 0);
    appendBigEndian<std::int32_t>(value, coordinatorEpoch);
    Record r;
    r.key = std::string(reinterpret_cast<const char *>(key.data()), key.size());
    r.value = std::string(reinterpret_cast<const char *>(value.data()), value.size());
    r.timestampMs = timestampMs;
    return r;
}

} // namespace spillway::core
