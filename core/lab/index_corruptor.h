// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/lab/lab_result.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

namespace spillway::lab {

/// What corrupt-index did to one `.index` file.
struct IndexCorruption {
    std::filesystem::path file;
    std::int64_t entry = 0;   ///< which 8-byte slot
    std::int64_t entries = 0; ///< slots in use before
    std::int64_t byteStart = 0;
    std::array<std::uint8_t, 8> before{};
    std::array<std::uint8_t, 8> after{};
    std::string verifierSays; ///< the first problem spillway's index verifier now reports
};

/// The corrupt-index drill's hand: picks the segment of a partition whose
/// offset index has the most entries and overwrites its middle entry with
/// 0xDEADBEEF twice: a negative relative offset and a negative position, which
/// Kafka's sanity check (and spillway's verifier) reject, so a broker that
/// starts on it must rebuild the index from the .log. The broker must be
/// stopped. Stateless.
class IndexCorruptor {
public:
    static Result<IndexCorruption> corrupt(const std::filesystem::path &partitionDir);
};

std::string hexBytes(const std::array<std::uint8_t, 8> &bytes);

} // namespace spillway::lab
