// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/strong_type.h"

#include <optional>
#include <string>
#include <string_view>

namespace spillway::core {

/// The files Kafka names after an offset (ON-DISK-FORMAT §1).
enum class SegmentFileType { Log, Index, TimeIndex, TxnIndex, Snapshot };
std::string_view extension(SegmentFileType type) noexcept; ///< ".log", ".index", ...

/// Suffix Kafka appends to a segment file during deletion, cleaning or
/// splitting; such files are temporary and resolved at the next startup.
enum class TempSuffix { None, Deleted, Cleaned, Swap };
std::string_view extension(TempSuffix suffix) noexcept; ///< "", ".deleted", ".cleaned", ".swap"

/// A parsed offset-named file name such as `00000000000001725413.log.swap`.
/// For `.snapshot` the offset is the log end offset at snapshot time, not a
/// segment base offset.
struct SegmentFileName {
    Offset offset{0};
    SegmentFileType type = SegmentFileType::Log;
    TempSuffix suffix = TempSuffix::None;

    [[nodiscard]] std::string toString() const;
};

/// Kafka's 20-digit zero-padded decimal: 1725413 -> "00000000000001725413".
/// Offsets must be >= 0.
std::string formatOffsetFileStem(Offset offset);

/// `<20 digits><extension>[<temp suffix>]`, else nullopt. Exactly 20 digits
/// are required: that is what every Kafka version writes.
std::optional<SegmentFileName> parseSegmentFileName(std::string_view fileName);

} // namespace spillway::core
