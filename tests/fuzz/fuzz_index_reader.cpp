// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: arbitrary bytes as a segment's .index, .timeindex and
// .log, through the index readers and the verifier; then the recovery-rule
// builder over the same log, whose output must always verify. Sanitizers
// catch memory errors; std::abort() marks a broken invariant.
//
// Input layout: [u16 offset-index length][u16 time-index length][u8 flags]
// then the offset index, the time index and the log (the rest). Flag bits
// 0/1/2: the .index / .timeindex / .log is absent.
#include "core/storage/index/index_verifier.h"
#include "core/storage/index/offset_index.h"
#include "core/storage/index/recovery_index_builder.h"
#include "core/storage/index/time_index.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

using namespace spillway::core;

namespace {

std::size_t takeLength(std::span<const std::byte> &in)
{
    if (in.size() < 2)
        return 0;
    const std::size_t n = (std::to_integer<std::size_t>(in[0]) << 8) | std::to_integer<std::size_t>(in[1]);
    in = in.subspan(2);
    return n;
}

std::span<const std::byte> take(std::span<const std::byte> &in, std::size_t n)
{
    n = n < in.size() ? n : in.size();
    const auto out = in.first(n);
    in = in.subspan(n);
    return out;
}

void checkVerdict(const SegmentVerdict &v)
{
    for (const FileVerdict *f : {&v.log, &v.offsetIndex, &v.timeIndex}) {
        if (f->findings.size() > FileVerdict::kMaxFindings)
            std::abort();
        if (static_cast<std::int64_t>(f->findings.size()) > f->problemCount + f->noticeCount)
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    std::span<const std::byte> in(reinterpret_cast<const std::byte *>(data), size);
    const std::size_t offsetLength = takeLength(in);
    const std::size_t timeLength = takeLength(in);
    const std::uint8_t flags = in.empty() ? 0 : std::to_integer<std::uint8_t>(take(in, 1)[0]);
    const auto offsetBytes = take(in, offsetLength);
    const auto timeBytes = take(in, timeLength);
    const auto logBytes = in;

    const Offset base(0);
    const OffsetIndex offsetIndex = OffsetIndex::parse(offsetBytes, base);
    if (offsetIndex.layout().entryCount + offsetIndex.layout().zeroTailSlots != offsetIndex.layout().slotCount)
        std::abort();
    for (const Offset target : {Offset(0), Offset(1000), Offset(1 << 30)})
        (void)offsetIndex.lookup(target);
    const TimeIndex timeIndex = TimeIndex::parse(timeBytes, base);
    (void)timeIndex.lookup(Timestamp(1'700'000'000'000));

    SegmentBytes segment;
    segment.baseOffset = base;
    if (!(flags & 1))
        segment.offsetIndex = offsetBytes;
    if (!(flags & 2))
        segment.timeIndex = timeBytes;
    if (!(flags & 4))
        segment.log = logBytes;
    checkVerdict(IndexVerifier::verify(segment));

    // Whatever the log holds, an index rebuilt from it must verify against
    // it, as long as the log's own offsets make sense.
    RecoveryIndexBuilder builder(base, 64);
    ParseOptions options;
    options.mode = ParseMode::Recovery;
    (void)SegmentParser::parse(logBytes, builder, options);
    if (!builder.error())
        builder.finish();
    if (!builder.error()) {
        const auto rebuiltOffset = builder.offsetIndex().serialize();
        const auto rebuiltTime = builder.timeIndex().serialize();
        const SegmentVerdict v = IndexVerifier::verify({base, logBytes, rebuiltOffset, rebuiltTime});
        checkVerdict(v);
        if (v.log.ok() && !v.indexesOk())
            std::abort();
    }
    return 0;
}
