// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace spillway::core {

/// One producer's state in a snapshot (ON-DISK-FORMAT §8), 46 bytes on disk.
struct ProducerSnapshotEntry {
    std::int64_t producerId = -1;
    std::int16_t producerEpoch = -1;
    std::int32_t lastSequence = -1;
    Offset lastOffset{-1};
    std::int32_t offsetDelta = 0; ///< last seq - first seq of the producer's last batch
    Timestamp timestamp{-1};
    std::int32_t coordinatorEpoch = -1;
    Offset currentTxnFirstOffset{-1}; ///< -1: no open transaction

    bool operator==(const ProducerSnapshotEntry &) const = default;
};

/// A producer-state snapshot (`<20-digit offset>.snapshot`, Kafka 0.11+):
/// int16 version 1, uint32 CRC-32C of bytes [6, end), int32 count, then
/// 46-byte entries. Reading rejects what Kafka rejects (version, CRC,
/// sizes) with the byte position in the message. A plain value type.
class ProducerSnapshot {
public:
    static constexpr std::int16_t kVersion = 1;
    static constexpr std::size_t kHeaderSize = 10;
    static constexpr std::size_t kEntrySize = 46;

    ProducerSnapshot() = default;
    explicit ProducerSnapshot(std::vector<ProducerSnapshotEntry> entries) : m_entries(std::move(entries)) {}

    static Result<ProducerSnapshot> parse(std::span<const std::byte> data, std::string_view fileLabel);
    static Result<ProducerSnapshot> read(const std::filesystem::path &file);

    [[nodiscard]] std::vector<std::byte> serialize() const;
    [[nodiscard]] Status write(const std::filesystem::path &file) const;

    [[nodiscard]] const std::vector<ProducerSnapshotEntry> &entries() const { return m_entries; }

private:
    std::vector<ProducerSnapshotEntry> m_entries;
};

} // namespace spillway::core
