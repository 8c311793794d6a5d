// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/byte_reader.h"
#include "core/storage/format/crc32.h"
#include "core/storage/format/crc32c.h"
#include "core/storage/format/records.h"
#include "tests/storage/format/format_test_util.h"

#include <catch2/catch.hpp>

using namespace spillway::core;
using namespace spillway::test;

namespace {

struct Decoded {
    std::int64_t offset = 0;
    std::int64_t timestamp = 0;
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::vector<RecordHeader> headers;
};

/// Parses a segment strictly and decodes every record of every batch.
class DecodingConsumer : public BatchConsumer {
public:
    bool onBatch(const BatchInfo &batch) override
    {
        batches.push_back(batch);
        status = forEachRecord(batch, [this](const RecordView &v) {
            Decoded d;
            d.offset = v.offset.get();
            d.timestamp = v.timestamp.get();
            if (v.key) {
                d.key = asString(*v.key);
            }
            if (v.value) {
                d.value = asString(*v.value);
            }
            for (const auto &h : v.headers) {
                d.headers.push_back({asString(h.key), h.value ? std::optional(asString(*h.value)) : std::nullopt});
            }
            records.push_back(d);
            return true;
        });
        return status.ok();
    }
    std::vector<BatchInfo> batches;
    std::vector<Decoded> records;
    Status status;
};

std::vector<Decoded> decodeSegment(const std::vector<std::byte> &segment, std::vector<BatchInfo> *batches = nullptr)
{
    DecodingConsumer consumer;
    const auto outcome = SegmentParser::parse(segment, consumer);
    INFO((outcome.problem ? outcome.problem->reason : std::string()));
    REQUIRE(outcome.ok());
    REQUIRE(consumer.status.ok());
    if (batches != nullptr) {
        *batches = consumer.batches;
    }
    return consumer.records;
}

void checkSame(const std::vector<Decoded> &got, const std::vector<Record> &want, std::int64_t firstOffset,
               bool timestamps)
{
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        CHECK(got[i].offset == firstOffset + static_cast<std::int64_t>(i));
        CHECK(got[i].key == want[i].key);
        CHECK(got[i].value == want[i].value);
        CHECK(got[i].timestamp == (timestamps ? want[i].timestampMs : -1));
    }
}

constexpr Compression kAllCodecs[] = {Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4,
                                      Compression::Zstd};

} // namespace

TEST_CASE("v2 batches round-trip through every codec", "[format][records]")
{
    for (Compression codec : kAllCodecs) {
        INFO(toString(codec));
        RecordBatchSpec spec;
        spec.baseOffset = Offset{1000};
        spec.compression = codec;
        spec.records = makeRecords(50);
        spec.records[3].key.reset();   // null key
        spec.records[4].value.reset(); // tombstone
        spec.records[5].headers = {{"trace", std::string("abc")}, {"empty", std::nullopt}};
        spec.records[6].timestampMs = spec.records[0].timestampMs - 5000; // negative delta
        std::vector<std::byte> segment;
        append(segment, buildRecordBatch(spec));
        std::vector<BatchInfo> batches;
        const auto got = decodeSegment(segment, &batches);
        checkSame(got, spec.records, 1000, true);
        REQUIRE(got.size() > 5);
        REQUIRE(got[5].headers.size() == 2);
        CHECK(got[5].headers[0].key == "trace");
        CHECK(got[5].headers[0].value == "abc");
        CHECK_FALSE(got[5].headers[1].value.has_value());
        REQUIRE(batches.size() == 1);
        CHECK(batches[0].compression == codec);
        CHECK(batches[0].recordCount == 50);
        CHECK(batches[0].lastOffset == Offset{1049});
        CHECK(batches[0].maxTimestamp == Timestamp{spec.records[49].timestampMs});
        CHECK(batches[0].baseTimestamp == Timestamp{spec.records[0].timestampMs});
        auto count = countRecords(batches[0]);
        REQUIRE(count.ok());
        CHECK(*count == 50);
    }
}

