// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the segment parser in both modes over arbitrary bytes,
// then record decoding of every batch it accepts. Sanitizers catch any
// out-of-bounds read, overflow or leak; the assertions below catch broken
// invariants of the outcome.
#include "core/storage/format/records.h"
#include "core/storage/format/segment_parser.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

namespace {

/// Decodes every accepted batch; small cap so bombs stay cheap.
class DecodingConsumer : public spillway::core::BatchConsumer {
public:
    bool onBatch(const spillway::core::BatchInfo &batch) override
    {
        spillway::core::RecordDecodeOptions options;
        options.maxDecompressedBytes = 1 << 20;
        std::int64_t records = 0;
        const auto status = spillway::core::forEachRecord(
            batch,
            [&records](const spillway::core::RecordView &view) {
                ++records;
                // Touch every view so ASan sees any dangling span.
                std::size_t sum = view.key ? view.key->size() : 0;
                sum += view.value ? view.value->size() : 0;
                for (const auto &h : view.headers) {
                    sum += h.key.size() + (h.value ? h.value->size() : 0);
                }
                return sum < (std::size_t{1} << 40);
            },
            options);
        if (status.ok() && batch.magic == 2 && records != batch.recordCount) {
            std::abort(); // a successful v2 decode yields exactly recordCount records
        }
        return true;
    }
};

void check(bool invariant)
{
    if (!invariant) {
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte *>(data), size);
    for (auto mode : {spillway::core::ParseMode::Strict, spillway::core::ParseMode::Recovery}) {
        DecodingConsumer consumer;
        const auto outcome = spillway::core::SegmentParser::parse(bytes, consumer, {.mode = mode});
        check(outcome.validBytes >= 0 && outcome.validBytes <= static_cast<std::int64_t>(size));
        check(outcome.dataSize == static_cast<std::int64_t>(size));
        check(outcome.ok() ==
              (outcome.tail == spillway::core::TailState::Clean ||
               (mode == spillway::core::ParseMode::Recovery && outcome.tail != spillway::core::TailState::Corrupt)));
    }
    // Without CRC checks mutated batches reach the record decoders and the
    // decompressors, which the CRC would otherwise shield from the fuzzer.
    DecodingConsumer unchecked;
    const auto outcome = spillway::core::SegmentParser::parse(
        bytes, unchecked, {.mode = spillway::core::ParseMode::Recovery, .verifyCrc = false});
    check(outcome.validBytes <= static_cast<std::int64_t>(size));
    return 0;
}
