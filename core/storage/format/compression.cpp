// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/compression.h"

#include "core/storage/format/byte_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>

#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

namespace spillway::core {
namespace {

constexpr std::array<unsigned char, 8> kXerialMagic{0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr std::size_t kXerialHeaderSize = 16;
constexpr std::size_t kXerialBlockSize = 32 * 1024;
constexpr std::uint32_t kLz4FrameMagic = 0x184D2204u;

Error corruptPayload(Compression codec, const std::string &what)
{
    return makeError(Errc::Corrupt, std::string(toString(codec)) + " payload: " + what);
}

Error tooLarge(Compression codec, std::size_t maxOutput)
{
    return makeError(Errc::Corrupt,
                     std::string(toString(codec)) + " payload decompresses to more than " + std::to_string(maxOutput) +
                         " bytes",
                     "raise the decompression limit if this batch is genuinely that large");
}

/// Grows `out` geometrically up to `maxOutput`; false when already there.
bool grow(std::vector<std::byte> &out, std::size_t maxOutput)
{
    if (out.size() >= maxOutput) {
        return false;
    }
    const std::size_t next = std::max<std::size_t>(out.size() * 2, 64 * 1024);
    out.resize(std::min(next, maxOutput));
    return true;
}

Result<std::vector<std::byte>> gunzip(std::span<const std::byte> input, std::size_t maxOutput)
{
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        return makeError(Errc::Io, "gzip: cannot initialise zlib");
    }
    const std::unique_ptr<z_stream, int (*)(z_stream *)> guard(&zs, inflateEnd);
    std::vector<std::byte> out(std::min(maxOutput, std::max<std::size_t>(input.size() * 4, 4096)));
    std::size_t produced = 0;
    zs.next_in = const_cast<Bytef *>(reinterpret_cast<const Bytef *>(input.data()));
    zs.avail_in = static_cast<uInt>(input.size());
    for (;;) {
        if (produced == out.size() && !grow(out, maxOutput)) {
            return tooLarge(Compression::Gzip, maxOutput);
        }
        zs.next_out = reinterpret_cast<Bytef *>(out.data() + produced);
        zs.avail_out = static_cast<uInt>(out.size() - produced);
        const int rc = inflate(&zs, Z_NO_FLUSH);
        produced = out.size() - zs.avail_out;
        if (rc == Z_STREAM_END) {
            // GZIPInputStream reads concatenated members; trailing zeros end it.
            const auto rest = input.last(zs.avail_in);
            if (std::all_of(rest.begin(), rest.end(), [](std::byte b) { return b == std::byte{0}; })) {
                break;
            }
            inflateReset(&zs);
            continue;
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
            return corruptPayload(Compression::Gzip, "truncated stream");
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return corruptPayload(Compression::Gzip, zs.msg != nullptr ? zs.msg : "inflate failed");
        }
    }
    out.resize(produced);
    return out;
}

Result<std::vector<std::byte>> gzip(std::span<const std::byte> input)
{
    z_stream zs{};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return makeError(Errc::Io, "gzip: cannot initialise zlib");
    }
    const std::unique_ptr<z_stream, int (*)(z_stream *)> guard(&zs, deflateEnd);
    std::vector<std::byte> out(deflateBound(&zs, static_cast<uLong>(input.size())) + 32);
    zs.next_in = const_cast<Bytef *>(reinterpret_cast<const Bytef *>(input.data()));
    zs.avail_in = static_cast<uInt>(input.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
        return makeError(Errc::Io, "gzip: deflate did not finish");
    }
    out.resize(zs.total_out);
    return out;
}

Status appendRawSnappy(std::span<const std::byte> block, std::vector<std::byte> &out, std::size_t maxOutput)
{
    const auto *in = reinterpret_cast<const char *>(block.data());
    std::size_t length = 0;
    if (snappy_uncompressed_length(in, block.size(), &length) != SNAPPY_OK) {
        return corruptPayload(Compression::Snappy, "bad block length preamble");
    }
    if (length > maxOutput - out.size()) {
        return tooLarge(Compression::Snappy, maxOutput);
    }
    const std::size_t at = out.size();
    out.resize(at + length);
    if (snappy_uncompress(in, block.size(), reinterpret_cast<char *>(out.data() + at), &length) != SNAPPY_OK) {
        return corruptPayload(Compression::Snappy, "invalid block");
    }
    out.resize(at + length);
    return {};
}

Result<std::vector<std::byte>> unsnappy(std::span<const std::byte> input, std::size_t maxOutput)
{
    std::vector<std::byte> out;
    const bool framed =
        input.size() >= kXerialHeaderSize && std::memcmp(input.data(), kXerialMagic.data(), kXerialMagic.size()) == 0;
    if (!framed) {
        if (auto st = appendRawSnappy(input, out, maxOutput); !st) {
            return st.error();
        }
        return out;
    }
    ByteReader reader(input.subspan(kXerialHeaderSize));
    while (!reader.atEnd()) {
        std::int32_t length = 0;
        std::span<const std::byte> block;
        if (!reader.read(length) || length < 0 || !reader.readBytes(static_cast<std::size_t>(length), block)) {
            return corruptPayload(Compression::Snappy, "truncated xerial block at payload byte " +
                                                           std::to_string(kXerialHeaderSize + reader.position()));
        }
        if (auto st = appendRawSnappy(block, out, maxOutput); !st) {
            return st.error();
        }
    }
    return out;
}

Result<std::vector<std::byte>> snappyFramed(std::span<const std::byte> input)
{
    std::vector<std::byte> out(kXerialHeaderSize);
    std::memcpy(out.data(), kXerialMagic.data(), kXerialMagic.size());
    storeBigEndian<std::int32_t>(out.data() + 8, 1);  // version
    storeBigEndian<std::int32_t>(out.data() + 12, 1); // minimum compatible version
    for (std::size_t at = 0; at < input.size(); at += kXerialBlockSize) {
        const std::size_t n = std::min(kXerialBlockSize, input.size() - at);
        std::size_t compressedLength = snappy_max_compressed_length(n);
        const std::size_t lengthAt = out.size();
        out.resize(lengthAt + 4 + compressedLength);
        if (snappy_compress(reinterpret_cast<const char *>(input.data() + at), n,
                            reinterpret_cast<char *>(out.data() + lengthAt + 4), &compressedLength) != SNAPPY_OK) {
            return makeError(Errc::Io, "snappy: compression failed");
        }
        storeBigEndian<std::int32_t>(out.data() + lengthAt, static_cast<std::int32_t>(compressedLength));
        out.resize(lengthAt + 4 + compressedLength);
    }
    return out;
}

// XXH32, needed only for LZ4 frame-descriptor checksums (liblz4 does not
// export it).
constexpr std::uint32_t kP1 = 2654435761u, kP2 = 2246822519u, kP3 = 3266489917u, kP4 = 668265263u, kP5 = 374761393u;

std::uint32_t rotl(std::uint32_t v, int r) { return (v << r) | (v >> (32 - r)); }

std::uint32_t le32(const unsigned char *p)
{
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::uint32_t xxh32(const unsigned char *p, std::size_t len)
{
    const unsigned char *end = p + len;
    std::uint32_t h;
    if (len >= 16) {
        std::uint32_t v[4] = {kP1 + kP2, kP2, 0, 0u - kP1};
        while (end - p >= 16) {
            for (auto &lane : v) {
                lane = rotl(lane + le32(p) * kP2, 13) * kP1;
                p += 4;
            }
        }
        h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
    } else {
        h = kP5;
    }
    h += static_cast<std::uint32_t>(len);
    while (end - p >= 4) {
        h = rotl(h + le32(p) * kP3, 17) * kP4;
        p += 4;
    }
    while (p < end) {
        h = rotl(h + *p++ * kP5, 11) * kP1;
    }
    h ^= h >> 15;
    h *= kP2;
    h ^= h >> 13;
    h *= kP3;
    h ^= h >> 16;
    return h;
}

/// Length of the LZ4 frame header (magic through HC), or 0 if `frame` does
/// not start with a complete one.
std::size_t lz4HeaderLength(std::span<const std::byte> frame)
{
    if (frame.size() < 7 ||
        static_cast<std::uint32_t>(le32(reinterpret_cast<const unsigned char *>(frame.data()))) != kLz4FrameMagic) {
        return 0;
    }
    const auto flg = static_cast<unsigned>(frame[4]);
    const std::size_t length = 7 + ((flg & 0x08u) != 0 ? 8 : 0) + ((flg & 0x01u) != 0 ? 4 : 0);
    return frame.size() >= length ? length : 0;
}

std::byte lz4HeaderChecksum(std::span<const std::byte> header, Lz4HeaderChecksum kind)
{
    const std::size_t from = kind == Lz4HeaderChecksum::Kafka3160 ? 0 : 4;
    const auto *p = reinterpret_cast<const unsigned char *>(header.data());
    return static_cast<std::byte>((xxh32(p + from, header.size() - 1 - from) >> 8) & 0xffu);
}

Result<std::vector<std::byte>> unlz4(std::span<const std::byte> input, std::size_t maxOutput, Lz4HeaderChecksum kind)
{
    LZ4F_dctx *raw = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
        return makeError(Errc::Io, "lz4: cannot create a decompression context");
    }
    const std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx *)> ctx(raw, LZ4F_freeDecompressionContext);
    std::vector<std::byte> out(std::min(maxOutput, std::max<std::size_t>(input.size() * 4, 4096)));
    std::size_t produced = 0;
    std::size_t consumed = 0;
    bool frameStart = true;
    std::array<std::byte, 19> fixedHeader{};
    while (consumed < input.size()) {
        std::span<const std::byte> in = input.subspan(consumed);
        std::size_t headerLength = 0;
        if (frameStart && kind == Lz4HeaderChecksum::Kafka3160) {
            // Accept the KAFKA-3160 checksum by handing liblz4 a copy of the
            // header with the standard checksum put in.
            headerLength = lz4HeaderLength(in);
            if (headerLength != 0 &&
                in[headerLength - 1] == lz4HeaderChecksum(in.first(headerLength), Lz4HeaderChecksum::Kafka3160)) {
                std::memcpy(fixedHeader.data(), in.data(), headerLength);
                fixedHeader[headerLength - 1] =
                    lz4HeaderChecksum(std::span(fixedHeader).first(headerLength), Lz4HeaderChecksum::Standard);
                in = std::span<const std::byte>(fixedHeader).first(headerLength);
            }
        }
        if (produced == out.size() && !grow(out, maxOutput)) {
            return tooLarge(Compression::Lz4, maxOutput);
        }
        std::size_t inSize = in.size();
        std::size_t outSize = out.size() - produced;
        const std::size_t hint =
            LZ4F_decompress(ctx.get(), out.data() + produced, &outSize, in.data(), &inSize, nullptr);
        if (LZ4F_isError(hint)) {
            return corruptPayload(Compression::Lz4, LZ4F_getErrorName(hint));
        }
        if (inSize == 0 && outSize == 0 && produced < out.size()) {
            return corruptPayload(Compression::Lz4, "decoder made no progress");
        }
        consumed += inSize;
        produced += outSize;
        frameStart = hint == 0;
        if (consumed == input.size() && hint != 0) {
            // Flush what the decoder still holds, then it must be complete.
            while (hint != 0) {
                if (produced == out.size() && !grow(out, maxOutput)) {
                    return tooLarge(Compression::Lz4, maxOutput);
                }
                std::size_t noInput = 0;
                outSize = out.size() - produced;
                const std::size_t more =
                    LZ4F_decompress(ctx.get(), out.data() + produced, &outSize, nullptr, &noInput, nullptr);
                if (LZ4F_isError(more)) {
                    return corruptPayload(Compression::Lz4, LZ4F_getErrorName(more));
                }
                produced += outSize;
                if (more == 0) {
                    break;
                }
                if (outSize == 0) {
                    return corruptPayload(Compression::Lz4, "truncated frame");
                }
            }
        }
    }
    out.resize(produced);
    return out;
}