TEST_CASE("legacy message sets round-trip for magic 0 and 1 and every legacy codec", "[format][records]")
{
    for (std::int8_t magic : {std::int8_t{0}, std::int8_t{1}}) {
        for (Compression codec : {Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4}) {
            INFO("magic " << int(magic) << " " << toString(codec));
            auto records = makeRecords(7);
            records[2].key.reset();
            std::vector<std::byte> segment;
            append(segment, buildLegacyMessageSet(magic, Offset{500}, codec, records));
            std::vector<BatchInfo> batches;
            const auto got = decodeSegment(segment, &batches);
            checkSame(got, records, 500, magic == 1);
            if (codec == Compression::None) {
                REQUIRE(batches.size() == 7);
                CHECK(batches[0].recordCount == 1);
            } else {
                REQUIRE(batches.size() == 1);
                CHECK(batches[0].recordCount == -1);
                CHECK(batches[0].lastOffset == Offset{506});
                CHECK(batches[0].baseOffset == Offset{506});
                auto count = countRecords(batches[0]);
                REQUIRE(count.ok());
                CHECK(*count == 7);
            }
            CHECK(batches[0].magic == magic);
            CHECK(batches[0].maxTimestamp.get() ==
                  (magic == 1 ? (codec == Compression::None ? records[0].timestampMs : records[6].timestampMs) : -1));
        }
    }
    CHECK_FALSE(buildLegacyMessageSet(1, Offset{0}, Compression::Zstd, makeRecords(1)).ok());
    CHECK_FALSE(buildLegacyMessageSet(2, Offset{0}, Compression::None, makeRecords(1)).ok());
}

TEST_CASE("LogAppendTime overrides record timestamps (v2 and v1 wrappers)", "[format][records]")
{
    RecordBatchSpec spec;
    spec.timestampType = TimestampType::LogAppendTime;
    spec.records = makeRecords(3, 100);
    auto batch = buildRecordBatch(spec);
    REQUIRE(batch.ok());
    // The broker stamps maxTimestamp with the append time: rewrite it and the CRC.
    storeBigEndian<std::int64_t>(batch->data() + 35, 999);
    storeBigEndian<std::uint32_t>(batch->data() + 17, crc32c(std::span<const std::byte>(*batch).subspan(21)));
    for (const auto &r : decodeSegment(*batch)) {
        CHECK(r.timestamp == 999);
    }

    auto legacy = buildLegacyMessageSet(1, Offset{10}, Compression::Gzip, makeRecords(3, 100));
    REQUIRE(legacy.ok());
    // Set the wrapper's LogAppendTime bit and timestamp.
    (*legacy)[17] = static_cast<std::byte>(std::to_integer<unsigned>((*legacy)[17]) | 0x8u);
    storeBigEndian<std::int64_t>(legacy->data() + 18, 777);
    storeBigEndian<std::uint32_t>(legacy->data() + 12, crc32Ieee(std::span<const std::byte>(*legacy).subspan(16)));
    const auto got = decodeSegment(*legacy);
    REQUIRE(got.size() == 3);
    for (const auto &r : got) {
        CHECK(r.timestamp == 777);
    }
}

TEST_CASE("a magic 1 wrapper with offset 0 keeps inner offsets as absolute", "[format][records]")
{
    auto legacy = buildLegacyMessageSet(1, Offset{40}, Compression::Snappy, makeRecords(4));
    REQUIRE(legacy.ok());
    storeBigEndian<std::int64_t>(legacy->data(), 0); // old librdkafka wrote 0; not CRC-covered
    const auto got = decodeSegment(*legacy);
    REQUIRE(got.size() == 4);
    CHECK(got[0].offset == 0);
    CHECK(got[3].offset == 3);
}

