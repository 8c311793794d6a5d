// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>

namespace spillway::core {

/// A distinct integer type: StrongType<int64_t, struct OffsetTag> does not
/// convert to or from StrongType<int32_t, struct RelativeOffsetTag>, so mixing
/// an absolute and a relative offset does not compile.
template <class T, class Tag>
class StrongType {
public:
    using value_type = T;

    constexpr StrongType() = default;
    constexpr explicit StrongType(T v) noexcept : m_value(v) {}

    [[nodiscard]] constexpr T get() const noexcept { return m_value; }

    constexpr auto operator<=>(const StrongType &) const = default;
    constexpr bool operator==(const StrongType &) const = default;

    friend std::ostream &operator<<(std::ostream &os, StrongType v) { return os << v.m_value; }

private:
    T m_value{};
};

/// Absolute Kafka offset (int64 on the wire and on disk).
using Offset = StrongType<std::int64_t, struct OffsetTag>;
/// Offset relative to a segment's base offset, as stored in index entries.
using RelativeOffset = StrongType<std::int32_t, struct RelativeOffsetTag>;
/// Byte position inside a segment .log file.
using FilePosition = StrongType<std::int64_t, struct FilePositionTag>;
/// Milliseconds since the Unix epoch; -1 means "no timestamp".
using Timestamp = StrongType<std::int64_t, struct TimestampTag>;
using LeaderEpoch = StrongType<std::int32_t, struct LeaderEpochTag>;
using BrokerId = StrongType<std::int32_t, struct BrokerIdTag>;
using PartitionId = StrongType<std::int32_t, struct PartitionIdTag>;

} // namespace spillway::core

template <class T, class Tag>
struct std::hash<spillway::core::StrongType<T, Tag>> {
    std::size_t operator()(spillway::core::StrongType<T, Tag> v) const noexcept { return std::hash<T>{}(v.get()); }
};
