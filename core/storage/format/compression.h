// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/storage/format/batch.h"

#include <cstddef>
#include <span>
#include <vector>

namespace spillway::core {

/// Decompression never produces more than this unless told otherwise: a
/// corrupt or hostile batch must not exhaust memory (decompression bombs).
inline constexpr std::size_t kDefaultMaxDecompressedBytes = std::size_t{256} << 20;

/// Which LZ4 frame-descriptor checksum to write or accept. Magic 0 message
/// sets written by Kafka hash the descriptor including the 4 magic bytes
/// (KAFKA-3160); everything else uses the LZ4 frame specification.
enum class Lz4HeaderChecksum { Standard, Kafka3160 };

/// Decompresses a Kafka compressed payload the way Kafka's codecs frame it
/// (ON-DISK-FORMAT §3): gzip stream(s), xerial snappy-java framed stream
/// (raw snappy accepted as a fallback), LZ4 frame(s), zstd frame(s).
/// With Kafka3160, an LZ4 descriptor checksum in either form is accepted.
/// Fails with Errc::Corrupt on malformed or truncated input and when the
/// output would exceed `maxOutput`. Compression::None returns a copy.
Result<std::vector<std::byte>> decompress(Compression codec, std::span<const std::byte> input,
                                          std::size_t maxOutput = kDefaultMaxDecompressedBytes,
                                          Lz4HeaderChecksum lz4Checksum = Lz4HeaderChecksum::Standard);

/// Compresses in the framing Kafka's producers write: gzip (deflate, gzip
/// header), snappy in the xerial framed form (32 KiB blocks), LZ4 frame with
/// independent 64 KiB blocks, zstd level 3.
Result<std::vector<std::byte>> compress(Compression codec, std::span<const std::byte> input,
                                        Lz4HeaderChecksum lz4Checksum = Lz4HeaderChecksum::Standard);

} // namespace spillway::core
