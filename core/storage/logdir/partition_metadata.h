// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/kafka_uuid.h"
#include "core/common/result.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace spillway::core {

inline constexpr std::string_view kPartitionMetadataFile = "partition.metadata";

/// A partition's `partition.metadata` (ON-DISK-FORMAT §9.3, Kafka 2.8+):
/// `version: 0\ntopic_id: <22-char Uuid>`, exactly 43 bytes, no trailing
/// newline. Read as Kafka does (each line split on ':' plus whitespace),
/// written byte for byte as Kafka does, atomically. A plain value type.
struct PartitionMetadata {
    static constexpr int kVersion = 0;
    static constexpr std::size_t kFileSize = 43;

    KafkaUuid topicId;

    static Result<PartitionMetadata> parse(std::string_view text, std::string_view fileLabel);
    static Result<PartitionMetadata> read(const std::filesystem::path &file);

    [[nodiscard]] std::string serialize() const;
    [[nodiscard]] Status write(const std::filesystem::path &file) const;
};

} // namespace spillway::core