Result<std::vector<std::byte>> lz4(std::span<const std::byte> input, Lz4HeaderChecksum kind)
{
    LZ4F_preferences_t prefs{};
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    std::vector<std::byte> out(LZ4F_compressFrameBound(input.size(), &prefs));
    const std::size_t n = LZ4F_compressFrame(out.data(), out.size(), input.data(), input.size(), &prefs);
    if (LZ4F_isError(n)) {
        return makeError(Errc::Io, std::string("lz4: ") + LZ4F_getErrorName(n));
    }
    out.resize(n);
    if (kind == Lz4HeaderChecksum::Kafka3160) {
        const std::size_t headerLength = lz4HeaderLength(out);
        out[headerLength - 1] = lz4HeaderChecksum(std::span(out).first(headerLength), kind);
    }
    return out;
}

Result<std::vector<std::byte>> unzstd(std::span<const std::byte> input, std::size_t maxOutput)
{
    const std::unique_ptr<ZSTD_DStream, std::size_t (*)(ZSTD_DStream *)> ds(ZSTD_createDStream(), ZSTD_freeDStream);
    if (!ds) {
        return makeError(Errc::Io, "zstd: cannot create a decompression stream");
    }
    std::vector<std::byte> out(std::min(maxOutput, std::max<std::size_t>(input.size() * 4, 4096)));
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    std::size_t produced = 0;
    std::size_t lastRc = 1;
    while (in.pos < in.size || lastRc != 0) {
        if (produced == out.size() && !grow(out, maxOutput)) {
            return tooLarge(Compression::Zstd, maxOutput);
        }
        ZSTD_outBuffer ob{out.data(), out.size(), produced};
        const std::size_t before = in.pos;
        lastRc = ZSTD_decompressStream(ds.get(), &ob, &in);
        if (ZSTD_isError(lastRc)) {
            return corruptPayload(Compression::Zstd, ZSTD_getErrorName(lastRc));
        }
        const bool progressed = ob.pos != produced || in.pos != before;
        produced = ob.pos;
        if (!progressed && ob.pos < ob.size) {
            return corruptPayload(Compression::Zstd, "truncated frame");
        }
    }
    out.resize(produced);
    return out;
}

