// SPDX-License-Identifier: GPL-3.0-or-later
#include "labfs/size_parse.h"

#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <string>
#include <utility>

namespace spillway::labfs {

using core::Errc;
using core::makeError;

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char &c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

core::Result<std::uint64_t> parseSize(std::string_view text)
{
    const auto bad = [&](std::string_view why) {
        return makeError(Errc::InvalidArgument, "invalid size '" + std::string(text) + "': " + std::string(why),
                         "use bytes or a unit: 256M, 1GiB, 500MB");
    };
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
        ++digits;
    if (digits == 0)
        return bad("no number");
    std::uint64_t number = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, number);
    if (ec != std::errc() || ptr != text.data() + digits)
        return bad("number out of range");

    static constexpr std::uint64_t kKi = 1024;
    static constexpr std::uint64_t kK = 1000;
    static const std::array<std::pair<std::string_view, std::uint64_t>, 17> units{{
        {"", 1},
        {"b", 1},
        {"k", kKi},
        {"kib", kKi},
        {"kb", kK},
        {"m", kKi * kKi},
        {"mib", kKi * kKi},
        {"mb", kK * kK},
        {"g", kKi * kKi * kKi},
        {"gib", kKi * kKi * kKi},
        {"gb", kK * kK * kK},
        {"t", kKi * kKi * kKi * kKi},
        {"tib", kKi * kKi * kKi * kKi},
        {"tb", kK * kK * kK * kK},
        {"ki", kKi},
        {"mi", kKi * kKi},
        {"gi", kKi * kKi * kKi},
    }};
    const std::string unit = lower(text.substr(digits));
    for (const auto &[name, factor] : units) {
        if (unit != name)
            continue;
        if (number > std::numeric_limits<std::uint64_t>::max() / factor)
            return bad("too large");
        return number * factor;
    }
    return bad("unknown unit '" + std::string(text.substr(digits)) + "'");
}

} // namespace spillway::labfs
