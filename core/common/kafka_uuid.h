// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace spillway::core {

/// Kafka's Uuid (topic ids, directory ids): 16 bytes, written as URL-safe
/// base64 without padding, 22 characters (org.apache.kafka.common.Uuid).
/// A plain value type.
class KafkaUuid {
public:
    KafkaUuid() = default;
    explicit KafkaUuid(const std::array<std::uint8_t, 16> &bytes) : m_bytes(bytes) {}

    /// Parses the 22-character form. Errors name the offending text.
    static Result<KafkaUuid> fromString(std::string_view text);

    /// 16 bytes from /dev/urandom with the version-4 bits set, as
    /// Uuid.randomUuid (which also avoids ids whose string starts with '-').
    static Result<KafkaUuid> random();

    [[nodiscard]] std::string toString() const;
    /// 32 lowercase hex digits, the form used in `-delete` directory names.
    [[nodiscard]] std::string toHex() const;
    [[nodiscard]] const std::array<std::uint8_t, 16> &bytes() const { return m_bytes; }
    [[nodiscard]] bool isZero() const;

    bool operator==(const KafkaUuid &) const = default;

private:
    std::array<std::uint8_t, 16> m_bytes{};
};

} // namespace spillway::core
