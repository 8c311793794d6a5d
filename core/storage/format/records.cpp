// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/records.h"

#include "core/storage/format/byte_reader.h"
#include "core/storage/format/crc32.h"

#include <cstdio>
#include <string>
#include <vector>

namespace spillway::core {
namespace {

Error batchError(const BatchInfo &batch, const std::string &what, Errc code = Errc::Corrupt)
{
    return makeError(code, "batch at byte " + std::to_string(batch.position.get()) + " (offset " +
                               std::to_string(batch.baseOffset.get()) + "): " + what);
}

/// Reads an optional byte string with a length prefix read by `readLength`.
template <class ReadLength>
bool readNullableBytes(ByteReader &r, ReadLength readLength, std::optional<std::span<const std::byte>> &out)
{
    std::int32_t length = 0;
    if (!readLength(r, length) || length < -1) {
        return false;
    }
    if (length == -1) {
        out.reset();
        return true;
    }
    std::span<const std::byte> bytes;
    if (!r.readBytes(static_cast<std::size_t>(length), bytes)) {
        return false;
    }
    out = bytes;
    return true;
}

bool readVarintLength(ByteReader &r, std::int32_t &v) { return r.readVarint(v); }
bool readInt32Length(ByteReader &r, std::int32_t &v) { return r.read(v); }

/// Decodes one v2 record body (after its length varint). False with a reason.
bool decodeV2Record(ByteReader &r, const BatchInfo &batch, std::int32_t lastOffsetDelta, RecordView &view,
                    std::vector<RecordHeaderView> &headers, std::string &why)
{
    std::int8_t attributes = 0;
    std::int64_t timestampDelta = 0;
    std::int32_t offsetDelta = 0;
    std::int32_t headerCount = 0;
    if (!r.read(attributes) || !r.readVarlong(timestampDelta) || !r.readVarint(offsetDelta)) {
        why = "truncated record header";
        return false;
    }
    if (offsetDelta < 0 || offsetDelta > lastOffsetDelta) {
        why = "offset delta " + std::to_string(offsetDelta) + " outside the batch's range 0.." +
              std::to_string(lastOffsetDelta);
        return false;
    }
    if (!readNullableBytes(r, readVarintLength, view.key)) {
        why = "bad key length";
        return false;
    }
    if (!readNullableBytes(r, readVarintLength, view.value)) {
        why = "bad value length";
        return false;
    }
    if (!r.readVarint(headerCount) || headerCount < 0 || static_cast<std::size_t>(headerCount) > r.remaining()) {
        why = "bad header count";
        return false;
    }
    headers.clear();
    for (std::int32_t h = 0; h < headerCount; ++h) {
        std::int32_t keyLength = 0;
        RecordHeaderView header;
        if (!r.readVarint(keyLength) || keyLength < 0 ||
            !r.readBytes(static_cast<std::size_t>(keyLength), header.key) ||
            !readNullableBytes(r, readVarintLength, header.value)) {
            why = "bad header " + std::to_string(h);
            return false;
        }
        headers.push_back(header);
    }
    view.offset = Offset{batch.baseOffset.get() + offsetDelta};
    view.timestamp = batch.timestampType == TimestampType::LogAppendTime
                         ? batch.maxTimestamp
                         : Timestamp{static_cast<std::int64_t>(static_cast<std::uint64_t>(batch.baseTimestamp.get()) +
                                                               static_cast<std::uint64_t>(timestampDelta))};
    view.headers = headers;
    return true;
}

Status forEachV2(const BatchInfo &batch, const RecordCallback &callback, const RecordDecodeOptions &options)
{
    if (batch.bytes.size() < static_cast<std::size_t>(kRecordBatchV2HeaderSize)) {
        return batchError(batch, "shorter than the 61-byte v2 header");
    }
    const auto lastOffsetDelta = static_cast<std::int32_t>(batch.lastOffset.get() - batch.baseOffset.get());
    std::span<const std::byte> section = batch.bytes.subspan(static_cast<std::size_t>(kRecordBatchV2HeaderSize));
    std::vector<std::byte> decompressed;
    if (batch.compression != Compression::None) {
        auto out = decompress(batch.compression, section, options.maxDecompressedBytes);
        if (!out) {
            return batchError(batch, out.error().message, out.error().code);
        }
        decompressed = std::move(out).value();
        section = decompressed;
    }
    ByteReader reader(section);
    std::vector<RecordHeaderView> headers;
    for (std::int32_t i = 0; i < batch.recordCount; ++i) {
        std::int32_t length = 0;
        std::span<const std::byte> body;
        if (!reader.readVarint(length) || length < 0 || !reader.readBytes(static_cast<std::size_t>(length), body)) {
            return batchError(batch, "declares " + std::to_string(batch.recordCount) + " records but record " +
                                         std::to_string(i) + " is truncated or missing");
        }
        ByteReader r(body);
        RecordView view;
        std::string why;
        if (!decodeV2Record(r, batch, lastOffsetDelta, view, headers, why)) {
            return batchError(batch, "record " + std::to_string(i) + ": " + why);
        }
        if (!r.atEnd()) {
            return batchError(batch, "record " + std::to_string(i) + ": length " + std::to_string(length) +
                                         " but only " + std::to_string(r.position()) + " bytes used");
        }
        if (!callback(view)) {
            return {};
        }
    }
    if (!reader.atEnd()) {
        return batchError(batch, std::to_string(reader.remaining()) + " bytes left after the " +
                                     std::to_string(batch.recordCount) + " declared records");
    }
    return {};
}

/// One legacy message (magic 0/1), parsed from offset field onwards.
struct LegacyMessage {
    std::int64_t offset = 0;
    std::int8_t magic = 0;
    std::uint8_t attributes = 0;
    std::int64_t timestamp = -1;
    std::optional<std::span<const std::byte>> key;
    std::optional<std::span<const std::byte>> value;
};

/// Parses the log entry at the reader's position, checking its CRC-32.
bool readLegacyEntry(ByteReader &r, LegacyMessage &m, std::string &why)
{
    std::int32_t size = 0;
    std::span<const std::byte> message;
    if (!r.read(m.offset) || !r.read(size)) {
        why = "truncated entry header";
        return false;
    }
    if (size < kMinLegacyMessageSize || !r.readBytes(static_cast<std::size_t>(size), message)) {
        why = "entry size " + std::to_string(size) + " invalid or past the end";
        return false;
    }
    ByteReader mr(message);
    std::uint32_t storedCrc = 0;
    if (!mr.read(storedCrc) || !mr.read(m.magic) || !mr.read(m.attributes)) {
        why = "truncated message";
        return false;
    }
    if (m.magic == 1 && !mr.read(m.timestamp)) {
        why = "truncated timestamp";
        return false;
    }
    if (m.magic > 1 || m.magic < 0) {
        why = "unexpected magic " + std::to_string(m.magic) + " in a legacy message";
        return false;
    }
    if (!readNullableBytes(mr, readInt32Length, m.key) || !readNullableBytes(mr, readInt32Length, m.value) ||
        !mr.atEnd()) {
        why = "key/value lengths do not match the message size " + std::to_string(size);
        return false;
    }
    const auto computed = crc32Ieee(message.subspan(4));
    if (computed != storedCrc) {
        char text[64];
        std::snprintf(text, sizeof text, "CRC-32 mismatch: stored 0x%08x, computed 0x%08x", storedCrc, computed);
        why = text;
        return false;
    }
    return true;
}

Status forEachLegacy(const BatchInfo &batch, const RecordCallback &callback, const RecordDecodeOptions &options)
{
    ByteReader outer(batch.bytes);
    LegacyMessage wrapper;
    std::string why;
    if (!readLegacyEntry(outer, wrapper, why)) {
        return batchError(batch, why);
    }
    const auto codec = static_cast<Compression>(wrapper.attributes & 0x7u);
    const bool logAppendTime = wrapper.magic == 1 && (wrapper.attributes & 0x8u) != 0;
    if (codec == Compression::None) {
        RecordView view;
        view.offset = Offset{wrapper.offset};
        view.timestamp = Timestamp{wrapper.timestamp};
        view.key = wrapper.key;
        view.value = wrapper.value;
        callback(view);
        return {};
    }
    if (static_cast<unsigned>(codec) > 3) {
        return batchError(batch, "unknown compression codec " + std::to_string(wrapper.attributes & 0x7u),
                          Errc::Unsupported);
    }
    if (!wrapper.value) {
        return batchError(batch, "compressed wrapper has a null value");
    }
    auto inner = decompress(codec, *wrapper.value, options.maxDecompressedBytes,
                            wrapper.magic == 0 ? Lz4HeaderChecksum::Kafka3160 : Lz4HeaderChecksum::Standard);
    if (!inner) {
        return batchError(batch, inner.error().message, inner.error().code);
    }
    std::vector<LegacyMessage> messages;
    ByteReader r(*inner);
    while (!r.atEnd()) {
        LegacyMessage m;
        if (!readLegacyEntry(r, m, why)) {
            return batchError(batch, "inner message " + std::to_string(messages.size()) + ": " + why);
        }
        if (m.magic != wrapper.magic) {
            return batchError(batch, "inner message " + std::to_string(messages.size()) + " has magic " +
                                         std::to_string(m.magic) + ", the wrapper " + std::to_string(wrapper.magic));
        }
        if ((m.attributes & 0x7u) != 0) {
            return batchError(batch, "inner message " + std::to_string(messages.size()) + " is itself compressed");
        }
        messages.push_back(m);
    }
    if (messages.empty()) {
        return batchError(batch, "compressed wrapper holds no messages");
    }
    // Magic 1 inner offsets are relative; a wrapper offset of 0 (old
    // librdkafka) means "already absolute from zero", as Kafka tolerates.
    const std::int64_t lastRelative = messages.back().offset;
    for (const LegacyMessage &m : messages) {
        RecordView view;
        // Unsigned arithmetic: hostile offsets must not overflow (UB).
        const auto shifted =
            static_cast<std::int64_t>(static_cast<std::uint64_t>(wrapper.offset) -
                                      static_cast<std::uint64_t>(lastRelative) + static_cast<std::uint64_t>(m.offset));
        view.offset = Offset{wrapper.magic == 0 || wrapper.offset == 0 ? m.offset : shifted};
        view.timestamp = Timestamp{logAppendTime ? wrapper.timestamp : m.timestamp};
        view.key = m.key;
        view.value = m.value;
        if (!callback(view)) {
            break;
        }
    }
    return {};
}

} // namespace

Status forEachRecord(const BatchInfo &batch, const RecordCallback &callback, const RecordDecodeOptions &options)
{
    if (batch.magic == 2) {
        return forEachV2(batch, callback, options);
    }
    if (batch.magic == 0 || batch.magic == 1) {
        return forEachLegacy(batch, callback, options);
    }
    return batchError(batch, "unknown magic " + std::to_string(batch.magic), Errc::Unsupported);
}

Result<std::int64_t> countRecords(const BatchInfo &batch, const RecordDecodeOptions &options)
{
    std::int64_t n = 0;
    auto st = forEachRecord(
        batch,
        [&n](const RecordView &) {
            ++n;
            return true;
        },
        options);
    if (!st) {
        return st.error();
    }
    return n;
}

} // namespace spillway::core