Result<std::vector<std::byte>> zstd(std::span<const std::byte> input)
{
    std::vector<std::byte> out(ZSTD_compressBound(input.size()));
    const std::size_t n = ZSTD_compress(out.data(), out.size(), input.data(), input.size(), 3);
    if (ZSTD_isError(n)) {
        return makeError(Errc::Io, std::string("zstd: ") + ZSTD_getErrorName(n));
    }
    out.resize(n);
    return out;
}

} // namespace

Result<std::vector<std::byte>> decompress(Compression codec, std::span<const std::byte> input, std::size_t maxOutput,
                                          Lz4HeaderChecksum lz4Checksum)
{
    switch (codec) {
    case Compression::None:
        if (input.size() > maxOutput) {
            return tooLarge(codec, maxOutput);
        }
        return std::vector<std::byte>(input.begin(), input.end());
    case Compression::Gzip: return gunzip(input, maxOutput);
    case Compression::Snappy: return unsnappy(input, maxOutput);
    case Compression::Lz4: return unlz4(input, maxOutput, lz4Checksum);
    case Compression::Zstd: return unzstd(input, maxOutput);
    }
    return makeError(Errc::Unsupported, "unknown compression codec " + std::to_string(static_cast<int>(codec)));
}

Result<std::vector<std::byte>> compress(Compression codec, std::span<const std::byte> input,
                                        Lz4HeaderChecksum lz4Checksum)
{
    switch (codec) {
    case Compression::None: return std::vector<std::byte>(input.begin(), input.end());
    case Compression::Gzip: return gzip(input);
    case Compression::Snappy: return snappyFramed(input);
    case Compression::Lz4: return lz4(input, lz4Checksum);
    case Compression::Zstd: return zstd(input);
    }
    return makeError(Errc::Unsupported, "unknown compression codec " + std::to_string(static_cast<int>(codec)));
}

} // namespace spillway::core
