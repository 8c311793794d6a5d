// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace spillway::core {

/// CRC-32C (Castagnoli), the checksum of v2 record batches and producer
/// snapshots, with Kafka's conventions: crc32c("123456789") == 0xE3069283,
/// and crc32c(b, crc32c(a)) == crc32c(a + b).
///
/// Uses the SSE4.2 crc32 instruction (three interleaved streams on large
/// buffers) when the CPU has it, else a slicing-by-8 table. Thread-safe.
std::uint32_t crc32c(std::span<const std::byte> data, std::uint32_t crc = 0) noexcept;

/// The table implementation, always; for tests and benchmarks.
std::uint32_t crc32cSoftware(std::span<const std::byte> data, std::uint32_t crc = 0) noexcept;

/// Whether crc32c() uses the hardware instruction on this CPU.
bool crc32cHardwareAvailable() noexcept;

} // namespace spillway::core
