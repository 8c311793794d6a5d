// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/segment_parser.h"

#include "core/common/fileio.h"
#include "core/storage/format/byte_reader.h"
#include "core/storage/format/crc32.h"
#include "core/storage/format/crc32c.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace spillway::core {
namespace {

// Offset (8) + size (4) + epoch/crc (4) + magic (1): FileLogInputStream
// stops when no more than this is left.
constexpr std::int64_t kHeaderUpToMagic = 17;
constexpr std::int32_t kMinV1MessageSize = 22;
constexpr std::int32_t kMinV2BatchSize = static_cast<std::int32_t>(kRecordBatchV2HeaderSize - kLogOverhead);
constexpr std::int64_t kV2CrcOffset = 17;
constexpr std::int64_t kV2AttributesOffset = 21;

std::string hex(std::uint32_t v, int digits = 8)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%0*x", digits, v);
    return buf;
}

bool allZero(std::span<const std::byte> bytes) noexcept
{
    return std::all_of(bytes.begin(), bytes.end(), [](std::byte b) { return b == std::byte{0}; });
}

std::string atWhere(std::int64_t position, std::optional<Offset> offset)
{
    std::string s = "at byte " + std::to_string(position);
    if (offset) {
        s += " (offset " + std::to_string(offset->get()) + ")";
    }
    return s;
}

/// The walk's state; one per parse() call.
class Walker {
public:
    Walker(std::span<const std::byte> data, BatchConsumer &consumer, const ParseOptions &options)
        : m_data(data)
        , m_consumer(consumer)
        , m_options(options)
    {
        m_out.dataSize = static_cast<std::int64_t>(data.size());
    }

    ParseOutcome run();

private:
    /// Fills `info` from the header; returns a reason when it is corrupt.
    std::optional<std::string> parseHeader(std::int64_t pos, std::int64_t size, BatchInfo &info) const;
    static std::optional<std::string> parseV2Header(BatchInfo &info);
    static std::optional<std::string> parseLegacyHeader(BatchInfo &info);
    static std::optional<std::string> verifyCrc(const BatchInfo &info);

    void finishTail(TailState state, std::int64_t pos, std::string detail);
    void corrupt(std::int64_t pos, std::optional<Offset> offset, std::string reason);

    std::span<const std::byte> m_data;
    BatchConsumer &m_consumer;
    const ParseOptions &m_options;
    ParseOutcome m_out;
};

void Walker::finishTail(TailState state, std::int64_t pos, std::string detail)
{
    m_out.tail = state;
    m_out.validBytes = pos;
    m_out.tailDetail = std::move(detail);
    if (m_options.mode == ParseMode::Strict) {
        m_out.problem = ParseProblem{FilePosition{pos}, std::nullopt, m_out.tailDetail};
    }
}

void Walker::corrupt(std::int64_t pos, std::optional<Offset> offset, std::string reason)
{
    m_out.tail = TailState::Corrupt;
    m_out.validBytes = pos;
    m_out.tailDetail = reason;
    m_out.problem = ParseProblem{FilePosition{pos}, offset, std::move(reason)};
}

std::optional<std::string> Walker::parseV2Header(BatchInfo &info)
{
    const std::byte *b = info.bytes.data();
    const auto declared = info.sizeInBytes - kLogOverhead;
    if (declared < kMinV2BatchSize) {
        return "v2 batch declares size " + std::to_string(declared) + ", below the 49-byte header minimum";
    }
    info.leaderEpoch = LeaderEpoch{loadBigEndian<std::int32_t>(b + 12)};
    info.storedCrc = loadBigEndian<std::uint32_t>(b + kV2CrcOffset);
    const auto attributes = loadBigEndian<std::uint16_t>(b + kV2AttributesOffset);
    const auto lastOffsetDelta = loadBigEndian<std::int32_t>(b + 23);
    info.baseTimestamp = Timestamp{loadBigEndian<std::int64_t>(b + 27)};
    info.maxTimestamp = Timestamp{loadBigEndian<std::int64_t>(b + 35)};
    info.producerId = loadBigEndian<std::int64_t>(b + 43);
    info.producerEpoch = loadBigEndian<std::int16_t>(b + 51);
    info.baseSequence = loadBigEndian<std::int32_t>(b + 53);
    info.recordCount = loadBigEndian<std::int32_t>(b + 57);

    const unsigned codec = attributes & 0x7u;
    if (codec > 4) {
        return "unknown compression codec " + std::to_string(codec) + " in attributes " + hex(attributes, 4);
    }
    info.compression = static_cast<Compression>(codec);
    info.timestampType = (attributes & 0x8u) != 0 ? TimestampType::LogAppendTime : TimestampType::CreateTime;
    info.transactional = (attributes & 0x10u) != 0;
    info.control = (attributes & 0x20u) != 0;
    if (lastOffsetDelta < 0) {
        return "negative lastOffsetDelta " + std::to_string(lastOffsetDelta);
    }
    if (info.recordCount < 0) {
        return "negative record count " + std::to_string(info.recordCount);
    }
    if (info.baseOffset.get() > std::numeric_limits<std::int64_t>::max() - lastOffsetDelta) {
        return "last offset overflows: base offset " + std::to_string(info.baseOffset.get()) + " + delta " +
               std::to_string(lastOffsetDelta);
    }
    info.lastOffset = Offset{info.baseOffset.get() + lastOffsetDelta};
    return std::nullopt;
}