TEST_CASE("transaction markers are control batches", "[format][records]")
{
    RecordBatchSpec spec;
    spec.baseOffset = Offset{77};
    spec.producerId = 4242;
    spec.producerEpoch = 3;
    spec.transactional = true;
    spec.control = true;
    spec.records = {makeEndTxnMarker(true, 12, 5000)};
    std::vector<BatchInfo> batches;
    const auto got = decodeSegment(*buildRecordBatch(spec), &batches);
    REQUIRE(batches.size() == 1);
    CHECK(batches[0].control);
    CHECK(batches[0].transactional);
    CHECK(batches[0].producerId == 4242);
    CHECK(batches[0].producerEpoch == 3);
    REQUIRE(got.size() == 1);
    REQUIRE(got[0].key.has_value());
    ByteReader key(asBytes(*got[0].key));
    std::int16_t version = -1;
    std::int16_t type = -1;
    REQUIRE(key.read(version));
    REQUIRE(key.read(type));
    CHECK(version == 0);
    CHECK(type == 1); // COMMIT
}

TEST_CASE("a record whose length is not consumed exactly is corrupt", "[format][records]")
{
    RecordBatchSpec spec;
    spec.baseOffset = Offset{5};
    spec.records = makeRecords(2);
    auto batch = buildRecordBatch(spec);
    REQUIRE(batch.ok());
    // First record's length varint sits at byte 61; claim one byte less.
    ByteReader r(std::span<const std::byte>(*batch).subspan(61));
    std::int32_t length = 0;
    REQUIRE(r.readVarint(length));
    std::vector<std::byte> shorter;
    appendVarint(shorter, length - 1);
    REQUIRE(shorter.size() == r.position());
    std::copy(shorter.begin(), shorter.end(), batch->begin() + 61);
    storeBigEndian<std::uint32_t>(batch->data() + 17, crc32c(std::span<const std::byte>(*batch).subspan(21)));

    DecodingConsumer consumer;
    const auto outcome = SegmentParser::parse(*batch, consumer);
    REQUIRE(outcome.ok()); // structure and CRC are fine; only decoding finds it
    REQUIRE_FALSE(consumer.status.ok());
    CHECK(consumer.status.error().code == Errc::Corrupt);
    CHECK_THAT(consumer.status.error().message, Catch::Contains("batch at byte 0 (offset 5): record 0"));
}

TEST_CASE("a v2 record count that disagrees with the records is corrupt", "[format][records]")
{
    RecordBatchSpec spec;
    spec.records = makeRecords(3);
    auto batch = buildRecordBatch(spec);
    REQUIRE(batch.ok());
    storeBigEndian<std::int32_t>(batch->data() + 57, 4);
    storeBigEndian<std::uint32_t>(batch->data() + 17, crc32c(std::span<const std::byte>(*batch).subspan(21)));
    DecodingConsumer more;
    REQUIRE(SegmentParser::parse(*batch, more).ok());
    REQUIRE_FALSE(more.status.ok());
    CHECK_THAT(more.status.error().message, Catch::Contains("declares 4 records but record 3"));

    storeBigEndian<std::int32_t>(batch->data() + 57, 2);
    storeBigEndian<std::uint32_t>(batch->data() + 17, crc32c(std::span<const std::byte>(*batch).subspan(21)));
    DecodingConsumer fewer;
    REQUIRE(SegmentParser::parse(*batch, fewer).ok());
    REQUIRE_FALSE(fewer.status.ok());
    CHECK_THAT(fewer.status.error().message, Catch::Contains("left after the 2 declared records"));
}

TEST_CASE("forEachRecord stops when the callback says so", "[format][records]")
{
    RecordBatchSpec spec;
    spec.records = makeRecords(10);
    spec.compression = Compression::Lz4;
    auto batch = buildRecordBatch(spec);
    REQUIRE(batch.ok());
    class Keep : public BatchConsumer {
    public:
        bool onBatch(const BatchInfo &b) override
        {
            int seen = 0;
            status = forEachRecord(b, [&seen](const RecordView &) { return ++seen < 3; });
            count = seen;
            return true;
        }
        Status status;
        int count = 0;
    } keep;
    REQUIRE(SegmentParser::parse(*batch, keep).ok());
    CHECK(keep.status.ok());
    CHECK(keep.count == 3);
}
