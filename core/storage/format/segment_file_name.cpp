// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/segment_file_name.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>

namespace spillway::core {
namespace {

constexpr std::size_t kStemDigits = 20;

constexpr std::array kTypes = {SegmentFileType::Log, SegmentFileType::Index, SegmentFileType::TimeIndex,
                               SegmentFileType::TxnIndex, SegmentFileType::Snapshot};
constexpr std::array kSuffixes = {TempSuffix::Deleted, TempSuffix::Cleaned, TempSuffix::Swap};

} // namespace

std::string_view extension(SegmentFileType type) noexcept
{
    switch (type) {
    case SegmentFileType::Log: return ".log";
    case SegmentFileType::Index: return ".index";
    case SegmentFileType::TimeIndex: return ".timeindex";
    case SegmentFileType::TxnIndex: return ".txnindex";
    case SegmentFileType::Snapshot: return ".snapshot";
    }
    return "";
}

std::string_view extension(TempSuffix suffix) noexcept
{
    switch (suffix) {
    case TempSuffix::None: return "";
    case TempSuffix::Deleted: return ".deleted";
    case TempSuffix::Cleaned: return ".cleaned";
    case TempSuffix::Swap: return ".swap";
    }
    return "";
}

std::string SegmentFileName::toString() const
{
    std::string out = formatOffsetFileStem(offset);
    out += extension(type);
    out += extension(suffix);
    return out;
}

std::string formatOffsetFileStem(Offset offset)
{
    assert(offset.get() >= 0);
    std::string out(kStemDigits, '0');
    auto v = static_cast<std::uint64_t>(offset.get());
    for (std::size_t i = kStemDigits; i > 0 && v != 0; --i, v /= 10)
        out[i - 1] = static_cast<char>('0' + v % 10);
    return out;
}

std::optional<SegmentFileName> parseSegmentFileName(std::string_view fileName)
{
    if (fileName.size() <= kStemDigits || fileName[kStemDigits] != '.')
        return std::nullopt;
    const std::string_view stem = fileName.substr(0, kStemDigits);
    if (!std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), value);
    if (ec != std::errc() || end != stem.data() + stem.size())
        return std::nullopt; // 20 digits beyond int64 range
    SegmentFileName out;
    out.offset = Offset(value);
    std::string_view rest = fileName.substr(kStemDigits);
    for (const auto suffix : kSuffixes) {
        if (rest.ends_with(extension(suffix))) {
            out.suffix = suffix;
            rest.remove_suffix(extension(suffix).size());
            break;
        }
    }
    for (const auto type : kTypes) {
        if (rest == extension(type)) {
            out.type = type;
            return out;
        }
    }
    return std::nullopt;
}

} // namespace spillway::core