std::optional<std::string> Walker::parseLegacyHeader(BatchInfo &info)
{
    const std::byte *b = info.bytes.data();
    const auto declared = info.sizeInBytes - kLogOverhead;
    const std::int32_t minimum = info.magic == 0 ? kMinLegacyMessageSize : kMinV1MessageSize;
    if (declared < minimum) {
        return "magic " + std::to_string(info.magic) + " message declares size " + std::to_string(declared) +
               ", below the minimum " + std::to_string(minimum);
    }
    info.storedCrc = loadBigEndian<std::uint32_t>(b + 12);
    const auto attributes = static_cast<std::uint8_t>(b[17]);
    const unsigned codec = attributes & 0x7u;
    if (codec > 3) {
        return "unknown compression codec " + std::to_string(codec) + " for a magic " + std::to_string(info.magic) +
               " message";
    }
    info.compression = static_cast<Compression>(codec);
    std::int64_t keyLengthAt = 18;
    if (info.magic == 1) {
        info.maxTimestamp = Timestamp{loadBigEndian<std::int64_t>(b + 18)};
        info.timestampType = (attributes & 0x8u) != 0 ? TimestampType::LogAppendTime : TimestampType::CreateTime;
        keyLengthAt = 26;
    }
    info.baseTimestamp = info.maxTimestamp;
    info.lastOffset = info.baseOffset;
    info.recordCount = info.compression == Compression::None ? 1 : -1;

    // Key and value lengths must tile the message exactly.
    const std::int64_t end = info.sizeInBytes;
    const auto keyLength = loadBigEndian<std::int32_t>(b + keyLengthAt);
    if (keyLength < -1 || keyLengthAt + 4 + std::max(keyLength, 0) + 4 > end) {
        return "key length " + std::to_string(keyLength) + " does not fit the message size " +
               std::to_string(end - kLogOverhead);
    }
    const std::int64_t valueLengthAt = keyLengthAt + 4 + std::max(keyLength, 0);
    const auto valueLength = loadBigEndian<std::int32_t>(b + valueLengthAt);
    const std::int64_t valueEnd = valueLengthAt + 4 + std::max(valueLength, 0);
    if (valueLength < -1 || valueEnd != end) {
        return "value length " + std::to_string(valueLength) + " does not match the message size " +
               std::to_string(end - kLogOverhead) + " (key length " + std::to_string(keyLength) + ")";
    }
    if (info.compression != Compression::None && valueLength < 0) {
        return "compressed wrapper message has a null value";
    }
    return std::nullopt;
}

std::optional<std::string> Walker::parseHeader(std::int64_t pos, std::int64_t size, BatchInfo &info) const
{
    info.position = FilePosition{pos};
    info.sizeInBytes = size;
    info.bytes = m_data.subspan(static_cast<std::size_t>(pos), static_cast<std::size_t>(size));
    info.baseOffset = Offset{loadBigEndian<std::int64_t>(info.bytes.data())};
    info.magic = loadBigEndian<std::int8_t>(info.bytes.data() + kMagicOffset);
    if (info.baseOffset.get() < 0) {
        return "negative offset " + std::to_string(info.baseOffset.get());
    }
    if (info.magic < 0 || info.magic > 2) {
        return "unknown magic " + std::to_string(info.magic);
    }
    return info.magic == 2 ? parseV2Header(info) : parseLegacyHeader(info);
}

std::optional<std::string> Walker::verifyCrc(const BatchInfo &info)
{
    if (info.magic == 2) {
        const auto computed = crc32c(info.bytes.subspan(static_cast<std::size_t>(kV2AttributesOffset)));
        if (computed != info.storedCrc) {
            return "CRC-32C mismatch " + atWhere(info.position.get(), info.baseOffset) + ": stored " +
                   hex(info.storedCrc) + ", computed " + hex(computed);
        }
    } else {
        const auto computed = crc32Ieee(info.bytes.subspan(static_cast<std::size_t>(kMagicOffset)));
        if (computed != info.storedCrc) {
            return "CRC-32 mismatch " + atWhere(info.position.get(), info.baseOffset) + ": stored " +
                   hex(info.storedCrc) + ", computed " + hex(computed);
        }
    }
    return std::nullopt;
}

ParseOutcome Walker::run()
{
    const std::int64_t end = m_out.dataSize;
    std::int64_t pos = m_options.startPosition;
    if (pos < 0 || pos > end) {
        corrupt(pos, std::nullopt,
                "start position " + std::to_string(pos) + " lies outside the data (" + std::to_string(end) + " bytes)");
        m_out.validBytes = std::clamp<std::int64_t>(pos, 0, end);
        return m_out;
    }
    m_out.validBytes = pos;
    std::optional<Offset> previousLast;

    for (;;) {
        const std::int64_t remaining = end - pos;
        if (remaining == 0) {
            m_out.tail = TailState::Clean;
            m_out.validBytes = pos;
            return m_out;
        }
        const auto rest = m_data.subspan(static_cast<std::size_t>(pos));
        if (remaining <= kHeaderUpToMagic) {
            if (allZero(rest)) {
                finishTail(TailState::ZeroFilled, pos,
                           "zero-filled tail: " + std::to_string(remaining) + " zero bytes from byte " +
                               std::to_string(pos));
            } else {
                finishTail(TailState::Torn, pos,
                           "torn tail: " + std::to_string(remaining) + " trailing bytes at byte " +
                               std::to_string(pos) + ", too short for a batch header");
            }
            return m_out;
        }
        const auto offsetField = loadBigEndian<std::int64_t>(rest.data());
        const auto declared = loadBigEndian<std::int32_t>(rest.data() + 8);
        if (offsetField == 0 && declared == 0 && allZero(rest)) {
            finishTail(TailState::ZeroFilled, pos,
                       "zero-filled tail: " + std::to_string(remaining) + " zero bytes from byte " +
                           std::to_string(pos));
            return m_out;
        }
        if (declared < kMinLegacyMessageSize) {
            corrupt(pos, Offset{offsetField},
                    "batch " + atWhere(pos, Offset{offsetField}) + " declares size " + std::to_string(declared) +
                        ", below the minimum " + std::to_string(kMinLegacyMessageSize));
            return m_out;
        }
        const std::int64_t size = kLogOverhead + declared;
        if (size > remaining) {
            finishTail(TailState::Torn, pos,
                       "torn batch " + atWhere(pos, Offset{offsetField}) + ": declares " + std::to_string(size) +
                           " bytes but only " + std::to_string(remaining) + " bytes remain");
            return m_out;
        }

        BatchInfo info;
        if (auto reason = parseHeader(pos, size, info)) {
            corrupt(pos, Offset{offsetField}, "batch " + atWhere(pos, Offset{offsetField}) + ": " + *reason);
            return m_out;
        }
        if (previousLast && info.baseOffset <= *previousLast) {
            corrupt(pos, info.baseOffset,
                    "offsets go backwards " + atWhere(pos, std::nullopt) + ": batch starts at offset " +
                        std::to_string(info.baseOffset.get()) + " but the previous batch ended at offset " +
                        std::to_string(previousLast->get()));
            return m_out;
        }

        const BatchAction action = m_consumer.onBatchHeader(info);
        if (action == BatchAction::Stop) {
            m_out.tail = TailState::Stopped;
            m_out.validBytes = pos;
            return m_out;
        }
        if (action == BatchAction::Accept && m_options.verifyCrc) {
            if (auto reason = verifyCrc(info)) {
                corrupt(pos, info.baseOffset, *reason);
                return m_out;
            }
        }
        ++m_out.batchCount;
        pos += size;
        m_out.validBytes = pos;
        m_out.lastOffset = info.lastOffset;
        previousLast = info.lastOffset;
        if (action == BatchAction::Accept && !m_consumer.onBatch(info)) {
            m_out.tail = TailState::Stopped;
            return m_out;
        }
    }
}

} // namespace

std::string_view toString(TailState s) noexcept
{
    switch (s) {
    case TailState::Clean: return "clean";
    case TailState::Stopped: return "stopped";
    case TailState::Torn: return "torn";
    case TailState::ZeroFilled: return "zero-filled";
    case TailState::Corrupt: return "corrupt";
    }
    return "unknown";
}

bool ParseOutcome::ok() const noexcept
{
    if (tail == TailState::Corrupt) {
        return false;
    }
    return !problem.has_value();
}

ParseOutcome SegmentParser::parse(std::span<const std::byte> data, BatchConsumer &consumer, const ParseOptions &options)
{
    return Walker(data, consumer, options).run();
}

Result<ParseOutcome> SegmentParser::parseFile(const std::filesystem::path &segment, BatchConsumer &consumer,
                                              const ParseOptions &options)
{
    auto mapped = MappedFile::open(segment);
    if (!mapped) {
        return mapped.error();
    }
    return parse(mapped->bytes(), consumer, options);
}

} // namespace spillway::core
